"""The surge circuit breaker."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tips.antiabuse.conftest import Clock
from traceobject.tips.antiabuse.surge import surge_active, surge_note


@pytest.fixture(autouse=True)
def _small(settings: Any) -> None:
    settings.TRACEOBJECT_SURGE_FLOOR = 5
    settings.TRACEOBJECT_SURGE_FACTOR = 10
    settings.TRACEOBJECT_SURGE_HOLD_MINUTES = 3


def test_normal_traffic_is_not_held(antiabuse_backend: str, clock: Clock) -> None:
    for _minute in range(30):
        assert [surge_note() for _ in range(5)] == [False] * 5
        clock.advance(60)
    assert not surge_active()


def test_a_spike_trips_the_breaker_and_it_holds_for_a_while(antiabuse_backend: str, clock: Clock) -> None:
    held = [surge_note() for _ in range(8)]
    assert held == [False] * 5 + [True] * 3
    assert surge_active()
    clock.advance(60)
    assert surge_note()  # still held: within the hold time, even though this minute is quiet
    clock.advance(3 * 60)
    assert not surge_active()
    assert not surge_note()


def test_the_threshold_follows_the_normal_rate(antiabuse_backend: str, clock: Clock) -> None:
    # An hour at 2 tips a minute: mean 2, threshold max(5, 20) = 20.
    for _minute in range(60):
        surge_note()
        surge_note()
        clock.advance(60)
    assert [surge_note() for _ in range(20)] == [False] * 20
    assert surge_note()


def test_held_tips_do_not_raise_the_threshold(antiabuse_backend: str, clock: Clock) -> None:
    for _minute in range(30):
        for _ in range(100):
            surge_note()
        clock.advance(60)
    # Thirty minutes of flood, all held after the first 5 of each: the threshold stays near the floor.
    assert surge_active()
    results = [surge_note() for _ in range(30)]
    assert all(results)


def test_off_switch(settings: Any, clock: Clock) -> None:
    settings.TRACEOBJECT_RATE_LIMITS = False
    assert not any(surge_note() for _ in range(100))
