"""Reads for the public gallery, and (at the end) for the staff workspace.

Every public query starts from ``objects_public``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import CharField, Count, Exists, Model, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info

from traceobject.accounts.models import User
from traceobject.audit.models import AuditEvent
from traceobject.core.language_names import language_name
from traceobject.core.permissions import Permission, roles_with_permission
from traceobject.gallery.models import (
    LOCATED_STATUSES,
    Audience,
    Category,
    ImageStatus,
    Object,
    ObjectImage,
    ObjectStatus,
    ObjectTranslation,
    ProposalState,
    PublicationReview,
    Release,
    TranslationProposal,
)
from traceobject.gallery.search import objects_matching

# --- The disclosure rule ------------------------------------------------------------------------------
# A located object (identified or widespread) shows as such in public only once its confirmed
# determination is ``DISCLOSURE_QUIET_DAYS`` old *and* every lead of it was sent at least that long ago.
# Until then every public page shows it as it was: in the gallery, taking tips (docs/architecture.md,
# "The disclosure rule"). Both kinds follow the same clock, so that the public cannot tell them apart.
#
# The rule reads the leads' tables by relation name (``Object.determinations``, ``Determination.leads``)
# and never imports the leads app, which sits above the gallery: the relation is the only contract.

CONFIRMED_DETERMINATION = "confirmed"  # leads.DeterminationState.CONFIRMED


def disclosure_cutoff(*, now: datetime | None = None) -> datetime:
    """The latest moment a lead may have been sent (or a widespread finding confirmed) for its object to
    show as identified now."""
    return (now or timezone.now()) - timedelta(days=settings.DISCLOSURE_QUIET_DAYS)


def _related_model(model: type[Model], relation: str) -> type[Model]:
    related = model._meta.get_field(relation).related_model
    if not (isinstance(related, type) and issubclass(related, Model)):
        raise LookupError(relation)
    return related


def _disclosed(*, now: datetime | None = None) -> Q:
    """The condition, on ``Object`` rows, of being located *and* past the quiet period."""
    determination_model = _related_model(Object, "determinations")
    lead_model = _related_model(determination_model, "leads")
    cutoff = disclosure_cutoff(now=now)
    # A lead not sent yet, or sent within the quiet period, keeps its object undisclosed.
    recent_lead = lead_model._default_manager.filter(determination=OuterRef("pk")).filter(
        Q(sent_at__isnull=True) | Q(sent_at__gt=cutoff)
    )
    quiet = determination_model._default_manager.filter(
        object=OuterRef("pk"), state=CONFIRMED_DETERMINATION, decided_at__lte=cutoff
    ).exclude(Exists(recent_lead))
    return Q(status__in=LOCATED_STATUSES) & Q(Exists(quiet))


def _in_gallery(*, now: datetime | None = None) -> Q:
    """Published, or located but not disclosed yet: the public must not see the difference."""
    return Q(status=ObjectStatus.PUBLISHED) | (Q(status__in=LOCATED_STATUSES) & ~_disclosed(now=now))


def object_disclosed(obj: Object) -> bool:
    """Whether the public may see ``obj`` as identified now (one query, only for a located object)."""
    if obj.status not in LOCATED_STATUSES or obj.pk is None:
        return False
    return Object.objects.filter(_disclosed(), pk=obj.pk).exists()


def object_takes_tips(obj: Object) -> bool:
    """Public objects in the gallery take tips; a located one goes on taking them, silently, until it is
    disclosed, since refusing them would tell the tipster what the page does not."""
    if obj.audience != Audience.PUBLIC:
        return False
    if obj.status == ObjectStatus.PUBLISHED:
        return True
    return obj.status in LOCATED_STATUSES and not object_disclosed(obj)


def objects_public() -> QuerySet[Object]:
    """Objects the public may see in the gallery: in the gallery under the disclosure rule, public
    audience, release time reached."""
    now = timezone.now()
    return Object.objects.filter(
        _in_gallery(now=now),
        audience=Audience.PUBLIC,
        release__publish_at__lte=now,
    )


def release_latest() -> Release | None:
    """The newest release with an object in the gallery (the "new" badge); an object located but not
    disclosed counts as in the gallery, so that the badge cannot date a determination."""
    return (
        Release.objects.filter(pk__in=objects_public().values("release"))
        .order_by("-publish_at", "-id")
        .first()
    )


def _ready_images() -> QuerySet[ObjectImage]:
    """Only processed images reach a public page: a pending or failed one has no safe derivative."""
    return ObjectImage.objects.filter(status=ImageStatus.READY).order_by("position", "id")


def _with_cards(queryset: QuerySet[Object]) -> QuerySet[Object]:
    return queryset.select_related("category", "release").prefetch_related(
        Prefetch("images", queryset=_ready_images()), translations_prefetch()
    )


# Control characters become spaces: a search box has no use for them, and PostgreSQL refuses a NUL in
# any text it is asked to compare (a 500 for ``?q=%00``, found by the fuzz).
_CONTROLS = dict.fromkeys([*range(0x20), 0x7F], " ")


@dataclass(frozen=True)
class GalleryFilter:
    query: str = ""
    category: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "query", self.query.translate(_CONTROLS).strip())
        object.__setattr__(self, "category", self.category.translate(_CONTROLS).strip())


def gallery_list(*, filters: GalleryFilter) -> QuerySet[Object]:
    """Newest release first; within a release, by code, so that the order is stable across pages."""
    queryset = objects_public()
    if filters.category:
        queryset = queryset.filter(category__slug=filters.category)
    # Every word, in any order, in any language of the object's public text or its code (gallery.search).
    queryset = objects_matching(queryset, filters.query)
    return _with_cards(queryset).order_by("-release__publish_at", "code")


def categories_in_gallery() -> QuerySet[Category]:
    return Category.objects.filter(pk__in=objects_public().values("category")).order_by("position", "slug")


def _objects_public_pages() -> QuerySet[Object]:
    """Objects whose page the public may open: in the gallery now, or located since.

    Drafts, objects for partners only and withdrawn ones are not found, whatever the visitor knows.
    """
    visible = Q(status=ObjectStatus.PUBLISHED) | Q(status__in=LOCATED_STATUSES)
    return Object.objects.filter(visible, audience=Audience.PUBLIC, release__publish_at__lte=timezone.now())


def object_for_tip(*, code: str) -> Object | None:
    """The object a tip is posted to, without what only its page shows (images, related objects):
    those would cost the intake two more queries on every tip."""
    return _objects_public_pages().filter(code=code.upper()).first()


def object_public_get(*, code: str) -> Object | None:
    queryset = (
        _objects_public_pages()
        .select_related("category", "release")
        .prefetch_related(
            Prefetch("images", queryset=_ready_images()),
            Prefetch("related", queryset=_with_cards(objects_public()).order_by("code")),
            translations_prefetch(),
        )
    )
    return queryset.filter(code=code.upper()).first()


def objects_located() -> QuerySet[Object]:
    """Disclosed objects that were in the public gallery (one located before its release never was).

    Sorted by code, never by a date: the order of ``/identified/`` must not tell when any object was
    located or disclosed (docs/architecture.md, "The disclosure rule")."""
    now = timezone.now()
    return _with_cards(
        Object.objects.filter(_disclosed(now=now), audience=Audience.PUBLIC, release__publish_at__lte=now)
    ).order_by("code")


# --- An object's text in the visitor's language ------------------------------------------------------
# The staff write an object in its ``original_language`` and may add an ``ObjectTranslation`` per public
# language (gallery.translations). A page shows the visitor's language when a translation made from the
# current original exists, and otherwise the original, marked as such (``ObjectText.fallback``) and tagged
# with its own ``lang`` and ``dir``, so that a screen reader reads it with the right voice.


def public_languages() -> list[str]:
    """The codes of the public side's languages (settings.LANGUAGES), in the settings' order."""
    return [code for code, _name in settings.LANGUAGES]


def language_direction(code: str) -> str:
    """``rtl`` for a language written from right to left (Arabic, Persian), else ``ltr``."""
    try:
        return "rtl" if get_language_info(code)["bidi"] else "ltr"
    except KeyError:
        return "ltr"


def visitor_language(language: str | None = None) -> str:
    """``language`` (default: the active one) as one of the public codes; the site's default otherwise."""
    code = (language or get_language() or settings.LANGUAGE_CODE).lower()
    codes = public_languages()
    if code in codes:
        return code
    base = code.split("-")[0]
    return base if base in codes else settings.LANGUAGE_CODE


