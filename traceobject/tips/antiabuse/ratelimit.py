"""Rate limits and back-off keyed by a rotating HMAC of the client address, never the address itself.

``ForgetClientAddressMiddleware`` calls :func:`client_tag` with the address and keeps only the result on
``request.client_tag`` before it drops the address. The HMAC key is random, made once a day (UTC) and kept
only in the ``antiabuse`` cache alias (Redis when configured): it is never written to the database or to
disk, so a tag cannot be turned back into an address after the key has expired, not even by us. Counters
are plain cache entries that expire with their window.

Limits come as (per minute, burst, per hour). The per-minute rate is what one address may sustain; beyond
it, requests draw on a burst allowance that refills each hour, so that a classroom behind one NAT address
can all send their tip in the same few minutes; the per-hour cap bounds everything. Fixed windows and
``incr`` keep each step atomic on Redis and in the local cache without locks or scripts.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import logging
import math
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

import redis.exceptions
from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

CACHE_ALIAS = "antiabuse"
logger = logging.getLogger(__name__)
# What a cache backend raises when its server is away (Redis down, a socket refused, the shared SQLite file
# of the fallback locked too long or unwritable).
CACHE_ERRORS: tuple[type[Exception], ...] = (OSError, redis.exceptions.RedisError, sqlite3.Error)
# The tag used when a request did not pass through the middleware (a RequestFactory request, a task):
# such requests share one set of counters rather than escaping the limits.
UNKNOWN_TAG = "unknown"
# Seconds: back-off after repeated failures grows 2, 4, 8 ... up to this cap.
BACKOFF_CAP = 15 * 60
# Failures allowed before any waiting starts (a typo or two costs nothing).
BACKOFF_FREE_FAILURES = 3

# The clock, a module attribute so that the benchmark and tests can run simulated time through it.
now: Callable[[], float] = time.time


@dataclass(frozen=True)
class Limit:
    """How many attempts one client tag may make: ``per_minute`` sustained, ``burst`` extra ones per hour
    beyond that rate, and never more than ``per_hour``."""

    per_minute: int
    burst: int
    per_hour: int


# Verified tips (solved proof of work) get room for a whole class behind one address; tips without it
# are cheap to send, so they get a fraction of it. "receipt" attempts are throttled by back-off instead.
LIMITS: dict[str, Limit] = {
    "tip": Limit(per_minute=20, burst=100, per_hour=150),
    "tip-unverified": Limit(per_minute=3, burst=5, per_hour=12),
    "follow-up": Limit(per_minute=10, burst=20, per_hour=60),
    "receipt": Limit(per_minute=10, burst=10, per_hour=60),
    # Per API token: a partner's system polling its leads and reading them.
    "api": Limit(per_minute=120, burst=600, per_hour=3000),
    # Refused API tokens, per token prefix (or all malformed ones together): how many get an audit event.
    "api-refused-audit": Limit(per_minute=1, burst=0, per_hour=20),
}
DEFAULT_LIMIT = Limit(per_minute=10, burst=10, per_hour=60)
_RULE_RE = re.compile(r"^\s*([a-z][a-z-]*)\s*=\s*([0-9]+)/([0-9]+)/([0-9]+)\s*$")


@functools.lru_cache(maxsize=8)
def parse_rules(text: str) -> dict[str, Limit]:
    """``TRACEOBJECT_RATE_LIMIT_RULES``: ``scope=per_minute/burst/per_hour`` pairs separated by ``;``,
    e.g. ``tip-unverified=10/20/60`` for an onion service, where every visitor shares one address."""
    rules: dict[str, Limit] = {}
    for part in filter(str.strip, text.split(";")):
        match = _RULE_RE.match(part)
        if match is None:
            raise ImproperlyConfigured(
                f"TRACEOBJECT_RATE_LIMIT_RULES: {part.strip()!r} is not scope=per_minute/burst/per_hour, "
                "such as tip-unverified=3/5/12."
            )
        scope, minute, burst, hour = match.groups()
        rules[scope] = Limit(per_minute=int(minute), burst=int(burst), per_hour=int(hour))
    return rules


def limit_for(scope: str) -> Limit:
    """The limit of ``scope``: the operator's rule if there is one, else the built-in one."""
    custom = parse_rules(str(getattr(settings, "TRACEOBJECT_RATE_LIMIT_RULES", "") or ""))
    return custom.get(scope) or LIMITS.get(scope, DEFAULT_LIMIT)


