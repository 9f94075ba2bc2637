"""Fixtures for the anti-abuse tests: a clean ``antiabuse`` cache, limits on, and a real Redis variant.

A missing Redis skips the Redis variants, unless REQUIRE_REDIS=1 (set by ``.ci/run``), which turns the skip
into a failure: production relies on Redis, so CI may not pass without having run them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches

from traceobject.tips.antiabuse import ratelimit

# A database of its own on the machine's Redis, so that flushing it touches nobody else's keys.
REDIS_TEST_URL = os.environ.get("TRACEOBJECT_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.fixture(params=["shared-file", "redis"])
def antiabuse_backend(
    request: pytest.FixtureRequest, settings: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Run a test against both backends production uses: the shared SQLite file of a deployment without
    Redis (``sharedcache``), and a real Redis server."""
    if request.param == "shared-file":
        settings.CACHES = {
            **settings.CACHES,
            "antiabuse": {
                "BACKEND": "traceobject.tips.antiabuse.sharedcache.SharedSQLiteCache",
                "LOCATION": str(tmp_path_factory.mktemp("antiabuse") / "cache" / "antiabuse.sqlite3"),
            },
        }
    if request.param == "redis":
        if not _redis_available():
            if os.environ.get("REQUIRE_REDIS") == "1":
                pytest.fail(f"REQUIRE_REDIS=1 but no Redis answers at {REDIS_TEST_URL}")
            pytest.skip(f"no Redis at {REDIS_TEST_URL}")
        settings.CACHES = {
            **settings.CACHES,
            "antiabuse": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_TEST_URL,
                "KEY_PREFIX": "traceobject-test",
            },
        }
    caches["antiabuse"].clear()
    ratelimit.forget_memo()
    yield request.param
    caches["antiabuse"].clear()
    ratelimit.forget_memo()


@pytest.fixture(autouse=True)
def _limits_on(settings: Any) -> Iterator[None]:
    """Tests elsewhere run with the limits off (TRACEOBJECT_ENV=test); these test them."""
    settings.TRACEOBJECT_RATE_LIMITS = True
    caches["antiabuse"].clear()
    ratelimit.forget_memo()
    yield
    caches["antiabuse"].clear()
    ratelimit.forget_memo()


class Clock:
    """A settable clock for ``ratelimit.now`` (and the surge breaker, which reads the same one)."""

    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    # The start of an hour plus a little, so that windows are predictable.
    fake = Clock(1_800_000_000.0 + 5)
    monkeypatch.setattr(ratelimit, "now", fake)
    return fake
