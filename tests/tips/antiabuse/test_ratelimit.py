"""Rate limits and back-off, against the local cache and a real Redis server."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.http import HttpRequest
from django.test import RequestFactory

from tests.tips.antiabuse.conftest import Clock
from traceobject.tips.antiabuse import ratelimit
from traceobject.tips.antiabuse.ratelimit import (
    LIMITS,
    backoff_clear,
    backoff_fail,
    backoff_wait,
    client_tag,
    rate_check,
)


def _request(address: str) -> HttpRequest:
    request = RequestFactory().post("/")
    request.client_tag = client_tag(address)  # type: ignore[attr-defined]
    return request


def test_tag_is_keyed_and_stable_within_the_day(antiabuse_backend: str, clock: Clock) -> None:
    first = client_tag("203.0.113.7")
    assert first == client_tag("203.0.113.7")
    assert first != client_tag("203.0.113.8")
    assert "203.0.113.7" not in first
    # The key lives in the cache only; with another key (a new day) the same address gives another tag.
    clock.advance(86400)
    ratelimit.forget_memo()
    assert client_tag("203.0.113.7") != first


def test_every_process_uses_the_key_the_cache_holds(antiabuse_backend: str, clock: Clock) -> None:
    tag = client_tag("198.51.100.1")
    ratelimit.forget_memo()  # Another process: no copy of its own, reads the shared key.
    assert client_tag("198.51.100.1") == tag
    stored = caches["antiabuse"].get(f"aa:daykey:{ratelimit._day(clock())}")
    assert isinstance(stored, str)
    assert len(stored) == 64


def test_ipv6_clients_are_limited_by_their_64(antiabuse_backend: str, clock: Clock) -> None:
    assert client_tag("2001:db8:1:2::1") == client_tag("2001:db8:1:2:ffff::9")
    assert client_tag("2001:db8:1:2::1") != client_tag("2001:db8:1:3::1")
    assert client_tag("::ffff:192.0.2.1") == client_tag("192.0.2.1")


def test_per_minute_rate_then_burst_then_refusal(antiabuse_backend: str, clock: Clock) -> None:
    limit = LIMITS["tip-unverified"]
    request = _request("192.0.2.10")
    allowed = [rate_check(request, "tip-unverified").allowed for _ in range(limit.per_minute + limit.burst)]
    assert all(allowed)
    refused = rate_check(request, "tip-unverified")
    assert not refused.allowed
    assert 0 < refused.retry_after <= 60
    # Other addresses are not affected.
    assert rate_check(_request("192.0.2.11"), "tip-unverified").allowed


def test_the_minute_rate_comes_back_but_the_burst_does_not(antiabuse_backend: str, clock: Clock) -> None:
    limit = LIMITS["tip-unverified"]
    request = _request("192.0.2.20")
    for _ in range(limit.per_minute + limit.burst):
        assert rate_check(request, "tip-unverified").allowed
    clock.advance(60)
    results = [rate_check(request, "tip-unverified").allowed for _ in range(limit.per_minute + 1)]
    assert results == [True] * limit.per_minute + [False]


def test_the_hourly_cap_bounds_everything(antiabuse_backend: str, clock: Clock) -> None:
    limit = LIMITS["tip-unverified"]
    request = _request("192.0.2.30")
    granted = 0
    for _minute in range(60):
        for _ in range(limit.per_minute + 2):
            granted += rate_check(request, "tip-unverified").allowed
        clock.advance(59)
    assert granted == limit.per_hour
    decision = rate_check(request, "tip-unverified")
    assert not decision.allowed


def test_a_classroom_behind_one_address_gets_through(antiabuse_backend: str, clock: Clock) -> None:
    """100 pupils with JavaScript, one NAT address, all within two minutes."""
    request = _request("192.0.2.40")
    results = []
    for pupil in range(100):
        results.append(rate_check(request, "tip").allowed)
        if pupil == 50:
            clock.advance(60)
    assert all(results)


def test_limits_off_lets_everything_through(settings: Any, clock: Clock) -> None:
    settings.TRACEOBJECT_RATE_LIMITS = False
    request = _request("192.0.2.50")
    assert all(rate_check(request, "tip-unverified").allowed for _ in range(100))
    for _ in range(10):
        backoff_fail(request, "receipt", ["g0"])
    assert backoff_wait(request, "receipt", ["g0"]) == 0


def test_backoff_grows_exponentially_and_is_capped(antiabuse_backend: str, clock: Clock) -> None:
    request = _request("192.0.2.60")
    waits = []
    for _ in range(15):
        backoff_fail(request, "receipt", ["g0", "g1"])
        waits.append(backoff_wait(request, "receipt", ["g0", "g1"]))
    assert waits[:6] == [0, 0, 2, 4, 8, 16]
    assert max(waits) == ratelimit.BACKOFF_CAP
    clock.advance(ratelimit.BACKOFF_CAP)
    assert backoff_wait(request, "receipt", ["g0"]) == 0
    # The failures are still remembered: the next one waits the cap again.
    backoff_fail(request, "receipt", ["g0"])
    assert backoff_wait(request, "receipt", ["g0"]) == ratelimit.BACKOFF_CAP


def test_backoff_holds_up_only_attempts_that_share_a_bucket(antiabuse_backend: str, clock: Clock) -> None:
    """Failures in some buckets make any attempt touching one of them wait; an attempt with other buckets
    from the same address goes ahead at once."""
    request = _request("192.0.2.65")
    for _ in range(6):
        backoff_fail(request, "receipt", ["a0", "a1"])
    wait = backoff_wait(request, "receipt", ["a0", "a1"])
    assert wait == 2 ** (6 - ratelimit.BACKOFF_FREE_FAILURES + 1)
    assert backoff_wait(request, "receipt", ["z0", "a1"]) == wait, "one shared bucket is enough to wait"
    assert backoff_wait(request, "receipt", ["z0", "z1"]) == 0, "the same address, other buckets: no wait"
    assert backoff_wait(request, "receipt", []) == 0


def test_backoff_clear_forgets_failures(antiabuse_backend: str, clock: Clock) -> None:
    request = _request("192.0.2.70")
    for _ in range(5):
        backoff_fail(request, "receipt", ["c0", "c1"])
    assert backoff_wait(request, "receipt", ["c0"]) > 0
    assert backoff_wait(_request("192.0.2.71"), "receipt", ["c0"]) == 0
    backoff_clear(request, "receipt", ["c0"])
    assert backoff_wait(request, "receipt", ["c0"]) == 0
    assert backoff_wait(request, "receipt", ["c1"]) > 0, "a success clears its own buckets only"
    backoff_fail(request, "receipt", ["c0"])
    assert backoff_wait(request, "receipt", ["c0"]) == 0


def test_requests_without_a_tag_share_one_set_of_counters(clock: Clock) -> None:
    request = RequestFactory().post("/")
    limit = LIMITS["tip-unverified"]
    for _ in range(limit.per_minute + limit.burst):
        assert rate_check(request, "tip-unverified").allowed
    assert not rate_check(RequestFactory().post("/"), "tip-unverified").allowed


@pytest.mark.django_db
def test_middleware_sets_the_tag_and_drops_the_address(antiabuse_backend: str) -> None:
    seen: dict[str, Any] = {}

    from traceobject.core.middleware import ForgetClientAddressMiddleware

    def view(request: HttpRequest) -> Any:
        seen["tag"] = request.client_tag  # type: ignore[attr-defined]
        seen["meta"] = dict(request.META)
        from django.http import HttpResponse

        return HttpResponse("ok")

    middleware = ForgetClientAddressMiddleware(view)
    middleware(RequestFactory().post("/", REMOTE_ADDR="203.0.113.99"))
    assert seen["tag"] == client_tag("203.0.113.99")
    assert "203.0.113.99" not in repr(seen["meta"])


def test_page_views_get_no_tag_and_never_touch_the_cache(settings: Any) -> None:
    """Only posts are limited: a GET costs no HMAC and no cache round trip, even with Redis away (a
    lookup would fail open to the shared "unknown" tag, not leave none)."""
    from django.http import HttpResponse
    from django.test import override_settings

    from traceobject.core.middleware import ForgetClientAddressMiddleware

    away = {
        **settings.CACHES,
        "antiabuse": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    seen: dict[str, Any] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["tag"] = getattr(request, "client_tag", None)
        seen["meta"] = dict(request.META)
        return HttpResponse("ok")

    ratelimit.forget_memo()
    with override_settings(CACHES=away):
        ForgetClientAddressMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR="203.0.113.98"))
        get_tag = seen["tag"]
        ForgetClientAddressMiddleware(view)(RequestFactory().post("/", REMOTE_ADDR="203.0.113.98"))
    ratelimit.forget_memo()
    assert get_tag is None
    assert seen["tag"] == ratelimit.UNKNOWN_TAG  # the post did look, and failed open
    assert "203.0.113.98" not in repr(seen["meta"])


def test_middleware_reads_the_proxy_header_when_configured(settings: Any) -> None:
    from django.http import HttpResponse

    from traceobject.core.middleware import ForgetClientAddressMiddleware

    settings.TRACEOBJECT_CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    seen: dict[str, str] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["tag"] = request.client_tag  # type: ignore[attr-defined]
        return HttpResponse("ok")

    middleware = ForgetClientAddressMiddleware(view)
    middleware(
        RequestFactory().post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.5, 203.0.113.5")
    )
    assert seen["tag"] == client_tag("203.0.113.5")


def test_operator_rules_override_the_built_in_limits(settings: Any, clock: Clock) -> None:
    settings.TRACEOBJECT_RATE_LIMIT_RULES = " tip-unverified = 1/1/50 ; receipt=2/0/2"
    assert ratelimit.limit_for("tip-unverified") == ratelimit.Limit(per_minute=1, burst=1, per_hour=50)
    assert ratelimit.limit_for("tip") == LIMITS["tip"]
    request = _request("192.0.2.80")
    assert [rate_check(request, "tip-unverified").allowed for _ in range(3)] == [True, True, False]


@pytest.mark.parametrize("text", ["tip", "tip=1/2", "tip=a/b/c", "TIP=1/2/3", "tip=1/2/3;;x"])
def test_malformed_rules_are_clear_errors(text: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="TRACEOBJECT_RATE_LIMIT_RULES"):
        ratelimit.parse_rules(text)


def test_the_day_key_is_gone_soon_after_its_day(antiabuse_backend: str, clock: Clock) -> None:
    """The cache's own expiry drops the key about an hour after midnight UTC (read back from Redis)."""
    if antiabuse_backend != "redis":
        pytest.skip("the expiry is read back from Redis")
    import redis

    from tests.tips.antiabuse.conftest import REDIS_TEST_URL

    client_tag("192.0.2.90")
    key = caches["antiabuse"].make_key(f"aa:daykey:{ratelimit._day(clock())}")
    ttl = redis.Redis.from_url(REDIS_TEST_URL).ttl(key)
    expected = 86400 - clock() % 86400 + 3600
    assert expected - 5 <= ttl <= expected + 1
