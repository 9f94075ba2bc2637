"""Reads of the leads domain. Partner lookups return 404 for any lead outside the partner's country."""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone

from traceobject import vault
from traceobject.accounts.models import User
from traceobject.core.csv_export import keyset_batches, values_rows
from traceobject.core.permissions import Permission, Role, user_has_permission
from traceobject.gallery.models import Audience, ImageStatus, Object, ObjectImage, ObjectStatus
from traceobject.gallery.selectors import translations_prefetch
from traceobject.leads.models import (
    Determination,
    DeterminationState,
    Lead,
    LeadState,
    Outcome,
    OutcomeKind,
)

# A partner sees a lead once it has been sent, never while it is being prepared.
PARTNER_VISIBLE_STATES = (LeadState.SENT, LeadState.ACKNOWLEDGED, LeadState.CLOSED)


def determinations_pending() -> QuerySet[Determination]:
    """Proposals waiting for a second person, oldest first."""
    return (
        Determination.objects.filter(state=DeterminationState.PROPOSED)
        .select_related("object", "proposed_by")
        .prefetch_related("countries")
        .order_by("proposed_at", "id")
    )


def determinations_all() -> QuerySet[Determination]:
    """Every determination, whatever its state, newest proposal first."""
    return Determination.objects.order_by("-proposed_at", "-id")


DETERMINATION_CSV_COLUMNS = (
    "id",
    "object_code",
    "object_title",
    "kind",
    "state",
    "countries",
    "proposed_by",
    "proposed_utc",
    "decided_by",
    "decided_utc",
    "rationale",
    "decision_reason",
)


def determinations_export_rows(
    *, determinations: QuerySet[Determination], until_id: int
) -> Iterator[list[object]]:
    """The CSV of ``determinations`` (in their order) up to determination ``until_id``, by keyset.

    ``countries`` is ``PL:likely;DE:possible`` (codes and confidences, as recorded); the rationale and the
    reason for a rejection are what the determination's page shows its readers. The tips behind each
    country and their text stay out: they are read on the page, where their reading is recorded.
    """
    yield list(DETERMINATION_CSV_COLUMNS)
    rows = (
        determinations.filter(id__lte=until_id)
        .select_related("object", "proposed_by", "decided_by")
        .prefetch_related("countries")
    )
    for batch in keyset_batches(rows):
        for determination in batch:
            yield [
                determination.pk,
                determination.object.code,
                determination.object.title,
                determination.kind,
                determination.state,
                ";".join(f"{c.country}:{c.confidence}" for c in determination.countries.all()),
                determination.proposed_by.get_username(),
                determination.proposed_at,
                determination.decided_by.get_username() if determination.decided_by else "",
                determination.decided_at,
                determination.rationale,
                determination.decision_reason,
            ]


def determination_for_object(obj: Object) -> Determination | None:
    """The object's determination waiting or in force, if any (a rejected one does not count)."""
    return (
        Determination.objects.filter(
            object=obj, state__in=[DeterminationState.PROPOSED, DeterminationState.CONFIRMED]
        )
        .select_related("proposed_by", "decided_by")
        .prefetch_related("countries")
        .first()
    )


def leads_filtered(*, state: str | None = None, unacknowledged_days: int | None = None) -> QuerySet[Lead]:
    """The lead list's filter and order, shared by its page and its CSV export: with
    ``unacknowledged_days``, the sent leads nobody at the authority acknowledged within that many days,
    oldest sent first; otherwise every lead (or those in ``state``), newest first."""
    if unacknowledged_days is not None:
        cutoff = timezone.now() - timedelta(days=unacknowledged_days)
        return Lead.objects.filter(state=LeadState.SENT, sent_at__lt=cutoff).order_by("sent_at", "id")
    leads = Lead.objects.filter(state=state) if state else Lead.objects.all()
    return leads.order_by("-created_at", "-id")


def leads_list(*, state: str | None = None) -> QuerySet[Lead]:
    """Every lead for the analysts, newest first, with its number of outcomes."""
    return (
        leads_filtered(state=state)
        .select_related("authority", "determination__object")
        .annotate(outcome_count=CURRENT_OUTCOME_COUNT)
    )


def leads_unacknowledged(*, older_than_days: int) -> QuerySet[Lead]:
    """Sent leads nobody at the authority has acknowledged within ``older_than_days``."""
    return leads_filtered(unacknowledged_days=older_than_days).select_related(
        "authority", "determination__object"
    )