@dataclass(frozen=True)
class RateDecision:
    """The answer to one attempt: ``retry_after`` (seconds, for the Retry-After header) is 0 when allowed."""

    allowed: bool
    retry_after: int


def antiabuse_cache() -> BaseCache:
    return caches[CACHE_ALIAS]


def limits_enabled() -> bool:
    return bool(getattr(settings, "TRACEOBJECT_RATE_LIMITS", True))


P = ParamSpec("P")
R = TypeVar("R")


def fail_open(default: R) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """When the anti-abuse cache is unreachable, answer ``default`` (no limit, no proof-of-work mark, no
    surge) and warn, instead of failing the request: losing a tip is worse than a few minutes without
    limits. The warning names the function, never the client."""

    def decorator(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return function(*args, **kwargs)
            except CACHE_ERRORS as exc:
                logger.warning(
                    "anti-abuse cache unavailable in %s (%s): not applied",
                    function.__name__,
                    type(exc).__name__,
                )
                return default

        return wrapper

    return decorator


# --- The daily key and the client tag ----------------------------------------------------------------

_memo_lock = threading.Lock()
# (day, key, fetched at): the key is re-read from the cache at most once a minute per process, so that
# the middleware costs one HMAC per request, and all processes converge on the one key the cache holds.
_memo: tuple[str, bytes, float] | None = None
_MEMO_SECONDS = 60.0


def _day(at: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(at))


def daily_key(at: float | None = None) -> bytes:
    """The day's HMAC key, created on first use. ``cache.add`` is atomic, so when several processes race,
    one key wins and every process reads that one back."""
    global _memo
    at = now() if at is None else at
    day = _day(at)
    with _memo_lock:
        if _memo is not None and _memo[0] == day and at - _memo[2] < _MEMO_SECONDS:
            return _memo[1]
    cache = antiabuse_cache()
    name = f"aa:daykey:{day}"
    # Until an hour after the day ends (room for workers whose clocks differ a little); then nobody, not
    # even we, can recompute that day's tags from an address.
    lifetime = int(86400 - at % 86400) + 3600
    cache.add(name, secrets.token_hex(32), timeout=lifetime)
    value = cache.get(name)
    if not isinstance(value, str):  # The cache lost it between add and get (evicted): make a new one.
        value = secrets.token_hex(32)
        cache.set(name, value, timeout=lifetime)
    key = bytes.fromhex(value)
    with _memo_lock:
        _memo = (day, key, at)
    return key


def forget_memo() -> None:
    """Drop this process's copy of the daily key (tests, and after the cache was flushed)."""
    global _memo
    with _memo_lock:
        _memo = None


def _network(address: str) -> str:
    """An IPv6 client usually holds a whole /64, so it is limited as one; IPv4 addresses stay whole."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address)
    return str(ip)


@fail_open(UNKNOWN_TAG)
def client_tag(address: str) -> str:
    """HMAC-SHA256 of the client's network under the day's key, shortened (collisions only merge limits)."""
    if not address:
        return UNKNOWN_TAG
    digest = hmac.new(daily_key(), _network(address).encode(), hashlib.sha256).hexdigest()
    return digest[:32]


def _tag(request: HttpRequest) -> str:
    return str(getattr(request, "client_tag", "") or UNKNOWN_TAG)


# --- Counters ----------------------------------------------------------------------------------------


def counter_add(cache: BaseCache, key: str, timeout: int) -> int:
    """Add one to ``key`` and return the new value. ``add`` then ``incr`` is atomic on Redis and in the
    local cache; the retry covers an entry that expired between the two calls."""
    for _attempt in range(2):
        cache.add(key, 0, timeout=timeout)
        try:
            return int(cache.incr(key))
        except ValueError:
            continue
    return 1


@fail_open(RateDecision(allowed=True, retry_after=0))
def rate_check(request: HttpRequest, scope: str) -> RateDecision:
    """Count one attempt in ``scope`` for this client and say whether it may go ahead.

    Every attempt counts, refused ones included, so a client that keeps hammering stays refused until
    the hour is over instead of getting through whenever a minute turns.
    """
    return rate_check_tag(_tag(request), scope)


@fail_open(RateDecision(allowed=True, retry_after=0))
def rate_check_tag(tag: str, scope: str) -> RateDecision:
    """``rate_check`` for a caller that knows whom to count by other than the client tag: the API counts
    per token (its public prefix), not per address."""
    if not limits_enabled():
        return RateDecision(allowed=True, retry_after=0)
    limit = limit_for(scope)
    at = now()
    cache = antiabuse_cache()
    minute, hour = int(at // 60), int(at // 3600)
    in_minute = counter_add(cache, f"aa:rl:{scope}:m{minute}:{tag}", 70)
    in_hour = counter_add(cache, f"aa:rl:{scope}:h{hour}:{tag}", 3610)
    if in_hour > limit.per_hour:
        return RateDecision(allowed=False, retry_after=max(1, math.ceil((hour + 1) * 3600 - at)))
    if in_minute <= limit.per_minute:
        return RateDecision(allowed=True, retry_after=0)
    if counter_add(cache, f"aa:rl:{scope}:b{hour}:{tag}", 3610) <= limit.burst:
        return RateDecision(allowed=True, retry_after=0)
    return RateDecision(allowed=False, retry_after=max(1, math.ceil((minute + 1) * 60 - at)))


# --- Back-off after failures (wrong receipts) ---------------------------------------------------------
# Keyed by the client tag AND by "buckets" the caller derives from what was tried (for receipts: a keyed
# hash of each of its four groups, ``receipts.receipt_backoff_buckets``), never by the tag alone. A wait
# keyed by the address alone would refuse even a correct receipt to everyone behind that address (one onion
# service, one NAT) while one of them sends wrong ones. With buckets, wrong receipts slow down only later
# attempts that share a group with them: guesses around one receipt (someone who read most of it) are
# throttled, and a genuine tipster, whose groups are random, almost never meets a wait set by someone
# else. The reasoning, with numbers, is in docs/security.md ("Receipts and guessing").

# Seconds a bucket's failures are remembered after its last failure.
BACKOFF_MEMORY = 3600


def _backoff_keys(request: HttpRequest, scope: str, bucket: str) -> tuple[str, str]:
    tag = _tag(request)
    return f"aa:bo:{scope}:{tag}:{bucket}:n", f"aa:bo:{scope}:{tag}:{bucket}:until"


@fail_open(0)
def backoff_wait(request: HttpRequest, scope: str, buckets: Sequence[str]) -> int:
    """Seconds this client must still wait before an attempt touching ``buckets`` (0: it may try now)."""
    if not limits_enabled() or not buckets:
        return 0
    until_keys = [_backoff_keys(request, scope, bucket)[1] for bucket in buckets]
    untils = antiabuse_cache().get_many(until_keys).values()
    if not untils:
        return 0
    return max(0, math.ceil(max(float(until) for until in untils) - now()))


@fail_open(None)
def backoff_fail(request: HttpRequest, scope: str, buckets: Sequence[str]) -> None:
    """Record a failed attempt in each of its buckets. After ``BACKOFF_FREE_FAILURES`` failures in one
    bucket each further one doubles that bucket's wait: 2, 4, 8 ... seconds, capped at ``BACKOFF_CAP``.
    A bucket's failures are remembered for ``BACKOFF_MEMORY`` seconds after its last one."""
    if not limits_enabled():
        return
    cache = antiabuse_cache()
    for bucket in buckets:
        failures_key, until_key = _backoff_keys(request, scope, bucket)
        failures = counter_add(cache, failures_key, BACKOFF_MEMORY)
        if failures > 1:
            cache.touch(failures_key, BACKOFF_MEMORY)
        if failures < BACKOFF_FREE_FAILURES:
            continue
        wait = min(BACKOFF_CAP, 2 ** (failures - BACKOFF_FREE_FAILURES + 1))
        cache.set(until_key, now() + wait, timeout=wait + 5)


@fail_open(None)
def backoff_clear(request: HttpRequest, scope: str, buckets: Sequence[str]) -> None:
    """Forget the failures of ``buckets`` after a success, so that a tipster who found their receipt
    starts afresh. Other buckets (someone else's wrong receipts) are left as they are."""
    keys = [key for bucket in buckets for key in _backoff_keys(request, scope, bucket)]
    if keys:
        antiabuse_cache().delete_many(keys)
