"""bench/abuse.py at a tiny scale, on the tests' database: the simulation runs the real stack and its
counts add up, so the published figures come from code that works."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches

from bench import abuse
from traceobject.tips.antiabuse import ratelimit
from traceobject.tips.models import Tip


@pytest.fixture(autouse=True)
def _limits_on(settings: Any) -> Any:
    settings.TRACEOBJECT_RATE_LIMITS = True
    caches["antiabuse"].clear()
    ratelimit.forget_memo()
    yield
    caches["antiabuse"].clear()
    ratelimit.forget_memo()


@pytest.mark.django_db
def test_tiny_flood(settings: Any) -> None:
    settings.TRACEOBJECT_SURGE_FLOOR = 10
    config = abuse.Config(bots=300, bot_addresses=2, pow_flood=12, genuine=12, nat=4, nojs=2, difficulty=6)
    result = abuse.simulate(config)
    groups = result["groups"]
    for name, sent in (("genuine", 12), ("bots", 300), ("pow_flood", 12)):
        group = groups[name]
        assert group["sent"] == sent
        assert group["accepted"] + group["refused"] + group["other"] == sent
        assert group["stored"] == group["accepted"]
    assert groups["genuine"]["accepted"] == 12
    assert groups["genuine"]["unverified"] == 2
    # Without proof of work: stored as unverified, and the limits refuse most of the flood.
    assert groups["bots"]["unverified"] == groups["bots"]["stored"]
    assert groups["bots"]["refused"] > 250
    assert groups["pow_flood"]["unverified"] == 0
    assert Tip.objects.count() == sum(group["stored"] for group in groups.values())
    assert result["held"] > 0
    assert 0 <= result["bot_main_queue_share"] <= 1
    # The simulation put the clock back.
    assert not isinstance(ratelimit.now, abuse.SimClock)


def test_timeline_is_reproducible() -> None:
    import random

    config = abuse.Config(bots=50, pow_flood=5, genuine=10, nat=3, nojs=2)
    first = abuse.timeline(config, random.Random(1))
    assert first == abuse.timeline(config, random.Random(1))
    assert len(first) == 50 + 5 + 10
    assert sum(1 for event in first if event.group == "genuine" and not event.solves) == 2
    assert sum(1 for event in first if event.address == "203.0.113.10") == 3
    assert [event.at for event in first] == sorted(event.at for event in first)


@pytest.mark.django_db
def test_pow_timings_run() -> None:
    timings = abuse.pow_timings(4, verifies=20, solves=3)
    assert timings["solution_valid_median_us"] > 0
    assert timings["pow_verify_median_us"] > 0


@pytest.mark.django_db(transaction=True)
def test_tiny_followup_lockout() -> None:
    """The lock-out scenario at a few seconds: a real attacker thread, and every visit of the tipster on the
    same address opens the thread."""
    result = abuse.followup_lockout(
        attack_seconds=4, attack_per_minute=600, baseline_seconds=1, every=0.5, seed=1
    )
    assert result["baseline_visits"] >= 1
    assert result["under_attack_visits"] >= 2
    assert result["attack_answers"].get("400", 0) > 10, "the attacker's wrong receipts were checked"
    assert set(result["attack_answers"]) <= {"400", "429"}
    assert result["goal_met"]
    assert result["under_attack_max_s"] < 30


@pytest.mark.django_db
def test_receipt_check_rate_counts_answered_wrong_receipts() -> None:
    result = abuse.receipt_check_rate(seconds=0.5)
    assert result["answered"] > 0
    assert result["per_second"] > 0