def _latest_current_outcome(field: str) -> Subquery:
    """``field`` of the lead's latest outcome in force, for an annotation on leads."""
    latest = outcomes_current().filter(lead=OuterRef("pk")).order_by("-reported_at", "-id")
    return Subquery(latest.values(field)[:1])


def leads_with_latest_outcome(leads: QuerySet[Lead]) -> QuerySet[Lead]:
    """Each lead with the kind of its latest outcome (``latest_outcome``), in the same query."""
    return leads.annotate(latest_outcome=_latest_current_outcome("kind"))


def _current_outcome_total(*, kind: str | None = None) -> Coalesce:
    """How many outcomes in force the lead has (``kind=None``), or the sum of the people counted by
    its outcomes in force of ``kind``: a subquery, so that no join multiplies the lead's row."""
    outcomes = outcomes_current().filter(lead=OuterRef("pk"))
    if kind is None:
        total = outcomes.order_by().values("lead").annotate(total=Count("id"))
    else:
        total = outcomes.filter(kind=kind).order_by().values("lead").annotate(total=Sum("count"))
    return Coalesce(Subquery(total.values("total")[:1]), 0, output_field=IntegerField())


# The staff CSV of the lead list: the list's columns, then each lead's outcomes in force as figures.
# Never an outcome's update or anything of the sealed snapshot: only what the lead's row holds.
LEAD_CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("reference", "reference"),
    ("object_code", "determination__object__code"),
    ("object_title", "determination__object__title"),
    ("country", "country"),
    ("authority", "authority__name"),
    ("state", "state"),
    ("created_utc", "created_at"),
    ("sent_utc", "sent_at"),
    ("acknowledged_utc", "acknowledged_at"),
    ("outcomes", "csv_outcomes"),
    ("latest_outcome", "csv_latest_outcome"),
    ("latest_outcome_utc", "csv_latest_outcome_at"),
    ("victims_identified", "csv_victims"),
    ("offenders_arrested", "csv_offenders"),
)
# The partner's CSV: exactly the columns of the portal's list of its leads.
PARTNER_LEAD_CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("reference", "reference"),
    ("object_code", "determination__object__code"),
    ("object_title", "determination__object__title"),
    ("state", "state"),
    ("sent_utc", "sent_at"),
    ("acknowledged_utc", "acknowledged_at"),
    ("outcomes", "csv_outcomes"),
)


def leads_export_rows(*, leads: QuerySet[Lead], until_id: int) -> Iterator[list[object]]:
    """The staff CSV of ``leads`` (``leads_filtered``, in its order) up to lead ``until_id``, by keyset."""
    annotated = leads.filter(id__lte=until_id).annotate(
        csv_outcomes=_current_outcome_total(),
        csv_latest_outcome=_latest_current_outcome("kind"),
        csv_latest_outcome_at=_latest_current_outcome("reported_at"),
        csv_victims=_current_outcome_total(kind=OutcomeKind.VICTIM_IDENTIFIED),
        csv_offenders=_current_outcome_total(kind=OutcomeKind.OFFENDER_ARRESTED),
    )
    return values_rows(annotated, columns=LEAD_CSV_COLUMNS)


def partner_leads_export_rows(*, user: Any, until_id: int) -> Iterator[list[object]]:
    """The partner's CSV of its own authority's leads, as its list shows them, up to lead ``until_id``."""
    leads = partner_leads_filtered(user=user).filter(id__lte=until_id)
    return values_rows(
        leads.annotate(csv_outcomes=_current_outcome_total()), columns=PARTNER_LEAD_CSV_COLUMNS
    )


def partner_accounts_exist(*, country: str) -> bool:
    """Whether an active partner account of ``country`` exists: someone who can read its leads."""
    return User.objects.filter(role=Role.PARTNER, country=country, is_active=True).exists()


def _is_partner(user: Any) -> bool:
    return user_has_permission(user, Permission.PARTNER_LEAD_READ) and bool(getattr(user, "country", ""))


def partner_leads_filtered(*, user: Any) -> QuerySet[Lead]:
    """The sent leads of the partner's own country, newest sent first; nothing for anyone else."""
    if not _is_partner(user):
        return Lead.objects.none()
    return Lead.objects.filter(country=user.country, state__in=PARTNER_VISIBLE_STATES).order_by(
        "-sent_at", "-id"
    )


