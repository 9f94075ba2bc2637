"""Figures computed from the data rather than typed in by hand: the public results and the staff dashboard.

Every page reads these from Django's cache; a miss (or the recompute task, ``stats.tasks``) computes
them again. Computing never counts tips: the tip counts come from the ``triage.Tally`` rows that intake
keeps up to date (one row per object and dimension value, so a few thousand rows for a million tips).
The cache entries also expire after ``PUBLIC_FIGURES_CACHE_SECONDS``, which bounds how stale a figure
gets when nothing announced a change (a release whose time came, tips arriving).

Each figure has one definition, here, used by every page (home, ``/results/``, the dashboard):

* objects published: ``_objects_published`` (public audience only; partners-only objects are not public);
* objects identified: ``gallery.selectors.objects_located`` (the ``/identified/`` page), so the disclosure
  rule holds for the count as for the list;
* victims identified, offenders arrested, countries that received leads: true values for the staff from
  ``outcome_sums`` / ``_country_first_leads``; the public sees them only through ``public_count``:
  per quarter, published ``FIGURES_PUBLICATION_DELAY_DAYS`` after the quarter ended, moving only in steps
  of at least ``FIGURES_MIN_COUNT`` (docs/architecture.md, "The disclosure rule").

Public figures never name a country, and never tell identified and widespread objects apart.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from traceobject.gallery.models import LOCATED_STATUSES, Audience, Object, ObjectStatus
from traceobject.gallery.selectors import objects_located, objects_public
from traceobject.leads.models import (
    Determination,
    DeterminationState,
    Lead,
    LeadState,
    Outcome,
    OutcomeKind,
)
from traceobject.leads.selectors import lead_figures, outcomes_current
from traceobject.tips.models import Tip, TipStatus
from traceobject.triage.models import Tally

# Versioned keys: a deployment that changes a dataclass reads a fresh key instead of an old pickle.
RESULTS_CACHE_KEY = "stats:results:v3"
DASHBOARD_CACHE_KEY = "stats:dashboard:v2"
# The days the dashboard's tips-per-day chart covers, today included.
DASHBOARD_DAYS = 90
# The objects the dashboard lists by number of tips.
DASHBOARD_TOP_OBJECTS = 20
# Tip statuses still waiting for an analyst: the triage backlog.
BACKLOG_STATUSES = (TipStatus.NEW, TipStatus.NEEDS_FOLLOW_UP)


# --- Periods ------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter in UTC, the period that public outcome figures are published by."""

    year: int
    number: int  # 1 to 4

    @classmethod
    def of(cls, moment: datetime.datetime) -> Quarter:
        utc = moment.astimezone(datetime.UTC)
        return cls(utc.year, (utc.month - 1) // 3 + 1)

    @property
    def start(self) -> datetime.datetime:
        return datetime.datetime(self.year, 3 * self.number - 2, 1, tzinfo=datetime.UTC)

    @property
    def end(self) -> datetime.datetime:
        """The first moment after the quarter (exclusive)."""
        return self.next().start

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"


def _delay() -> datetime.timedelta:
    return datetime.timedelta(days=settings.FIGURES_PUBLICATION_DELAY_DAYS)


def publication_cutoff(*, now: datetime.datetime | None = None) -> datetime.datetime:
    """The end of the latest quarter whose figures are published at ``now``: events before it may show
    in public, events from it on may not. It moves only at a publication date, never in between."""
    now = now or timezone.now()
    quarter = Quarter.of(now)
    while quarter.start + _delay() > now:
        quarter = quarter.previous()
    return quarter.start


def next_publication(*, now: datetime.datetime | None = None) -> datetime.datetime:
    """When the public outcome figures next move: the end of the first unpublished quarter plus the
    delay."""
    cutoff = publication_cutoff(now=now)
    return Quarter.of(cutoff).end + _delay()


# --- Outcomes: the one place they are counted -----------------------------------------------------------


def outcomes_counted(*, before: datetime.datetime | None = None) -> QuerySet[Outcome]:
    """The outcomes that count in every figure, staff or public, reported before ``before`` if given.

    The one definition: without ``before``, the versions in force (``leads.selectors.outcomes_current``);
    with it, each outcome as it stood then, so that a correction reported later moves nothing until the
    publication that covers it."""
    if before is None:
        return outcomes_current()
    # As they stood at ``before``: reported by then, and not replaced by a correction reported by then.
    return Outcome.objects.filter(reported_at__lt=before).exclude(correction__reported_at__lt=before)


def _sums_by_quarter(kind: str, *, before: datetime.datetime | None = None) -> list[tuple[Quarter, int]]:
    """People counted by outcomes of ``kind``, per quarter of the report, oldest first."""
    totals: dict[Quarter, int] = {}
    for reported_at, count in (
        outcomes_counted(before=before).filter(kind=kind).values_list("reported_at", "count")
    ):
        quarter = Quarter.of(reported_at)
        totals[quarter] = totals.get(quarter, 0) + int(count)
    return sorted(totals.items())


def _country_first_leads(*, before: datetime.datetime | None = None) -> list[tuple[Quarter, int]]:
    """Countries by the quarter in which they received their first lead (a lead is received once sent)."""
    firsts = (
        Lead.objects.exclude(state=LeadState.READY)
        .exclude(sent_at=None)
        .values("country")
        .annotate(first=Min("sent_at"))
        .values_list("first", flat=True)
    )
    totals: dict[Quarter, int] = {}
    for first in firsts:
        if before is None or first < before:
            quarter = Quarter.of(first)
            totals[quarter] = totals.get(quarter, 0) + 1
    return sorted(totals.items())


@dataclass(frozen=True)
class PublicCount:
    """A public outcome figure: ``value`` is 0 or at least ``minimum``; below it the page says "fewer
    than ``minimum``" (which 0 also is, so the first reports are not given away either)."""

    value: int
    minimum: int

    @property
    def suppressed(self) -> bool:
        return self.value < self.minimum


def public_count(per_quarter: Sequence[tuple[Quarter, int]]) -> PublicCount:
    """The published total of a figure from its published quarters, oldest first.

    A quarter whose count is below ``FIGURES_MIN_COUNT`` is not published on its own: it is carried
    into the next quarters until they add up to the minimum. So the public total only ever moves in
    steps of at least the minimum, and no step can be read as one object's outcome."""
    minimum = max(1, settings.FIGURES_MIN_COUNT)
    released = pending = 0
    for _quarter, count in per_quarter:
        pending += count
        if pending >= minimum:
            released += pending
            pending = 0
    return PublicCount(value=released, minimum=minimum)


def _disclosure_quarters() -> tuple[tuple[str, int], ...]:
    """Objects identified in public, by the quarter in which they became public (the end of their
    quiet period): the chart of ``/results/``, which adds up to the "objects identified" figure.

    Two queries, over the disclosed objects only."""
    disclosed = list(objects_located().values_list("pk", flat=True))
    if not disclosed:
        return ()
    starts = {
        pk: max(moment for moment in (decided_at, last_sent) if moment is not None)
        for pk, decided_at, last_sent in Determination.objects.filter(
            object_id__in=disclosed, state=DeterminationState.CONFIRMED
        )
        .annotate(last_sent=Max("leads__sent_at"))
        .values_list("object_id", "decided_at", "last_sent")
    }
    quiet = datetime.timedelta(days=settings.DISCLOSURE_QUIET_DAYS)
    totals: dict[Quarter, int] = {}
    for start in starts.values():
        quarter = Quarter.of(start + quiet)
        totals[quarter] = totals.get(quarter, 0) + 1
    return tuple((quarter.key, n) for quarter, n in sorted(totals.items()))


@dataclass(frozen=True)
class ResultsFigures:
    """The public figures, every one under the disclosure rule. Months are ``"YYYY-MM"`` strings and
    quarters ``"YYYY-Qn"``, oldest first, only periods with counts.

    No time of computation is kept: nothing public may move between two publication dates except the
    objects and tips that the gallery shows anyway."""

    objects_published: int
    tips_received: int
    objects_identified: int
    countries_with_leads: PublicCount
    victims_identified: PublicCount
    offenders_arrested: PublicCount
    tips_per_month: tuple[tuple[str, int], ...]
    identifications_by_quarter: tuple[tuple[str, int], ...]
    figures_through: datetime.datetime  # outcome figures cover reports before this moment
    next_publication: datetime.datetime

    @property
    def is_empty(self) -> bool:
        """Nothing published and no tip yet: the page says so instead of showing a row of zeros."""
        return not (self.objects_published or self.tips_received or self.objects_identified)

    @property
    def figures_through_day(self) -> datetime.date:
        """The last day the outcome figures cover."""
        return (self.figures_through - datetime.timedelta(days=1)).date()


# The home page's name for the same figures (other code imports it).
HeadlineFigures = ResultsFigures


@dataclass(frozen=True)
class ObjectTips:
    code: str
    title: str
    tips: int


@dataclass(frozen=True)
class AwaitingDisclosure:
    """A located object that the public still sees in the gallery, and when that ends (``None``: a lead
    is not sent yet, so the quiet period has not started)."""

    code: str
    status_label: str
    disclosed_from: datetime.datetime | None


@dataclass(frozen=True)
class DashboardFigures:
    """The staff dashboard: the true, current figures, and what the public sees of them.
    ``tips_per_day`` has every day of the window, quiet days as zeros."""

    tips_total: int
    tips_per_day: tuple[tuple[datetime.date, int], ...]
    tips_by_object: tuple[ObjectTips, ...]
    tips_by_language: tuple[tuple[str, int], ...]  # language code ("-" when unknown), most first
    tips_by_status: tuple[tuple[str, int], ...]  # in TipStatus order, every status
    median_days_to_first_tip: float | None
    objects_measured_first_tip: int
    median_days_to_determination: float | None
    leads_total: int
    leads_acknowledged: int
    leads_with_outcome: int
    # The truth, now.
    objects_placed: int
    objects_widespread: int
    countries_with_leads: int
    victims_identified: int
    offenders_arrested: int
    # What the public sees, and when that moves.
    public: ResultsFigures
    public_next: ResultsFigures  # what the next publication would show, were it today
    awaiting_disclosure: tuple[AwaitingDisclosure, ...]
    computed_at: datetime.datetime

    @property
    def tips_in_window(self) -> int:
        return sum(count for _day, count in self.tips_per_day)

    @property
    def backlog(self) -> int:
        waiting = {str(status) for status in BACKLOG_STATUSES}
        return sum(count for status, count in self.tips_by_status if status in waiting)

    @property
    def acknowledgement_rate(self) -> float | None:
        return self.leads_acknowledged / self.leads_total if self.leads_total else None

    @property
    def outcome_rate(self) -> float | None:
        return self.leads_with_outcome / self.leads_total if self.leads_total else None

    @property
    def objects_located(self) -> int:
        return self.objects_placed + self.objects_widespread


# --- Reading the aggregates ------------------------------------------------------------------------


def _tally_sums(*dimensions: str, since: str | None = None) -> dict[str, dict[str, int]]:
    """Tips per value of the given tally dimensions, summed over objects: one GROUP BY over tally rows
    (objects by values), read through the (dimension, value) index, never over tips."""
    rows = Tally.objects.filter(dimension__in=dimensions)
    if since is not None:
        rows = rows.filter(value__gte=since)
    sums: dict[str, dict[str, int]] = {dimension: {} for dimension in dimensions}
    for dimension, value, total in (
        rows.values("dimension", "value")
        .annotate(total=Sum("tips"))
        .values_list("dimension", "value", "total")
    ):
        sums[dimension][value] = int(total or 0)
    return sums


def _by_month(days: dict[str, int]) -> tuple[tuple[str, int], ...]:
    """``{"2026-03-14": n, ...}`` summed by month (the ISO date's first seven characters)."""
    months: dict[str, int] = {}
    for day, count in days.items():
        if count:
            months[day[:7]] = months.get(day[:7], 0) + count
    return tuple(sorted(months.items()))


def _objects_published() -> int:
    """Objects ever shown to the public: in the gallery now (objects located but not yet disclosed
    included), on ``/identified/``, or archived after a public release. Partners-only objects were never
    public, and withdrawn ones are taken back, so neither counts."""
    now = timezone.now()
    archived = Object.objects.filter(
        status=ObjectStatus.ARCHIVED,
        audience=Audience.PUBLIC,
        published_at__isnull=False,
        release__publish_at__lte=now,
    )
    return objects_public().count() + objects_located().count() + archived.count()


def results_figures_compute(*, now: datetime.datetime | None = None) -> ResultsFigures:
    """The public figures from the data, uncached: a handful of queries over aggregates.

    ``now`` may be moved forward by the dashboard, to show what the next publication will say."""
    tallies = _tally_sums("total", "day")
    cutoff = publication_cutoff(now=now)
    return ResultsFigures(
        objects_published=_objects_published(),
        tips_received=tallies["total"].get("", 0),
        objects_identified=objects_located().count(),
        countries_with_leads=public_count(_country_first_leads(before=cutoff)),
        victims_identified=public_count(_sums_by_quarter(OutcomeKind.VICTIM_IDENTIFIED, before=cutoff)),
        offenders_arrested=public_count(_sums_by_quarter(OutcomeKind.OFFENDER_ARRESTED, before=cutoff)),
        tips_per_month=_by_month(tallies["day"]),
        identifications_by_quarter=_disclosure_quarters(),
        figures_through=cutoff,
        next_publication=next_publication(now=now),
    )


def objects_awaiting_disclosure() -> tuple[AwaitingDisclosure, ...]:
    """Located objects not yet shown as identified, by code: the staff's view of the disclosure rule.

    Two queries; located objects are few (each took a determination)."""
    disclosed = set(objects_located().values_list("pk", flat=True))
    candidates = Object.objects.filter(status__in=LOCATED_STATUSES, audience=Audience.PUBLIC)
    located = [obj for obj in candidates.order_by("code") if obj.pk not in disclosed]
    rows = Determination.objects.filter(
        object_id__in=[obj.pk for obj in located], state=DeterminationState.CONFIRMED
    ).values_list("object_id", "decided_at", "leads__sent_at", "leads__id")
    starts: dict[int, datetime.datetime | None] = {}
    for object_id, decided_at, sent_at, lead_id in rows:
        known = starts.get(object_id, decided_at)
        if known is None or (lead_id is not None and sent_at is None):
            starts[object_id] = None  # a lead waits to be sent: no date yet
        else:
            starts[object_id] = max(known, sent_at) if sent_at is not None else known
    quiet = datetime.timedelta(days=settings.DISCLOSURE_QUIET_DAYS)
    awaiting = []
    for obj in located:
        start = starts.get(obj.pk)
        awaiting.append(
            AwaitingDisclosure(
                code=obj.code,
                status_label=str(obj.get_status_display()),
                disclosed_from=start + quiet if start is not None else None,
            )
        )
    return tuple(awaiting)


def outcome_sums() -> dict[str, int]:
    """The true totals of the counted outcomes now, for the staff."""
    return {
        kind: int(outcomes_counted().filter(kind=kind).aggregate(total=Sum("count"))["total"] or 0)
        for kind in (OutcomeKind.VICTIM_IDENTIFIED, OutcomeKind.OFFENDER_ARRESTED)
    }


def _first_tip_delays() -> list[float]:
    """Days from publication to the first tip, per object ever published (either audience) that has one.

    Publication is the object's ``published_at``, or its release's time when that was never stamped
    (objects published before the field was kept, the demo). One query: for each object, a correlated
    subquery takes its first tip (lowest id, the arrival order) through the (object, -id) index, so the
    cost grows with the objects, not the tips.
    """
    first_tip = Tip.objects.filter(object=OuterRef("pk")).order_by("id").values("created_at")[:1]
    rows = (
        Object.objects.filter(
            Q(status=ObjectStatus.PUBLISHED) | Q(status__in=(*LOCATED_STATUSES, ObjectStatus.ARCHIVED)),
            release__publish_at__lte=timezone.now(),
        )
        .annotate(shown_at=Coalesce("published_at", "release__publish_at"), first_tip_at=Subquery(first_tip))
        .values_list("shown_at", "first_tip_at")
    )
    delays = []
    for published_at, first_tip_at in rows:
        if first_tip_at is None:
            continue
        # Demo tips may be dated before the object's publication: count those as at once.
        delays.append(max(0.0, (first_tip_at - published_at).total_seconds() / 86400))
    return delays


def _median(values: Iterable[float]) -> float | None:
    values = list(values)
    return float(statistics.median(values)) if values else None


def dashboard_figures_compute(*, today: datetime.date | None = None) -> DashboardFigures:
    """The staff dashboard from the data, uncached."""
    today = today or timezone.now().astimezone(datetime.UTC).date()
    start = today - datetime.timedelta(days=DASHBOARD_DAYS - 1)
    days = _tally_sums("day", since=start.isoformat())["day"]
    per_day = tuple(
        (day, days.get(day.isoformat(), 0))
        for day in (start + datetime.timedelta(days=offset) for offset in range(DASHBOARD_DAYS))
    )
    counts = _tally_sums("total", "language", "status")
    top = (
        Tally.objects.filter(dimension="total", value="", tips__gt=0)
        .order_by("-tips", "object__code")
        .values_list("object__code", "object__title", "tips")[:DASHBOARD_TOP_OBJECTS]
    )
    languages = sorted(
        ((value, n) for value, n in counts["language"].items() if n),
        key=lambda item: (-item[1], item[0]),
    )
    statuses = counts["status"]
    delays = _first_tip_delays()
    leads = lead_figures()
    outcomes = outcome_sums()
    now = timezone.now()
    return DashboardFigures(
        tips_total=counts["total"].get("", 0),
        tips_per_day=per_day,
        tips_by_object=tuple(ObjectTips(code=code, title=title, tips=n) for code, title, n in top),
        tips_by_language=tuple(languages),
        tips_by_status=tuple((str(status), statuses.get(str(status), 0)) for status in TipStatus),
        median_days_to_first_tip=_median(delays),
        objects_measured_first_tip=len(delays),
        median_days_to_determination=leads.median_days_to_determination,
        leads_total=leads.leads_total,
        leads_acknowledged=leads.leads_acknowledged,
        leads_with_outcome=leads.leads_with_outcome,
        objects_placed=leads.objects_placed,
        objects_widespread=leads.objects_widespread,
        countries_with_leads=sum(n for _quarter, n in _country_first_leads()),
        victims_identified=outcomes[OutcomeKind.VICTIM_IDENTIFIED],
        offenders_arrested=outcomes[OutcomeKind.OFFENDER_ARRESTED],
        public=results_figures_compute(now=now),
        public_next=results_figures_compute(now=next_publication(now=now)),
        awaiting_disclosure=objects_awaiting_disclosure(),
        computed_at=now,
    )


# --- The cache ----------------------------------------------------------------------------------------

_F = TypeVar("_F")


def _cached(key: str, kind: type[_F], compute: Callable[[], _F]) -> _F:
    cached = cache.get(key)
    if isinstance(cached, kind):
        return cached
    fresh: _F = compute()
    cache.set(key, fresh, settings.PUBLIC_FIGURES_CACHE_SECONDS)
    return fresh


def results_figures() -> ResultsFigures:
    """The public figures, from the cache; computed and stored on a miss."""
    return _cached(RESULTS_CACHE_KEY, ResultsFigures, results_figures_compute)


def results_figures_refresh() -> ResultsFigures:
    """Compute the public figures now and store them (the recompute task calls this)."""
    fresh = results_figures_compute()
    cache.set(RESULTS_CACHE_KEY, fresh, settings.PUBLIC_FIGURES_CACHE_SECONDS)
    return fresh


def dashboard_figures() -> DashboardFigures:
    """The staff dashboard's figures, from the cache; computed and stored on a miss."""
    return _cached(DASHBOARD_CACHE_KEY, DashboardFigures, dashboard_figures_compute)


def dashboard_figures_refresh() -> DashboardFigures:
    fresh = dashboard_figures_compute()
    cache.set(DASHBOARD_CACHE_KEY, fresh, settings.PUBLIC_FIGURES_CACHE_SECONDS)
    return fresh


def headline_figures() -> ResultsFigures:
    """The home page's figures: the same selector, and so the same cache entry, as /results/."""
    return results_figures()
