"""Writes for an object's text in other languages: add, edit and delete a translation, and the four-eyes
review of a translation proposed for an object that is already out.

A translation is public text, so it follows the rule of the original's text (``services.object_edit``):

* a draft's translations change freely, and its publication review covers them (the review page lists
  them, and an out-of-date one blocks submission and approval);
* changing a translation of an approved object sends the object back to draft, as editing its details
  does: the approval covered what the reviewer saw;
* an object in review waits for its decision;
* an object that is out (published, or located since) cannot be edited at all, so a translation of it
  goes through a second person instead: it is stored as a ``TranslationProposal`` and reaches the
  public only when a publisher who did not write it approves it (``translation_proposal_approve``).
  Until then the public page keeps what it showed.

Deleting a translation is always possible at once, like removing an image: it can only take text down,
and the page then shows the original, marked as such.

Every service re-checks its permission (the one that lets a user edit the object's text, or review it),
locks the object's row, and writes its audit event, on the object, as the last write of its transaction.
Translations are saved and deleted one row at a time through the ORM (never ``update()``), so that the
gallery search's signal handlers see every change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.core.errors import ApplicationError
from traceobject.core.permissions import Permission, permission_require
from traceobject.gallery.models import (
    LOCATED_STATUSES,
    TRANSLATION_CHECKLIST,
    Object,
    ObjectStatus,
    ObjectTranslation,
    ProposalState,
    TranslationProposal,
)
from traceobject.gallery.selectors import language_name, public_languages
from traceobject.gallery.services import EDITABLE_STATUSES, _locked, _refresh

# Objects whose text is public (or was): a translation of them needs a second person's review.
OUT_STATUSES = frozenset({ObjectStatus.PUBLISHED, *LOCATED_STATUSES})
# The limits of the object form (``staff_forms.ObjectForm``), applied here too so that no caller can
# store what the form would refuse.
TITLE_MAX = 200
DESCRIPTION_MAX = 5000
LINES_MAX = 20
LINE_CHARS_MAX = 300
TEXT_FIELDS = ("title", "description", "questions", "hints")


@dataclass(frozen=True)
class TranslationFields:
    """An object's public text in one language; questions and hints are lists of one-line texts."""

    title: str
    description: str = ""
    questions: Sequence[str] = ()
    hints: Sequence[str] = ()


@dataclass(frozen=True)
class TranslationSaved:
    """What a save did: wrote the translation (draft, approved), or proposed it for review (out)."""

    language: str
    translation: ObjectTranslation | None = None
    proposal: TranslationProposal | None = None
    changed: list[str] = field(default_factory=list)
    # True when the save took an approved object back to draft: it needs a new review.
    returned_to_draft: bool = False

    @property
    def proposed(self) -> bool:
        return self.proposal is not None


def _lines(values: Iterable[str], *, name: str) -> list[str]:
    lines = [" ".join(value.split()) for value in values if value and value.strip()]
    if len(lines) > LINES_MAX:
        raise ApplicationError(
            ngettext("Give at most %(max)d line.", "Give at most %(max)d lines.", LINES_MAX)
            % {"max": LINES_MAX},
            field=name,
        )
    if any(len(line) > LINE_CHARS_MAX for line in lines):
        raise ApplicationError(_("Keep each line under 300 characters."), field=name)
    return lines


def _clean(fields: TranslationFields) -> dict[str, Any]:
    """The text as it is stored: whitespace tidied as the original's is, within the form's limits."""
    title = " ".join(fields.title.split())
    if not title:
        raise ApplicationError(_("Give the translation a title."), field="title")
    if len(title) > TITLE_MAX:
        raise ApplicationError(_("The title is too long."), field="title")
    description = fields.description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise ApplicationError(_("The description is too long."), field="description")
    return {
        "title": title,
        "description": description,
        "questions": _lines(fields.questions, name="questions"),
        "hints": _lines(fields.hints, name="hints"),
    }


def _check_language(obj: Object, language: str) -> str:
    code = language.strip().lower()
    if code not in public_languages():
        raise ApplicationError(_("Choose one of the site's languages."), field="language")
    if code == obj.original_language:
        raise ApplicationError(
            _("%(language)s is the language the object was written in: edit the object itself.")
            % {"language": language_name(code)},
            field="language",
        )
    return code


def _changed(before: Any, text: dict[str, Any]) -> list[str]:
    if before is None:
        return [name for name in TEXT_FIELDS if text[name]]
    return [name for name in TEXT_FIELDS if getattr(before, name) != text[name]]


def _check_writable(obj: Object) -> None:
    """A draft or an approved object takes the text; one that is out takes a proposal. In review, the
    reviewer decides on what they see; withdrawn and archived objects are done with."""
    if obj.status not in EDITABLE_STATUSES and obj.status not in OUT_STATUSES:
        raise ApplicationError(
            _("An object that is %(status)s cannot be edited.") % {"status": obj.get_status_display().lower()}
        )


