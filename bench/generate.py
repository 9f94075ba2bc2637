"""Build a realistic triage load: a million tips on 500 objects, with everything intake would store.

    .venv/bin/python -m bench.generate --fresh                         # 1M tips into traceobject_bench
    .venv/bin/python -m bench.generate --fresh --tips 20000 --objects 40
    .venv/bin/python -m bench.generate --check                         # compare with the real refresh

The database gets what ``tips.services.tip_submit`` and ``triage.intake.tip_index`` would have written for
every tip, computed with the real code where it matters and in bulk where it does not:

* signals from the real ``triage.signals.extract`` and fingerprints/band keys from the real
  ``triage.clusters``, once per distinct tip (an exact copy reuses them), on every core;
* the vault's sealed box from the real ``vault.seal``, once per distinct tip: exact copies share the
  same sealed bytes (a real intake would seal each copy with a new ephemeral key; the size is the same);
* clusters by the intake's own rule (``triage.intake.cluster_find``: per LSH band key the ``PER_BAND``
  newest tips holding it, at most ``MAX_CANDIDATES`` of them ranked by keys shared then newest, join the
  most similar if its estimated similarity reaches ``THRESHOLD``; a repost of an identical signature gets
  no fingerprint or band rows), replayed in memory per object in arrival order;
* the aggregates (``Cluster``, ``ClusterSupport``, ``ObjectSupport``, ``Tally``) computed in Python with the
  semantics of ``triage.aggregates``, after the analysts' statuses are set (their refresh functions'
  result). ``--check`` recomputes three objects with the real functions and compares.

Receipts are not generated: the triage pages never read them. Rows go in with PostgreSQL ``COPY`` (into
tables whose indexes and constraints are dropped first and rebuilt afterwards, the usual bulk load), or
with ``bulk_create`` on any other database (the tests' SQLite). The load is seeded: the same arguments
build the same database, except for the sealed boxes and the keyed fingerprints, which depend on the
data directory's keys (``--data-dir``; the benchmark must use the same one to open tips).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import multiprocessing
import os
import random
import resource
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from bench import triage_texts as texts

if TYPE_CHECKING:
    import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/traceobject_bench"
DEFAULT_DATA_DIR = ROOT / "var" / "bench-triage"
CODE_PREFIX = "TB"  # object codes TB0001-2025 ...
ANALYST = "bench-analyst"
DAY = 86_400
SPAN_DAYS = 730  # tips arrive over about two years
OBJECTS_PER_RELEASE = 25
# Shares of the tips (the rest are originals): reposts of an earlier tip, and "other reports".
REPOST_SHARE = 0.24
EXACT_REPOST_SHARE = 0.35  # of the reposts: copied as they were
OTHER_SHARE = 0.015
LABELS = ("spam wave", "shop lead", "ask partner", "translate")


# --- Set-up ------------------------------------------------------------------------------------------
def configure(database_url: str, data_dir: Path) -> None:
    """Point Django at the benchmark database, in test mode with the benchmark's own data directory.

    Test mode: generated secrets under ``data_dir`` (kept, so that the vault keys and the fingerprint
    pepper stay those the tips were generated with), fast password hashing, no static manifest.
    """
    os.environ["DATABASE_URL"] = database_url
    os.environ["TRACEOBJECT_ENV"] = "test"
    os.environ["TRACEOBJECT_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "traceobject.settings"
    data_dir.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def database_name(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


def ensure_database(database_url: str, *, fresh: bool) -> None:
    """Create the PostgreSQL database if it is missing; drop and recreate it on ``fresh``."""
    import psycopg
    from psycopg import sql

    name = database_name(database_url)
    if fresh and "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: --fresh only drops a database whose name has 'bench'")
    parts = urlsplit(database_url)
    admin_url = urlunsplit(
        (parts.scheme.replace("postgresql", "postgres"), parts.netloc, "/postgres", "", "")
    )
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


class Progress:
    """Prints every ~5 % of a phase, with the rate and the time so far."""

    def __init__(self, label: str, total: int, *, quiet: bool = False) -> None:
        self.label, self.total, self.quiet = label, max(1, total), quiet
        self.started = time.perf_counter()
        self.next_at = 0.05
        self.done = 0

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.done / self.total >= self.next_at and not self.quiet:
            elapsed = time.perf_counter() - self.started
            print(
                f"  {self.label:24} {self.done / self.total:4.0%} {self.done:>10,} / {self.total:,}"
                f"  {self.done / max(elapsed, 1e-9):>9,.0f}/s  {elapsed:6.1f} s",
                flush=True,
            )
            while self.next_at <= self.done / self.total:
                self.next_at += 0.05

    def finish(self) -> float:
        return time.perf_counter() - self.started


# --- The plan: which tip arrives when, on which object, saying what ----------------------------------
@dataclass
class ObjectPlan:
    index: int
    pk: int = 0
    code: str = ""
    category: str = ""
    release_at: float = 0.0
    countries: list[str] = field(default_factory=list)  # where it really comes from
    brands: list[str] = field(default_factory=list)
    year: int = 2015
    tips: int = 0


@dataclass
class TipPlan:
    """One tip before it is stored; ``payload`` indexes the distinct payloads."""

    object_index: int
    at_us: int  # arrival, microseconds since the epoch (UTC)
    payload: int
    kind: str  # original, repost, copy (exact repost), burst, other
    burst: int = -1  # which burst, for the analysts' verdict on the whole wave
    names_truth: bool = False  # it names one of the object's real countries
    pk: int = 0
    cluster: int = 0
    indexed: bool = False  # has fingerprint and band rows (not for a repost of an identical signature)
    status: str = "new"
    is_other: bool = False
    assignee: bool = False
    label: int = -1


@dataclass
class Plan:
    objects: list[ObjectPlan]
    tips: list[TipPlan]
    payloads: list[bytes]  # TipPayload.to_bytes() of each distinct payload
    languages: list[str]  # the language each distinct payload was written in (the generator's intent)
    start: float
    end: float


def attention(total: int, objects: int, rng: random.Random) -> list[int]:
    """Tips per object: Zipf-Mandelbrot (1/(rank+3)^1.3) above a floor, summing to ``total``.

    With 1M tips on 500 objects: the largest gets ~86,000, eighteen get more than 10,000, the median ~540.
    """
    floor = 0.075 * total / objects
    weights = [1 / (rank + 3) ** 1.3 for rank in range(1, objects + 1)]
    scale = (total - floor * objects) / sum(weights)
    exact = [floor + w * scale for w in weights]
    counts = [int(x) for x in exact]
    for i in sorted(range(objects), key=lambda i: exact[i] - counts[i], reverse=True)[: total - sum(counts)]:
        counts[i] += 1
    rng.shuffle(counts)  # attention does not follow the order of publication
    return counts


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _arrival_offset(rng: random.Random, window: float) -> float:
    """Seconds after the release: the first days are busiest, then a long tail until today."""
    draw = rng.random()
    if draw < 0.45:
        offset = rng.expovariate(1 / (1.5 * DAY))
    elif draw < 0.65:
        offset = rng.expovariate(1 / (14 * DAY))
    else:
        offset = rng.uniform(0, window)
    return offset if offset < window else rng.uniform(0, window)


def _poisson(rng: random.Random, mean: float) -> int:
    count, threshold, product = 0, math.exp(-mean), rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


class _Payloads:
    """Distinct payloads, by their sealed document's bytes (what the vault would seal)."""

    def __init__(self) -> None:
        self.index: dict[bytes, int] = {}
        self.items: list[bytes] = []
        self.languages: list[str] = []
        # The same fields dict (an exact copy) is not encoded twice; ``keep`` holds each dict of the
        # current object so that no id is reused while it is cached.
        self.by_id: dict[int, int] = {}
        self.keep: list[dict[str, Any]] = []

    def next_object(self) -> None:
        self.by_id.clear()
        self.keep.clear()

    def add(self, fields: dict[str, Any], language: str) -> int:
        found = self.by_id.get(id(fields))
        if found is not None:
            return found
        # TipPayload(...).to_bytes() without dataclasses.asdict's deep copy (the tests compare both).
        raw = json.dumps(
            {
                "text": str(fields["text"]),
                "country": str(fields.get("country", "")),
                "place": str(fields.get("place", "")),
                "shop_brand": str(fields.get("shop_brand", "")),
                "time_period": str(fields.get("time_period", "")),
                "links": list(fields.get("links") or []),
                "contact": str(fields.get("contact", "")),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        found = self.index.get(raw)
        if found is None:
            found = self.index[raw] = len(self.items)
            self.items.append(raw)
            self.languages.append(language)
        self.by_id[id(fields)] = found
        self.keep.append(fields)
        return found


def _original(
    rng: random.Random, obj: ObjectPlan, languages: dict[str, float]
) -> tuple[dict[str, Any], str, bool]:
    """A tip written from scratch: which countries it suspects, and how it names them."""
    language = _weighted(rng, languages)
    targets: list[tuple[str, str]] = []
    names_truth = False
    for _ in range(rng.choices((0, 1, 2), weights=(30, 55, 15))[0]):
        draw = rng.random()
        if draw < 0.6:
            country = rng.choice(obj.countries)
            names_truth = True
        elif draw < 0.85:
            country = rng.choice(
                texts.NEIGHBOURS.get(rng.choice(obj.countries)) or list(texts.COUNTRY_WEIGHTS)
            )
        else:
            country = _weighted(rng, texts.COUNTRY_WEIGHTS)
        mode = rng.choices(texts.MODES, weights=(35, 30, 15, 10, 10))[0]
        targets.append((country, mode))
    fields = texts.tip_fields(
        rng,
        language=language,
        category=obj.category,
        brand=rng.choice(obj.brands),
        targets=targets,
        year=obj.year,
    )
    return fields, language, names_truth


def plan(*, tips: int, objects: int, seed: int, now: datetime, quiet: bool = False) -> Plan:
    """Decide every tip: object, arrival time, content (original, repost, burst, other report)."""
    rng = random.Random(seed)
    end = now.timestamp()
    start = end - SPAN_DAYS * DAY
    releases = max(1, math.ceil(objects / OBJECTS_PER_RELEASE))
    last_release = end - 14 * DAY
    release_times = [start + (last_release - start) * i / max(1, releases - 1) for i in range(releases)]
    counts = attention(tips, objects, rng)
    languages = {code: kit.weight for code, kit in texts.KITS.items()}
    categories = list(texts.CATEGORIES)
    object_plans: list[ObjectPlan] = []
    for i in range(objects):
        release = i // OBJECTS_PER_RELEASE
        truth: list[str] = []
        for _ in range(rng.choices((1, 2, 3), weights=(60, 30, 10))[0]):
            country = _weighted(rng, texts.COUNTRY_WEIGHTS)
            if country not in truth:
                truth.append(country)
        object_plans.append(
            ObjectPlan(
                index=i,
                code=f"{CODE_PREFIX}{i + 1:04d}-{datetime.fromtimestamp(release_times[release], UTC).year}",
                category=categories[rng.randrange(len(categories))],
                release_at=release_times[release],
                countries=truth,
                brands=texts.brand_names(rng, rng.choice((1, 1, 2))),
                year=rng.randint(2005, 2022),
                tips=counts[i],
            )
        )
    payloads = _Payloads()
    tip_plans: list[TipPlan] = []
    burst_id = 0
    most = max(counts)
    progress = Progress("plan", tips, quiet=quiet)
    for obj in object_plans:
        window = end - obj.release_at
        arrivals: list[tuple[float, int]] = []  # (time, burst or -1)
        bursts = _poisson(rng, obj.tips / 5_000 + (0.15 if obj.tips >= 200 else 0.0))
        if obj.tips == most:  # the most watched object always draws a spam wave
            bursts = max(1, bursts)
        budget = obj.tips
        for _ in range(bursts):
            size = min(rng.randint(100, 600), budget // 4)
            if size < 20:
                break
            budget -= size
            begin = obj.release_at + _arrival_offset(rng, window - 1800)
            minutes = rng.uniform(120, 1200)
            arrivals += [(begin + rng.uniform(0, minutes), burst_id) for _ in range(size)]
            burst_id += 1
        arrivals += [(obj.release_at + _arrival_offset(rng, window), -1) for _ in range(budget)]
        arrivals.sort()
        payloads.next_object()
        history: list[tuple[dict[str, Any], str, bool]] = []  # what earlier tipsters wrote
        burst_base: dict[int, tuple[dict[str, Any], str, bool]] = {}
        burst_seen: Counter[int] = Counter()
        for at, burst in arrivals:
            at_us = int(at * 1_000_000)
            if burst >= 0:
                if burst not in burst_base:
                    if history and rng.random() < 0.5:
                        burst_base[burst] = rng.choice(history)
                    else:
                        burst_base[burst] = _original(rng, obj, languages)
                base, language, names_truth = burst_base[burst]
                burst_seen[burst] += 1
                fields = texts.burst_variant(rng, base, burst_seen[burst])
                kind = "burst"
            elif rng.random() < OTHER_SHARE:
                language = _weighted(rng, languages)
                fields, names_truth, kind = texts.other_fields(rng, language=language), False, "other"
            elif history and rng.random() < REPOST_SHARE:
                pool = history[-50:] if rng.random() < 0.4 else history
                source, language, names_truth = rng.choice(pool)
                if rng.random() < EXACT_REPOST_SHARE:
                    fields, kind = source, "copy"
                else:
                    fields, kind = texts.near_duplicate(rng, source, language=language), "repost"
                history.append((fields, language, names_truth))
            else:
                fields, language, names_truth = _original(rng, obj, languages)
                kind = "original"
                history.append((fields, language, names_truth))
            tip_plans.append(
                TipPlan(
                    object_index=obj.index,
                    at_us=at_us,
                    payload=payloads.add(fields, language),
                    kind=kind,
                    burst=burst,
                    names_truth=names_truth,
                )
            )
            progress.advance()
    # Ids in arrival order over all objects, as the intake's sequence hands them out.
    tip_plans.sort(key=lambda tip: (tip.at_us, tip.object_index))
    for pk, tip in enumerate(tip_plans, start=1):
        tip.pk = pk
    return Plan(
        objects=object_plans,
        tips=tip_plans,
        payloads=payloads.items,
        languages=payloads.languages,
        start=start,
        end=end,
    )


# --- What intake computes from each distinct payload ---------------------------------------------------
# (kind, value, source, confidence, field, start, end): a Signal row as ``tip_index`` writes it.
SignalRow = tuple[str, str, str, float, str, int | None, int | None]


@dataclass(frozen=True, slots=True)
class Computed:
    language: str
    signals: tuple[SignalRow, ...]
    terms: tuple[tuple[str, str, str], ...]  # (kind, digest, text) of its domains and shop
    signature: bytes | None
    keys: tuple[int, ...]
    sealed: bytes
    has_contact: bool
    has_links: bool


def compute_one(raw: bytes) -> Computed:
    """``tip_prepare``, the term digests and ``vault.seal`` for one payload, with the real functions."""
    from traceobject import vault
    from traceobject.tips.payload import TipPayload
    from traceobject.triage import clusters
    from traceobject.triage.intake import signal_rows, signal_terms, tip_prepare

    payload = TipPayload.from_bytes(raw)
    prepared = tip_prepare(payload)
    signature = prepared.signature
    terms = tuple((str(kind), digest, text) for kind, digest, text in signal_terms(prepared.signals))
    return Computed(
        language=prepared.signals.language,
        # The rows ``tip_index`` stores (its own function), with plain strings for the kinds.
        signals=tuple(
            (str(kind), value, source, confidence, field, start, end)
            for kind, value, source, confidence, field, start, end in signal_rows(
                prepared.signals, list(terms)
            )
        ),
        terms=terms,
        signature=clusters.signature_bytes(signature) if signature is not None else None,
        keys=tuple(clusters.band_keys(signature)) if signature is not None else (),
        sealed=vault.seal(raw),
        has_contact=prepared.has_contact,
        has_links=prepared.has_links,
    )


def _compute_chunk(chunk: list[bytes]) -> list[Computed]:
    return [compute_one(raw) for raw in chunk]


def compute(payloads: Sequence[bytes], *, workers: int, quiet: bool = False) -> list[Computed]:
    """Every distinct payload through the real extraction, fingerprint and vault, on ``workers`` cores."""
    progress = Progress("signals+fingerprint+seal", len(payloads), quiet=quiet)
    chunk_size = 500
    chunks = [list(payloads[i : i + chunk_size]) for i in range(0, len(payloads), chunk_size)]
    results: list[Computed] = []
    compute_one(payloads[0])  # load the language models before forking, so the workers share them
    if workers <= 1 or len(chunks) < 4:
        for chunk in chunks:
            results += _compute_chunk(chunk)
            progress.advance(len(chunk))
    else:
        from django.db import connections

        connections.close_all()  # a forked child must not share the parent's database connection
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for done in pool.imap(_compute_chunk, chunks, chunksize=1):
                results += done
                progress.advance(len(done))
    return results


# --- Clusters: the intake's rule, in memory, per object ---------------------------------------------------
class ObjectClusters:
    """``triage.intake.cluster_find`` for one object, over the tips seen so far, without a database.

    As the query does: for each of the new tip's band keys, the ``PER_BAND`` newest earlier tips holding
    it; a tip's count is the number of those keys it came back for; candidates are ranked by count, then
    newest, and cut to ``MAX_CANDIDATES``; the most similar candidate at or above ``THRESHOLD`` gives the
    cluster (the better-ranked of equally similar ones). A tip whose signature equals the matched one's
    is not added to the index, as ``tip_index`` stores no band rows for it.
    """

    def __init__(self) -> None:
        from traceobject.triage import clusters
        from traceobject.triage.intake import MAX_CANDIDATES, PER_BAND

        self.per_band = PER_BAND
        self.max_candidates = MAX_CANDIDATES
        self.threshold = clusters.THRESHOLD
        self.similarity = clusters.similarity
        self.newest: dict[int, deque[int]] = {}  # band key -> its newest tips, oldest first
        self.cluster_of: dict[int, int] = {}
        self.signature_of: dict[int, np.ndarray] = {}
        self.arrays: dict[bytes, np.ndarray] = {}  # one array per distinct signature

    def add(self, tip_id: int, signature: bytes | None, keys: Sequence[int]) -> tuple[int, bool]:
        """The cluster of a new tip (its own id when it founds one), and whether it joins the index (not
        without a signature, nor when its signature equals the one it matched); then remember it."""
        import numpy as np

        if signature is None:
            return tip_id, False  # nothing to compare: a cluster of its own, and no band rows
        values = self.arrays.get(signature)
        if values is None:
            values = self.arrays[signature] = np.frombuffer(signature, dtype="<u4")
        unique = list(dict.fromkeys(keys))
        shared: Counter[int] = Counter()
        for key in unique:
            tips = self.newest.get(key)
            if tips:
                shared.update(tips)
        ranked = sorted(shared.items(), key=lambda item: (-item[1], -item[0]))[: self.max_candidates]
        best: tuple[float, int] | None = None
        for candidate, _count in ranked:
            other = self.signature_of[candidate]
            score = 1.0 if other is values else self.similarity(values, other)
            if score >= self.threshold and (best is None or score > best[0]):
                best = (score, self.cluster_of[candidate])
        cluster = best[1] if best else tip_id
        self.cluster_of[tip_id] = cluster
        if best is not None and best[0] == 1.0:
            return cluster, False  # a repost: as the intake, no fingerprint or band rows
        self.signature_of[tip_id] = values
        for key in unique:
            tips = self.newest.get(key)
            if tips is None:
                tips = self.newest[key] = deque(maxlen=self.per_band)
            tips.append(tip_id)
        return cluster, True


def assign_clusters(plan: Plan, computed: Sequence[Computed], *, quiet: bool = False) -> None:
    progress = Progress("clusters", len(plan.tips), quiet=quiet)
    per_object: dict[int, ObjectClusters] = {}
    for tip in plan.tips:  # in id order: each object's tips in arrival order
        state = per_object.get(tip.object_index)
        if state is None:
            state = per_object[tip.object_index] = ObjectClusters()
        result = computed[tip.payload]
        tip.cluster, tip.indexed = state.add(tip.pk, result.signature, result.keys)
        progress.advance()


# --- What analysts have done already --------------------------------------------------------------------
def assign_statuses(plan: Plan, seed: int) -> None:
    """Verdicts on older tips (newer ones mostly wait), whole spam waves ruled out, other reports moved."""
    rng = random.Random(seed + 1)
    burst_verdict: dict[int, str] = {}
    for tip in plan.tips:
        age = (plan.end - tip.at_us / 1_000_000) / DAY
        if tip.kind == "other":
            tip.is_other = age > 2 and rng.random() < 0.8
            if tip.is_other and rng.random() < 0.3:
                tip.status = "not_relevant"
            continue
        if tip.kind == "burst":
            if tip.burst not in burst_verdict:
                ruled_out = age > 3 and rng.random() < 0.85
                burst_verdict[tip.burst] = rng.choice(("not_relevant", "duplicate")) if ruled_out else "new"
            tip.status = burst_verdict[tip.burst]
            continue
        reviewed = 0.55 if age > 60 else 0.35 if age > 14 else 0.15 if age > 2 else 0.03
        if rng.random() >= reviewed:
            tip.assignee = rng.random() < 0.005
            continue
        if tip.cluster != tip.pk and rng.random() < 0.55:
            tip.status = "duplicate"
        else:
            tip.status = rng.choices(
                ("relevant", "not_relevant", "needs_follow_up", "forwarded", "duplicate"),
                weights=(35 if tip.names_truth else 8, 45, 15, 10 if tip.names_truth else 2, 5),
            )[0]
        tip.assignee = tip.status == "needs_follow_up"
        if rng.random() < 0.01:
            tip.label = rng.randrange(len(LABELS))


# --- The aggregates, with the semantics of triage.aggregates -----------------------------------------------
@dataclass
class Aggregates:
    clusters: dict[int, list[int]]  # cluster -> [object, size, relevant, last_tip_id]
    cluster_support: dict[
        tuple[int, str, str], list[Any]
    ]  # (cluster, kind, value) -> [object, tips, relevant, conf]
    object_support: dict[
        tuple[int, str, str], list[Any]
    ]  # (object, kind, value) -> [clusters, relevant, tips, score]
    tally: dict[tuple[int, str, str], int]  # (object, dimension, value) -> tips


def tip_dimensions(
    *, status: str, language: str, at_us: int, contact: bool, links: bool, other: bool
) -> list[tuple[str, str]]:
    """``triage.aggregates.tip_dimensions`` for a tip that is not a model instance yet."""
    return [
        ("total", ""),
        ("status", status),
        ("language", language or "-"),
        ("day", datetime.fromtimestamp(at_us // 1_000_000, UTC).date().isoformat()),
        ("contact", "yes" if contact else "no"),
        ("links", "yes" if links else "no"),
        ("other", "yes" if other else "no"),
    ]


def aggregate(plan: Plan, computed: Sequence[Computed]) -> Aggregates:
    """What ``supports_refresh``, ``objects_refresh`` and ``tallies_rebuild`` would leave.

    Support counts only tips that are neither ruled out (not relevant, duplicate) nor other reports;
    a cluster says each value once with the best confidence of its tips; an object's support for a value
    counts its clusters (verified: those with a relevant tip saying it), sums their tips, and scores
    the sum of each cluster's best confidence, a verified cluster's times ``VERIFIED_WEIGHT``.
    ``Cluster.size`` and ``last_tip_id`` count every tip.
    """
    from traceobject.triage.aggregates import EXCLUDED_STATUSES, VERIFIED_WEIGHT

    excluded = {str(status) for status in EXCLUDED_STATUSES}
    clusters: dict[int, list[int]] = {}
    cluster_support: dict[tuple[int, str, str], list[Any]] = {}
    tally: Counter[tuple[int, str, str]] = Counter()
    for tip in plan.tips:
        object_pk = plan.objects[tip.object_index].pk
        result = computed[tip.payload]
        row = clusters.get(tip.cluster)
        if row is None:
            row = clusters[tip.cluster] = [object_pk, 0, 0, 0]
        relevant = tip.status == "relevant"
        row[1] += 1
        row[2] += relevant and not tip.is_other
        row[3] = max(row[3], tip.pk)
        if not tip.is_other and tip.status not in excluded:
            best: dict[tuple[str, str], float] = {}
            for kind, value, _source, confidence, *_ in result.signals:
                if best.get((kind, value), -math.inf) < confidence:
                    best[(kind, value)] = confidence
            for (kind, value), confidence in best.items():
                entry = cluster_support.get((tip.cluster, kind, value))
                if entry is None:
                    entry = cluster_support[(tip.cluster, kind, value)] = [object_pk, 0, 0, confidence]
                entry[1] += 1
                entry[2] += relevant
                entry[3] = max(entry[3], confidence)
        for dimension, value in tip_dimensions(
            status=tip.status,
            language=result.language,
            at_us=tip.at_us,
            contact=result.has_contact,
            links=result.has_links,
            other=tip.is_other,
        ):
            tally[(object_pk, dimension, value)] += 1
    object_support: dict[tuple[int, str, str], list[Any]] = {}
    for (_cluster, kind, value), (object_pk, tips, relevant_tips, confidence) in cluster_support.items():
        entry = object_support.get((object_pk, kind, value))
        if entry is None:
            entry = object_support[(object_pk, kind, value)] = [0, 0, 0, 0.0]
        entry[0] += 1
        entry[1] += relevant_tips > 0
        entry[2] += tips
        entry[3] += confidence * (VERIFIED_WEIGHT if relevant_tips > 0 else 1)
    return Aggregates(
        clusters=clusters, cluster_support=cluster_support, object_support=object_support, tally=dict(tally)
    )


# --- The gallery: categories, releases, published objects, an analyst --------------------------------------
def seed_gallery(plan: Plan, seed: int) -> dict[str, int]:
    """Objects as staff would have published them, one release per 25; returns the analyst's and the
    labels' ids. Idempotent by code and name, so that a rebuild reuses them."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from traceobject.gallery.models import Audience, Category, Object, ObjectStatus, Release
    from traceobject.triage.models import Label

    categories = {
        slug: Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": i})[0]
        for i, (slug, name) in enumerate(texts.CATEGORIES.items())
    }
    releases: dict[float, Release] = {}
    for obj in plan.objects:
        if obj.release_at not in releases:
            when = datetime.fromtimestamp(obj.release_at, UTC)
            releases[obj.release_at] = Release.objects.get_or_create(
                name=f"Benchmark release {when:%Y-%m-%d}", defaults={"publish_at": when}
            )[0]
    existing = {o.code: o for o in Object.objects.filter(code__startswith=CODE_PREFIX)}
    fresh = []
    for obj in plan.objects:
        if obj.code in existing:
            continue
        fields = texts.object_text(random.Random(seed * 1000 + obj.index), obj.category)
        release = releases[obj.release_at]
        fresh.append(
            Object(
                code=obj.code,
                category=categories[obj.category],
                status=ObjectStatus.PUBLISHED,
                audience=Audience.PUBLIC,
                release=release,
                published_at=release.publish_at,
                **fields,
            )
        )
    Object.objects.bulk_create(fresh, batch_size=500)
    pks = dict(Object.objects.filter(code__startswith=CODE_PREFIX).values_list("code", "pk"))
    for obj in plan.objects:
        obj.pk = pks[obj.code]
    user_model = get_user_model()
    analyst = user_model.objects.filter(username=ANALYST).first()
    if analyst is None:
        analyst = user_model.objects.create_user(username=ANALYST, password=None, role="analyst")
    TOTPDevice.objects.get_or_create(user=analyst, name="default", defaults={"confirmed": True})
    ids = {"analyst": analyst.pk}
    for name in LABELS:
        ids[f"label:{name}"] = Label.objects.get_or_create(name=name)[0].pk
    return ids


# --- Writing ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    model: str  # app_label.ModelName
    fields: tuple[str, ...]  # model field names, in the order of the rows' values
    serial: bool = True  # an auto id whose sequence must follow the copied ids
    integers: bool = False  # every value an integer: copied as text lines (fast), not row by row


def _model(label: str) -> Any:
    from django.apps import apps

    return apps.get_model(label)


def _columns(table: Table) -> list[str]:
    model = _model(table.model)
    return [model._meta.get_field(name).column for name in table.fields]


TABLES = {
    "tips": Table(
        "tips.Tip",
        (
            "id",
            "object",
            "sealed",
            "status",
            "created_at",
            "is_demo",
            "language",
            "has_contact",
            "has_links",
            "cluster",
            "is_other",
            "assignee",
        ),
    ),
    "labels": Table("tips.Tip_labels", ("id", "tip", "label")),
    "terms": Table("triage.Term", ("id", "kind", "digest", "sealed")),
    "clusters": Table(
        "triage.Cluster",
        ("representative", "object", "size", "relevant", "last_tip_id"),
        serial=False,
        integers=True,
    ),
    "fingerprints": Table("triage.Fingerprint", ("tip", "signature", "cluster_id"), False),
    "bands": Table("triage.Band", ("object", "key", "tip"), serial=False, integers=True),
    "signals": Table(
        "triage.Signal", ("id", "tip", "kind", "value", "source", "confidence", "field", "start", "end")
    ),
    "cluster_support": Table(
        "triage.ClusterSupport",
        ("id", "cluster", "object", "kind", "value", "tips", "relevant_tips", "confidence"),
    ),
    "object_support": Table(
        "triage.ObjectSupport",
        ("id", "object", "kind", "value", "clusters", "relevant_clusters", "tips", "score"),
    ),
    "tally": Table("triage.Tally", ("id", "object", "dimension", "value", "tips")),
}


def table_rows(
    plan: Plan, computed: Sequence[Computed], aggregates: Aggregates, ids: dict[str, int]
) -> dict[str, tuple[int, Callable[[], Iterator[tuple[Any, ...]]]]]:
    """Per table: how many rows, and a generator of them (values in ``Table.fields`` order)."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    objects = [obj.pk for obj in plan.objects]
    label_ids = [ids[f"label:{name}"] for name in LABELS]
    analyst = ids["analyst"]

    # One sealed text per distinct term, as ``terms_store`` keeps it (sealed once, here).
    from traceobject import vault

    term_texts: dict[tuple[str, str], str] = {}
    for result in computed:
        for kind, digest, text in result.terms:
            term_texts.setdefault((kind, digest), text)

    def terms() -> Iterator[tuple[Any, ...]]:
        for pk, ((kind, digest), text) in enumerate(term_texts.items(), start=1):
            yield (pk, kind, digest, vault.seal(text.encode()))

    def tips() -> Iterator[tuple[Any, ...]]:
        for tip in plan.tips:
            result = computed[tip.payload]
            yield (
                tip.pk, objects[tip.object_index], result.sealed, tip.status,
                epoch + timedelta(microseconds=tip.at_us), False, result.language, result.has_contact,
                result.has_links, tip.cluster, tip.is_other, analyst if tip.assignee else None,
            )  # fmt: skip

    labelled = [tip for tip in plan.tips if tip.label >= 0]

    def labels() -> Iterator[tuple[Any, ...]]:
        for pk, tip in enumerate(labelled, start=1):
            yield (pk, tip.pk, label_ids[tip.label])

    def clusters() -> Iterator[tuple[Any, ...]]:
        for pk, (object_pk, size, relevant, last) in aggregates.clusters.items():
            yield (pk, object_pk, size, relevant, last)

    with_signature = [tip for tip in plan.tips if tip.indexed]

    def fingerprints() -> Iterator[tuple[Any, ...]]:
        for tip in with_signature:
            yield (tip.pk, computed[tip.payload].signature, tip.cluster)

    def bands() -> Iterator[tuple[Any, ...]]:
        for tip in with_signature:
            object_pk = objects[tip.object_index]
            for key in set(computed[tip.payload].keys):
                yield (object_pk, key, tip.pk)

    signal_count = sum(len(computed[tip.payload].signals) for tip in plan.tips)

    def signals() -> Iterator[tuple[Any, ...]]:
        pk = 0
        for tip in plan.tips:
            for row in computed[tip.payload].signals:
                pk += 1
                yield (pk, tip.pk, *row)

    def cluster_support() -> Iterator[tuple[Any, ...]]:
        for pk, ((cluster, kind, value), (object_pk, tips, relevant, confidence)) in enumerate(
            aggregates.cluster_support.items(), start=1
        ):
            yield (pk, cluster, object_pk, kind, value, tips, relevant, confidence)

    def object_support() -> Iterator[tuple[Any, ...]]:
        for pk, ((object_pk, kind, value), (clusters, relevant, tips, score)) in enumerate(
            aggregates.object_support.items(), start=1
        ):
            yield (pk, object_pk, kind, value, clusters, relevant, tips, score)

    def tally() -> Iterator[tuple[Any, ...]]:
        for pk, ((object_pk, dimension, value), tips) in enumerate(aggregates.tally.items(), start=1):
            yield (pk, object_pk, dimension, value, tips)

    band_count = sum(len(set(computed[tip.payload].keys)) for tip in with_signature)
    return {
        "tips": (len(plan.tips), tips),
        "labels": (len(labelled), labels),
        "terms": (len(term_texts), terms),
        "clusters": (len(aggregates.clusters), clusters),
        "fingerprints": (len(with_signature), fingerprints),
        "bands": (band_count, bands),
        "signals": (signal_count, signals),
        "cluster_support": (len(aggregates.cluster_support), cluster_support),
        "object_support": (len(aggregates.object_support), object_support),
        "tally": (len(aggregates.tally), tally),
    }


def _pg_detach(tables: Sequence[str]) -> list[str]:
    """Drop the indexes and constraints of ``tables`` (and foreign keys into them) before a bulk load;
    return the statements that put them back, in a valid order."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype
            FROM pg_constraint
            WHERE contype IN ('p', 'u', 'f')
              AND (conrelid = ANY(%s::regclass[]) OR (contype = 'f' AND confrelid = ANY(%s::regclass[])))
            """,
            [list(tables), list(tables)],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid)
            FROM pg_index
            WHERE indrelid = ANY(%s::regclass[])
              AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE contype IN ('p', 'u', 'x'))
            """,
            [list(tables)],
        )
        indexes = cursor.fetchall()
        quote = connection.ops.quote_name
        foreign = [c for c in constraints if c[3] == "f"]
        keys = [c for c in constraints if c[3] != "f"]
        for table, name, _definition, _kind in foreign + keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    restore = [
        f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"
        for table, name, definition, _ in keys
    ]
    restore += [definition for _name, definition in indexes]
    restore += [
        f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"
        for table, name, definition, _ in foreign
    ]
    return restore


def _pg_types(table: str, columns: Sequence[str]) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid::int FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [table],
        )
        types = dict(cursor.fetchall())
    return [types[column] for column in columns]


def write_postgresql(
    rows: dict[str, tuple[int, Callable[[], Iterator[tuple[Any, ...]]]]], *, quiet: bool
) -> dict[str, float]:
    """Binary ``COPY`` in chunks into bare tables; then indexes and constraints, sequences, VACUUM ANALYZE."""
    from django.db import connection

    timings: dict[str, float] = {}
    tables = {name: _model(TABLES[name].model)._meta.db_table for name in rows}
    with connection.cursor() as cursor:
        # This session only: room to sort for the index builds, no fsync wait per chunk.
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET synchronous_commit = off")
    started = time.perf_counter()
    restore = _pg_detach(list(tables.values()))
    chunk = 250_000
    for name, (count, generate) in rows.items():
        table, spec = tables[name], TABLES[name]
        columns = _columns(spec)
        types = _pg_types(table, columns)
        column_list = ", ".join(connection.ops.quote_name(column) for column in columns)
        binary = not spec.integers
        statement = f"COPY {connection.ops.quote_name(table)} ({column_list}) FROM STDIN" + (
            " (FORMAT BINARY)" if binary else ""
        )
        progress = Progress(f"copy {name}", count, quiet=quiet)
        source = generate()
        while batch := list(itertools.islice(source, chunk)):
            with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
                if binary:
                    copy.set_types(types)
                    for row in batch:
                        copy.write_row(row)
                else:  # plain integers: text lines are several times faster to build than rows
                    copy.write("".join("\t".join(map(str, row)) + "\n" for row in batch))
            progress.advance(len(batch))
        timings[f"copy {name}"] = progress.finish()
        if not quiet:
            print(f"  copied {count:,} {name} rows in {timings[f'copy {name}']:.1f} s", flush=True)
    index_started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in restore:
            cursor.execute(statement)
    timings["indexes and constraints"] = time.perf_counter() - index_started
    if not quiet:
        print(
            f"  {len(restore)} indexes and constraints rebuilt in {timings['indexes and constraints']:.1f} s"
        )
    with connection.cursor() as cursor:
        for name in rows:
            if TABLES[name].serial:
                table = tables[name]
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608 - table names are ours
                    f"GREATEST((SELECT max(id) FROM {connection.ops.quote_name(table)}), 1))",
                    [table],
                )
        # ANALYZE for the planner; VACUUM too, so that the visibility map is set and index-only scans
        # skip the heap, as they do once autovacuum has passed over a table in production.
        analyze_started = time.perf_counter()
        cursor.execute("VACUUM (ANALYZE)")
        timings["vacuum analyze"] = time.perf_counter() - analyze_started
    timings["write"] = time.perf_counter() - started
    return timings


def write_orm(
    rows: dict[str, tuple[int, Callable[[], Iterator[tuple[Any, ...]]]]], *, quiet: bool
) -> dict[str, float]:
    """``bulk_create`` on databases without COPY (the tests' SQLite); fine for thousands of tips."""
    from django.db import connection, transaction

    timings: dict[str, float] = {}
    started = time.perf_counter()
    with transaction.atomic():
        for name, (count, generate) in rows.items():
            spec = TABLES[name]
            model = _model(spec.model)
            attnames = [model._meta.get_field(field).attname for field in spec.fields]
            progress = Progress(f"insert {name}", count, quiet=quiet)
            batch: list[Any] = []
            for row in generate():
                batch.append(model(**dict(zip(attnames, row, strict=True))))
                if len(batch) == 1000:
                    model.objects.bulk_create(batch)
                    progress.advance(len(batch))
                    batch = []
            model.objects.bulk_create(batch)
            progress.advance(len(batch))
            timings[f"insert {name}"] = progress.finish()
        # The rows carry their ids: move PostgreSQL's sequences past them (SQLite needs nothing).
        from django.core.management.color import no_style

        models = [_model(spec.model) for spec in (TABLES[name] for name in rows)]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["write"] = time.perf_counter() - started
    return timings


# --- The whole build ---------------------------------------------------------------------------------------
def generate(
    *,
    tips: int,
    objects: int,
    seed: int,
    workers: int = 1,
    now: datetime | None = None,
    quiet: bool = False,
    use_copy: bool | None = None,
) -> dict[str, Any]:
    """Build the load into the current (migrated, tip-free) database; returns counts and timings.

    ``use_copy`` (default: on PostgreSQL) writes with COPY and drops the constraints meanwhile, which
    cannot run inside a test's transaction; ``False`` writes through the ORM instead."""
    from django.db import connection

    from traceobject.tips.models import Tip

    if Tip.objects.exists():
        raise SystemExit("the database already has tips: start from an empty one (--fresh)")
    now = now or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    machine_busy_before = _machine_busy_seconds()
    own_cpu_before = sum(
        u.ru_utime + u.ru_stime
        for u in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    )

    def phase(name: str, began: float) -> None:
        timings[name] = time.perf_counter() - began
        if not quiet:
            print(f"{name}: {timings[name]:.1f} s", flush=True)

    began = time.perf_counter()
    the_plan = plan(tips=tips, objects=objects, seed=seed, now=now, quiet=quiet)
    phase("plan", began)
    began = time.perf_counter()
    ids = seed_gallery(the_plan, seed)
    phase("gallery", began)
    began = time.perf_counter()
    computed = compute(the_plan.payloads, workers=workers, quiet=quiet)
    phase("signals, fingerprints, seals", began)
    began = time.perf_counter()
    assign_clusters(the_plan, computed, quiet=quiet)
    assign_statuses(the_plan, seed)
    aggregates = aggregate(the_plan, computed)
    phase("clusters, statuses, aggregates", began)
    rows = table_rows(the_plan, computed, aggregates, ids)
    began = time.perf_counter()
    if use_copy is None:
        use_copy = connection.vendor == "postgresql"
    writer = write_postgresql if use_copy else write_orm
    timings.update({f"  {k}": v for k, v in writer(rows, quiet=quiet).items()})
    phase("write", began)
    timings["total"] = time.perf_counter() - started
    kinds = Counter(tip.kind for tip in the_plan.tips)
    usage = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    own_cpu = sum(u.ru_utime + u.ru_stime for u in usage) - own_cpu_before
    machine_busy = _machine_busy_seconds() - machine_busy_before
    return {
        "tips": len(the_plan.tips),
        "objects": len(the_plan.objects),
        "distinct_payloads": len(the_plan.payloads),
        "kinds": dict(kinds),
        "rows": {name: count for name, (count, _rows) in rows.items()},
        "timings_s": {name: round(value, 2) for name, value in timings.items()},
        "seed": seed,
        "now": now.isoformat(),
        # CPU seconds of this process and its workers, and of the whole machine (this VM is shared;
        # the database server's share is in the difference, with other jobs').
        "cpu_s": {"generator": round(own_cpu, 1), "machine": round(machine_busy, 1)},
    }


def _machine_busy_seconds() -> float:
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


# --- The check: the real refresh functions on three objects ----------------------------------------------
def _snapshot(object_id: int) -> dict[str, dict[Any, tuple[Any, ...]]]:
    from django.db import connection

    from traceobject.triage.models import Cluster, ClusterSupport, ObjectSupport, Tally

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cluster_id, count(*), max(id) FROM tips_tip WHERE object_id = %s GROUP BY cluster_id",
            [object_id],
        )
        members = {cluster: (size, last) for cluster, size, last in cursor.fetchall()}
    return {
        "cluster_support": {
            (row.cluster_id, row.kind, row.value): (row.tips, row.relevant_tips, row.confidence)
            for row in ClusterSupport.objects.filter(object_id=object_id)
        },
        "object_support": {
            (row.kind, row.value): (row.clusters, row.relevant_clusters, row.tips, row.score)
            for row in ObjectSupport.objects.filter(object_id=object_id)
        },
        "tally": {
            (row.dimension, row.value): (row.tips,) for row in Tally.objects.filter(object_id=object_id)
        },
        "cluster_relevant": {
            pk: (relevant,)
            for pk, relevant in Cluster.objects.filter(object_id=object_id).values_list("pk", "relevant")
        },
        "cluster_members": {
            pk: (size, last)
            for pk, size, last in Cluster.objects.filter(object_id=object_id).values_list(
                "pk", "size", "last_tip_id"
            )
        },
        "_members": members,
    }


def _same(generated: tuple[Any, ...], real: tuple[Any, ...]) -> bool:
    """Integers and confidences exactly; the score (a float SUM, whose order PostgreSQL chooses) to 1e-9."""
    return len(generated) == len(real) and all(
        a == b or (isinstance(a, float) and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9))
        for a, b in zip(generated, real, strict=True)
    )


def check(object_ids: Sequence[int] | None = None, *, quiet: bool = False) -> dict[str, Any]:
    """Recompute objects' aggregates with ``supports_refresh``/``objects_refresh``/``tallies_rebuild`` in a
    transaction that is rolled back, and compare with the generated rows. Default: the largest, the
    median and the smallest object by tips."""
    from django.db import transaction

    from traceobject.triage.aggregates import objects_refresh, supports_refresh, tallies_rebuild
    from traceobject.triage.models import Cluster, Tally

    if object_ids is None:
        totals = list(
            Tally.objects.filter(dimension="total", value="")
            .order_by("-tips", "object_id")
            .values_list("object_id", flat=True)
        )
        if not totals:
            raise SystemExit("nothing to check: the database has no tallies")
        object_ids = list(dict.fromkeys([totals[0], totals[len(totals) // 2], totals[-1]]))
    report: dict[str, Any] = {"objects": {}, "ok": True}
    for object_id in object_ids:
        began = time.perf_counter()
        generated = _snapshot(object_id)
        with transaction.atomic():
            cluster_ids = list(Cluster.objects.filter(object_id=object_id).values_list("pk", flat=True))
            supports_refresh(cluster_ids=cluster_ids)
            objects_refresh(object_ids=[object_id])  # supports_refresh ends with it; again costs nothing
            tallies_rebuild(object_ids=[object_id])
            real = _snapshot(object_id)
            transaction.set_rollback(True)
        # Size and newest member of each cluster, from its tips (the refresh functions do not touch them).
        real["cluster_members"] = real.pop("_members")
        generated.pop("_members")
        mismatches: list[str] = []
        compared = 0
        for part in ("cluster_support", "object_support", "tally", "cluster_relevant", "cluster_members"):
            mine, theirs = generated[part], real[part]
            compared += len(theirs)
            for key in sorted(set(mine) | set(theirs), key=repr):
                if key not in mine or key not in theirs or not _same(mine[key], theirs[key]):
                    mismatches.append(f"{part} {key}: generated {mine.get(key)}, real {theirs.get(key)}")
        report["objects"][object_id] = {
            "tips": sum(size for size, _last in generated["cluster_members"].values()),
            "clusters": len(generated["cluster_members"]),
            "rows_compared": compared,
            "mismatches": len(mismatches),
            "examples": mismatches[:5],
            "seconds": round(time.perf_counter() - began, 2),
        }
        report["ok"] = report["ok"] and not mismatches
        if not quiet:
            verdict = "match" if not mismatches else f"{len(mismatches)} MISMATCHES"
            print(
                f"check object {object_id}: {report['objects'][object_id]['tips']:,} tips, "
                f"{compared:,} rows compared with the real refresh: {verdict}",
                flush=True,
            )
            for line in mismatches[:5]:
                print("   ", line)
    return report


# --- What was built --------------------------------------------------------------------------------------
def _quantiles(values: Sequence[int]) -> dict[str, int]:
    ordered = sorted(values)
    if not ordered:
        return {}

    def at(q: float) -> int:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"min": ordered[0], "p25": at(0.25), "median": at(0.5), "p75": at(0.75), "p90": at(0.9),
            "p99": at(0.99), "max": ordered[-1]}  # fmt: skip


def dataset_shape() -> dict[str, Any]:
    """The dataset as stored: read from the aggregates and the clusters, not from the generator."""
    from django.db import connection
    from django.db.models import Count, Sum

    from traceobject.triage.models import Cluster, Signal, Tally

    def summed(dimension: str) -> dict[str, int]:
        rows = (
            Tally.objects.filter(dimension=dimension).values("value").annotate(n=Sum("tips")).order_by("-n")
        )
        return {row["value"]: row["n"] for row in rows}

    per_object = list(Tally.objects.filter(dimension="total", value="").values_list("tips", flat=True))
    sizes = list(Cluster.objects.values_list("size", flat=True))
    buckets = {"1": 0, "2-5": 0, "6-20": 0, "21-100": 0, "101-1000": 0, ">1000": 0}
    tips_in = dict.fromkeys(buckets, 0)
    for size in sizes:
        name = (
            "1" if size == 1 else "2-5" if size <= 5 else "6-20" if size <= 20 else "21-100" if size <= 100
            else "101-1000" if size <= 1000 else ">1000"
        )  # fmt: skip
        buckets[name] += 1
        tips_in[name] += size
    total = sum(per_object)
    shape: dict[str, Any] = {
        "tips": total,
        "objects_with_tips": len(per_object),
        "tips_per_object": _quantiles(per_object),
        "languages": summed("language"),
        "status": summed("status"),
        "other": summed("other"),
        "contact": summed("contact"),
        "links": summed("links"),
        "days": Tally.objects.filter(dimension="day").values("value").distinct().count(),
        "clusters": len(sizes),
        "cluster_sizes": {"clusters": buckets, "tips": tips_in},
        "largest_clusters": sorted(sizes, reverse=True)[:5],
        "near_duplicate_share": (total - len(sizes)) / total if total else 0.0,
        "signals": dict(Signal.objects.values("kind").annotate(n=Count("id")).values_list("kind", "n")),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            shape["database_bytes"] = cursor.fetchone()[0]
            cursor.execute(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC LIMIT 8"
            )
            shape["largest_tables_bytes"] = dict(cursor.fetchall())
    return shape


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else None)
    parser.add_argument("--tips", type=int, default=1_000_000)
    parser.add_argument("--objects", type=int, default=500)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="postgres://… or sqlite:///path")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--now", type=datetime.fromisoformat, help="the newest tips' date (default: today)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for extraction")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="keys: vault and pepper")
    parser.add_argument("--check", action="store_true", help="only compare 3 objects with the real refresh")
    parser.add_argument("--no-check", action="store_true", help="skip the check after generating")
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--quiet", action="store_true")
    return parser.parse_args(argv)


def prepare_database(database_url: str, data_dir: Path, *, fresh: bool) -> None:
    """Create (or recreate) the database, point Django at it and migrate it."""
    if database_url.startswith(("postgres://", "postgresql://")):
        ensure_database(database_url, fresh=fresh)
    elif database_url.startswith("sqlite:///") and fresh:
        path = Path(urlsplit(database_url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    configure(database_url, data_dir)
    migrate()


def main(argv: list[str] | None = None) -> int:

    args = parse_args(argv)
    started = time.perf_counter()
    prepare_database(args.database_url, args.data_dir, fresh=args.fresh)
    summary: dict[str, Any] = {"database": database_name(args.database_url)}
    if not args.check:
        now = args.now.replace(tzinfo=args.now.tzinfo or UTC) if args.now else None
        print(
            f"generating {args.tips:,} tips on {args.objects} objects into {summary['database']} "
            f"(seed {args.seed}, {args.workers} workers)",
            flush=True,
        )
        summary["build"] = generate(
            tips=args.tips,
            objects=args.objects,
            seed=args.seed,
            workers=args.workers,
            now=now,
            quiet=args.quiet,
        )
        print(f"generated in {summary['build']['timings_s']['total']:.0f} s", flush=True)
    if not args.no_check:
        summary["check"] = check(quiet=args.quiet)
    summary["shape"] = dataset_shape()
    summary["elapsed_s"] = round(time.perf_counter() - started, 1)
    text = json.dumps(summary, indent=2, ensure_ascii=False, default=str)
    if not args.quiet:
        print(text)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(text + "\n", encoding="utf-8")
    print(f"total {summary['elapsed_s']:.0f} s", flush=True)
    return 0 if summary.get("check", {"ok": True})["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
