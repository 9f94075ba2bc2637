"""The global circuit breaker: when stored tips spike far above normal, new tips are held.

A flood from many addresses passes every per-address limit. Such tips are still stored (a genuine tip
sent during an attack must not be lost) but with status ``surge``, outside the analysts' main inbox,
until an analyst releases them. The counts are per minute in the ``antiabuse`` cache: the minute's tips
against ``max(FLOOR, FACTOR x mean per minute over the past hour)``. Held tips do not count towards that
mean, so a long flood cannot raise its own threshold; once tripped the breaker stays on for
``TRACEOBJECT_SURGE_HOLD_MINUTES`` after the last minute over the threshold.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from traceobject.tips.antiabuse import ratelimit
from traceobject.tips.models import Tip, TipStatus

_UNTIL = "aa:surge:until"


def _threshold(cache_values: dict[str, int]) -> float:
    mean = sum(int(value) for value in cache_values.values()) / 60
    return max(float(settings.TRACEOBJECT_SURGE_FLOOR), float(settings.TRACEOBJECT_SURGE_FACTOR) * mean)


@ratelimit.fail_open(False)
def surge_note() -> bool:
    """Count one incoming tip and say whether it is to be held. Called once per tip about to be stored."""
    if not ratelimit.limits_enabled():
        return False
    cache = ratelimit.antiabuse_cache()
    at = ratelimit.now()
    minute = int(at // 60)
    in_minute = ratelimit.counter_add(cache, f"aa:surge:all:m{minute}", 3700)
    past = cache.get_many([f"aa:surge:ok:m{m}" for m in range(minute - 60, minute)])
    hold_seconds = int(settings.TRACEOBJECT_SURGE_HOLD_MINUTES) * 60
    if in_minute > _threshold(past):
        cache.set(_UNTIL, at + hold_seconds, timeout=hold_seconds + 60)
        return True
    until = cache.get(_UNTIL)
    if until is not None and float(until) > at:
        return True
    ratelimit.counter_add(cache, f"aa:surge:ok:m{minute}", 3700)
    return False


@ratelimit.fail_open(False)
def surge_active() -> bool:
    """Whether the breaker is on now (for the banner)."""
    until = ratelimit.antiabuse_cache().get(_UNTIL)
    return until is not None and float(until) > ratelimit.now()


def surge_held() -> QuerySet[Tip]:
    """The tips waiting in the surge hold, from the database (the cache may have forgotten the surge)."""
    return Tip.objects.filter(status=TipStatus.SURGE)