def object_translation_create(
    *, actor: Any, obj: Object, language: str, fields: TranslationFields
) -> TranslationSaved:
    """Add the object's text in ``language``, which has none yet (a proposal, if the object is out)."""
    permission_require(actor, Permission.GALLERY_OBJECT_WRITE)
    text = _clean(fields)
    with transaction.atomic():
        current = _locked(obj)
        code = _check_language(current, language)
        _check_writable(current)
        existing = ObjectTranslation.objects.filter(object=current, language=code).first()
        if existing is not None:
            raise ApplicationError(
                _("There is already a translation into %(language)s: edit it instead.")
                % {"language": language_name(code)}
            )
        saved = _save(actor, current, code, text, existing=None)
    _refresh(obj, current)
    return saved


def object_translation_edit(
    *, actor: Any, obj: Object, language: str, fields: TranslationFields
) -> TranslationSaved:
    """Change the object's text in ``language`` (a proposal, if the object is out). Saving an out-of-date
    translation, even unchanged, records that it matches the original as it is now."""
    permission_require(actor, Permission.GALLERY_OBJECT_WRITE)
    text = _clean(fields)
    with transaction.atomic():
        current = _locked(obj)
        code = _check_language(current, language)
        _check_writable(current)
        existing = ObjectTranslation.objects.filter(object=current, language=code).first()
        if existing is None:
            raise ApplicationError(
                _("There is no translation into %(language)s to edit.") % {"language": language_name(code)}
            )
        saved = _save(actor, current, code, text, existing=existing)
    _refresh(obj, current)
    return saved


def _save(
    actor: Any, current: Object, language: str, text: dict[str, Any], *, existing: ObjectTranslation | None
) -> TranslationSaved:
    if current.status in OUT_STATUSES:
        return _propose(actor, current, language, text, existing=existing)
    digest = current.text_digest()
    changed = _changed(existing, text)
    brought_up_to_date = existing is not None and existing.source_digest != digest
    if existing is not None and not changed and not brought_up_to_date:
        return TranslationSaved(language=language, translation=existing)
    row = existing or ObjectTranslation(object=current, language=language)
    for name, value in text.items():
        setattr(row, name, value)
    row.source_digest = digest
    row.save()
    returned = current.status == ObjectStatus.APPROVED
    if returned:
        current.status = ObjectStatus.DRAFT
        current.save(update_fields=["status", "updated_at"])
    details: dict[str, Any] = {"language": language, "changed": changed}
    if brought_up_to_date:
        details["brought_up_to_date"] = True
    if returned:
        details["status"] = {"from": ObjectStatus.APPROVED, "to": ObjectStatus.DRAFT}
    audit_record(
        actor=actor,
        action=AuditAction.TRANSLATION_EDIT if existing is not None else AuditAction.TRANSLATION_CREATE,
        target=current,
        details=details,
    )
    return TranslationSaved(language=language, translation=row, changed=changed, returned_to_draft=returned)


def _propose(
    actor: Any, current: Object, language: str, text: dict[str, Any], *, existing: ObjectTranslation | None
) -> TranslationSaved:
    """Store the text as a proposal for a second person to review; the public page does not change."""
    digest = current.text_digest()
    if existing is not None and not _changed(existing, text) and existing.source_digest == digest:
        raise ApplicationError(_("This is the text the public already reads: there is nothing to review."))
    proposals = TranslationProposal.objects.select_for_update()
    proposal = proposals.filter(object=current, language=language).first()
    if proposal is not None and proposal.state == ProposalState.PENDING and not _changed(proposal, text):
        return TranslationSaved(language=language, proposal=proposal)
    changed = _changed(proposal if proposal is not None else existing, text)
    proposal = proposal or TranslationProposal(object=current, language=language)
    for name, value in text.items():
        setattr(proposal, name, value)
    proposal.source_digest = digest
    proposal.state = ProposalState.PENDING
    proposal.comments = ""
    proposal.save()
    proposal.writers.add(actor)
    audit_record(
        actor=actor,
        action=AuditAction.TRANSLATION_PROPOSE,
        target=current,
        details={
            "language": language,
            "proposal": proposal.pk,
            "changed": changed,
            "replaces": existing is not None,
        },
    )
    return TranslationSaved(language=language, proposal=proposal, changed=changed)


