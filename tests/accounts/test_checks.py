from __future__ import annotations

from django.core.checks import Tags, run_checks
from django.test import override_settings

from traceobject.accounts.checks import staff_separation


def _ids(**overrides: object) -> list[str]:
    with override_settings(**overrides):
        return [problem.id for problem in staff_separation(None)]


def test_test_configuration_passes() -> None:
    assert _ids() == []


def test_staff_host_must_be_allowed() -> None:
    assert _ids(STAFF_HOSTS=["staff.internal"], ALLOWED_HOSTS=["public.example"]) == ["traceobject.E101"]
    assert _ids(STAFF_HOSTS=["staff.internal"], ALLOWED_HOSTS=["public.example", "staff.internal"]) == []
    assert _ids(STAFF_HOSTS=["staff.internal"], ALLOWED_HOSTS=[".internal"]) == []


def test_production_without_staff_host_is_a_warning() -> None:
    assert _ids(MODE="production", STAFF_HOSTS=[]) == ["traceobject.W101"]
    assert _ids(MODE="production", STAFF_HOSTS=["staff.internal"], ALLOWED_HOSTS=["staff.internal"]) == []


def test_cookie_names_must_differ() -> None:
    assert _ids(PUBLIC_SESSION_COOKIE_NAME="to_staff_session") == ["traceobject.E102"]
    assert _ids(STAFF_CSRF_COOKIE_NAME="to_csrf") == ["traceobject.E102"]


def test_check_is_registered() -> None:
    with override_settings(STAFF_HOSTS=["nowhere.internal"]):
        ids = [problem.id for problem in run_checks(tags=[Tags.security])]
    assert "traceobject.E101" in ids