@dataclass(frozen=True)
class ObjectText:
    """What a page shows of an object in one visitor's language."""

    title: str
    description: str
    questions: list[str]
    hints: list[str]
    # The language the text is written in: the visitor's, or the original's when ``fallback``.
    language: str
    # True when the visitor's language has no up-to-date translation and the original is shown instead.
    fallback: bool
    # The object's original language: that of its images' text alternatives, which are not translated.
    original_language: str
    # The visitor's language, which the page is in.
    requested: str

    @property
    def direction(self) -> str:
        return language_direction(self.language)

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def attrs(self) -> str:
        """`` lang="…" dir="…"`` for an element holding a fallback text (nothing otherwise: the text is
        in the page's language), so that browsers and screen readers read the original as what it is."""
        return _language_attrs(self.language) if self.fallback else ""

    @property
    def original_attrs(self) -> str:
        """The same for text that is always in the original language (an image's text alternative)."""
        return _language_attrs(self.original_language) if self.original_language != self.requested else ""


def _language_attrs(code: str) -> str:
    return format_html(' lang="{}" dir="{}"', code, language_direction(code))


def _prefetch_attr(language: str) -> str:
    return "texts_" + language.replace("-", "_")


def translations_prefetch(language: str | None = None) -> Prefetch[Any]:
    """The objects' translations into ``language`` (default: the visitor's), at most one row each, in
    one query for the whole list: a gallery page costs one query more, whatever its length."""
    code = visitor_language(language)
    return Prefetch(
        "translations", queryset=ObjectTranslation.objects.filter(language=code), to_attr=_prefetch_attr(code)
    )