def object_translation_delete(*, actor: Any, obj: Object, language: str) -> None:
    """Take the object's text in ``language`` down, in any state and at once; the page falls back to the
    original. A proposal waiting for review stays (it can still be approved or discarded)."""
    permission_require(actor, Permission.GALLERY_OBJECT_WRITE)
    with transaction.atomic():
        current = _locked(obj)
        code = language.strip().lower()
        row = ObjectTranslation.objects.select_for_update().filter(object=current, language=code).first()
        if row is None:
            raise ApplicationError(
                _("There is no translation into %(language)s.") % {"language": language_name(code)}
            )
        title = row.title
        row.delete()
        audit_record(
            actor=actor,
            action=AuditAction.TRANSLATION_DELETE,
            target=current,
            details={"language": code, "title": title, "status": current.status},
        )


# --- The review of a proposal (objects that are out) ------------------------------------------------


def _proposal_locked(obj: Object, language: str) -> TranslationProposal:
    code = language.strip().lower()
    proposal = TranslationProposal.objects.select_for_update().filter(object=obj, language=code).first()
    if proposal is None:
        raise ApplicationError(
            _("No translation into %(language)s is waiting for review.") % {"language": language_name(code)}
        )
    return proposal


def _check_not_writer(actor: Any, proposal: TranslationProposal) -> list[int]:
    writers = list(proposal.writers.values_list("pk", flat=True))
    if actor.pk in writers:
        raise ApplicationError(_("You wrote this translation: another publisher must review it (four eyes)."))
    return writers


def translation_proposal_approve(
    *, actor: Any, obj: Object, language: str, checklist: Iterable[str]
) -> ObjectTranslation:
    """A proposal becomes the public translation, approved by a publisher who wrote none of it, with
    every item of ``TRANSLATION_CHECKLIST`` ticked."""
    permission_require(actor, Permission.GALLERY_OBJECT_REVIEW)
    ticked = set(checklist)
    with transaction.atomic():
        current = _locked(obj)
        proposal = _proposal_locked(current, language)
        writers = _check_not_writer(actor, proposal)
        if proposal.state != ProposalState.PENDING:
            raise ApplicationError(_("This translation was sent back: its writer must change it first."))
        if current.status not in OUT_STATUSES:
            raise ApplicationError(
                _("An object that is %(status)s cannot be edited.")
                % {"status": current.get_status_display().lower()}
            )
        if ticked - set(TRANSLATION_CHECKLIST):
            raise ApplicationError(_("Unknown checklist item."), field="checklist")
        if any(key not in ticked for key in TRANSLATION_CHECKLIST):
            raise ApplicationError(_("Tick every item of the checklist to approve."), field="checklist")
        if proposal.source_digest != current.text_digest():
            raise ApplicationError(_("The original changed after this translation was written."))
        row = ObjectTranslation.objects.filter(object=current, language=proposal.language).first()
        created = row is None
        row = row or ObjectTranslation(object=current, language=proposal.language)
        for name in TEXT_FIELDS:
            setattr(row, name, getattr(proposal, name))
        row.source_digest = proposal.source_digest
        row.save()
        proposal_id = proposal.pk
        proposal.delete()
        audit_record(
            actor=actor,
            action=AuditAction.TRANSLATION_APPROVE,
            target=current,
            details={
                "language": row.language,
                "proposal": proposal_id,
                "writers": sorted(writers),
                "created": created,
                "checklist": sorted(TRANSLATION_CHECKLIST),
            },
        )
    return row


def translation_proposal_reject(
    *, actor: Any, obj: Object, language: str, comments: str
) -> TranslationProposal:
    """Send a proposal back to its writers with what must change; the public page does not change."""
    permission_require(actor, Permission.GALLERY_OBJECT_REVIEW)
    comments = comments.strip()
    if not comments:
        raise ApplicationError(
            _("Say what must change before the translation can be approved."), field="comments"
        )
    with transaction.atomic():
        current = _locked(obj)
        proposal = _proposal_locked(current, language)
        _check_not_writer(actor, proposal)
        if proposal.state != ProposalState.PENDING:
            raise ApplicationError(_("This translation was already sent back."))
        proposal.state = ProposalState.SENT_BACK
        proposal.comments = comments
        proposal.save(update_fields=["state", "comments", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.TRANSLATION_REJECT,
            target=current,
            details={"language": proposal.language, "proposal": proposal.pk, "comments": comments},
        )
    return proposal


def translation_proposal_discard(*, actor: Any, obj: Object, language: str) -> None:
    """Drop a proposal (its writer changed their mind, or it was sent back and will not be redone)."""
    permission_require(actor, Permission.GALLERY_OBJECT_WRITE)
    with transaction.atomic():
        current = _locked(obj)
        proposal = _proposal_locked(current, language)
        details = {"language": proposal.language, "proposal": proposal.pk, "title": proposal.title}
        proposal.delete()
        audit_record(actor=actor, action=AuditAction.TRANSLATION_DISCARD, target=current, details=details)
