"""Writes for objects and releases: authoring, the four-eyes publication review, releases, withdrawal.

Every service takes the acting user, checks the permission again (a view that forgets cannot leak),
locks the object row, changes state inside ``transaction.atomic`` and writes its audit event in the
same transaction, so that the change and its record commit or vanish together.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.core.errors import ApplicationError
from traceobject.core.permissions import Permission, permission_require
from traceobject.gallery import hooks
from traceobject.gallery.models import (
    REVIEW_CHECKLIST,
    Audience,
    Category,
    ImageStatus,
    Object,
    ObjectStatus,
    PublicationReview,
    Release,
    ReviewDecision,
    code_validator,
)
from traceobject.gallery.selectors import language_name, object_contributor_ids, public_languages

logger = logging.getLogger(__name__)

# Details and images can change only before review. An approved object may still be edited, but the
# edit sends it back to draft: the approval covered what the reviewer saw, not what came after.
EDITABLE_STATUSES = frozenset({ObjectStatus.DRAFT, ObjectStatus.APPROVED})
# "Publish now" may be a few minutes old by the time the form is sent.
PUBLISH_AT_TOLERANCE = timedelta(minutes=10)


def _locked(obj: Object) -> Object:
    """The object's row, locked until the end of the transaction, with its current state."""
    try:
        return Object.objects.select_for_update().get(pk=obj.pk)
    except Object.DoesNotExist as exc:
        raise ApplicationError(_("This object no longer exists.")) from exc


def _refresh(target: Object, source: Object) -> Object:
    """Copy the saved state back onto the caller's instance, so that it does not act on stale fields."""
    for model_field in Object._meta.concrete_fields:
        setattr(target, model_field.attname, getattr(source, model_field.attname))
    return target


# --- Authoring ---------------------------------------------------------------------------------------


def _lines(values: Iterable[str]) -> list[str]:
    return [" ".join(value.split()) for value in values if value and value.strip()]


@dataclass(frozen=True)
class ObjectFields:
    """What an author writes about an object. Questions and hints are lists of one-line texts."""

    code: str
    title: str
    category: Category
    description: str = ""
    questions: Sequence[str] = ()
    hints: Sequence[str] = ()
    related: Sequence[Object] = ()
    case_reference: str = ""
    internal_notes: str = ""
    # The language the text above is written in (one of settings.LANGUAGES); None keeps the object's
    # (the site's default language for a new object).
    original_language: str | None = None

    def normalized_code(self) -> str:
        return self.code.strip().upper()


def _validate_fields(fields: ObjectFields, *, instance: Object | None) -> str:
    code = fields.normalized_code()
    try:
        code_validator(code)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="code") from exc
    taken = Object.objects.filter(code=code)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        raise ApplicationError(
            _("Another object already has the code %(code)s.") % {"code": code}, field="code"
        )
    if not fields.title.strip():
        raise ApplicationError(_("Give the object a title."), field="title")
    if instance is not None and any(other.pk == instance.pk for other in fields.related):
        raise ApplicationError(_("An object cannot be related to itself."), field="related")
    _validate_original_language(fields, instance=instance)
    return code


def _validate_original_language(fields: ObjectFields, *, instance: Object | None) -> None:
    language = fields.original_language
    if language is None or (instance is not None and language == instance.original_language):
        return
    if language not in public_languages():
        raise ApplicationError(_("Choose one of the site's languages."), field="original_language")
    if instance is not None and instance.translations.filter(language=language).exists():
        # The original and a translation in one language: which one would the page show?
        raise ApplicationError(
            _(
                "This object has a translation into %(language)s. Delete that translation first, or keep "
                "the original language."
            )
            % {"language": language_name(language)},
            field="original_language",
        )


def _apply_fields(obj: Object, fields: ObjectFields, code: str) -> None:
    obj.code = code
    obj.title = fields.title.strip()
    obj.category = fields.category
    obj.description = fields.description.strip()
    obj.questions = _lines(fields.questions)
    obj.hints = _lines(fields.hints)
    obj.case_reference = fields.case_reference.strip()
    obj.internal_notes = fields.internal_notes.strip()
    if fields.original_language is not None:
        obj.original_language = fields.original_language