def _original(obj: Object, *, requested: str) -> ObjectText:
    return ObjectText(
        title=obj.title,
        description=obj.description,
        questions=list(obj.questions),
        hints=list(obj.hints),
        language=obj.original_language,
        fallback=requested != obj.original_language,
        original_language=obj.original_language,
        requested=requested,
    )


def object_text(*, obj: Object, language: str | None = None) -> ObjectText:
    """The object's text in ``language`` (default: the visitor's), falling back to the original.

    A translation counts only if it was made from the original as it is now: one made from an earlier
    text could say what the original no longer says (a hint taken out on review), so it is never shown.
    Uses ``translations_prefetch`` when the object was fetched with it; otherwise one query."""
    code = visitor_language(language)
    if code == obj.original_language:
        return _original(obj, requested=code)
    prefetched = getattr(obj, _prefetch_attr(code), None)
    if prefetched is not None:
        row = next((item for item in prefetched if item.language == code), None)
    else:
        row = ObjectTranslation.objects.filter(object=obj, language=code).first()
    if row is None or row.source_digest != obj.text_digest():
        return _original(obj, requested=code)
    return ObjectText(
        title=row.title,
        description=row.description,
        questions=list(row.questions),
        hints=list(row.hints),
        language=code,
        fallback=False,
        original_language=obj.original_language,
        requested=code,
    )


# --- Staff side ----------------------------------------------------------------------------------------
# Everything below reads for the staff workspace: every state, internal fields included. Nothing here
# may ever feed a public page.


@dataclass(frozen=True)
class StaffObjectFilter:
    status: str = ""
    category: str = ""
    release: int | None = None
    query: str = ""


def objects_staff_list(*, filters: StaffObjectFilter) -> QuerySet[Object]:
    """Every object, most recently changed first; a constant number of queries per page."""
    queryset: QuerySet[Object] = Object.objects.select_related("category", "release", "author").annotate(
        image_count=Count("images", distinct=True)
    )
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.category:
        queryset = queryset.filter(category__slug=filters.category)
    if filters.release is not None:
        queryset = queryset.filter(release_id=filters.release)
    # The public search's matching (a word of the code, the title, the text in any language): the staff
    # find an object as a visitor would describe it. Internal notes are not searched (gallery.search).
    queryset = objects_matching(queryset, filters.query)
    return queryset.order_by("-updated_at", "-id")


