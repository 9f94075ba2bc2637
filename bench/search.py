"""Gallery search benchmark: 10,000 published objects with their text in 36 languages, searched as visitors
would, on SQLite and on PostgreSQL.

    .venv/bin/python -m bench.search                                   # SQLite under var/bench-search
    .venv/bin/python -m bench.search --database-url postgres://postgres@127.0.0.1:5432/traceobject_bench_search
    .venv/bin/python -m bench.search --objects 2000 --fresh            # a smaller, new database

The database is built once (``--fresh`` builds it again): objects, releases and translations go in with
``bulk_create`` (no receivers), then ``search_rebuild`` makes the index, the documented way to index
rows written around the ORM's ``save()``; the build's time and the tables' sizes are reported. The text
comes from ``bench/search_texts.py`` (the same object in every language).

Each query runs, in order, as (1) the selector: ``gallery_list`` through the home page's paginator (the
count and the first page's rows, with their prefetched images: what the view evaluates), and (2) the
whole public home page through Django's test client (middleware, view, template). Baselines in the same
run, on the same database: the home page and the selector without a query, and the old search (the
whole phrase ``icontains`` on the code, English title and description, which could not find most of
these). Every query runs ``--repeat`` times after one warm-up round; medians and 95th percentiles are per
kind of query and overall.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import search_texts
from bench.generate import ensure_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "var" / "bench-search"
OBJECTS_PER_RELEASE = 25
CODE_PREFIX = "S"
CATEGORIES = (
    "bags",
    "bags",
    "bags",
    "toys",
    "toys",
    "clothing",
    "clothing",
    "textiles",
    "furniture",
    "shoes",
    "clothing",
    "toys",
)  # by kind of object (search_texts' order)


def configure(database_url: str, data_dir: Path) -> None:
    """Point Django at the benchmark database, in test mode with the benchmark's own data directory."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["TRACEOBJECT_ENV"] = "test"
    os.environ["TRACEOBJECT_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "traceobject.settings"
    import django

    django.setup()


# --- Building ------------------------------------------------------------------------------------------


def _languages() -> list[str]:
    return [language for language in search_texts.LANGUAGES if language != "en"]


def object_picks(objects: int, seed: int) -> list[search_texts.Picks]:
    rng = random.Random(seed)
    return [search_texts.picks(rng) for _ in range(objects)]


def code_of(index: int) -> str:
    return f"{CODE_PREFIX}{index + 1}-{2020 + index % 7}"


def build(*, objects: int, seed: int, fresh: bool, sqlite_path: Path | None) -> dict[str, Any]:
    """Fill an empty database, or reuse one this function filled with the same arguments."""
    from django.core.management import call_command
    from django.db import connection

    from traceobject.gallery.models import Object

    migrated = "gallery_searchtext" in connection.introspection.table_names()
    if not fresh and migrated and Object.objects.filter(code__startswith=CODE_PREFIX).count() == objects:
        stored = Path(os.environ["TRACEOBJECT_DATA_DIR"]) / f"build-{connection.vendor}.json"
        if stored.exists():
            return {**json.loads(stored.read_text()), "reused": True}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    elif sqlite_path is not None:
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    report = _fill(objects=objects, seed=seed)
    # Leave the database as a running site would have it: SQLite's WAL checkpointed (the build's one big
    # transaction left it at hundreds of megabytes; a site checkpoints as it goes), PostgreSQL's tables
    # vacuumed and analysed (autovacuum would, within a minute). SQLite gets no ANALYZE: the site never
    # runs one.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            cursor.execute("VACUUM ANALYZE")
    report["sizes"] = table_sizes()
    stored = Path(os.environ["TRACEOBJECT_DATA_DIR"]) / f"build-{connection.vendor}.json"
    stored.write_text(json.dumps(report))
    return report


def _fill(*, objects: int, seed: int) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from traceobject.gallery.models import (
        Audience,
        Category,
        Object,
        ObjectStatus,
        ObjectTranslation,
        Release,
    )
    from traceobject.gallery.search import search_rebuild

    picks = object_picks(objects, seed)
    started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic():
        categories = {
            slug: Category.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0]
            for slug in set(CATEGORIES)
        }
        releases = Release.objects.bulk_create(
            Release(name=f"Search bench {number}", publish_at=now - timedelta(days=2 + number))
            for number in range((objects + OBJECTS_PER_RELEASE - 1) // OBJECTS_PER_RELEASE)
        )
        rows = []
        for index, chosen in enumerate(picks):
            english = search_texts.object_text("en", chosen)
            rows.append(
                Object(
                    code=code_of(index),
                    title=english.title,
                    category=categories[CATEGORIES[chosen.kind]],
                    description=english.description,
                    questions=english.questions,
                    hints=english.hints,
                    status=ObjectStatus.PUBLISHED,
                    audience=Audience.PUBLIC,
                    release=releases[index // OBJECTS_PER_RELEASE],
                    published_at=now,
                    case_reference=f"BENCH-{index}",
                )
            )
        created = Object.objects.bulk_create(rows, batch_size=1000)
        translations = []
        for obj, chosen in zip(created, picks, strict=True):
            for language in _languages():
                text = search_texts.object_text(language, chosen)
                translations.append(
                    ObjectTranslation(
                        object=obj,
                        language=language,
                        title=text.title,
                        description=text.description,
                        questions=text.questions,
                        hints=text.hints,
                    )
                )
            if len(translations) >= 20_000:
                ObjectTranslation.objects.bulk_create(translations, batch_size=2000)
                translations = []
        ObjectTranslation.objects.bulk_create(translations, batch_size=2000)
    filled = time.perf_counter()
    search_rebuild()
    indexed = time.perf_counter()
    return {
        "objects": objects,
        "languages": len(search_texts.LANGUAGES),
        "translations": objects * len(_languages()),
        "fill_seconds": round(filled - started, 1),
        "rebuild_seconds": round(indexed - filled, 1),
        "reused": False,
    }


def table_sizes() -> dict[str, int]:
    """Bytes per table and index (SQLite: pages of the table and its indexes; FTS5's shadow tables)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname IN "
                "('gallery_object', 'gallery_objecttranslation', "
                "'gallery_searchtext', 'gallery_searchdocument', 'gallery_searchword')"
            )
            sizes = dict(cursor.fetchall())
            cursor.execute(
                "SELECT relname, pg_relation_size(oid) FROM pg_class WHERE relname IN "
                "('gallery_searchtext_trgm', 'gallery_searchdocument_grams', 'gallery_searchdocument_words', "
                "'gallery_searchword_trgm')"
            )
            sizes.update(dict(cursor.fetchall()))
            return {name: int(size) for name, size in sizes.items()}
        try:
            cursor.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
        except Exception:
            return {}
        rows = cursor.fetchall()
    # Each table with its indexes, FTS5's shadow tables (``<table>_fts_data`` …) by their own names.
    return {
        str(name): int(size)
        for name, size in rows
        if str(name).startswith(("gallery_object", "gallery_search"))
    }


# --- The queries ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    kind: str
    text: str


# Words that no object holds, in several scripts: an umbrella, a kettle, a bicycle.
MISSES = (
    "umbrella",
    "Regenschirm",
    "parapluie",
    "paraguas",
    "зонтик",
    "ομπρέλα",
    "şemsiye",
    "parasol",
    "kettle",
    "Wasserkocher",
    "bouilloire",
    "чайник",
    "bicycle",
    "Fahrrad",
    "rower",
    "velo",
    "自行车",
    "傘",
    "自転車",
    "مظلة",
    "چتر",
    "छाता",
    "ร่ม",
    "우산",
    "zqvx",
    "kavorato",
)
# Words of one or two characters: Chinese and Japanese words, a Korean word, pieces of Latin words.
SHORT = ("包", "靴", "木", "金", "红色", "毛布", "人形", "가방", "신발", "ka", "st", "ü", "ß")
SHORT_MISSES = ("傘", "qx", "ñz", "象")


def queries(picks: list[search_texts.Picks], *, count: int, seed: int) -> list[Query]:
    """``count`` queries of 1 to 3 words: about 70 % that find objects, 30 % that find none."""
    rng = random.Random(seed)
    languages = list(search_texts.LANGUAGES)
    made: list[Query] = []
    kinds = [
        ("one word", 18),
        ("two words", 14),
        ("three words", 8),
        ("piece of a word", 10),
        ("code", 6),
        ("brand", 6),
        ("short word", 10),
        ("short and long", 6),
        ("miss", 14),
        ("short miss", 4),
        ("common word", 4),
    ]
    population = [kind for kind, weight in kinds for _ in range(weight)]
    while len(made) < count:
        kind = rng.choice(population)
        chosen = rng.choice(picks)
        words = search_texts.LANGUAGES[rng.choice(languages)]
        color = words.colors[chosen.color]
        kind_word = words.objects[chosen.kind]
        material = words.materials[chosen.material]
        if kind == "one word":
            text = rng.choice([color, kind_word, material])
        elif kind == "two words":
            text = f"{kind_word} {color}" if rng.random() < 0.5 else f"{color} {kind_word}"
        elif kind == "three words":
            text = " ".join(rng.sample([color, kind_word, material], 3))
        elif kind == "piece of a word":
            word = max(kind_word.split(), key=len)
            length = min(len(word), rng.randint(3, 6))
            start = rng.randint(0, len(word) - length)
            text = word[start : start + length]
        elif kind == "code":
            text = code_of(rng.randrange(len(picks)))
        elif kind == "brand":
            text = chosen.brand if rng.random() < 0.5 else f"{chosen.brand} {chosen.year}"
        elif kind == "short word":
            text = rng.choice(SHORT)
        elif kind == "short and long":
            text = f"{rng.choice(SHORT)} {rng.choice([color, kind_word, material])}"
        elif kind == "miss":
            text = rng.choice(MISSES) if rng.random() < 0.7 else f"{color} {rng.choice(MISSES)}"
        elif kind == "short miss":
            text = rng.choice(SHORT_MISSES)
        else:
            text = rng.choice(["sold", "brand", "label", "verkauft", "marque", "年"])
        if rng.random() < 0.3:
            text = text.upper() if rng.random() < 0.5 else text.capitalize()
        made.append(Query(kind, text))
    return made


# --- Measuring -----------------------------------------------------------------------------------------


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values) * 1000, 2) if values else 0.0,
        "p95_ms": round(_percentile(values, 95) * 1000, 2),
        "max_ms": round(max(values) * 1000, 2) if values else 0.0,
    }


def run_selector(query: str, *, old: bool = False) -> int:
    """What the home view evaluates: the paginator's count and the first page's rows with their images."""
    from django.conf import settings
    from django.core.paginator import Paginator
    from django.db.models import Q

    from traceobject.gallery import selectors

    filters = selectors.GalleryFilter(query=query[:100])
    if old:
        queryset = selectors.objects_public()
        if filters.query:
            queryset = queryset.filter(
                Q(code__icontains=filters.query)
                | Q(title__icontains=filters.query)
                | Q(description__icontains=filters.query)
            )
        queryset = selectors._with_cards(queryset).order_by("-release__publish_at", "code")
    else:
        queryset = selectors.gallery_list(filters=filters)
    page = Paginator(queryset, settings.GALLERY_PAGE_SIZE).get_page(1)
    list(page.object_list)
    return page.paginator.count


def time_it(action: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def measure(items: list[Query], *, repeat: int) -> dict[str, Any]:
    from django.test import Client

    client = Client()

    def page(query: str) -> None:
        response = client.get("/", {"q": query} if query else {})
        if response.status_code != 200:
            raise SystemExit(f"the home page answered {response.status_code} for {query!r}")

    # Warm-up: every query once (the normalisation table, the database's cache, the templates).
    hits: dict[str, int] = {}
    for item in items:
        hits[item.text] = run_selector(item.text)
        page(item.text)
    baseline = {
        "selector_no_query": summary(time_it(lambda: run_selector(""), repeat * 20)),
        "page_no_query": summary(time_it(lambda: page(""), repeat * 20)),
    }
    old_times: list[float] = []
    selector_by_kind: dict[str, list[float]] = {}
    page_by_kind: dict[str, list[float]] = {}
    for item in items:
        old_times += time_it(lambda item=item: run_selector(item.text, old=True), repeat)
        selector_by_kind.setdefault(item.kind, []).extend(
            time_it(lambda item=item: run_selector(item.text), repeat)
        )
        page_by_kind.setdefault(item.kind, []).extend(time_it(lambda item=item: page(item.text), repeat))
    all_selector = [value for values in selector_by_kind.values() for value in values]
    all_page = [value for values in page_by_kind.values() for value in values]
    baseline["selector_old_icontains"] = summary(old_times)
    result = {
        "baseline": baseline,
        "selector": {
            "all": summary(all_selector),
            **{k: summary(v) for k, v in sorted(selector_by_kind.items())},
        },
        "page": {"all": summary(all_page), **{k: summary(v) for k, v in sorted(page_by_kind.items())}},
        "hits": {
            kind: {
                "queries": sum(1 for item in items if item.kind == kind),
                "with_results": sum(1 for item in items if item.kind == kind and hits[item.text]),
                "median_results": statistics.median([hits[item.text] for item in items if item.kind == kind]),
            }
            for kind in sorted({item.kind for item in items})
        },
    }
    result["ratio"] = {
        "selector_p95_to_no_query_p95": round(
            result["selector"]["all"]["p95_ms"] / max(baseline["selector_no_query"]["p95_ms"], 0.01), 2
        ),
        "page_p95_to_no_query_p95": round(
            result["page"]["all"]["p95_ms"] / max(baseline["page_no_query"]["p95_ms"], 0.01), 2
        ),
        "selector_p95_to_old_icontains_p95": round(
            result["selector"]["all"]["p95_ms"] / max(baseline["selector_old_icontains"]["p95_ms"], 0.01), 2
        ),
    }
    return result


def table(result: dict[str, Any]) -> str:
    lines = [f"{'kind':<18} {'n':>5} {'sel med':>8} {'sel p95':>8} {'page med':>9} {'page p95':>9}"]
    for kind, stats in result["selector"].items():
        page_stats = result["page"][kind]
        lines.append(
            f"{kind:<18} {stats['n']:>5} {stats['median_ms']:>8} {stats['p95_ms']:>8} "
            f"{page_stats['median_ms']:>9} {page_stats['p95_ms']:>9}"
        )
    for name, stats in result["baseline"].items():
        lines.append(f"{name:<30} {stats['n']:>5} median {stats['median_ms']} ms, p95 {stats['p95_ms']} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--database-url",
        default="",
        help="PostgreSQL (a database that may be emptied); SQLite under --data-dir when left out",
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--fresh", action="store_true", help="build the database again")
    parser.add_argument("--json-out", type=Path, default=None)
    args = parser.parse_args(argv)

    sqlite_path = None
    if args.database_url:
        ensure_database(args.database_url, fresh=False)
    else:
        sqlite_path = args.data_dir / "traceobject.sqlite3"
    configure(args.database_url, args.data_dir)
    from django.db import connection

    built = build(objects=args.objects, seed=args.seed, fresh=args.fresh, sqlite_path=sqlite_path)
    print(f"{connection.vendor}: {json.dumps(built)}", file=sys.stderr)
    items = queries(object_picks(args.objects, args.seed), count=args.queries, seed=args.seed + 1)
    result = measure(items, repeat=args.repeat)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {"vendor": connection.vendor, "version": version},
        "python": platform.python_version(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "build": built,
        "queries": args.queries,
        "repeat": args.repeat,
        **result,
    }
    print(table(result))
    print(json.dumps(result["ratio"]))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