def _code_taken(fields: ObjectFields) -> ApplicationError:
    # Two authors claiming the same code at the same moment: the unique index decides.
    return ApplicationError(
        _("Another object already has the code %(code)s.") % {"code": fields.normalized_code()}, field="code"
    )


def object_create(*, actor: Any, fields: ObjectFields) -> Object:
    """A new draft, authored by ``actor``."""
    permission_require(actor, Permission.GALLERY_OBJECT_WRITE)
    try:
        with transaction.atomic():
            code = _validate_fields(fields, instance=None)
            obj = Object(status=ObjectStatus.DRAFT, author=actor)
            _apply_fields(obj, fields, code)
            obj.save()
            obj.related.set(fields.related)
            audit_record(
                actor=actor, action=AuditAction.OBJECT_CREATE, target=obj, details={"code": obj.code}
            )
    except IntegrityError as exc:
        raise _code_taken(fields) from exc
    return obj


_TRACKED_FIELDS = (
    "code",
    "title",
    "category_id",
    "description",
    "questions",
    "hints",
    "case_reference",
    "internal_notes",
    "original_language",
)


@dataclass(frozen=True)
class ObjectEdited:
    obj: Object
    changed: list[str] = field(default_factory=list)
    # True when the edit took an approved object back to draft: it needs a new review.
    returned_to_draft: bool = False


def object_edit(*, actor: Any, obj: Object, fields: ObjectFields) -> ObjectEdited:
    """Change a draft, or an approved object, which goes back to draft for a new review."""
    permission_require(actor, Permission.GALLERY_OBJECT_WRITE)
    try:
        edited = _object_edit(actor, obj, fields)
    except IntegrityError as exc:
        raise _code_taken(fields) from exc
    _refresh(obj, edited.obj)
    return ObjectEdited(obj=obj, changed=edited.changed, returned_to_draft=edited.returned_to_draft)


def _object_edit(actor: Any, obj: Object, fields: ObjectFields) -> ObjectEdited:
    with transaction.atomic():
        current = _locked(obj)
        if current.status not in EDITABLE_STATUSES:
            raise ApplicationError(
                _("An object that is %(status)s cannot be edited.")
                % {"status": current.get_status_display().lower()}
            )
        code = _validate_fields(fields, instance=current)
        before = {name: getattr(current, name) for name in _TRACKED_FIELDS}
        related_before = set(current.related.values_list("pk", flat=True))
        _apply_fields(current, fields, code)
        changed = [
            name.removesuffix("_id") for name in _TRACKED_FIELDS if getattr(current, name) != before[name]
        ]
        if {other.pk for other in fields.related} != related_before:
            changed.append("related")
            current.related.set(fields.related)
        returned = current.status == ObjectStatus.APPROVED
        if returned:
            current.status = ObjectStatus.DRAFT
        current.save()
        details: dict[str, Any] = {"changed": changed}
        if returned:
            details["status"] = {"from": ObjectStatus.APPROVED, "to": ObjectStatus.DRAFT}
        audit_record(actor=actor, action=AuditAction.OBJECT_EDIT, target=current, details=details)
    return ObjectEdited(obj=current, changed=changed, returned_to_draft=returned)


def object_images_check_editable(*, obj: Object) -> None:
    """Images may be added or edited only on a draft: the reviewer approves what is there. (Removing
    one is always possible, so that a picture can be taken down at once.)"""
    if obj.status != ObjectStatus.DRAFT:
        raise ApplicationError(
            _(
                "Images can be changed only while the object is a draft. "
                "It is %(status)s; editing its details first returns an approved object to draft."
            )
            % {"status": obj.get_status_display().lower()}
        )


# --- Review --------------------------------------------------------------------------------------------


def _check_images_ready(obj: Object) -> None:
    statuses = list(obj.images.values_list("status", flat=True))
    if ImageStatus.PENDING in statuses:
        raise ApplicationError(_("Some images are still being processed. Try again in a moment."))
    if ImageStatus.FAILED in statuses:
        raise ApplicationError(_("Some images could not be processed. Remove them first."))
    if not statuses:
        raise ApplicationError(_("The object needs at least one ready image."))


