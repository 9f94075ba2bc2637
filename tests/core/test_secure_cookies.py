"""Embedded mode behind a TLS proxy sets every cookie Secure (issue 13, part 7).

The settings are read in a fresh interpreter from the environment ``make run`` would have behind a TLS
proxy; a visit of every area with those settings then collects each cookie the site sets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from tests.vault.helpers import account, login
from traceobject.core.middleware import SecureCookiesMiddleware
from traceobject.tips.followup_cookie import COOKIE_NAME as FOLLOWUP_COOKIE

pytestmark = pytest.mark.django_db

# Every cookie a visit of the public site, the follow-up pages, the staff side, the admin and the partner
# portal sets (the expected list is written here, not read from the settings).
EXPECTED_COOKIES = {
    "to_csrf",
    FOLLOWUP_COOKIE,
    "to_staff_session",
    "to_staff_csrf",
    "to_staff_vault",
    "to_admin_session",
    "to_partner_session",
    "to_partner_csrf",
    "to_partner_vault",
}


def _cookie_settings(tmp_path: Path, **env: str) -> dict[str, Any]:
    """Every ``*_COOKIE_SECURE`` setting (and ``COOKIES_SECURE``) of a fresh embedded-mode process."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TRACEOBJECT_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    clean |= {
        "DJANGO_SETTINGS_MODULE": "traceobject.settings",
        "TRACEOBJECT_DATA_DIR": str(tmp_path),
        "TRACEOBJECT_ENV": "embedded",
        **env,
    }
    code = (
        "import json\n"
        "from django.conf import settings\n"
        "print(json.dumps({name: getattr(settings, name) for name in dir(settings)"
        " if name.endswith('COOKIE_SECURE') or name == 'COOKIES_SECURE'}))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


class RecordingClient(Client):
    """A test client that remembers every cookie any response set (a value: removals aside)."""

    def __init__(self, seen: dict[str, list[Any]], **defaults: Any) -> None:
        super().__init__(**defaults)
        self.seen = seen

    def request(self, **request: Any) -> Any:
        response = super().request(**request)
        for name, morsel in response.cookies.items():
            if morsel.value:
                self.seen.setdefault(name, []).append(morsel)
        return response


def test_embedded_mode_behind_tls_makes_every_cookie_setting_secure(tmp_path) -> None:
    behind_tls = _cookie_settings(tmp_path / "a", TRACEOBJECT_BEHIND_TLS_PROXY="1")
    assert {"SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE"} <= set(behind_tls)
    assert all(value is True for value in behind_tls.values()), behind_tls
    # Plain-HTTP make run keeps cookies a browser returns over http://127.0.0.1.
    plain = _cookie_settings(tmp_path / "b")
    assert plain["COOKIES_SECURE"] is False


def test_every_cookie_of_a_visit_is_secure_behind_tls(
    tmp_path, settings, published_object, tip_factory, authorities_pl
) -> None:
    for name, value in _cookie_settings(tmp_path, TRACEOBJECT_BEHIND_TLS_PROXY="1").items():
        setattr(settings, name, value)
    seen: dict[str, list[Any]] = {}
    # The flags come from the settings, whatever the request: plain test requests will do.
    public = RecordingClient(seen)
    assert public.get(f"/objects/{published_object.code}/").status_code == 200
    assert public.get(f"/fr/objects/{published_object.code}/").status_code == 200
    tip = tip_factory(obj=published_object)
    assert public.post("/follow-up/", {"receipt": tip.receipt_code}).status_code == 303

    account("ana", "analyst")
    staff = login("ana", client=RecordingClient(seen, enforce_csrf_checks=True))
    assert staff.get("/staff/").status_code == 200
    account("root", "administrator")
    account("paula", "partner", country="PL")
    login("paula", area="partner", client=RecordingClient(seen, enforce_csrf_checks=True))

    assert set(seen) >= EXPECTED_COOKIES, sorted(set(seen))
    insecure = sorted(name for name, morsels in seen.items() for morsel in morsels if not morsel["secure"])
    assert insecure == []


@pytest.fixture
def authorities_pl(db) -> None:
    from tests.factories import AuthorityFactory

    AuthorityFactory(country="PL")


@pytest.mark.parametrize(("secure", "expected"), [(True, True), (False, "")])
def test_the_net_marks_a_forgotten_cookie_secure(settings, secure: bool, expected: Any) -> None:
    """A cookie set without the flag by code yet to be written is Secure all the same over HTTPS."""
    settings.COOKIES_SECURE = secure

    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("ok")
        response.set_cookie("to_future", "value", secure=False)
        response.delete_cookie("to_gone")
        return response

    response = SecureCookiesMiddleware(view)(RequestFactory().get("/"))
    assert response.cookies["to_future"]["secure"] == expected
    assert response.cookies["to_gone"]["secure"] == ""  # a removal is left alone
