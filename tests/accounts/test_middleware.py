"""The staff side kept apart: its own cookies, its host, idle sessions, no caching, the admin."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import LOGIN_URL, OTP_URL, password_step, post_form, totp_code
from tests.staff_fixtures import make_staff
from tests.utils import csrf_token_from
from traceobject.accounts.middleware import LAST_ACTIVITY_KEY
from traceobject.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PUBLIC_URL = "/objects/B17-2026/"  # a public page with a form, so it sets the public CSRF cookie


def _log_in(client: Client, username: str) -> None:
    password_step(client, username)
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    response = post_form(client, OTP_URL, {"token": totp_code(device)})
    assert response.status_code == 302


# --- Cookies -------------------------------------------------------------------------------------


def test_staff_and_public_cookies_differ_in_name_and_path(csrf_client, published_object) -> None:
    public = csrf_client.get(PUBLIC_URL)
    assert public.status_code == 200
    assert set(public.cookies) == {"to_csrf"}
    assert public.cookies["to_csrf"]["path"] == "/"

    login_page = csrf_client.get(LOGIN_URL)
    assert set(login_page.cookies) == {"to_staff_csrf"}
    assert login_page.cookies["to_staff_csrf"]["path"] == "/staff/"

    make_staff("alice", "analyst")
    response = password_step(csrf_client, "alice")
    session_cookies = {name: morsel for name, morsel in response.cookies.items() if "session" in name}
    assert set(session_cookies) == {"to_staff_session", "to_admin_session"}
    assert session_cookies["to_staff_session"]["path"] == "/staff/"
    assert session_cookies["to_admin_session"]["path"] == "/django-admin/"
    assert session_cookies["to_staff_session"].value == session_cookies["to_admin_session"].value
    for morsel in session_cookies.values():
        assert morsel["httponly"]
        assert morsel["samesite"] == "Strict"
        assert morsel["max-age"] == ""  # a browser-session cookie


def test_public_pages_never_see_the_staff_login(csrf_client, published_object) -> None:
    make_staff("alice", "analyst")
    _log_in(csrf_client, "alice")
    assert csrf_client.get("/staff/").wsgi_request.user.is_authenticated
    # The test client sends every cookie on every path (a browser would not even send the staff ones).
    public = csrf_client.get(PUBLIC_URL)
    assert public.status_code == 200
    assert public.wsgi_request.user.is_anonymous
    assert "to_staff_session" not in public.cookies
    assert "to_session" not in public.cookies


def test_staff_forms_use_the_staff_csrf_cookie(csrf_client, published_object) -> None:
    """A public CSRF cookie and a token from a public page do not pass a staff form."""
    make_staff("alice", "analyst")
    public_token = csrf_token_from(csrf_client.get(PUBLIC_URL).content.decode())
    csrf_client.cookies.pop("to_staff_csrf", None)
    response = csrf_client.post(
        LOGIN_URL, {"username": "alice", "password": "x", "csrfmiddlewaretoken": public_token}
    )
    assert response.status_code == 403
    # With the staff cookie and its token, the same form goes through.
    assert password_step(csrf_client, "alice")["Location"] == OTP_URL


def test_logout_removes_both_staff_session_cookies(csrf_client) -> None:
    make_staff("alice", "analyst")
    _log_in(csrf_client, "alice")
    token = csrf_token_from(csrf_client.get("/staff/").content.decode())
    response = csrf_client.post("/staff/logout/", {"csrfmiddlewaretoken": token})
    # Emptied and then given a message for the login page: a new anonymous session, both paths.
    assert response.cookies["to_staff_session"]["path"] == "/staff/"
    assert response.cookies["to_admin_session"]["path"] == "/django-admin/"
    assert not csrf_client.get("/staff/").wsgi_request.user.is_authenticated


# --- Caching -------------------------------------------------------------------------------------


def test_staff_responses_are_never_stored(staff_client, client) -> None:
    assert client.get(LOGIN_URL)["Cache-Control"] == "no-store"
    assert client.get("/staff/")["Cache-Control"] == "no-store"  # the redirect to the login
    assert staff_client("administrator").get("/staff/accounts/")["Cache-Control"] == "no-store"
    assert client.get("/django-admin/")["Cache-Control"] == "no-store"


# --- Host confinement ----------------------------------------------------------------------------


@pytest.fixture
def _staff_host(settings) -> None:
    settings.STAFF_HOSTS = ["staff.internal"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "staff.internal"]


@pytest.mark.usefixtures("_staff_host")
@pytest.mark.parametrize("path", [LOGIN_URL, "/staff/", "/staff/accounts/", "/django-admin/", "/staff/nope/"])
def test_staff_side_is_a_404_on_other_hosts(client, path) -> None:
    response = client.get(path, HTTP_HOST="testserver")
    assert response.status_code == 404
    assert not response.cookies


@pytest.mark.usefixtures("_staff_host")
def test_staff_side_answers_on_its_host(client, published_object) -> None:
    assert client.get(LOGIN_URL, HTTP_HOST="staff.internal").status_code == 200
    assert client.get(LOGIN_URL, HTTP_HOST="STAFF.internal:8443").status_code == 200
    # The public site is not affected.
    assert client.get(PUBLIC_URL, HTTP_HOST="testserver").status_code == 200


@pytest.mark.usefixtures("_staff_host")
def test_a_logged_in_session_does_not_help_on_another_host(staff_client) -> None:
    client = staff_client("administrator")
    assert client.get("/staff/accounts/", HTTP_HOST="staff.internal").status_code == 200
    assert client.get("/staff/accounts/", HTTP_HOST="testserver").status_code == 404


# --- Idle sessions -------------------------------------------------------------------------------


def _age_last_activity(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


def test_idle_session_is_logged_out_and_audited(staff_client, staff, settings) -> None:
    settings.STAFF_IDLE_MINUTES = 30
    client = staff_client("analyst")
    assert client.get("/staff/").status_code == 200
    assert isinstance(client.session[LAST_ACTIVITY_KEY], int)

    _age_last_activity(client, 31 * 60)
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert "_auth_user_id" not in client.session
    assert DEVICE_ID_SESSION_KEY not in client.session
    [event] = AuditEvent.objects.filter(action="auth.logout")
    assert event.actor == staff["analyst"]
    assert event.details == {"reason": "idle"}
    assert "after a period without activity" in client.get(LOGIN_URL).content.decode()


def test_activity_keeps_the_session_alive(staff_client, settings) -> None:
    settings.STAFF_IDLE_MINUTES = 30
    client = staff_client("analyst")
    client.get("/staff/")
    _age_last_activity(client, 29 * 60)
    aged = client.session[LAST_ACTIVITY_KEY]
    assert client.get("/staff/").status_code == 200  # and that request counts as activity
    assert client.session[LAST_ACTIVITY_KEY] >= aged + 29 * 60
    assert client.get("/staff/").status_code == 200
    assert not AuditEvent.objects.filter(action="auth.logout").exists()


def test_idle_timeout_is_configurable(staff_client, staff, settings) -> None:
    settings.STAFF_IDLE_MINUTES = 5
    client = staff_client("analyst")
    client.get("/staff/")
    _age_last_activity(client, 4 * 60)
    assert client.get("/staff/").status_code == 200  # under the configured five minutes: still in
    _age_last_activity(client, 6 * 60)
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert "_auth_user_id" not in client.session
    assert DEVICE_ID_SESSION_KEY not in client.session
    [event] = AuditEvent.objects.filter(action="auth.logout")
    assert (event.actor, event.details) == (staff["analyst"], {"reason": "idle"})


def test_idle_post_is_not_carried_out(staff_client, staff) -> None:
    """A form sent after the timeout meets the login page; the action does not happen."""
    target = staff["analyst"]
    client = staff_client("administrator")
    client.get("/staff/")
    _age_last_activity(client, 31 * 60)
    response = client.post(f"/staff/accounts/{target.pk}/otp-reset/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert TOTPDevice.objects.filter(user=target).exists()


# --- Django's admin: behind the same login -------------------------------------------------------


def test_admin_login_is_the_staff_login(client) -> None:
    response = client.get("/django-admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/?next=%2Fdjango-admin%2F"


def test_admin_needs_the_second_factor(csrf_client) -> None:
    admin = make_staff("root", "")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    password_step(csrf_client, "root")
    # Password only: the admin sends the user back to the (staff) login.
    assert csrf_client.get("/django-admin/").status_code == 302
    post_form(csrf_client, OTP_URL, {"token": totp_code(TOTPDevice.objects.get(user=admin))})
    assert csrf_client.get("/django-admin/").status_code == 200


def test_admin_refuses_a_verified_non_superuser(csrf_client) -> None:
    make_staff("alice", "administrator")
    _log_in(csrf_client, "alice")
    response = csrf_client.get("/django-admin/login/")
    assert response.status_code == 403


def test_admin_does_not_offer_totp_devices(csrf_client) -> None:
    """django-otp's device admin would show every secret; accounts are managed on the staff side."""
    admin = make_staff("root", "")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    _log_in(csrf_client, "root")
    html = csrf_client.get("/django-admin/").content.decode()
    assert "otp_totp" not in html
    assert csrf_client.get("/django-admin/otp_totp/totpdevice/").status_code == 404
