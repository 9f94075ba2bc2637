"""What triage does with a tip as it arrives, inside the intake's transaction.

``tip_prepare`` runs before the vault seals the tip (it needs the clear text) and outside the
transaction (it is pure computation); ``tip_index`` stores its results with the tip. The clear text
never reaches the database: only signals (codes, domains, normalised shop names, offsets), a keyed
MinHash signature, and counters.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import F

from traceobject.tips.models import Tip
from traceobject.tips.payload import TipPayload
from traceobject.triage import clusters
from traceobject.triage.aggregates import SupportValue, support_add, tally_add, tip_dimensions
from traceobject.triage.models import Band, Cluster, Fingerprint, Signal, SignalKind
from traceobject.triage.signals import extract
from traceobject.triage.signals.types import Signals
from traceobject.triage.terms import term_digest, terms_store

MAX_CANDIDATES = 32
PER_BAND = 8


@dataclass(frozen=True)
class Prepared:
    signals: Signals
    signature: np.ndarray | None
    has_contact: bool
    has_links: bool


def tip_prepare(payload: TipPayload) -> Prepared:
    return Prepared(
        signals=extract(payload),
        signature=clusters.fingerprint(payload.text),
        has_contact=bool(payload.contact.strip()),
        has_links=bool(payload.links),
    )


def cluster_find(*, object_id: int, signature: np.ndarray | None) -> int | None:
    """The cluster of the most similar earlier tip of the same object, if any is similar enough."""
    if signature is None:
        return None
    # The most recent tips of each band, not all: in a spam burst one band key holds thousands of
    # identical tips, and they all sit in one cluster anyway. This bounds the lookup at
    # BANDS x PER_BAND rows, each band an index range read backwards.
    keys = list(dict.fromkeys(clusters.band_keys(signature)))
    table = connection.ops.quote_name(Band._meta.db_table)
    one_band = (
        f"SELECT * FROM (SELECT tip_id FROM {table} WHERE object_id = %s AND key = %s "  # noqa: S608
        f"ORDER BY tip_id DESC LIMIT {PER_BAND}) AS b{{n}}"
    )
    sql = " UNION ALL ".join(one_band.format(n=n) for n in range(len(keys)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for key in keys for value in (object_id, key)])
        shared = Counter(tip_id for (tip_id,) in cursor.fetchall())
    candidates = [tip_id for tip_id, _n in sorted(shared.items(), key=lambda item: (-item[1], -item[0]))]
    candidates = candidates[:MAX_CANDIDATES]
    if not candidates:
        return None
    best: tuple[float, int] | None = None
    for raw, cluster_id in Fingerprint.objects.filter(tip_id__in=candidates).values_list(
        "signature", "tip__cluster_id"
    ):
        if cluster_id is None:
            continue
        score = clusters.similarity(signature, clusters.signature_from_bytes(raw))
        if score >= clusters.THRESHOLD and (best is None or score > best[0]):
            best = (score, cluster_id)
    return best[1] if best else None


def object_lock(object_id: int) -> None:
    """Serialise intake per object on PostgreSQL, so that two near-duplicates arriving at once cannot
    both miss each other and found two clusters. SQLite already serialises every write."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x7472, object_id])


def tip_index(*, tip: Tip, prepared: Prepared) -> None:
    """Store a new tip's signals, cluster and counters. Call inside the intake transaction, with the
    tip saved and ``object_lock`` taken before the tip was created."""
    signals = prepared.signals
    cluster_id = cluster_find(object_id=tip.object_id, signature=prepared.signature)
    if cluster_id is None:
        Cluster.objects.create(representative=tip, object_id=tip.object_id, size=1, last_tip_id=tip.pk)
        cluster_id = tip.pk
    else:
        Cluster.objects.filter(pk=cluster_id).update(size=F("size") + 1, last_tip_id=tip.pk)
    Tip.objects.filter(pk=tip.pk).update(cluster_id=cluster_id)
    tip.cluster_id = cluster_id

    if prepared.signature is not None:
        Fingerprint.objects.create(tip=tip, signature=clusters.signature_bytes(prepared.signature))
        Band.objects.bulk_create(
            [
                Band(object_id=tip.object_id, key=key, tip_id=tip.pk)
                for key in set(clusters.band_keys(prepared.signature))
            ]
        )

    terms = signal_terms(signals)
    terms_store(terms)
    rows = signal_rows(signals, terms)
    Signal.objects.bulk_create([Signal(tip=tip, **dict(zip(SIGNAL_FIELDS, r, strict=True))) for r in rows])

    support_add(cluster_id=cluster_id, object_id=tip.object_id, values=support_values(signals))
    tally_add(object_id=tip.object_id, counts=dict.fromkeys(tip_dimensions(tip), 1))


SIGNAL_FIELDS = ("kind", "value", "source", "confidence", "field", "start", "end")
SignalRow = tuple[str, str, str, float, str, int | None, int | None]


def signal_rows(signals: Signals, terms: list[tuple[str, str, str]]) -> list[SignalRow]:
    """The ``Signal`` rows of one tip (fields as ``SIGNAL_FIELDS``): country codes in the clear,
    domains and shops as their keyed digests. The benchmark's generator writes the same rows."""
    digests = {(kind, text): digest for kind, digest, text in terms}
    rows: list[SignalRow] = [
        (SignalKind.COUNTRY, item.code, item.source, item.confidence, item.field, item.start, item.end)
        for item in signals.countries
    ]
    rows += [
        (
            SignalKind.DOMAIN,
            digests[(SignalKind.DOMAIN, link.domain)],
            link.kind,
            1.0,
            link.field,
            link.start,
            link.end,
        )
        for link in signals.links
    ]
    if signals.shop:
        rows.append(
            (
                SignalKind.SHOP,
                digests[(SignalKind.SHOP, signals.shop)],
                "field",
                1.0,
                "shop_brand",
                None,
                None,
            )
        )
    return rows


def signal_terms(signals: Signals) -> list[tuple[str, str, str]]:
    """(kind, digest, text) of the tip's domains and shop: see ``triage.terms``."""
    terms = [(SignalKind.DOMAIN, link.domain) for link in signals.links]
    if signals.shop:
        terms.append((SignalKind.SHOP, signals.shop))
    return [(str(kind), term_digest(kind, text), text) for kind, text in dict.fromkeys(terms)]


def support_values(signals: Signals) -> list[SupportValue]:
    values = [
        SupportValue(SignalKind.COUNTRY, code, signal.confidence)
        for code, signal in signals.best_countries().items()
    ]
    values += [SupportValue(kind, digest, 1.0) for kind, digest, _text in signal_terms(signals)]
    return values
