"""Reads for the triage pages. Every list is paginated by keyset and every count comes from the
aggregates (``Tally``, ``ObjectSupport``), so a page costs the same at a hundred tips or a million."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from traceobject.gallery.models import Object
from traceobject.tips.models import Tip, TipStatus
from traceobject.triage.aggregates import VERIFIED_WEIGHT
from traceobject.triage.highlight import country_name
from traceobject.triage.models import Cluster, ObjectSupport, Signal, SignalKind, Tally
from traceobject.triage.terms import terms_open

PAGE_SIZE = 50
QUEUE_PAGE_SIZE = 20
COUNT_CAP = 10_000  # beyond this the inbox says "10,000+" rather than counting a million rows


@dataclass(frozen=True)
class InboxFilters:
    object_id: int | None = None
    status: str = ""
    language: str = ""
    country: str = ""
    has_contact: bool | None = None
    has_links: bool | None = None
    date_from: date | None = None
    date_to: date | None = None
    cluster_id: int | None = None
    assignee_id: int | None = None
    label_id: int | None = None
    other: bool | None = None
    unverified: bool | None = None  # sent without proof of work (tips.antiabuse)
    reply_waiting: bool | None = None  # the tipster replied and no analyst has opened the tip since

    def is_empty(self) -> bool:
        return self == InboxFilters()


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def inbox_queryset(filters: InboxFilters) -> QuerySet[Tip]:
    tips = Tip.objects.all()
    if filters.object_id is not None:
        tips = tips.filter(object_id=filters.object_id)
    # Tips held in a surge stay out of every list until an analyst releases them; they are shown only
    # when asked for by status (the banner links there).
    tips = tips.filter(status=filters.status) if filters.status else tips.exclude(status=TipStatus.SURGE)
    if filters.language:
        tips = tips.filter(language=filters.language)
    if filters.country:
        tips = tips.filter(
            pk__in=Signal.objects.filter(kind=SignalKind.COUNTRY, value=filters.country).values("tip_id")
        )
    if filters.has_contact is not None:
        tips = tips.filter(has_contact=filters.has_contact)
    if filters.has_links is not None:
        tips = tips.filter(has_links=filters.has_links)
    if filters.date_from is not None:
        tips = tips.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to is not None:
        tips = tips.filter(created_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.cluster_id is not None:
        tips = tips.filter(cluster_id=filters.cluster_id)
    if filters.assignee_id is not None:
        tips = tips.filter(assignee_id=filters.assignee_id)
    if filters.label_id is not None:
        tips = tips.filter(labels__id=filters.label_id)
    if filters.other is not None:
        tips = tips.filter(is_other=filters.other)
    if filters.unverified is not None:
        tips = tips.filter(unverified=filters.unverified)
    if filters.reply_waiting is not None:
        tips = tips.filter(reply_waiting=filters.reply_waiting)
    return tips


def surge_held_count() -> int:
    """How many tips wait in the surge hold (the inbox's banner), capped like the inbox's count."""
    return capped_count(Tip.objects.filter(status=TipStatus.SURGE))


def _with_row_data(tips: QuerySet[Tip]) -> QuerySet[Tip]:
    """What a tip row shows, in a fixed number of queries whatever the page size."""
    return tips.select_related("object", "assignee", "cluster").prefetch_related(
        "labels",
        Prefetch("signals", queryset=Signal.objects.order_by("field", "start", "id"), to_attr="signal_list"),
    )


@dataclass(frozen=True)
class Page:
    tips: list[Tip]
    next_before: int | None  # the keyset cursor of the next (older) page, None on the last page
    total: int  # capped at COUNT_CAP + 1
    capped: bool


def inbox_page(filters: InboxFilters, *, before: int | None = None, size: int = PAGE_SIZE) -> Page:
    """Newest first (by arrival), ``size`` tips older than the cursor ``before``."""
    base = inbox_queryset(filters)
    page = base if before is None else base.filter(pk__lt=before)
    rows = list(_with_row_data(page.order_by("-pk"))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    total = capped_count(base)
    return Page(
        tips=rows,
        next_before=rows[-1].pk if more and rows else None,
        total=min(total, COUNT_CAP),
        capped=total > COUNT_CAP,
    )


@dataclass(frozen=True)
class Neighbours:
    """The tips beside one tip in a list that runs newest first, as the inbox does."""

    newer: int | None  # the row above it: "previous"
    older: int | None  # the row below it: "next"


def tip_neighbours(*, tip_id: int, filters: InboxFilters) -> Neighbours:
    """The previous and next tips of the inbox list ``filters`` describes (two indexed queries, only
    ids), so an analyst walks a filtered list one tip page after another; with empty filters, the
    whole inbox by arrival."""
    tips = inbox_queryset(filters).order_by()
    newer = tips.filter(pk__gt=tip_id).order_by("pk").values_list("pk", flat=True).first()
    older = tips.filter(pk__lt=tip_id).order_by("-pk").values_list("pk", flat=True).first()
    return Neighbours(newer=newer, older=older)


def capped_count(tips: QuerySet[Tip]) -> int:
    """Count up to COUNT_CAP + 1 rows: exact for a narrow filter, bounded for a wide one."""
    return tips.order_by().values("pk")[: COUNT_CAP + 1].count()


@dataclass
class Facets:
    """Per-filter counts, from the tallies: for one object when the inbox is filtered to it."""

    total: int = 0
    status: dict[str, int] = field(default_factory=dict)
    language: dict[str, int] = field(default_factory=dict)
    contact: dict[str, int] = field(default_factory=dict)
    links: dict[str, int] = field(default_factory=dict)
    other: dict[str, int] = field(default_factory=dict)
    country: dict[str, int] = field(default_factory=dict)


FACET_DIMENSIONS = ("total", "status", "language", "contact", "links", "other")


def inbox_facets(*, object_id: int | None = None) -> Facets:
    # The dimensions by name, not "all but day": the (dimension, value) index then skips the day rows,
    # which are most of the table (one per object and day).
    tallies = Tally.objects.filter(dimension__in=FACET_DIMENSIONS)
    support = ObjectSupport.objects.filter(kind=SignalKind.COUNTRY)
    if object_id is not None:
        tallies = tallies.filter(object_id=object_id)
        support = support.filter(object_id=object_id)
    facets = Facets()
    for dimension, value, tips in (
        tallies.values("dimension", "value").annotate(n=Sum("tips")).values_list("dimension", "value", "n")
    ):
        if dimension == "total":
            facets.total = tips or 0
        elif tips and hasattr(facets, dimension):
            getattr(facets, dimension)[value] = tips
    facets.country = dict(
        support.values("value").annotate(n=Sum("tips")).order_by("-n", "value").values_list("value", "n")
    )
    return facets


# --- Object queue ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueCluster:
    cluster: Cluster
    representative: Tip
    countries: list[tuple[str, int, int]]  # (code, tips, relevant tips) said in this cluster


@dataclass(frozen=True)
class QueuePage:
    clusters: list[QueueCluster]
    next_after: tuple[int, int] | None  # (size, last_tip_id) of the last cluster shown


def object_queue(
    *, obj: Object, after: tuple[int, int] | None = None, size: int = QUEUE_PAGE_SIZE
) -> QueuePage:
    """The object's clusters, the largest (most repeated) first, then the most recently active."""
    clusters = Cluster.objects.filter(object=obj)
    if after is not None:
        after_size, after_last = after
        clusters = clusters.filter(Q(size__lt=after_size) | Q(size=after_size, last_tip_id__lt=after_last))
    rows = list(clusters.order_by("-size", "-last_tip_id").prefetch_related("support")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    reps = {tip.pk: tip for tip in _with_row_data(Tip.objects.filter(pk__in=[c.pk for c in rows]))}
    page = [
        QueueCluster(
            cluster=cluster,
            representative=reps[cluster.pk],
            countries=sorted(
                (
                    (s.value, s.tips, s.relevant_tips)
                    for s in cluster.support.all()
                    if s.kind == SignalKind.COUNTRY and s.tips > 0
                ),
                key=lambda item: (-item[1], item[0]),
            ),
        )
        for cluster in rows
        if cluster.pk in reps
    ]
    last = rows[-1] if rows else None
    return QueuePage(clusters=page, next_after=(last.size, last.last_tip_id) if more and last else None)


# --- Consensus ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Support:
    value: str
    clusters: int
    relevant_clusters: int
    tips: int
    score: float
    label: str = ""  # the country code, or the opened text of a domain or shop term

    @property
    def unverified_clusters(self) -> int:
        return self.clusters - self.relevant_clusters

    @property
    def weight(self) -> int:
        """Support for the map's shading: a cluster an analyst verified counts ``VERIFIED_WEIGHT`` times
        (as in the score), so that verdicts show on the map as they are given."""
        return self.clusters + (VERIFIED_WEIGHT - 1) * self.relevant_clusters


@dataclass
class Consensus:
    countries: list[Support]
    domains: list[Support]
    shops: list[Support]
    days: list[tuple[date, int]]
    total_tips: int
    clusters: int
    status: dict[str, int]


def _supports(obj: Object, kind: str, limit: int | None) -> list[Support]:
    # Verified support first (the analysts' verdicts outrank the crowd), then the weighted score.
    ranked = ObjectSupport.objects.filter(object=obj, kind=kind, clusters__gt=0).order_by(
        "-relevant_clusters", "-score", "-clusters", "value"
    )
    rows = list(ranked if limit is None else ranked[:limit])
    labels = terms_open(kind, [row.value for row in rows]) if kind != SignalKind.COUNTRY else {}
    return [
        Support(
            value=row.value,
            clusters=row.clusters,
            relevant_clusters=row.relevant_clusters,
            tips=row.tips,
            score=row.score,
            label=labels.get(row.value, row.value),
        )
        for row in rows
    ]


def consensus(*, obj: Object, countries: int | None = None, terms: int = 10) -> Consensus:
    """The object's candidate countries ranked by independent support, with verified support apart."""
    tallies: dict[str, dict[str, int]] = defaultdict(dict)
    for dimension, value, tips in Tally.objects.filter(
        object=obj, dimension__in=("total", "status", "day")
    ).values_list("dimension", "value", "tips"):
        tallies[dimension][value] = tips
    days = sorted((date.fromisoformat(day), n) for day, n in tallies["day"].items() if n)
    return Consensus(
        countries=_supports(obj, SignalKind.COUNTRY, countries),
        domains=_supports(obj, SignalKind.DOMAIN, terms),
        shops=_supports(obj, SignalKind.SHOP, terms),
        days=days,
        total_tips=tallies["total"].get("", 0),
        clusters=Cluster.objects.filter(object=obj).count(),
        status={k: v for k, v in tallies["status"].items() if v},
    )


CONSENSUS_CSV_COLUMNS = ("kind", "value", "name", "clusters", "verified_clusters", "tips", "score")


def consensus_export_rows(*, consensus: Consensus) -> Iterator[list[object]]:
    """The consensus as CSV rows (the header first): aggregates only, never what a tipster wrote.

    Countries by code and English name, then shops and domains by their opened text (they are stored as
    digests). ``consensus`` is already bounded (``terms``), so its rows are held while they stream.
    """
    yield list(CONSENSUS_CSV_COLUMNS)
    for kind, supports in (
        (SignalKind.COUNTRY, consensus.countries),
        (SignalKind.SHOP, consensus.shops),
        (SignalKind.DOMAIN, consensus.domains),
    ):
        is_country = kind == SignalKind.COUNTRY
        for support in supports:
            yield [
                kind.value,
                support.value if is_country else support.label,
                country_name(support.value) if is_country else "",
                support.clusters,
                support.relevant_clusters,
                support.tips,
                f"{support.score:.2f}",
            ]


def object_for_triage(*, code: str) -> Object | None:
    return Object.objects.filter(code=code).select_related("category").first()


def tip_for_triage(*, tip_id: int) -> Tip | None:
    return _with_row_data(Tip.objects.filter(pk=tip_id)).first()


def cluster_for_triage(*, cluster_id: int) -> Cluster | None:
    return Cluster.objects.filter(pk=cluster_id).select_related("object").first()


def objects_with_tips() -> list[dict[str, Any]]:
    """Objects that have tips, with their totals, for the inbox's object filter (from the tallies)."""
    rows = (
        Tally.objects.filter(dimension="total", value="", tips__gt=0)
        .order_by("object__code")
        .values_list("object_id", "object__code", "object__title", "tips")
    )
    return [{"id": pk, "code": code, "title": title, "tips": tips} for pk, code, title, tips in rows]