def object_staff_get(*, code: str) -> Object | None:
    return (
        Object.objects.select_related("category", "release", "author")
        .prefetch_related(
            Prefetch(
                "images",
                queryset=ObjectImage.objects.select_related("uploaded_by").order_by("position", "id"),
            ),
            Prefetch("related", queryset=Object.objects.select_related("category").order_by("code")),
            Prefetch("reviews", queryset=PublicationReview.objects.select_related("reviewer")),
        )
        .filter(code=code.strip().upper())
        .first()
    )


def object_image_staff_get(*, obj: Object, image_id: int) -> ObjectImage | None:
    return ObjectImage.objects.filter(object=obj, pk=image_id).first()


def object_trail(*, obj: Object) -> QuerySet[AuditEvent]:
    """The audit events about the object itself, newest first."""
    return AuditEvent.objects.filter(target_type=Object._meta.label_lower, target_id=str(obj.pk)).order_by(
        "-id"
    )


def object_withdrawal(*, obj: Object) -> AuditEvent | None:
    """The event that withdrew the object: it holds the reason."""
    if obj.status != ObjectStatus.WITHDRAWN:
        return None
    return object_trail(obj=obj).filter(action="object.withdraw").first()


# What makes someone a co-author: writing the object, or shaping its pictures (imaging's events are
# recorded on the object too). Re-running the safety scan or sending back is a reviewer's act, not these.
_AUTHORING_ACTIONS = (
    "object.create",
    "object.edit",
    "object.submit",
    "image.upload",
    "image.edit",
    "image.remove",
    # A translation written while the object is a draft is part of what its review approves.
    "translation.create",
    "translation.edit",
    "translation.delete",
)


def object_contributor_ids(*, obj: Object) -> set[int]:
    """Everyone who wrote a part of the object: its author, its image uploaders, and whoever created,
    edited or submitted it or uploaded, edited or removed an image of it (from the audit trail).
    None of them may review it."""
    ids: set[int] = {obj.author_id} if obj.author_id else set()
    ids.update(uploader for uploader in obj.images.values_list("uploaded_by_id", flat=True) if uploader)
    trail = AuditEvent.objects.filter(
        target_type=Object._meta.label_lower,
        target_id=str(obj.pk),
        action__in=_AUTHORING_ACTIONS,
        actor__isnull=False,
    ).values_list("actor_id", flat=True)
    ids.update(actor_id for actor_id in trail if actor_id)
    return ids


def object_reviewers_eligible(*, obj: Object) -> list[User]:
    """The active accounts whose role may review and who did not work on ``obj``, by name.

    The review page shows them to the author (and to anyone else who worked on the object), so that
    four eyes reads as "ask one of these people", not as a button that refuses."""
    roles = roles_with_permission(Permission.GALLERY_OBJECT_REVIEW)
    excluded = object_contributor_ids(obj=obj)
    users = User.objects.filter(is_active=True, role__in=roles).exclude(pk__in=excluded)
    return list(users.order_by("first_name", "last_name", "username"))


def objects_reviewable_by(*, user: User) -> QuerySet[Object]:
    """Objects in review that ``user`` may decide on: the same rule as ``object_contributor_ids``
    (author, uploader, authoring events in the trail), turned around into one query for a work list."""
    authored = AuditEvent.objects.filter(
        target_type=Object._meta.label_lower,
        target_id=Cast(OuterRef("pk"), output_field=CharField()),
        action__in=_AUTHORING_ACTIONS,
        actor=user,
    )
    uploaded = ObjectImage.objects.filter(object=OuterRef("pk"), uploaded_by=user)
    return (
        Object.objects.filter(status=ObjectStatus.IN_REVIEW)
        .exclude(author=user)
        .exclude(Exists(uploaded))
        .exclude(Exists(authored))
    )


@dataclass(frozen=True)
class LanguageState:
    """One public language of an object, for the staff: its translation (if any), a proposal waiting
    for review (objects that are out), and whether the translation was made from an earlier original."""

    code: str
    name: str
    translation: ObjectTranslation | None
    proposal: TranslationProposal | None
    outdated: bool

    @property
    def missing(self) -> bool:
        return self.translation is None

    @property
    def direction(self) -> str:
        return language_direction(self.code)


