"""bench/libs.py at a tiny scale, on the tests' database: each section really runs, and the CSRF section
shows what the timing is about (the session variant writes a row for every first-time visitor)."""

from __future__ import annotations

import pytest

from bench import libs
from bench.seed import bench_object


@pytest.mark.django_db
def test_tiny_run() -> None:
    bench_object()
    result = libs.measure(scale=0.01)
    assert result["csp"]["ours_us"] > 0
    csrf = result["csrf"]
    visitors = csrf["visitors_per_mode"]
    assert visitors >= 2
    # Ours keeps the secret in a cookie: no row, no write. Django's session option stores one per visitor.
    assert csrf["session_rows_left"] == {"cookie": 0, "session": visitors}
    assert csrf["queries"]["cookie"]["first_visit_writes"] == 0
    assert csrf["queries"]["session"]["first_visit_writes"] >= 1
    assert csrf["queries"]["cookie"]["cookies_set"] == ["to_csrf"]
    assert csrf["queries"]["session"]["cookies_set"] == ["to_session"]
    assert csrf["area_middleware"]["held_cookie"]["area_us"] > 0
    assert csrf["area_middleware"]["new_cookie"]["area_us"] > 0
    assert result["pow"]["variants"]["ours"]["check_us"] > 0
