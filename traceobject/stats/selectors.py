"""Figures computed from the data rather than typed in by hand: the public results and the staff dashboard.

Every page reads these from Django's cache; a miss (or the recompute task, ``stats.tasks``) computes
them again. Computing never counts tips: the tip counts come from the ``triage.Tally`` rows that intake
keeps up to date (one row per object and dimension value, so a few thousand rows for a million tips),
and the lead figures from ``leads.selectors.lead_figures``. The cache entries also expire after
``PUBLIC_FIGURES_CACHE_SECONDS``, which bounds how stale a figure gets when nothing announced a change
(a release whose time came, tips arriving).

Public figures never name a country: "countries that received leads" is a count only.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, Q, Subquery, Sum
from django.utils import timezone

from traceobject.gallery.models import Object, ObjectStatus
from traceobject.leads.selectors import lead_figures
from traceobject.tips.models import Tip, TipStatus
from traceobject.triage.models import Tally

# Versioned keys: a deployment that changes a dataclass reads a fresh key instead of an old pickle.
RESULTS_CACHE_KEY = "stats:results:v2"
DASHBOARD_CACHE_KEY = "stats:dashboard:v1"
# The days the dashboard's tips-per-day chart covers, today included.
DASHBOARD_DAYS = 90
# The objects the dashboard lists by number of tips.
DASHBOARD_TOP_OBJECTS = 20
# Tip statuses still waiting for an analyst: the triage backlog.
BACKLOG_STATUSES = (TipStatus.NEW, TipStatus.NEEDS_FOLLOW_UP)


@dataclass(frozen=True)
class ResultsFigures:
    """The public figures. Months are ``"YYYY-MM"`` strings, oldest first, only months with counts."""

    objects_published: int
    tips_received: int
    objects_identified: int
    objects_placed: int  # identified to one or a few countries
    objects_widespread: int  # sold in many countries: the trail is ruled out
    countries_with_leads: int
    victims_identified: int
    offenders_arrested: int
    tips_per_month: tuple[tuple[str, int], ...]
    identifications_over_time: tuple[tuple[str, int], ...]
    computed_at: datetime.datetime

    @property
    def is_empty(self) -> bool:
        """Nothing published and no tip yet: the page says so instead of showing a row of zeros."""
        return not (self.objects_published or self.tips_received or self.objects_identified)


# The home page's name for the same figures (other code imports it).
HeadlineFigures = ResultsFigures


@dataclass(frozen=True)
class ObjectTips:
    code: str
    title: str
    tips: int


@dataclass(frozen=True)
class DashboardFigures:
    """The staff dashboard. ``tips_per_day`` has every day of the window, quiet days as zeros."""

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
    """Objects ever published: in the gallery now (their release's time reached), located since, or
    archived after publication. The partners-only first step counts as a publication, as it does for
    the located figures (``lead_figures`` counts located objects of either audience), so that the
    objects identified are never more than the objects published. Withdrawn objects are not counted."""
    now = timezone.now()
    shown = (
        Q(status=ObjectStatus.PUBLISHED, release__publish_at__lte=now)
        | Q(status__in=(ObjectStatus.IDENTIFIED, ObjectStatus.WIDESPREAD))
        | Q(status=ObjectStatus.ARCHIVED, published_at__isnull=False)
    )
    return Object.objects.filter(shown).count()


def results_figures_compute() -> ResultsFigures:
    """The public figures from the data, uncached: a handful of queries over aggregates."""
    tallies = _tally_sums("total", "day")
    leads = lead_figures()
    return ResultsFigures(
        objects_published=_objects_published(),
        tips_received=tallies["total"].get("", 0),
        objects_identified=leads.objects_identified,
        objects_placed=leads.objects_placed,
        objects_widespread=leads.objects_widespread,
        countries_with_leads=leads.countries_with_leads,
        victims_identified=leads.victims_identified,
        offenders_arrested=leads.offenders_arrested,
        tips_per_month=_by_month(tallies["day"]),
        identifications_over_time=tuple((month, n) for month, n in leads.identifications_by_month if n),
        computed_at=timezone.now(),
    )


def _first_tip_delays() -> list[float]:
    """Days from publication to the first tip, per published object that has one.

    One query: for each object, a correlated subquery takes its first tip (lowest id, the arrival
    order) through the (object, -id) index, so the cost grows with the objects, not the tips.
    """
    first_tip = Tip.objects.filter(object=OuterRef("pk")).order_by("id").values("created_at")[:1]
    rows = (
        Object.objects.filter(published_at__isnull=False)
        .annotate(first_tip_at=Subquery(first_tip))
        .values_list("published_at", "first_tip_at")
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
        computed_at=timezone.now(),
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