def _check_translations_current(obj: Object) -> None:
    """A translation made from an earlier text of the original could say what the original no longer
    says (a hint taken out because it could identify someone): it is updated or deleted before review."""
    digest = obj.text_digest()
    outdated = [
        language_name(row.language)
        for row in sorted(obj.translations.all(), key=lambda row: row.language)
        if row.source_digest != digest
    ]
    if outdated:
        raise ApplicationError(
            _(
                "These translations were made from an earlier text of the object: %(languages)s. "
                "Update or delete them first."
            )
            % {"languages": ", ".join(outdated)}
        )


def object_submit(*, actor: Any, obj: Object) -> Object:
    """Draft → in review. The author or any other writer may submit."""
    permission_require(actor, Permission.GALLERY_OBJECT_WRITE)
    with transaction.atomic():
        current = _locked(obj)
        if current.status != ObjectStatus.DRAFT:
            raise ApplicationError(_("Only a draft can be submitted for review."))
        _check_images_ready(current)
        _check_translations_current(current)
        current.status = ObjectStatus.IN_REVIEW
        current.submitted_at = timezone.now()
        current.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.OBJECT_SUBMIT, target=current)
    return _refresh(obj, current)


def _check_reviewer(actor: Any, obj: Object) -> None:
    if obj.author_id is not None and obj.author_id == actor.pk:
        raise ApplicationError(_("You wrote this object: another publisher must review it (four eyes)."))
    if actor.pk in object_contributor_ids(obj=obj):
        raise ApplicationError(
            _("You worked on this object or its images: another publisher must review it (four eyes).")
        )


def _safety_report(obj: Object) -> Any:
    """The imaging app's report (``hooks.object_safety_report``); fails loudly when none is provided."""
    return hooks.object_safety_report(obj=obj)


def object_approve(
    *, actor: Any, obj: Object, checklist: Iterable[str], comments: str = ""
) -> PublicationReview:
    """In review → approved, by a publisher other than the author, with every checklist item ticked
    and no blocking finding in the safety report."""
    permission_require(actor, Permission.GALLERY_OBJECT_REVIEW)
    ticked = set(checklist)
    with transaction.atomic():
        current = _locked(obj)
        if current.status != ObjectStatus.IN_REVIEW:
            raise ApplicationError(_("Only an object in review can be approved."))
        _check_reviewer(actor, current)
        unknown = ticked - set(REVIEW_CHECKLIST)
        if unknown:
            raise ApplicationError(_("Unknown checklist item."), field="checklist")
        missing = [key for key in REVIEW_CHECKLIST if key not in ticked]
        if missing:
            raise ApplicationError(_("Tick every item of the checklist to approve."), field="checklist")
        _check_images_ready(current)
        _check_translations_current(current)
        report = _safety_report(current)
        if report.blocking:
            raise ApplicationError(
                _("The safety scan found a problem that blocks approval. Send the object back instead.")
            )
        review = PublicationReview.objects.create(
            object=current,
            reviewer=actor,
            decision=ReviewDecision.APPROVED,
            checklist=dict.fromkeys(REVIEW_CHECKLIST, True),
            comments=comments.strip(),
        )
        current.status = ObjectStatus.APPROVED
        current.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.OBJECT_APPROVE,
            target=current,
            details={"review": review.pk, "checklist": sorted(REVIEW_CHECKLIST)},
        )
    _refresh(obj, current)
    return review


def object_reject(
    *, actor: Any, obj: Object, comments: str, checklist: Iterable[str] = ()
) -> PublicationReview:
    """In review → draft, with a comment that tells the author what to change."""
    permission_require(actor, Permission.GALLERY_OBJECT_REVIEW)
    comments = comments.strip()
    if not comments:
        raise ApplicationError(_("Say what must change before the object can be approved."), field="comments")
    ticked = set(checklist) & set(REVIEW_CHECKLIST)
    with transaction.atomic():
        current = _locked(obj)
        if current.status != ObjectStatus.IN_REVIEW:
            raise ApplicationError(_("Only an object in review can be sent back."))
        _check_reviewer(actor, current)
        review = PublicationReview.objects.create(
            object=current,
            reviewer=actor,
            decision=ReviewDecision.REJECTED,
            checklist={key: key in ticked for key in REVIEW_CHECKLIST},
            comments=comments,
        )
        current.status = ObjectStatus.DRAFT
        current.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.OBJECT_REJECT,
            target=current,
            details={"review": review.pk, "comments": comments},
        )
    _refresh(obj, current)
    return review