def partner_leads(*, user: Any) -> QuerySet[Lead]:
    """The sent leads of the partner's own country, with what its list shows; nothing for anyone else."""
    return (
        partner_leads_filtered(user=user)
        .select_related("authority", "determination__object")
        .annotate(outcome_count=CURRENT_OUTCOME_COUNT)
    )


def partner_leads_page(*, user: Any, after: tuple[Any, int] | None = None, limit: int = 50) -> list[Lead]:
    """One page of ``partner_leads`` in its order (newest sent first), by keyset: the leads after the
    (sent_at, id) of the last one of the previous page. Sent leads always have ``sent_at``."""
    leads = partner_leads(user=user)
    if after is not None:
        sent_at, lead_id = after
        leads = leads.filter(Q(sent_at__lt=sent_at) | Q(sent_at=sent_at, id__lt=lead_id))
    return list(leads[:limit])


def partner_may_see(*, user: Any, lead: Lead) -> bool:
    """The one rule of the portal, as ``partner_leads`` applies it to a query: a partner of the lead's
    country, and the lead sent."""
    return _is_partner(user) and lead.country == user.country and lead.state in PARTNER_VISIBLE_STATES


def lead_for_partner(*, user: Any, reference: str) -> Lead:
    """The partner's lead by reference; Http404 for another country's lead, as for one that does not exist."""
    lead = partner_leads(user=user).filter(reference=reference).first()
    if lead is None:
        raise Http404("No such lead.")
    return lead


def _open_copy(staff_copy: Any, partner_copy: Any) -> bytes:
    """Open whichever of the two sealed copies this request holds a key for: the staff's copy (tip
    key) or the authority's copy (the partner's key). Neither opens without a login."""
    if partner_copy is not None and not vault.can_open(bytes(staff_copy)):
        return vault.open(bytes(partner_copy))
    return vault.open(bytes(staff_copy))


def lead_snapshot(lead: Lead) -> dict[str, Any]:
    """The frozen snapshot of a lead, opened from the vault.

    Leads frozen before snapshot format 2 carried the analysts' internal notes (``notes``); they are
    dropped here, the one door every page and export goes through, so that no format shows them.
    """
    snapshot: dict[str, Any] = json.loads(_open_copy(lead.sealed, lead.sealed_partner))
    snapshot.pop("notes", None)
    return snapshot


def outcomes_current() -> QuerySet[Outcome]:
    """The outcomes in force: every report that no later correction replaced.

    The one definition of what counts: figures (``lead_figures``, and the stats app, which should
    call this too) sum over these only, so a corrected report is never counted beside its correction.
    """
    return Outcome.objects.filter(correction__isnull=True)


# ``Count`` of a lead's outcomes in force, for annotations on leads.
CURRENT_OUTCOME_COUNT = Count("outcomes", filter=Q(outcomes__correction__isnull=True))


@dataclass(frozen=True)
class OutcomeView:
    id: int
    kind: str
    kind_label: str
    count: int
    update: str
    reported_by: str
    reported_at: Any
    # The version this one corrects, and whether a later correction replaced this one.
    corrects_id: int | None
    current: bool


def lead_outcomes(lead: Lead) -> list[OutcomeView]:
    """A lead's outcomes, oldest first, corrected versions included (marked), updates opened."""
    rows = list(
        lead.outcomes.select_related("reported_by")
        .annotate(corrected=Count("correction"))
        .order_by("reported_at", "id")
    )
    return [
        OutcomeView(
            id=outcome.pk,
            kind=outcome.kind,
            kind_label=str(outcome.get_kind_display()),
            count=outcome.count,
            update=_open_copy(outcome.sealed_update, outcome.sealed_partner_update).decode("utf-8"),
            reported_by=outcome.reported_by.get_username(),
            reported_at=outcome.reported_at,
            corrects_id=outcome.corrects_id,
            current=not outcome.corrected,
        )
        for outcome in rows
    ]


def outcome_for_partner(*, user: Any, lead: Lead, outcome_id: int) -> Outcome:
    """One outcome of a lead the partner may see (``lead_for_partner`` first); Http404 otherwise."""
    outcome = Outcome.objects.filter(lead=lead, pk=outcome_id).select_related("lead").first()
    if outcome is None or not partner_may_see(user=user, lead=lead):
        raise Http404("No such outcome.")
    return outcome


