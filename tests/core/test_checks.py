from __future__ import annotations

import pytest
from django.core.checks import Error, Tags, run_checks
from django.core.checks import Warning as CheckWarning
from django.test import override_settings

from traceobject.core.checks import dangerous_configuration

SAFE_PRODUCTION = {
    "MODE": "production",
    "DEBUG": False,
    "SESSION_COOKIE_SECURE": True,
    "VAULT_PRIVATE_KEY": "",
    "MAX_BODY_BYTES": 64 * 1024,
    "TRACEOBJECT_RATE_LIMITS": True,
}


def _ids(**overrides: object) -> list[str]:
    with override_settings(**(SAFE_PRODUCTION | overrides)):
        return [problem.id for problem in dangerous_configuration(None)]


def test_safe_production_configuration_passes() -> None:
    assert _ids() == []


def test_debug_in_production_is_an_error() -> None:
    with override_settings(**(SAFE_PRODUCTION | {"DEBUG": True})):
        problems = dangerous_configuration(None)
    assert [type(p) for p in problems] == [Error]
    assert problems[0].id == "traceobject.E001"


def test_insecure_session_cookie_in_production_is_an_error() -> None:
    assert _ids(SESSION_COOKIE_SECURE=False) == ["traceobject.E002"]


def test_private_key_on_the_public_server_is_a_warning() -> None:
    with override_settings(**(SAFE_PRODUCTION | {"VAULT_PRIVATE_KEY": "c2VjcmV0"})):
        problems = dangerous_configuration(None)
    assert [(type(p), p.id) for p in problems] == [(CheckWarning, "traceobject.W001")]


def test_huge_body_limit_is_a_warning_in_any_mode() -> None:
    assert _ids(MAX_BODY_BYTES=10 * 1024 * 1024) == []
    assert _ids(MAX_BODY_BYTES=10 * 1024 * 1024 + 1) == ["traceobject.W002"]
    assert _ids(MODE="test", MAX_BODY_BYTES=20 * 1024 * 1024) == ["traceobject.W002"]


@pytest.mark.parametrize("mode", ["embedded", "test"])
def test_embedded_modes_may_debug_and_hold_the_private_key(mode: str) -> None:
    assert _ids(MODE=mode, DEBUG=True, SESSION_COOKIE_SECURE=False, VAULT_PRIVATE_KEY="c2VjcmV0") == []


def test_all_problems_reported_together() -> None:
    assert _ids(DEBUG=True, SESSION_COOKIE_SECURE=False, VAULT_PRIVATE_KEY="x", MAX_BODY_BYTES=2**30) == [
        "traceobject.E001",
        "traceobject.E002",
        "traceobject.W001",
        "traceobject.W002",
    ]


def test_check_is_registered_and_runs_without_deploy_flag() -> None:
    """`manage.py check` (not only `check --deploy`) must report it."""
    with override_settings(**(SAFE_PRODUCTION | {"DEBUG": True})):
        ids = [problem.id for problem in run_checks(tags=[Tags.security])]
    assert "traceobject.E001" in ids


def test_test_configuration_has_no_problem() -> None:
    ids = [problem.id for problem in run_checks(tags=[Tags.security])]
    assert not [i for i in ids if i and i.startswith("traceobject.")]