# --- Releases and publication ----------------------------------------------------------------------


def _publish_time(publish_at: datetime) -> datetime:
    if timezone.is_naive(publish_at):
        raise ApplicationError(_("Give the publication time with its time zone."), field="publish_at")
    now = timezone.now()
    if publish_at < now - PUBLISH_AT_TOLERANCE:
        raise ApplicationError(_("The publication time must be now or in the future."), field="publish_at")
    return max(publish_at, now)


def _figures_changed() -> None:
    """The public figures count published objects: ``stats`` forgets them and recomputes them after
    the commit (``hooks.figures_changed``)."""
    hooks.figures_changed()


def release_create(*, actor: Any, name: str, publish_at: datetime) -> Release:
    """A batch of objects that goes out together at ``publish_at`` (now or later)."""
    permission_require(actor, Permission.GALLERY_RELEASE_MANAGE)
    name = " ".join(name.split())
    if not name:
        raise ApplicationError(_("Give the release a name."), field="name")
    when = _publish_time(publish_at)
    with transaction.atomic():
        release = Release.objects.create(name=name, publish_at=when)
        audit_record(
            actor=actor,
            action=AuditAction.RELEASE_CREATE,
            target=release,
            details={"publish_at": when.isoformat()},
        )
    return release


def release_schedule(*, actor: Any, release: Release, publish_at: datetime) -> Release:
    """Move a release that has not gone out yet (to now, or to another time in the future)."""
    permission_require(actor, Permission.GALLERY_RELEASE_MANAGE)
    when = _publish_time(publish_at)
    with transaction.atomic():
        current = Release.objects.select_for_update().get(pk=release.pk)
        if current.publish_at <= timezone.now():
            raise ApplicationError(_("This release is already out; it can no longer be moved."))
        before = current.publish_at
        current.publish_at = when
        current.save(update_fields=["publish_at"])
        Object.objects.filter(release=current, status=ObjectStatus.PUBLISHED).update(published_at=when)
        audit_record(
            actor=actor,
            action=AuditAction.RELEASE_SCHEDULE,
            target=current,
            details={"from": before.isoformat(), "to": when.isoformat()},
        )
        _figures_changed()
    release.publish_at = current.publish_at
    return release


