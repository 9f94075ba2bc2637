"""Reads of the leads domain. Partner lookups return 404 for any lead outside the partner's country."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from traceobject import vault
from traceobject.accounts.models import User
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


def leads_list(*, state: str | None = None) -> QuerySet[Lead]:
    """Every lead for the analysts, newest first, with its number of outcomes."""
    leads = Lead.objects.select_related("authority", "determination__object").annotate(
        outcome_count=CURRENT_OUTCOME_COUNT
    )
    if state:
        leads = leads.filter(state=state)
    return leads.order_by("-created_at", "-id")


def leads_unacknowledged(*, older_than_days: int) -> QuerySet[Lead]:
    """Sent leads nobody at the authority has acknowledged within ``older_than_days``."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    return (
        Lead.objects.filter(state=LeadState.SENT, sent_at__lt=cutoff)
        .select_related("authority", "determination__object")
        .order_by("sent_at", "id")
    )


def partner_accounts_exist(*, country: str) -> bool:
    """Whether an active partner account of ``country`` exists: someone who can read its leads."""
    return User.objects.filter(role=Role.PARTNER, country=country, is_active=True).exists()


def _is_partner(user: Any) -> bool:
    return user_has_permission(user, Permission.PARTNER_LEAD_READ) and bool(getattr(user, "country", ""))


def partner_leads(*, user: Any) -> QuerySet[Lead]:
    """The sent leads of the partner's own country; nothing for anyone else."""
    if not _is_partner(user):
        return Lead.objects.none()
    return (
        Lead.objects.filter(country=user.country, state__in=PARTNER_VISIBLE_STATES)
        .select_related("authority", "determination__object")
        .annotate(outcome_count=CURRENT_OUTCOME_COUNT)
        .order_by("-sent_at", "-id")
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
