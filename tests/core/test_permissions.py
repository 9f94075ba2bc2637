"""One permission mechanism: ``permission_require`` (services) and ``staff_view`` (views) refuse with
``PermissionDeniedError``, of the ``ApplicationError`` family, which Django's error handling turns into
the area's own styled 403 page when no view catches it."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from tests.core.test_error_pages import _assert_styled, _heading
from tests.staff_fixtures import login_verified, make_staff
from traceobject.core.errors import ApplicationError, PermissionDeniedError
from traceobject.core.permissions import Permission, Role, permission_require

pytestmark = pytest.mark.django_db

PACKAGE = Path(__file__).resolve().parent.parent.parent / "traceobject"


@pytest.fixture
def people() -> dict[str, Any]:
    return {
        "analyst": make_staff("perm-analyst", Role.ANALYST),
        "publisher": make_staff("perm-publisher", Role.PUBLISHER),
        "administrator": make_staff("perm-administrator", Role.ADMINISTRATOR),
    }


def test_a_refusal_is_an_application_error_and_djangos_permission_denied(people: dict[str, Any]) -> None:
    with pytest.raises(PermissionDeniedError) as refused:
        permission_require(people["analyst"], Permission.ACCOUNTS_USER_MANAGE)
    assert isinstance(refused.value, ApplicationError)
    assert isinstance(refused.value, PermissionDenied)
    assert refused.value.message == "Your role does not allow this action."


def test_every_permission_is_needed_unless_any_of(people: dict[str, Any]) -> None:
    both = (Permission.GALLERY_OBJECT_WRITE, Permission.GALLERY_OBJECT_REVIEW)
    with pytest.raises(PermissionDeniedError):
        permission_require(people["analyst"], *both)  # writes, does not review
    permission_require(people["analyst"], *both, any_of=True)
    permission_require(people["publisher"], *both)
    with pytest.raises(PermissionDeniedError):
        permission_require(people["administrator"], *both, any_of=True)  # runs accounts, neither
    with pytest.raises(PermissionDeniedError):
        permission_require(None, *both, any_of=True)


@pytest.mark.urls("tests.core.refusal_urls")
def test_an_uncaught_refusal_is_the_staff_areas_styled_403(people: dict[str, Any]) -> None:
    response = login_verified(Client(), people["analyst"]).get("/staff/refusal-test/")
    assert response.status_code == 403
    html = response.content.decode()
    _assert_styled(html, "staff")
    assert _heading(html) == "Your account may not do this"
    allowed = login_verified(Client(), people["administrator"]).get("/staff/refusal-test/")
    assert allowed.status_code == 200
    assert allowed.content == b"allowed"


@pytest.mark.urls("tests.core.refusal_urls")
def test_an_uncaught_refusal_is_the_public_areas_styled_403(client: Client) -> None:
    response = client.get("/refusal-test/")
    assert response.status_code == 403
    html = response.content.decode()
    _assert_styled(html, "public")
    assert "Your role does not allow this action." not in html  # the public is told nothing more


def _refusals_outside_the_mechanism() -> list[str]:
    """Places that refuse by role some other way: Django's ``PermissionDenied`` used directly (anywhere
    but in ``core/errors.py``, which builds ``PermissionDeniedError`` on it)."""
    found = []
    for file in sorted(PACKAGE.rglob("*.py")):
        if file.relative_to(PACKAGE).as_posix() == "core/errors.py":
            continue
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module == "django.core.exceptions":
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Attribute):
                names = [node.attr]
            if "PermissionDenied" in names:
                found.append(f"{file.relative_to(PACKAGE)}:{node.lineno}")
    return found


def test_no_other_way_to_refuse_by_role() -> None:
    assert _refusals_outside_the_mechanism() == []