def object_languages(*, obj: Object) -> list[LanguageState]:
    """Every public language but the original, in the settings' order, with its state (two queries)."""
    translations = {row.language: row for row in ObjectTranslation.objects.filter(object=obj)}
    proposals = {row.language: row for row in TranslationProposal.objects.filter(object=obj)}
    digest = obj.text_digest()
    return [
        LanguageState(
            code=code,
            name=language_name(code),
            translation=translations.get(code),
            proposal=proposals.get(code),
            outdated=code in translations and translations[code].source_digest != digest,
        )
        for code in public_languages()
        if code != obj.original_language
    ]


def object_translation_get(*, obj: Object, language: str) -> ObjectTranslation | None:
    return ObjectTranslation.objects.filter(object=obj, language=language).first()


def translation_proposal_get(*, obj: Object, language: str) -> TranslationProposal | None:
    proposals = TranslationProposal.objects.filter(object=obj, language=language)
    return proposals.prefetch_related("writers").first()


def translation_proposals_reviewable_by(*, user: Any) -> QuerySet[TranslationProposal]:
    """Proposed translations waiting for a review that ``user`` may give: not written by them (four eyes),
    of objects that are still out, oldest first."""
    return (
        TranslationProposal.objects.filter(
            state=ProposalState.PENDING, object__status__in=(ObjectStatus.PUBLISHED, *LOCATED_STATUSES)
        )
        .exclude(writers=user)
        .select_related("object")
        .order_by("created_at", "id")
    )


def objects_relatable(*, exclude: Object | None = None) -> QuerySet[Object]:
    """Candidates for "related objects": every other object that is not withdrawn."""
    queryset = Object.objects.exclude(status=ObjectStatus.WITHDRAWN)
    if exclude is not None and exclude.pk is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return queryset.order_by("code")


def objects_awaiting_release() -> QuerySet[Object]:
    """Approved objects: ready to go into a release."""
    return Object.objects.filter(status=ObjectStatus.APPROVED).select_related("category").order_by("code")


def releases_staff_list() -> QuerySet[Release]:
    return Release.objects.annotate(
        object_count=Count("object", filter=Q(object__status=ObjectStatus.PUBLISHED))
    ).order_by("-publish_at", "-id")


def release_staff_get(*, release_id: int) -> Release | None:
    return Release.objects.filter(pk=release_id).first()


def release_objects(*, release: Release) -> QuerySet[Object]:
    return (
        Object.objects.filter(release=release)
        .select_related("category")
        .prefetch_related(Prefetch("images", queryset=ObjectImage.objects.order_by("position", "id")))
        .order_by("code")
    )


_CODE_PATTERN = re.compile(r"^([A-Z]+)(\d+)-(\d{4})$")


def object_code_suggest(*, today: date | None = None) -> str:
    """The next free code in the ``B17-2026`` style: the letters of the latest code of this year,
    with the next number; ``A1-<year>`` for the first object of a year."""
    year = (today or timezone.localdate()).year
    codes = list(
        Object.objects.filter(code__endswith=f"-{year}")
        .order_by("-created_at", "-id")
        .values_list("code", flat=True)
    )
    parsed = [m.groups() for m in map(_CODE_PATTERN.match, codes) if m]
    prefix = parsed[0][0] if parsed else "A"
    numbers = [int(number) for letters, number, _year in parsed if letters == prefix]
    candidate = max(numbers, default=0) + 1
    taken = set(codes)
    while f"{prefix}{candidate}-{year}" in taken:
        candidate += 1
    return f"{prefix}{candidate}-{year}"


def public_derivative_exists(path: str) -> bool:
    """Whether ``path`` (under MEDIA_ROOT) belongs to a ready image of an object the public may see."""
    parts = path.split("/")
    if len(parts) != 3 or parts[0] != "objects":
        return False
    obj = object_public_get(code=parts[1])
    if obj is None:
        return False
    # ``images`` is prefetched with ready images only (``_ready_images``).
    return any(derivative["path"] == path for image in obj.images.all() for derivative in image.derivatives)