@dataclass
class LeadFigures:
    objects_identified: int
    objects_placed: int
    objects_widespread: int
    countries_with_leads: int
    victims_identified: int
    offenders_arrested: int
    leads_total: int
    leads_acknowledged: int
    leads_with_outcome: int
    identifications_by_month: list[tuple[str, int]]
    median_days_to_determination: float | None


def lead_figures() -> LeadFigures:
    """The figures of the loop, from a handful of aggregate queries (never a loop over tips).

    ``leads_total`` and the countries count only leads that were sent; a lead being prepared has
    reached nobody yet. The median runs from publication to the confirmation of the determination.
    """
    objects = Object.objects.aggregate(
        placed=Count("id", filter=Q(status=ObjectStatus.IDENTIFIED)),
        widespread=Count("id", filter=Q(status=ObjectStatus.WIDESPREAD)),
    )
    sent = Lead.objects.exclude(state=LeadState.READY)
    leads = sent.aggregate(
        total=Count("id"),
        acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
        countries=Count("country", distinct=True),
    )
    outcomes = outcomes_current().aggregate(
        victims=Sum("count", filter=Q(kind=OutcomeKind.VICTIM_IDENTIFIED)),
        offenders=Sum("count", filter=Q(kind=OutcomeKind.OFFENDER_ARRESTED)),
        leads=Count("lead", distinct=True),
    )
    confirmed = Determination.objects.filter(state=DeterminationState.CONFIRMED, decided_at__isnull=False)
    by_month = (
        confirmed.annotate(month=TruncMonth("decided_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    months = [(row["month"].strftime("%Y-%m"), row["n"]) for row in by_month if row["month"] is not None]
    pairs = confirmed.filter(object__published_at__isnull=False).values_list(
        "object__published_at", "decided_at"
    )
    durations = [
        (decided - published).total_seconds() / 86400
        for published, decided in pairs
        if published is not None and decided is not None
    ]
    return LeadFigures(
        objects_identified=objects["placed"] + objects["widespread"],
        objects_placed=objects["placed"],
        objects_widespread=objects["widespread"],
        countries_with_leads=leads["countries"],
        victims_identified=outcomes["victims"] or 0,
        offenders_arrested=outcomes["offenders"] or 0,
        leads_total=leads["total"],
        leads_acknowledged=leads["acknowledged"],
        leads_with_outcome=outcomes["leads"],
        identifications_by_month=months,
        median_days_to_determination=round(statistics.median(durations), 1) if durations else None,
    )


def partner_objects() -> QuerySet[Object]:
    """Objects published for the national partners only (the discreet first step before the public),
    newest first, each with its ready images (``ready_images``, in order) and its translation into the
    partner's language (``gallery.selectors.object_text``)."""
    return (
        Object.objects.filter(status=ObjectStatus.PUBLISHED, audience=Audience.PARTNERS)
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "images",
                queryset=ObjectImage.objects.filter(status=ImageStatus.READY).order_by("position", "id"),
                to_attr="ready_images",
            ),
            translations_prefetch(),
        )
        .order_by("-published_at", "-id")
    )


def partner_object(*, user: Any, code: str) -> Object:
    """An object published for partners, for a partner; Http404 for anything else (a public or
    unpublished object, or a visitor who is no partner)."""
    obj = partner_objects().filter(code=code.upper()).first() if _is_partner(user) else None
    if obj is None:
        raise Http404("No such object.")
    return obj


# The width of the partner portal's pictures: the JPEG derivative closest to it is served.
PARTNER_IMAGE_WIDTH = 640


def partner_object_image_path(*, obj: Object, image_id: int) -> str:
    """The path (under MEDIA_ROOT) of a ready image's JPEG derivative of a partner object; Http404
    otherwise. Served through the portal only: the public media view refuses partner-only objects."""
    image = next((i for i in getattr(obj, "ready_images", []) if i.pk == image_id), None)
    jpegs = [d for d in (image.derivatives if image else []) if d.get("format") == "jpeg" and d.get("path")]
    if not jpegs:
        raise Http404("No such image.")
    return str(min(jpegs, key=lambda d: abs(int(d.get("width") or 0) - PARTNER_IMAGE_WIDTH))["path"])
