"""Seed a fresh benchmark database with one published public object, and report its SQLite settings.

Run by ``bench/intake.py`` in a subprocess (``python -m bench.seed``) with ``TRACEOBJECT_ENV`` and
``TRACEOBJECT_DATA_DIR`` set, after ``traceobject migrate``. It does not use ``traceobject demo`` so that
the benchmark does not change when the demo data does. It prints one JSON line on stdout.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import Any

CODE = "BENCH-2026"


def bench_object() -> Any:
    """The one published public object the benchmarks send tips to (Django must be set up)."""
    from django.utils import timezone

    from traceobject.gallery.models import Audience, Category, Object, ObjectStatus, Release

    category, _ = Category.objects.get_or_create(slug="bags", defaults={"name": "Bags", "position": 1})
    release, _ = Release.objects.get_or_create(
        name="Benchmark release", defaults={"publish_at": timezone.now() - timedelta(days=1)}
    )
    obj, _ = Object.objects.update_or_create(
        code=CODE,
        defaults={
            "title": "Pink backpack with a cartoon cat",
            "category": category,
            "description": "A child's backpack, pink canvas, a printed cat on the front pocket.",
            "questions": ["Which shop sold this backpack?", "In which years was it sold?"],
            "hints": ["Look at the zip puller, not the print.", "Probably sold around 2015."],
            "status": ObjectStatus.PUBLISHED,
            "audience": Audience.PUBLIC,
            "release": release,
        },
    )
    return obj


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traceobject.settings")
    import django

    django.setup()
    from django.db import connection

    bench_object()
    # What the server's own connections will run with: the same settings, the same init_command.
    with connection.cursor() as cursor:
        pragmas = {}
        for name in ("journal_mode", "synchronous", "busy_timeout"):
            cursor.execute(f"PRAGMA {name}")
            pragmas[name] = cursor.fetchone()[0]
    print(
        json.dumps(
            {
                "code": CODE,
                "vendor": connection.vendor,
                "database": str(connection.settings_dict["NAME"]),
                "transaction_mode": connection.settings_dict["OPTIONS"].get("transaction_mode"),
                "pragmas": pragmas,
            }
        )
    )


if __name__ == "__main__":
    main()
