"""Triage at a million tips: the analysts' pages, the intake's triage cost, and the clusters' recall.

    .venv/bin/python -m bench.triage                         # generates the database first if it is empty
    .venv/bin/python -m bench.triage --generate              # regenerate it (bench.generate --fresh)
    .venv/bin/python -m bench.triage --only pages --requests 20 --json-out var/bench-triage.json

Against the PostgreSQL database that ``bench/generate.py`` builds (default ``traceobject_bench``, never
the test database), with the data directory whose keys sealed its tips:

1. **Pages**: Django's test ``Client``, logged in as a verified analyst, requests each page ``--warmup``
   times, then ``--requests`` times, and the p50/p95/max of the wall time are quoted. Each is the whole
   request through the Django stack: middleware, session, forms, selectors, the vault opening every tip
   shown, the audit event recording it, the template. A last request of each page runs with a query
   timer, to say where the time goes; a page over its budget gets ``EXPLAIN (ANALYZE, BUFFERS)`` of its
   slowest queries in ``--explain-dir``.
2. **Intake**: ``extract``, ``fingerprint``, ``tip_prepare`` and the full ``tip_submit`` (signals,
   fingerprint, seal, cluster lookup among the object's band keys, inserts, counters) on ``--intake``
   new tips written like the generated ones (a third repost an earlier tip of their object, so the
   cluster lookup finds candidates), all inside one transaction that is rolled back: the database stays
   as generated. The commit (a WAL flush) is therefore not in the figures.
3. **Clusters**: ``--sample`` tips from ``--sample-objects`` objects spread over the attention
   distribution. Every pair within an object is compared exactly (Jaccard of ``clusters.shingles``, as
   ``clusters.exact_similarity`` computes it); pairs at or above ``THRESHOLD`` are the positives.
   Recall is the share of positives the clustering put together, precision the share of clustered
   pairs whose exact similarity is at least ``THRESHOLD - 0.1``. Measured for the stored clusters, for
   the sample clustered incrementally in memory (the generator's implementation of the intake rule), and
   for the sample replayed through the real ``tip_index`` into mirror objects (rolled back), which also
   gives the throughput through the database. ``--sweep`` (automatic when recall misses the goal)
   repeats the in-memory clustering with other LSH parameters, set on the ``clusters`` module for the
   run only.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import os
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import generate
from bench import triage_texts as texts

PAGE_BUDGET_MS = 150.0
INTAKE_BUDGET_MS = 5.0
RECALL_GOAL = 0.95
QUIET_CORES = 0.25  # other jobs' CPU use under which the machine counts as quiet
DISTURBED_CORES = 0.3  # other jobs' CPU use during a page's requests above which it is measured again


# --- Small helpers ----------------------------------------------------------------------------------
def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def summary_ms(samples: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 3) if samples else math.nan,
        "p95_ms": round(percentile(samples, 95), 3),
        "max_ms": round(max(samples), 3) if samples else math.nan,
    }


def _machine_busy_seconds() -> float:
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _backend_pid() -> int | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


class Load:
    """How many cores other jobs took while a block ran (the machine's busy time minus this process's
    and its database backend's): this VM is shared, and a test suite next door slows everything."""

    def __enter__(self) -> Load:
        self.pids = [os.getpid(), *([pid] if (pid := _backend_pid()) else [])]
        self.busy0, self.wall0 = _machine_busy_seconds(), time.monotonic()
        self.own0 = sum(_cpu_seconds(pid) for pid in self.pids)
        return self

    def __exit__(self, *exc: object) -> None:
        wall = max(1e-9, time.monotonic() - self.wall0)
        own = sum(_cpu_seconds(pid) for pid in self.pids) - self.own0
        self.own_cores = own / wall
        self.other_cores = max(0.0, (_machine_busy_seconds() - self.busy0 - own) / wall)


def wait_quiet(limit: float) -> float:
    """Wait (at most ``limit`` seconds) until other jobs use less than ``QUIET_CORES``; returns the wait."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = _machine_busy_seconds()
        time.sleep(1.0)
        if _machine_busy_seconds() - before < QUIET_CORES:
            break
    return time.monotonic() - started


# --- Set-up -----------------------------------------------------------------------------------------
def prepare(args: argparse.Namespace) -> dict[str, Any] | None:
    """Point Django at the benchmark database; generate it when asked or when it holds no tips."""
    generated = None
    is_postgres = args.database_url.startswith(("postgres://", "postgresql://"))
    if is_postgres:
        generate.ensure_database(args.database_url, fresh=args.generate)
    generate.configure(args.database_url, args.data_dir)
    generate.migrate()
    from traceobject.tips.models import Tip

    if args.generate or not Tip.objects.exists():
        if not is_postgres and Tip.objects.exists():
            raise SystemExit("--generate on a non-PostgreSQL database: delete it first")
        print(f"generating {args.tips:,} tips on {args.objects} objects first", flush=True)
        generated = generate.generate(
            tips=args.tips, objects=args.objects, seed=args.seed, workers=args.workers, quiet=args.quiet
        )
        generated["check"] = generate.check(quiet=args.quiet)
    return generated


def analyst_client() -> Any:
    """A test client logged in as the benchmark's analyst, past the second factor (as
    ``tests/staff_fixtures.login_verified`` does: django-otp's device id in the session)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=generate.ANALYST)
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="default", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


# --- Pages ------------------------------------------------------------------------------------------
@dataclass
class PageCase:
    name: str
    url: str
    note: str = ""
    urls: list[str] = field(default_factory=list)  # cycled through instead of ``url`` when given


@dataclass
class QueryLog:
    """Every query of one request, with its time: where a page's time goes."""

    entries: list[tuple[float, str, Any]] = field(default_factory=list)

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.entries.append(((time.perf_counter() - started) * 1000, sql, params))


def page_cases() -> list[PageCase]:
    """The pages to time, with the objects, filters and cursors that make them realistic and hard."""
    from django.db import connection
    from django.db.models import Sum
    from django.urls import reverse

    from traceobject.gallery.models import Object
    from traceobject.tips.models import Tip
    from traceobject.triage.models import ObjectSupport, Tally

    totals = list(
        Tally.objects.filter(dimension="total", value="")
        .order_by("-tips", "object_id")
        .values_list("object_id", "tips")
    )
    codes = dict(Object.objects.filter(pk__in=[pk for pk, _n in totals]).values_list("pk", "code"))
    largest, largest_n = totals[0]
    median, median_n = totals[len(totals) // 2]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM tips_tip ORDER BY id DESC OFFSET %s LIMIT 1",
            [min(499_999, Tip.objects.count() - 1)],
        )
        deep = cursor.fetchone()[0]
    countries = list(
        ObjectSupport.objects.filter(kind="country").values("value").annotate(n=Sum("tips")).order_by("-n")
    )
    common_country, rare_country = countries[0]["value"], countries[min(len(countries) - 1, 40)]["value"]
    languages = list(
        Tally.objects.filter(dimension="language")
        .exclude(value="-")
        .values("value")
        .annotate(n=Sum("tips"))
        .order_by("-n")
    )
    common_language, rare_language = languages[0]["value"], languages[min(len(languages) - 1, 12)]["value"]
    inbox = reverse("staff:triage_inbox")
    rng = random.Random(5)
    top = Tip.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    tip_ids = sorted({rng.randint(1, top) for _ in range(60)})
    existing = list(Tip.objects.filter(pk__in=tip_ids).values_list("pk", flat=True))
    return [
        PageCase("inbox, first page", inbox),
        PageCase("inbox, deep page", f"{inbox}?before={deep}", "cursor at the 500,000th newest tip"),
        PageCase(
            f"inbox, country {common_country}", f"{inbox}?country={common_country}", "the most named country"
        ),
        PageCase(
            f"inbox, country {rare_country}", f"{inbox}?country={rare_country}", "a rarely named country"
        ),
        PageCase(f"inbox, language {common_language}", f"{inbox}?language={common_language}", "most common"),
        PageCase(f"inbox, language {rare_language}", f"{inbox}?language={rare_language}", "a rare one"),
        PageCase("inbox, status relevant", f"{inbox}?status=relevant"),
        PageCase("inbox, status new", f"{inbox}?status=new"),
        PageCase(
            f"inbox, object {codes[largest]}",
            f"{inbox}?object={codes[largest]}",
            f"largest, {largest_n:,} tips",
        ),
        PageCase(
            f"queue, largest {codes[largest]}",
            reverse("staff:triage_queue", kwargs={"code": codes[largest]}),
            f"{largest_n:,} tips",
        ),
        PageCase(
            f"queue, median {codes[median]}",
            reverse("staff:triage_queue", kwargs={"code": codes[median]}),
            f"{median_n:,} tips",
        ),
        PageCase(
            f"consensus CSV, {codes[largest]}",
            reverse("staff:triage_consensus_csv", kwargs={"code": codes[largest]}),
            "largest object",
        ),
        PageCase(
            "tip page",
            reverse("staff:triage_tip", kwargs={"tip_id": existing[0]}),
            f"{len(existing)} random tips in turn",
            urls=[reverse("staff:triage_tip", kwargs={"tip_id": pk}) for pk in existing],
        ),
    ]


def _fetch(client: Any, url: str) -> tuple[int, int]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, len(body)


def explain(sql: str, params: Any) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def bench_pages(args: argparse.Namespace) -> list[dict[str, Any]]:
    from django.db import connection

    client = analyst_client()
    results = []
    for case in page_cases():
        urls = case.urls or [case.url]
        statuses: set[int] = set()
        sizes: list[int] = []
        for i in range(args.warmup):
            status, size = _fetch(client, urls[i % len(urls)])
            statuses.add(status)
        for attempt in range(1 + args.reruns):
            waited = wait_quiet(args.quiet_wait)
            samples: list[float] = []
            with Load() as load:
                for i in range(args.requests):
                    url = urls[(args.warmup + i) % len(urls)]
                    started = time.perf_counter()
                    status, size = _fetch(client, url)
                    samples.append((time.perf_counter() - started) * 1000)
                    statuses.add(status)
                    sizes.append(size)
            if load.other_cores <= DISTURBED_CORES:
                break
            if not args.quiet and attempt < args.reruns:
                print(f"  ({case.name}: other jobs took {load.other_cores:.2f} cores: measured again)")
        log = QueryLog()
        with connection.execute_wrapper(log):
            started = time.perf_counter()
            _fetch(client, urls[0])
            profiled_ms = (time.perf_counter() - started) * 1000
        slowest = sorted(log.entries, key=lambda entry: -entry[0])
        result = {
            "page": case.name,
            "url": case.url,
            "note": case.note,
            **summary_ms(samples),
            "status": sorted(statuses),
            "bytes": int(statistics.median(sizes)) if sizes else 0,
            "queries": len(log.entries),
            "sql_ms": round(sum(entry[0] for entry in log.entries), 2),
            "profiled_ms": round(profiled_ms, 2),
            "slowest_queries": [{"ms": round(ms, 2), "sql": sql[:600]} for ms, sql, _params in slowest[:3]],
            "other_cores": round(load.other_cores, 2),
            "waited_for_quiet_s": round(waited, 1),
            "attempts": attempt + 1,
            "ok": statuses == {200} and percentile(samples, 95) <= PAGE_BUDGET_MS,
        }
        if args.explain_dir and (not result["ok"] or args.explain_all) and connection.vendor == "postgresql":
            args.explain_dir.mkdir(parents=True, exist_ok=True)
            path = args.explain_dir / (
                "".join(ch if ch.isalnum() else "-" for ch in case.name).strip("-") + ".txt"
            )
            with path.open("w", encoding="utf-8") as out:
                for ms, sql, params in slowest[:3]:
                    out.write(f"-- {ms:.1f} ms\n{sql}\n-- params: {params}\n")
                    out.write(explain(sql, params) + "\n\n")
            result["explain"] = str(path)
        results.append(result)
        if not args.quiet:
            print(
                f"  {case.name:36} p50 {result['p50_ms']:7.1f}  p95 {result['p95_ms']:7.1f}  "
                f"max {result['max_ms']:7.1f} ms  {result['queries']:2} queries, "
                f"sql {result['sql_ms']:6.1f} ms  "
                f"{'ok' if result['ok'] else 'OVER BUDGET' if statuses == {200} else statuses}",
                flush=True,
            )
    return results


# --- Intake -------------------------------------------------------------------------------------------
def intake_payloads(count: int, seed: int) -> list[tuple[int, Any]]:
    """New tips for the generated objects, as many per object as its share of the tips: two thirds
    written afresh, one third reposting an earlier tip of the object with small edits."""
    from traceobject import vault
    from traceobject.gallery.models import Object
    from traceobject.tips.models import Tip
    from traceobject.tips.payload import TipPayload
    from traceobject.triage.models import Tally

    rng = random.Random(seed)
    totals = dict(Tally.objects.filter(dimension="total", value="").values_list("object_id", "tips"))
    categories = dict(Object.objects.filter(pk__in=list(totals)).values_list("pk", "category__slug"))
    object_ids = list(totals)
    languages = {code: kit.weight for code, kit in texts.KITS.items()}
    chosen: list[tuple[int, Any]] = []
    for object_id in rng.choices(object_ids, weights=[totals[pk] for pk in object_ids], k=count):
        language = generate._weighted(rng, languages)
        if rng.random() < 1 / 3:
            offset = rng.randrange(totals[object_id])
            earlier = Tip.objects.filter(object_id=object_id).order_by("-pk").values_list("sealed", flat=True)
            source = TipPayload.from_bytes(vault.open(bytes(earlier[offset])))
            fields = texts.near_duplicate(rng, dataclasses.asdict(source), language=language)
        else:
            targets = [
                (generate._weighted(rng, texts.COUNTRY_WEIGHTS), rng.choice(texts.MODES))
                for _ in range(rng.choice((0, 1, 1, 2)))
            ]
            fields = texts.tip_fields(
                rng,
                language=language,
                category=categories[object_id],
                brand=texts.brand_names(rng, 1)[0],
                targets=targets,
                year=rng.randint(2005, 2022),
            )
        chosen.append((object_id, payload_from(fields)))
    return chosen


def payload_from(fields: dict[str, Any]) -> Any:
    from traceobject.tips.payload import TipPayload

    return TipPayload(
        text=str(fields["text"]),
        country=str(fields.get("country") or ""),
        place=str(fields.get("place") or ""),
        shop_brand=str(fields.get("shop_brand") or ""),
        time_period=str(fields.get("time_period") or ""),
        links=list(fields.get("links") or []),
        contact=str(fields.get("contact") or ""),
    )


def _timed(action: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, value


def bench_intake(args: argparse.Namespace) -> dict[str, Any]:
    """The triage part of the intake, and the whole intake, on the big database; rolled back."""
    from django.db import transaction

    from traceobject.gallery.models import Object
    from traceobject.tips.services import tip_submit
    from traceobject.triage import clusters
    from traceobject.triage.intake import cluster_find, tip_prepare
    from traceobject.triage.signals import extract, prepare

    warm = prepare()
    tips = intake_payloads(args.intake, args.seed + 99)
    objects = {obj.pk: obj for obj in Object.objects.filter(pk__in={pk for pk, _p in tips})}
    for _object_id, payload in tips[:20]:  # warm caches: language models, gazetteer, templates
        tip_prepare(payload)
    timings: dict[str, list[float]] = defaultdict(list)
    waited = wait_quiet(args.quiet_wait)
    with Load() as load:
        for object_id, payload in tips:
            ms, _signals = _timed(extract, payload)
            timings["extract"].append(ms)
            ms, signature = _timed(clusters.fingerprint, payload.text)
            timings["fingerprint"].append(ms)
            ms, _prepared = _timed(tip_prepare, payload)
            timings["tip_prepare"].append(ms)
            ms, _found = _timed(cluster_find, object_id=object_id, signature=signature)
            timings["cluster_find"].append(ms)
            timings["prepare_and_cluster_find"].append(timings["tip_prepare"][-1] + ms)
        joined = 0
        with transaction.atomic():
            for object_id, payload in tips:
                ms, submitted = _timed(tip_submit, obj=objects[object_id], payload=payload)
                timings["tip_submit"].append(ms)
                joined += submitted.tip.cluster_id != submitted.tip.pk
            transaction.set_rollback(True)  # the database stays as generated
    result: dict[str, Any] = {name: summary_ms(values) for name, values in timings.items()}
    result["tips"] = len(tips)
    result["joined_existing_cluster"] = joined
    result["warm_up_s"] = {key: round(value, 2) for key, value in warm.items()}
    result["other_cores"] = round(load.other_cores, 2)
    result["waited_for_quiet_s"] = round(waited, 1)
    median = result["prepare_and_cluster_find"]["p50_ms"]
    result["ok"] = median <= INTAKE_BUDGET_MS
    if not args.quiet:
        for name in (
            "extract",
            "fingerprint",
            "tip_prepare",
            "cluster_find",
            "prepare_and_cluster_find",
            "tip_submit",
        ):
            row = result[name]
            print(
                f"  {name:26} p50 {row['p50_ms']:7.2f}  p95 {row['p95_ms']:7.2f}  max {row['max_ms']:7.2f} ms"
            )
        print(f"  {joined} of {len(tips)} new tips joined an existing cluster", flush=True)
    return result


# --- Clusters: throughput and recall against exact similarity -----------------------------------------
@dataclass
class SampleObject:
    object_id: int
    tips: int  # all its tips
    ids: list[int]  # the sampled ones, in arrival order
    stored_clusters: list[int]
    texts: list[str]
    created: list[datetime]
    languages: list[str]
    near: dict[tuple[int, int], float] = field(default_factory=dict)  # pairs with exact J >= THRESHOLD - 0.1


def cluster_sample(size: int, objects: int, seed: int) -> list[SampleObject]:
    """``size`` tips from ``objects`` objects spread over the attention distribution (the largest, the
    smallest and evenly between), as evenly as their sizes allow, each object's sample at random."""
    from traceobject import vault
    from traceobject.tips.models import Tip
    from traceobject.tips.payload import TipPayload
    from traceobject.triage.models import Tally

    rng = random.Random(seed)
    totals = list(
        Tally.objects.filter(dimension="total", value="")
        .order_by("-tips", "object_id")
        .values_list("object_id", "tips")
    )
    picks = sorted({round(i * (len(totals) - 1) / max(1, objects - 1)) for i in range(objects)})
    chosen = sorted((totals[i] for i in picks), key=lambda row: row[1])
    sample: list[SampleObject] = []
    remaining = size
    for position, (object_id, tips) in enumerate(chosen):
        quota = min(tips, remaining // (len(chosen) - position))
        remaining -= quota
        ids = sorted(
            rng.sample(list(Tip.objects.filter(object_id=object_id).values_list("pk", flat=True)), quota)
        )
        rows = {
            pk: (cluster, sealed, created, language)
            for pk, cluster, sealed, created, language in Tip.objects.filter(pk__in=ids).values_list(
                "pk", "cluster_id", "sealed", "created_at", "language"
            )
        }
        sample.append(
            SampleObject(
                object_id=object_id,
                tips=tips,
                ids=ids,
                stored_clusters=[rows[pk][0] for pk in ids],
                texts=[TipPayload.from_bytes(vault.open(bytes(rows[pk][1]))).text for pk in ids],
                created=[rows[pk][2] for pk in ids],
                languages=[rows[pk][3] for pk in ids],
            )
        )
    return sample


def exact_pairs(sample: list[SampleObject], floor: float) -> dict[str, Any]:
    """Exact Jaccard of every pair within each object; keeps the pairs at or above ``floor``.

    ``clusters.exact_similarity(a, b)`` recomputes both shingle sets on every call; here each text's set
    is computed once and pairs whose sizes alone rule out ``floor`` (J <= min/max) are skipped. A
    random subset of pairs is checked against ``exact_similarity`` itself.
    """
    from traceobject.triage import clusters

    started = time.perf_counter()
    pairs = 0
    rng = random.Random(3)
    checked = 0
    for obj in sample:
        shingle_sets: dict[str, frozenset[bytes]] = {}
        sets = [shingle_sets.setdefault(text, frozenset(clusters.shingles(text))) for text in obj.texts]
        sizes = [len(item) for item in sets]
        n = len(sets)
        pairs += n * (n - 1) // 2
        for i in range(n):
            a, size_a = sets[i], sizes[i]
            for j in range(i + 1, n):
                size_b = sizes[j]
                if not size_a or not size_b:
                    continue
                if min(size_a, size_b) < floor * max(size_a, size_b):
                    continue
                b = sets[j]
                if a is b:
                    similarity = 1.0
                else:
                    common = len(a & b)
                    similarity = common / (size_a + size_b - common)
                if similarity >= floor:
                    obj.near[(i, j)] = similarity
                if checked < 2000 and rng.random() < 0.001:
                    checked += 1
                    assert similarity == clusters.exact_similarity(obj.texts[i], obj.texts[j])
    return {"pairs": pairs, "seconds": round(time.perf_counter() - started, 1), "checked_pairs": checked}


def pair_quality(
    sample: list[SampleObject], assignments: list[list[int]], threshold: float, floor: float
) -> dict[str, Any]:
    """Recall of the positive pairs (exact J >= threshold) and precision of the clustered pairs (their
    exact J >= floor), for one cluster assignment per sample object."""
    positives = together = clustered = good = distinct = distinct_together = 0
    buckets: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for obj, clusters_of in zip(sample, assignments, strict=True):
        sizes: dict[int, int] = defaultdict(int)
        for cluster in clusters_of:
            sizes[cluster] += 1
        clustered += sum(n * (n - 1) // 2 for n in sizes.values())
        for (i, j), similarity in obj.near.items():
            same = clusters_of[i] == clusters_of[j]
            good += same
            if similarity >= threshold:
                positives += 1
                together += same
                if similarity < 1.0:
                    distinct += 1
                    distinct_together += same
                low = min(0.9, math.floor(similarity * 10) / 10)
                bucket = buckets[f"{low:.1f}-{low + 0.1:.1f}"]
                bucket[0] += 1
                bucket[1] += same
    return {
        "positive_pairs": positives,
        "recall": together / positives if positives else math.nan,
        # Without the pairs of identical shingle sets (copies, case-only edits, spam waves): the
        # near-duplicates proper, which the quadratic weight of large waves would otherwise hide.
        "positive_pairs_not_identical": distinct,
        "recall_not_identical": distinct_together / distinct if distinct else math.nan,
        "clustered_pairs": clustered,
        "precision": good / clustered if clustered else math.nan,
        "recall_by_similarity": {
            name: {"pairs": n, "recall": round(hit / n, 4)} for name, (n, hit) in sorted(buckets.items())
        },
    }


def cluster_in_memory(sample: list[SampleObject]) -> tuple[list[list[int]], float, int]:
    """The intake rule in memory (``generate.ObjectClusters``), each object's sample in arrival order;
    returns the assignments, the seconds spent (fingerprint + band keys + assignment) and the tips."""
    from traceobject.triage import clusters

    assignments = []
    started = time.perf_counter()
    for obj in sample:
        state = generate.ObjectClusters()
        assigned = []
        for position, text in enumerate(obj.texts):
            signature = clusters.fingerprint(text)
            if signature is None:
                assigned.append(-1 - position)
                continue
            cluster, _indexed = state.add(
                position + 1, clusters.signature_bytes(signature), clusters.band_keys(signature)
            )
            assigned.append(cluster)
        assignments.append(assigned)
    return assignments, time.perf_counter() - started, sum(len(obj.texts) for obj in sample)


def cluster_through_database(sample: list[SampleObject]) -> tuple[list[list[int]], float, list[float]]:
    """The sample replayed through the real ``tip_index`` into mirror objects, rolled back. Times the
    fingerprint plus ``tip_index`` (cluster lookup among the band keys, cluster row, fingerprint and band
    rows, counters) per tip; the tip row itself is inserted untimed."""
    from django.db import transaction

    from traceobject.gallery.models import Object
    from traceobject.tips.models import Tip
    from traceobject.triage import clusters
    from traceobject.triage.intake import Prepared, tip_index
    from traceobject.triage.signals.types import Signals

    assignments = []
    samples: list[float] = []
    with transaction.atomic():
        for number, obj in enumerate(sample):
            source = Object.objects.get(pk=obj.object_id)
            mirror = Object.objects.create(
                code=f"MIRROR{number:03d}-BENCH", title="mirror", category_id=source.category_id,
                status=source.status, audience=source.audience, release_id=source.release_id,
            )  # fmt: skip
            assigned = []
            for text, created, language in zip(obj.texts, obj.created, obj.languages, strict=True):
                tip = Tip.objects.create(object=mirror, sealed=b"", created_at=created, language=language)
                started = time.perf_counter()
                signature = clusters.fingerprint(text)
                prepared = Prepared(
                    signals=Signals(language=language),
                    signature=signature,
                    has_contact=False,
                    has_links=False,
                )
                tip_index(tip=tip, prepared=prepared)
                samples.append((time.perf_counter() - started) * 1000)
                assigned.append(int(tip.cluster_id or 0))
            assignments.append(assigned)
        transaction.set_rollback(True)
    return assignments, sum(samples) / 1000, samples


@contextlib.contextmanager
def lsh_parameters(*, num_perm: int, bands: int, rows: int, threshold: float) -> Iterator[None]:
    """Other LSH parameters on the ``clusters`` module, for this process and this block only."""
    from traceobject.triage import clusters

    saved = (clusters.NUM_PERM, clusters.BANDS, clusters.ROWS, clusters.THRESHOLD)
    clusters.NUM_PERM, clusters.BANDS, clusters.ROWS, clusters.THRESHOLD = num_perm, bands, rows, threshold
    clusters._template.cache_clear()
    try:
        yield
    finally:
        clusters.NUM_PERM, clusters.BANDS, clusters.ROWS, clusters.THRESHOLD = saved
        clusters._template.cache_clear()


SWEEP = (  # (NUM_PERM, BANDS, ROWS, THRESHOLD)
    (64, 16, 4, 0.60),
    (64, 16, 4, 0.55),
    (64, 16, 4, 0.50),
    (64, 21, 3, 0.60),
    (64, 32, 2, 0.60),
    (64, 21, 3, 0.55),
    (128, 32, 4, 0.60),
    (128, 32, 4, 0.55),
    (128, 42, 3, 0.55),
)


def _partition(assigned: Sequence[int]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = defaultdict(set)
    for position, cluster in enumerate(assigned):
        groups[cluster].add(position)
    return {frozenset(group) for group in groups.values()}


def bench_clusters(args: argparse.Namespace) -> dict[str, Any]:
    from traceobject.triage import clusters

    threshold = clusters.THRESHOLD
    floor = threshold - 0.1
    sample = cluster_sample(args.sample, args.sample_objects, args.seed + 7)
    exact = exact_pairs(sample, floor)
    result: dict[str, Any] = {
        "parameters": {"NUM_PERM": clusters.NUM_PERM, "BANDS": clusters.BANDS, "ROWS": clusters.ROWS,
                       "THRESHOLD": threshold, "SHINGLE": clusters.SHINGLE},
        "sample": {"tips": sum(len(obj.ids) for obj in sample), "objects": len(sample),
                   "object_sizes": [obj.tips for obj in sample], **exact},
    }  # fmt: skip
    result["stored"] = pair_quality(sample, [obj.stored_clusters for obj in sample], threshold, floor)
    wait_quiet(args.quiet_wait)
    with Load() as load:
        memory, seconds, count = cluster_in_memory(sample)
    result["in_memory"] = {
        **pair_quality(sample, memory, threshold, floor),
        "tips_per_s": round(count / seconds),
        "ms_per_tip": round(seconds * 1000 / count, 3),
        "other_cores": round(load.other_cores, 2),
    }
    wait_quiet(args.quiet_wait)
    with Load() as load:
        database, seconds, per_tip = cluster_through_database(sample)
    same = sum(_partition(a) == _partition(b) for a, b in zip(memory, database, strict=True))
    result["through_database"] = {
        **pair_quality(sample, database, threshold, floor),
        "tips_per_s": round(len(per_tip) / seconds),
        **summary_ms(per_tip),
        "objects_with_the_in_memory_partition": f"{same}/{len(sample)}",
        "other_cores": round(load.other_cores, 2),
    }
    result["ok"] = result["stored"]["recall"] >= RECALL_GOAL
    if args.sweep or not result["ok"]:
        sweep = []
        for num_perm, bands, rows, limit in SWEEP:
            with lsh_parameters(num_perm=num_perm, bands=bands, rows=rows, threshold=limit):
                assigned, seconds, count = cluster_in_memory(sample)
            quality = pair_quality(sample, assigned, threshold, floor)
            sweep.append(
                {
                    "NUM_PERM": num_perm,
                    "BANDS": bands,
                    "ROWS": rows,
                    "THRESHOLD": limit,
                    "recall": round(quality["recall"], 4),
                    "recall_not_identical": round(quality["recall_not_identical"], 4),
                    "recall_by_similarity": quality["recall_by_similarity"],
                    "precision": round(quality["precision"], 4),
                    "clusters": sum(len(set(a)) for a in assigned),
                    "ms_per_tip": round(seconds * 1000 / count, 3),
                }
            )
            if not args.quiet:
                row = sweep[-1]
                print(
                    f"  sweep NUM_PERM {num_perm:3} BANDS {bands:2} ROWS {rows} THRESHOLD {limit:.2f}: "
                    f"recall {row['recall']:.4f} (not identical {row['recall_not_identical']:.4f}, "
                    f"0.6-0.7 {row['recall_by_similarity'].get('0.6-0.7', {}).get('recall', math.nan):.3f}) "
                    f"precision {row['precision']:.4f} "
                    f"clusters {row['clusters']:,} {row['ms_per_tip']:.2f} ms/tip",
                    flush=True,
                )
        result["sweep"] = sweep
    if not args.quiet:
        for name in ("stored", "in_memory", "through_database"):
            row = result[name]
            print(
                f"  {name:17} recall {row['recall']:.4f} of {row['positive_pairs']:,} positive pairs "
                f"({row['recall_not_identical']:.4f} of {row['positive_pairs_not_identical']:,} "
                "not identical), "
                f"precision {row['precision']:.4f} of {row['clustered_pairs']:,} clustered pairs"
                + (f", {row['tips_per_s']:,} tips/s" if "tips_per_s" in row else ""),
                flush=True,
            )
    return result


# --- Report ------------------------------------------------------------------------------------------
def calibration_ms(rounds: int = 7) -> float:
    """The median time of a fixed pure-Python workload: how fast this (shared, virtual) machine runs
    right now. The same code measured an hour apart can differ by half on this VM with nothing else
    running inside it, so each run records this beside its figures, at its start and end."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i % 7
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


def machine() -> dict[str, Any]:
    from django.db import connection

    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "cpu_model": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        ),
        "python": platform.python_version(),
        "database": connection.vendor,
    }
    for name in ("django", "psycopg", "datasketch", "lingua-language-detector", "pynacl"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            info[name] = metadata.version(name)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
            cursor.execute(
                "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
                "('shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost', 'jit', "
                "'max_parallel_workers_per_gather')"
            )
            info["postgresql_settings"] = dict(cursor.fetchall())
    return info


def table(summary: dict[str, Any]) -> str:
    lines = [f"{'page (ms)':40} {'p50':>7} {'p95':>7} {'max':>7} {'queries':>7} {'sql':>7}  goal p95 <= 150"]
    for row in summary.get("pages", []):
        lines.append(
            f"{row['page']:40} {row['p50_ms']:7.1f} {row['p95_ms']:7.1f} {row['max_ms']:7.1f} "
            f"{row['queries']:7} {row['sql_ms']:7.1f}  {'ok' if row['ok'] else 'MISSED'}"
        )
    intake = summary.get("intake")
    if intake:
        lines.append("")
        lines.append(f"{'intake, per tip (ms)':40} {'p50':>7} {'p95':>7} {'max':>7}")
        for name in (
            "extract",
            "fingerprint",
            "tip_prepare",
            "cluster_find",
            "prepare_and_cluster_find",
            "tip_submit",
        ):
            row = intake[name]
            lines.append(f"{name:40} {row['p50_ms']:7.2f} {row['p95_ms']:7.2f} {row['max_ms']:7.2f}")
        verdict = "ok" if intake["ok"] else "MISSED"
        lines.append(f"goal: tip_prepare + cluster_find median <= {INTAKE_BUDGET_MS:.0f} ms: {verdict}")
    result = summary.get("clusters")
    if result:
        lines.append("")
        sample = result["sample"]
        lines.append(
            f"clusters: {sample['tips']:,} tips from {sample['objects']} objects, {sample['pairs']:,} pairs "
            f"compared exactly; parameters {result['parameters']}"
        )
        for name in ("stored", "in_memory", "through_database"):
            row = result[name]
            speed = f"  {row['tips_per_s']:,} tips/s" if "tips_per_s" in row else ""
            lines.append(
                f"  {name:17} recall {row['recall']:.4f} ({row['positive_pairs']:,} positive pairs; "
                f"not identical {row['recall_not_identical']:.4f} "
                f"of {row['positive_pairs_not_identical']:,})  "
                f"precision {row['precision']:.4f} ({row['clustered_pairs']:,} pairs){speed}"
            )
        buckets = result["stored"]["recall_by_similarity"]
        lines.append(
            "  stored, by exact similarity: "
            + ", ".join(f"{name} {row['recall']:.3f} of {row['pairs']:,}" for name, row in buckets.items())
        )
        for row in result.get("sweep", []):
            low = row["recall_by_similarity"].get("0.6-0.7", {})
            lines.append(
                f"  sweep NUM_PERM {row['NUM_PERM']:3} BANDS {row['BANDS']:2} ROWS {row['ROWS']} "
                f"THRESHOLD {row['THRESHOLD']:.2f}: recall {row['recall']:.4f}, "
                f"0.6-0.7 {low.get('recall', math.nan):.3f}, precision {row['precision']:.4f}, "
                f"{row['clusters']:,} clusters"
            )
        lines.append(f"goal: recall >= {RECALL_GOAL}: {'ok' if result['ok'] else 'MISSED'}")
    return "\n".join(lines)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else None)
    parser.add_argument("--database-url", default=generate.DEFAULT_DATABASE_URL)
    parser.add_argument("--data-dir", type=Path, default=generate.DEFAULT_DATA_DIR)
    parser.add_argument("--generate", action="store_true", help="rebuild the database first (--fresh)")
    parser.add_argument("--tips", type=int, default=1_000_000, help="when generating")
    parser.add_argument("--objects", type=int, default=500, help="when generating")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="when generating")
    parser.add_argument("--only", action="append", choices=["pages", "intake", "clusters"])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page first")
    parser.add_argument(
        "--quiet-wait", type=float, default=60.0, help="before each page, wait up to this long for quiet"
    )
    parser.add_argument("--reruns", type=int, default=2, help="measure a disturbed page again, up to this")
    parser.add_argument("--intake", type=int, default=500, help="new tips for the intake measurement")
    parser.add_argument("--sample", type=int, default=10_000, help="tips for the recall measurement")
    parser.add_argument("--sample-objects", type=int, default=20)
    parser.add_argument("--sweep", action="store_true", help="recall under other LSH parameters, always")
    parser.add_argument("--explain-dir", type=Path, default=generate.ROOT / "var" / "bench-triage-explain")
    parser.add_argument("--explain-all", action="store_true", help="EXPLAIN every page, not only slow ones")
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--quiet", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    parts = args.only or ["pages", "intake", "clusters"]
    started = time.perf_counter()
    generated = prepare(args)
    summary: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "-m", "bench.triage", *(argv or sys.argv[1:])]),
        "machine": machine(),
        "database": generate.database_name(args.database_url),
    }
    if generated:
        summary["generated"] = generated
    summary["dataset"] = generate.dataset_shape()
    summary["calibration_ms"] = {"start": calibration_ms()}
    if not args.quiet:
        start = summary["calibration_ms"]["start"]
        print(f"calibration (a fixed Python loop; lower is a faster machine): {start} ms")
    if "pages" in parts:
        print("pages", flush=True)
        summary["pages"] = bench_pages(args)
    if "intake" in parts:
        print("intake", flush=True)
        summary["intake"] = bench_intake(args)
    if "clusters" in parts:
        print("clusters", flush=True)
        summary["clusters"] = bench_clusters(args)
    summary["calibration_ms"]["end"] = calibration_ms()
    summary["elapsed_s"] = round(time.perf_counter() - started, 1)
    text = json.dumps(_json_safe(summary), indent=2, ensure_ascii=False, default=str)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(text + "\n", encoding="utf-8")
    print()
    print(table(summary))
    calibration = summary["calibration_ms"]
    print(f"\ncalibration {calibration['start']} / {calibration['end']} ms (start / end)")
    print(f"{summary['elapsed_s']:.0f} s", flush=True)
    verdicts = [row["ok"] for row in summary.get("pages", [])]
    verdicts += [summary[part]["ok"] for part in ("intake", "clusters") if part in summary]
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
