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

from traceobject.tips.models import Tip
from traceobject.tips.payload import TipPayload
from traceobject.triage import clusters, sql
from traceobject.triage.aggregates import (
    EXCLUDED_STATUSES,
    SupportValue,
    support_add,
    tally_add,
    tip_dimensions,
)
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


@dataclass(frozen=True)
class Match:
    cluster_id: int
    identical: bool  # the new tip's signature equals the matched tip's: it adds nothing to the index


def cluster_find(*, object_id: int, signature: np.ndarray | None) -> Match | None:
    """The cluster of the most similar earlier tip of the same object, if any is similar enough.

    One query: for each band key of the new tip, the ``PER_BAND`` newest tips of the object holding it
    (not all: in a spam burst one key holds thousands of identical tips, all in one cluster anyway),
    with their signatures and clusters. Candidates are ranked by keys shared, then newest, cut to
    ``MAX_CANDIDATES``; the first of the most similar wins.
    """
    if signature is None:
        return None
    keys = list(dict.fromkeys(clusters.band_keys(signature)))
    band, tip_id, key = sql.table(Band), sql.column(Band, "tip"), sql.column(Band, "key")
    one_band = (
        f"SELECT * FROM (SELECT {tip_id} AS tip_id FROM {band} "  # noqa: S608
        f"WHERE {sql.column(Band, 'object')} = %s AND {key} = %s "
        f"ORDER BY {tip_id} DESC LIMIT {PER_BAND}) AS b{{n}}"
    )
    signature_column = sql.column(Fingerprint, "signature")
    cluster_column = sql.column(Fingerprint, "cluster_id")
    query = (
        f"SELECT b.tip_id, f.{signature_column}, f.{cluster_column} "  # noqa: S608
        f"FROM ({' UNION ALL '.join(one_band.format(n=n) for n in range(len(keys)))}) AS b "
        f"JOIN {sql.table(Fingerprint)} AS f ON f.{sql.column(Fingerprint, 'tip')} = b.tip_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [value for key in keys for value in (object_id, key)])
        found = cursor.fetchall()
    if not found:
        return None
    shared = Counter(row[0] for row in found)
    rows = {row[0]: row for row in found}
    ranked = sorted(shared, key=lambda tip: (-shared[tip], -tip))[:MAX_CANDIDATES]
    ranked = [tip for tip in ranked if rows[tip][2] is not None]
    if not ranked:
        return None
    others = np.frombuffer(b"".join(bytes(rows[tip][1]) for tip in ranked), dtype="<u4")
    scores = (others.reshape(len(ranked), -1) == signature).mean(axis=1)
    best = int(np.argmax(scores))  # the first of the highest: the best-ranked candidate
    if scores[best] < clusters.THRESHOLD:
        return None
    return Match(cluster_id=rows[ranked[best]][2], identical=bool(scores[best] == 1.0))


def object_lock(object_id: int) -> None:
    """Serialise intake per object on PostgreSQL, so that two near-duplicates arriving at once cannot
    both miss each other and found two clusters. SQLite already serialises every write."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x7472, object_id])


def tip_index(*, tip: Tip, prepared: Prepared) -> None:
    """Store a new tip's signals, cluster and counters. Call inside the intake transaction, with the
    tip saved and ``object_lock`` taken before the tip was created.

    A tip whose signature equals the one it matched (a repost) adds no fingerprint or band rows: they
    would only repeat its twin's, and crowd the band keys' newest tips with copies.
    """
    signals = prepared.signals
    match = cluster_find(object_id=tip.object_id, signature=prepared.signature)
    cluster_id = tip.pk if match is None else match.cluster_id
    with connection.cursor() as cursor:
        if match is None:
            sql.insert(
                Cluster,
                [
                    {
                        "representative": tip.pk,
                        "object": tip.object_id,
                        "size": 1,
                        "relevant": 0,
                        "last_tip_id": tip.pk,
                    }
                ],
            )
        else:
            size, last = sql.column(Cluster, "size"), sql.column(Cluster, "last_tip_id")
            cursor.execute(
                f"UPDATE {sql.table(Cluster)} SET {size} = {size} + 1, {last} = %s "  # noqa: S608
                f"WHERE {sql.column(Cluster, 'representative')} = %s",
                [tip.pk, cluster_id],
            )
        cursor.execute(
            f"UPDATE {sql.table(Tip)} SET {sql.column(Tip, 'cluster')} = %s "  # noqa: S608
            f"WHERE {sql.column(Tip, 'id')} = %s",
            [cluster_id, tip.pk],
        )
    tip.cluster_id = cluster_id

    if prepared.signature is not None and not (match is not None and match.identical):
        signature = clusters.signature_bytes(prepared.signature)
        sql.insert(Fingerprint, [{"tip": tip.pk, "signature": signature, "cluster_id": cluster_id}])
        sql.insert(
            Band,
            [
                {"object": tip.object_id, "key": key, "tip": tip.pk}
                for key in dict.fromkeys(clusters.band_keys(prepared.signature))
            ],
        )

    terms = signal_terms(signals)
    terms_store(terms)
    sql.insert(
        Signal,
        [
            {"tip": tip.pk, **dict(zip(SIGNAL_FIELDS, row, strict=True))}
            for row in signal_rows(signals, terms)
        ],
    )
    if tip.status not in EXCLUDED_STATUSES:
        support_add(
            cluster_id=cluster_id,
            object_id=tip.object_id,
            values=support_values(signals),
            new_cluster=match is None,
        )
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
                term_digest(SignalKind.SHOP, signals.shop),
                "field",
                1.0,
                "shop_brand",
                None,
                None,
            )
        )
    return rows


def signal_terms(signals: Signals) -> list[tuple[str, str, str]]:
    """(kind, digest, text) of the tip's domains and shop: see ``triage.terms``. The digest is of the
    grouping key (the normalised shop), the text is what the pages show (the tipster's spelling; the
    first one seen is kept, ``terms_store``)."""
    terms = {(SignalKind.DOMAIN, link.domain): link.domain for link in signals.links}
    if signals.shop:
        terms[(SignalKind.SHOP, signals.shop)] = signals.shop_text or signals.shop
    return [(str(kind), term_digest(kind, key), text) for (kind, key), text in terms.items()]


def support_values(signals: Signals) -> list[SupportValue]:
    values = [
        SupportValue(SignalKind.COUNTRY, code, signal.confidence)
        for code, signal in signals.best_countries().items()
    ]
    values += [SupportValue(kind, digest, 1.0) for kind, digest, _text in signal_terms(signals)]
    return values