def object_assign_release(*, actor: Any, obj: Object, release: Release, audience: str) -> Object:
    """Approved → published in ``release`` for ``audience``; it appears when the release time comes."""
    permission_require(actor, Permission.GALLERY_RELEASE_MANAGE)
    if audience not in Audience.values:
        raise ApplicationError(_("Choose who may see the object."), field="audience")
    with transaction.atomic():
        current = _locked(obj)
        if current.status != ObjectStatus.APPROVED:
            raise ApplicationError(
                _("%(code)s is not approved, so it cannot be published.") % {"code": current.code}
            )
        approval = current.reviews.order_by("-created_at", "-id").first()
        if approval is None or approval.decision != ReviewDecision.APPROVED:
            raise ApplicationError(_("%(code)s has no approved review.") % {"code": current.code})
        _check_images_ready(current)
        # The reviewer approved the images as they were: none may have been added or remade since.
        if current.images.filter(
            Q(created_at__gt=approval.created_at) | Q(processed_at__gt=approval.created_at)
        ):
            raise ApplicationError(
                _("The images of %(code)s changed after the review; it needs a new review.")
                % {"code": current.code}
            )
        if _safety_report(current).blocking:
            raise ApplicationError(
                _("The safety scan of %(code)s now reports a blocking problem.") % {"code": current.code}
            )
        current.status = ObjectStatus.PUBLISHED
        current.release = release
        current.audience = audience
        current.published_at = release.publish_at
        current.save(update_fields=["status", "release", "audience", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.OBJECT_PUBLISH,
            target=current,
            details={
                "release": release.pk,
                "release_name": release.name,
                "audience": audience,
                "publish_at": release.publish_at.isoformat(),
                "review": approval.pk,
            },
        )
        _figures_changed()
    return _refresh(obj, current)


def release_assign(*, actor: Any, release: Release, objects: Sequence[Object], audience: str) -> list[Object]:
    """Publish several approved objects in one release: all of them, or none."""
    permission_require(actor, Permission.GALLERY_RELEASE_MANAGE)
    if not objects:
        raise ApplicationError(_("Choose at least one approved object."), field="objects")
    with transaction.atomic():
        return [
            object_assign_release(actor=actor, obj=obj, release=release, audience=audience) for obj in objects
        ]


# --- Withdrawal ----------------------------------------------------------------------------------------


def object_withdraw(*, actor: Any, obj: Object, reason: str) -> Object:
    """Any state → withdrawn: the object leaves every public page, and its public image files go."""
    permission_require(actor, Permission.GALLERY_OBJECT_WITHDRAW)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say why the object is withdrawn."), field="reason")
    with transaction.atomic():
        current = _locked(obj)
        if current.status == ObjectStatus.WITHDRAWN:
            raise ApplicationError(_("This object is already withdrawn."))
        before = current.status
        current.status = ObjectStatus.WITHDRAWN
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["status", "withdrawn_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.OBJECT_WITHDRAW,
            target=current,
            details={"reason": reason, "from": before},
        )
        _figures_changed()
        # A saved link to a derivative must stop working too: the imaging app deletes the public files
        # once the withdrawal has committed.
        hooks.object_withdrawn(obj=current)
    return _refresh(obj, current)


# --- Categories --------------------------------------------------------------------------------------


def _category_values(name: str, position: int) -> tuple[str, int]:
    name = " ".join(name.split())
    if not name:
        raise ApplicationError(_("Give the category a name."), field="name")
    if len(name) > Category._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ApplicationError(_("The name is too long."), field="name")
    if not 0 <= position <= 32767:
        raise ApplicationError(_("The position must be a number from 0 to 32767."), field="position")
    return name, position


def category_create(*, actor: Any, slug: str, name: str, position: int = 0) -> Category:
    """A new category. Its slug is its stable name in URLs (``?category=bags``) and never changes."""
    permission_require(actor, Permission.GALLERY_CATEGORY_MANAGE)
    slug = slug.strip().lower()
    try:
        validate_slug(slug)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="slug") from exc
    name, position = _category_values(name, position)
    taken = ApplicationError(
        _("Another category already has the slug %(slug)s.") % {"slug": slug}, field="slug"
    )
    if Category.objects.filter(slug=slug).exists():
        raise taken
    try:
        with transaction.atomic():
            category = Category.objects.create(slug=slug, name=name, position=position)
            audit_record(
                actor=actor,
                action=AuditAction.CATEGORY_CREATE,
                target=category,
                details={"slug": slug, "name": name, "position": position},
            )
    except IntegrityError as exc:
        raise taken from exc
    return category


def category_edit(*, actor: Any, category: Category, name: str, position: int) -> Category:
    """Rename a category or move it in the gallery's list; the audit event keeps both values."""
    permission_require(actor, Permission.GALLERY_CATEGORY_MANAGE)
    name, position = _category_values(name, position)
    with transaction.atomic():
        try:
            current = Category.objects.select_for_update().get(pk=category.pk)
        except Category.DoesNotExist as exc:
            raise ApplicationError(_("This category no longer exists.")) from exc
        changes = {
            key: {"from": before, "to": after}
            for key, before, after in (("name", current.name, name), ("position", current.position, position))
            if before != after
        }
        if changes:
            current.name, current.position = name, position
            current.save(update_fields=["name", "position"])
            audit_record(
                actor=actor,
                action=AuditAction.CATEGORY_EDIT,
                target=current,
                details={"slug": current.slug, **changes},
            )
    category.name, category.position = current.name, current.position
    return category
