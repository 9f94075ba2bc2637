"""The fuzz sample of ``make test``: a few thousand hypothesis cases of ``bench/fuzz.py`` with a fixed seed,
against every public, staff and partner form, on SQLite and (``DATABASE_URL``) on PostgreSQL.

It asserts what the 100,000-case run of ``docs/benchmarks.md`` asserts: no response of 500 or more (an
exception counts as one), and the invariants of ``bench.fuzz.invariants`` after every 25 cases and at the
end (nothing half-stored), with the audit chain intact. A real commit per request (``transaction=True``):
a write that fails half-way must leave nothing behind in the database itself, not in a test's savepoint.
``TRACEOBJECT_FUZZ_CASES`` changes the number of cases (``TRACEOBJECT_FUZZ_SEED`` the seed) to replay or
widen a run.
"""

from __future__ import annotations

import os

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from bench import fuzz

CASES = int(os.environ.get("TRACEOBJECT_FUZZ_CASES", "2000"))
SEED = int(os.environ.get("TRACEOBJECT_FUZZ_SEED", "20261207"))


def _all_routes() -> set[str]:
    """Every route of the URLconf, walked here independently of ``bench.fuzz``."""
    routes: set[str] = set()

    def walk(patterns: list[object], prefix: str) -> None:
        for entry in patterns:
            assert isinstance(entry, URLPattern | URLResolver)
            part = str(getattr(entry.pattern, "_route", ""))
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + part)
            elif hasattr(entry.pattern, "_route"):
                routes.add("/" + (prefix + part).lstrip("/"))

    walk(get_resolver().url_patterns, "")
    return routes


def test_every_route_of_the_three_areas_is_a_target(db: None) -> None:
    """A view added anywhere joins the fuzz: the targets are read from the resolver, not listed by hand."""
    targets = {endpoint.route for endpoint in fuzz.endpoints()}
    expected = {route for route in _all_routes() if not fuzz.SKIPPED_ROUTES.match(route)}
    assert targets == expected
    for route in (
        "/staff/login/",
        "/staff/objects/<str:code>/edit/",
        "/partner/leads/<str:reference>/outcomes/",
    ):
        assert route in targets
    assert "/django-admin/" not in {route[:14] for route in targets}


@pytest.mark.fuzz
@pytest.mark.django_db(transaction=True)
def test_fuzz_sample_no_5xx_and_nothing_half_stored() -> None:
    harness = fuzz.harness_build()
    assert harness.clients.failures == [], "a page of the world fails on GET"
    # The forms were found on the pages themselves (a stale discovery would fuzz empty field sets).
    fields = {endpoint.route: endpoint.fields for endpoint in harness.targets}
    assert {"text", "country", "contact"} <= set(fields["/objects/<str:code>/tip/"])
    assert {"username", "password"} <= set(fields["/staff/login/"])
    assert "kind" in fields["/partner/leads/<str:reference>/outcomes/"]
    assert "title" in fields["/staff/objects/new/"]
    assert fuzz.invariants() == []

    fuzz.run_batch(harness, cases=CASES, batch_seed=SEED, check_every=25, stop_on_failure=True)

    tally = harness.tally
    assert tally.failures == [], tally.failures[:1]
    assert tally.violations == []
    assert tally.server_errors == 0
    assert tally.cases == CASES
    assert fuzz.audit_chain_intact()
    # The sample reached the views, not only the refusals at the door.
    assert tally.by_class["2xx"] > 0
    assert tally.by_class["3xx"] > 0
    assert len(tally.routes) >= 0.8 * len(harness.targets)
