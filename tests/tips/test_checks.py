"""The anti-abuse configuration checks (tips/checks.py), moved out of core's with the layers."""

from __future__ import annotations

from django.core.checks import Error, Tags, run_checks
from django.core.checks import Warning as CheckWarning
from django.test import override_settings

from tests.core.test_checks import SAFE_PRODUCTION
from traceobject.tips.checks import rate_limit_configuration


def _ids(**overrides: object) -> list[str]:
    with override_settings(**(SAFE_PRODUCTION | overrides)):
        return [problem.id for problem in rate_limit_configuration(None)]


def test_rate_limits_off_outside_debug_is_a_warning() -> None:
    with override_settings(**(SAFE_PRODUCTION | {"TRACEOBJECT_RATE_LIMITS": False})):
        problems = rate_limit_configuration(None)
    assert [(type(p), p.id) for p in problems] == [(CheckWarning, "traceobject.W003")]
    assert "load benchmarks" in problems[0].msg


def test_rate_limits_off_in_debug_or_tests_is_quiet() -> None:
    assert _ids(MODE="embedded", DEBUG=True, TRACEOBJECT_RATE_LIMITS=False) == []
    assert _ids(MODE="test", TRACEOBJECT_RATE_LIMITS=False) == []


def test_malformed_rate_limit_rules_are_an_error() -> None:
    assert _ids(TRACEOBJECT_RATE_LIMIT_RULES="tip-unverified=10/20/60") == []
    with override_settings(**(SAFE_PRODUCTION | {"TRACEOBJECT_RATE_LIMIT_RULES": "tip=lots"})):
        problems = rate_limit_configuration(None)
    assert [(type(p), p.id) for p in problems] == [(Error, "traceobject.E003")]
    assert "'tip=lots' is not scope=per_minute/burst/per_hour" in problems[0].msg


def test_the_check_is_registered() -> None:
    with override_settings(**(SAFE_PRODUCTION | {"TRACEOBJECT_RATE_LIMIT_RULES": "tip=lots"})):
        ids = [problem.id for problem in run_checks(tags=[Tags.security])]
    assert "traceobject.E003" in ids
