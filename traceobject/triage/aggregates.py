"""The precomputed aggregates behind the triage pages, and the two ways they change.

At intake they are incremented (``support_add``, ``tally_add``): a handful of upserts per tip. When an
analyst changes tips, the clusters and objects touched are recomputed from their own rows
(``supports_refresh``): bounded by one object's clusters, never by the whole table.

Support excludes tips an analyst has ruled out (not relevant, duplicate) and tips that are not about
the object ("other reports"); verified support is support from tips marked relevant.

An object's score for a value adds, per cluster saying it, the cluster's best confidence, counted
``VERIFIED_WEIGHT`` times when the cluster is verified.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, F, FloatField, Max, Q, Sum, When

from traceobject.tips.models import Tip, TipStatus
from traceobject.triage import sql
from traceobject.triage.models import Cluster, ClusterSupport, ObjectSupport, Signal, SignalKind, Tally

# A cluster an analyst verified (it holds a tip marked relevant) weighs this many times an unverified
# one in the score, and the consensus ranks verified support first (selectors.consensus): the crowd
# proposes, the analysts' verdicts decide.
VERIFIED_WEIGHT = 2

# Tips that do not count as evidence: judged so by an analyst, or held in a surge (a flood must not
# move an object's consensus before an analyst has looked; releasing them recounts).
EXCLUDED_STATUSES = (TipStatus.NOT_RELEVANT, TipStatus.DUPLICATE, TipStatus.SURGE)


@dataclass(frozen=True)
class SupportValue:
    kind: str
    value: str
    confidence: float


def tally_add(*, object_id: int, counts: dict[tuple[str, str], int]) -> None:
    sql.insert(
        Tally,
        conflict=("object", "dimension", "value"),
        rows=[
            {"object": object_id, "dimension": dim, "value": value, "tips": n}
            for (dim, value), n in counts.items()
            if n
        ],
        add=("tips",),
    )


def tip_dimensions(tip: Tip) -> list[tuple[str, str]]:
    """The tally rows one tip counts in; ``day`` is the UTC date it arrived."""
    return [
        ("total", ""),
        ("status", str(tip.status)),
        ("language", tip.language or "-"),
        ("day", tip.created_at.date().isoformat()),
        ("contact", "yes" if tip.has_contact else "no"),
        ("links", "yes" if tip.has_links else "no"),
        ("other", "yes" if tip.is_other else "no"),
    ]


def support_add(
    *, cluster_id: int, object_id: int, values: Iterable[SupportValue], new_cluster: bool = False
) -> None:
    """Count one new tip's values in its cluster, and the cluster in the object's consensus when the
    value is new to the cluster (or its confidence rose). A cluster founded by this tip has nothing yet."""
    values = list(values)
    if not values:
        return
    existing: dict[tuple[str, str], tuple[int, float, int]] = {}
    if not new_cluster:
        kinds = sorted({v.kind for v in values})
        found = sorted({v.value for v in values})
        query = (
            f"SELECT {sql.column(ClusterSupport, 'kind')}, {sql.column(ClusterSupport, 'value')}, "  # noqa: S608
            f"{sql.column(ClusterSupport, 'tips')}, {sql.column(ClusterSupport, 'confidence')}, "
            f"{sql.column(ClusterSupport, 'relevant_tips')} "
            f"FROM {sql.table(ClusterSupport)} WHERE {sql.column(ClusterSupport, 'cluster')} = %s "
            f"AND {sql.column(ClusterSupport, 'kind')} IN ({sql.placeholders(kinds)}) "
            f"AND {sql.column(ClusterSupport, 'value')} IN ({sql.placeholders(found)})"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, [cluster_id, *kinds, *found])
            existing = {
                (kind, value): (tips, confidence, relevant)
                for kind, value, tips, confidence, relevant in cursor.fetchall()
            }
    object_rows = []
    for item in values:
        tips_before, confidence_before, relevant_before = existing.get((item.kind, item.value), (0, 0.0, 0))
        counted_before = tips_before > 0
        # A new tip is unverified, but the cluster it joins may be verified: its rise weighs as such.
        weight = VERIFIED_WEIGHT if counted_before and relevant_before > 0 else 1
        object_rows.append(
            {
                "object": object_id,
                "kind": item.kind,
                "value": item.value,
                "clusters": 0 if counted_before else 1,
                "relevant_clusters": 0,
                "tips": 1,
                "score": weight * max(0.0, item.confidence - (confidence_before if counted_before else 0.0)),
            }
        )
    sql.insert(
        ClusterSupport,
        conflict=("cluster", "kind", "value"),
        rows=[
            {
                "cluster": cluster_id,
                "object": object_id,
                "kind": v.kind,
                "value": v.value,
                "tips": 1,
                "relevant_tips": 0,
                "confidence": v.confidence,
            }
            for v in values
        ],
        add=("tips",),
        greatest=("confidence",),
    )
    sql.insert(
        ObjectSupport,
        conflict=("object", "kind", "value"),
        rows=object_rows,
        add=("clusters", "tips", "score"),
    )


def supports_refresh(*, cluster_ids: Iterable[int]) -> None:
    """Recompute the support of the given clusters from their tips' signals, then their objects'
    consensus from the clusters. Used after analysts change tips, not at intake."""
    cluster_ids = sorted(set(cluster_ids))
    if not cluster_ids:
        return
    object_ids = sorted(set(Cluster.objects.filter(pk__in=cluster_ids).values_list("object_id", flat=True)))
    counted = Q(tip__is_other=False) & ~Q(tip__status__in=EXCLUDED_STATUSES)
    rows = (
        Signal.objects.filter(counted, tip__cluster_id__in=cluster_ids)
        .values("tip__cluster_id", "tip__object_id", "kind", "value")
        .annotate(
            n=Count("tip", distinct=True),
            relevant=Count("tip", distinct=True, filter=Q(tip__status=TipStatus.RELEVANT)),
            best=Max("confidence"),
        )
    )
    fresh = [
        ClusterSupport(
            cluster_id=row["tip__cluster_id"],
            object_id=row["tip__object_id"],
            kind=row["kind"],
            value=row["value"],
            tips=row["n"],
            relevant_tips=row["relevant"],
            confidence=row["best"],
        )
        for row in rows
        if row["kind"] in SignalKind.values
    ]
    ClusterSupport.objects.filter(cluster_id__in=cluster_ids).delete()
    ClusterSupport.objects.bulk_create(fresh, batch_size=500)
    relevant_by_cluster = dict(
        Tip.objects.filter(cluster_id__in=cluster_ids, status=TipStatus.RELEVANT, is_other=False)
        .values("cluster_id")
        .annotate(n=Count("id"))
        .values_list("cluster_id", "n")
    )
    for cluster_id in cluster_ids:
        Cluster.objects.filter(pk=cluster_id).update(relevant=relevant_by_cluster.get(cluster_id, 0))
    objects_refresh(object_ids=object_ids)


# One cluster's part of an object's score (ClusterSupport columns).
WEIGHTED_CONFIDENCE = Case(
    When(relevant_tips__gt=0, then=F("confidence") * VERIFIED_WEIGHT),
    default=F("confidence"),
    output_field=FloatField(),
)


def objects_refresh(*, object_ids: Iterable[int]) -> None:
    """Rebuild the consensus rows of whole objects from their cluster rows."""
    object_ids = list(object_ids)
    totals = (
        ClusterSupport.objects.filter(object_id__in=object_ids, tips__gt=0)
        .values("object_id", "kind", "value")
        .annotate(
            clusters=Count("id"),
            relevant_clusters=Count("id", filter=Q(relevant_tips__gt=0)),
            tips_sum=Sum("tips"),
            score=Sum(WEIGHTED_CONFIDENCE),
        )
    )
    ObjectSupport.objects.filter(object_id__in=object_ids).delete()
    ObjectSupport.objects.bulk_create(
        [
            ObjectSupport(
                object_id=row["object_id"],
                kind=row["kind"],
                value=row["value"],
                clusters=row["clusters"],
                relevant_clusters=row["relevant_clusters"],
                tips=row["tips_sum"],
                score=row["score"] or 0.0,
            )
            for row in totals
        ],
        batch_size=500,
    )


def tallies_rebuild(*, object_ids: Iterable[int]) -> None:
    """Recount whole objects' tallies from their tips (repair; the normal path increments)."""
    object_ids = list(object_ids)
    Tally.objects.filter(object_id__in=object_ids).delete()
    for object_id in object_ids:
        counts: dict[tuple[str, str], int] = {}
        for tip in Tip.objects.filter(object_id=object_id).only(
            "status", "language", "created_at", "has_contact", "has_links", "is_other"
        ):
            for key in tip_dimensions(tip):
                counts[key] = counts.get(key, 0) + 1
        tally_add(object_id=object_id, counts=counts)
