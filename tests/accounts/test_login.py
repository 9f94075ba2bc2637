"""The staff login: password, then a TOTP code (or the enrolment of an authenticator), then logout."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import (
    LOGIN_URL,
    LOGOUT_URL,
    OTP_URL,
    error_text,
    fresh_code,
    password_step,
    post_form,
    totp_code,
)
from tests.staff_fixtures import STAFF_PASSWORD, make_staff
from tests.utils import csrf_token_from, find_all, parse_html
from traceobject.accounts.models import LoginThrottle, User
from traceobject.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


@pytest.fixture
def _no_otp_throttle(settings) -> None:
    """django-otp doubles a wait after each wrong code; tests that retry at once switch it off."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


# --- Password, then code -------------------------------------------------------------------------


def test_full_login_with_password_and_real_totp_code(csrf_client) -> None:
    user = make_staff("alice", "analyst")
    device = TOTPDevice.objects.get(user=user)

    response = password_step(csrf_client, "alice")
    assert response.status_code == 302
    assert response["Location"] == OTP_URL
    # The password alone opens nothing.
    assert not _verified(csrf_client)
    assert csrf_client.get("/staff/")["Location"] == OTP_URL

    page = csrf_client.get(OTP_URL)
    assert "Second factor" in page.content.decode()
    response = post_form(csrf_client, OTP_URL, {"token": totp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert _verified(csrf_client)
    assert csrf_client.get("/staff/").status_code == 200

    [login] = _events("auth.login")
    assert login.actor == user
    assert login.details == {"second_factor": "totp"}


def test_session_key_changes_at_each_step(csrf_client) -> None:
    """Session fixation: neither the anonymous key nor the password-only key survives."""
    user = make_staff("alice", "analyst")
    csrf_client.get(LOGIN_URL)
    csrf_client.session.save()  # an anonymous session, as an attacker could plant
    anonymous_key = csrf_client.cookies["to_staff_session"].value
    password_step(csrf_client, "alice")
    password_key = csrf_client.cookies["to_staff_session"].value
    post_form(csrf_client, OTP_URL, {"token": totp_code(TOTPDevice.objects.get(user=user))})
    verified_key = csrf_client.cookies["to_staff_session"].value
    assert len({anonymous_key, password_key, verified_key}) == 3


def test_login_goes_on_to_next_but_only_inside_staff(csrf_client) -> None:
    user = make_staff("alice", "administrator")
    device = TOTPDevice.objects.get(user=user)
    page = csrf_client.get(f"{LOGIN_URL}?next=/staff/accounts/")
    token = csrf_token_from(page.content.decode())
    csrf_client.post(
        LOGIN_URL,
        {
            "username": "alice",
            "password": STAFF_PASSWORD,
            "next": "/staff/accounts/",
            "csrfmiddlewaretoken": token,
        },
    )
    response = post_form(csrf_client, OTP_URL, {"token": totp_code(device)})
    assert response["Location"] == "/staff/accounts/"

    other = type(csrf_client)(enforce_csrf_checks=True)
    for target in ("https://evil.example/", "//evil.example/staff/", "/objects/B17-2026/"):
        page = other.get(LOGIN_URL)
        token = csrf_token_from(page.content.decode())
        other.post(
            LOGIN_URL,
            {"username": "alice", "password": STAFF_PASSWORD, "next": target, "csrfmiddlewaretoken": token},
        )
        response = post_form(other, OTP_URL, {"token": fresh_code(device)})
        assert response["Location"] == "/staff/", target
        other.post(
            LOGOUT_URL, {"csrfmiddlewaretoken": csrf_token_from(other.get("/staff/").content.decode())}
        )


def test_wrong_password_is_refused_and_audited(csrf_client) -> None:
    make_staff("alice", "analyst")
    response = password_step(csrf_client, "alice", "not the password at all")
    assert response.status_code == 200
    assert "Wrong username or password." in error_text(response.content.decode())
    assert "_auth_user_id" not in csrf_client.session
    [failed] = _events("auth.login_failed")
    assert failed.actor is None
    assert failed.target_id == str(User.objects.get(username="alice").pk)
    assert failed.details == {"account": "known", "stage": "password", "reason": "invalid"}


def test_unknown_username_gets_the_same_answer(csrf_client) -> None:
    make_staff("alice", "analyst")
    known = password_step(csrf_client, "alice", "wrong password 1234")
    unknown = password_step(csrf_client, "nobody-here", "wrong password 1234")
    assert known.status_code == unknown.status_code == 200
    assert (
        error_text(known.content.decode())
        == error_text(unknown.content.decode())
        == ("Wrong username or password.")
    )
    known_event, unknown_event = _events("auth.login_failed")
    assert (known_event.details["account"], unknown_event.details["account"]) == ("known", "unknown")
    assert (known_event.target_label, unknown_event.target_label) == ("alice", "")


def test_inactive_account_gets_the_same_answer(csrf_client) -> None:
    user = make_staff("alice", "analyst")
    user.is_active = False
    user.save()
    response = password_step(csrf_client, "alice")
    assert error_text(response.content.decode()) == "Wrong username or password."
    assert "_auth_user_id" not in csrf_client.session


# --- Second factor -------------------------------------------------------------------------------


@pytest.mark.usefixtures("_no_otp_throttle")
def test_wrong_code_is_refused(csrf_client) -> None:
    user = make_staff("alice", "analyst")
    device = TOTPDevice.objects.get(user=user)
    password_step(csrf_client, "alice")
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = post_form(csrf_client, OTP_URL, {"token": wrong})
    assert response.status_code == 200
    assert "wrong or has already been used" in error_text(response.content.decode())
    assert not _verified(csrf_client)
    [failed] = _events("auth.login_failed")
    assert failed.details == {"account": "known", "stage": "second_factor", "reason": "wrong"}
    assert failed.target_label == "alice"
    assert not _events("auth.login")
    # The right code still works afterwards.
    assert post_form(csrf_client, OTP_URL, {"token": right})["Location"] == "/staff/"


def test_malformed_code_is_refused_next_to_the_field(csrf_client) -> None:
    make_staff("alice", "analyst")
    password_step(csrf_client, "alice")
    response = post_form(csrf_client, OTP_URL, {"token": "12ab56"})
    assert "Enter the six digits" in error_text(response.content.decode())
    assert 'id="id_token_errors"' in response.content.decode()
    assert not _verified(csrf_client)


@pytest.mark.usefixtures("_no_otp_throttle")
def test_a_code_works_only_once(csrf_client) -> None:
    """django-otp keeps the time step of the last accepted code (last_t) and refuses it again."""
    user = make_staff("alice", "analyst")
    device = TOTPDevice.objects.get(user=user)
    code = totp_code(device)
    password_step(csrf_client, "alice")
    assert post_form(csrf_client, OTP_URL, {"token": code})["Location"] == "/staff/"
    device.refresh_from_db()
    assert device.last_t >= 0

    # Someone who saw the password and the code tries them again at once.
    replay = type(csrf_client)(enforce_csrf_checks=True)
    password_step(replay, "alice")
    response = post_form(replay, OTP_URL, {"token": code})
    assert response.status_code == 200
    assert "already been used" in error_text(response.content.decode())
    assert not _verified(replay)
    assert _events("auth.login_failed")[-1].details["reason"] == "wrong"


def test_wrong_codes_are_throttled_by_django_otp(csrf_client) -> None:
    user = make_staff("alice", "analyst")
    device = TOTPDevice.objects.get(user=user)
    password_step(csrf_client, "alice")
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    post_form(csrf_client, OTP_URL, {"token": wrong})
    # Straight after a wrong code, even the right one is refused until the delay has passed.
    response = post_form(csrf_client, OTP_URL, {"token": right})
    assert "Too many wrong codes" in error_text(response.content.decode())
    assert not _verified(csrf_client)
    assert _events("auth.login_failed")[-1].details["reason"] == "throttled"
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Once the wait is over, the code is accepted.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    assert post_form(csrf_client, OTP_URL, {"token": right})["Location"] == "/staff/"


def test_otp_page_needs_the_password_first(client) -> None:
    response = client.get(OTP_URL)
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL


# --- Enrolment -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("_no_otp_throttle")
def test_enrolment_with_qr_code_then_login(csrf_client) -> None:
    user = make_staff("newcomer", "publisher", with_device=False)
    password_step(csrf_client, "newcomer")
    page = csrf_client.get(OTP_URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Set up your authenticator" in html
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed

    # The QR code is inline SVG: nothing loaded, nothing the CSP (no inline styles) would refuse.
    [svg] = find_all(html, "svg")
    assert svg.attrs["role"] == "img"
    assert len(find_all(html, "path")) == 1
    assert "style=" not in html
    assert "<script" not in html
    for element in parse_html(html):
        for attribute in ("src", "href", "action"):
            value = element.attrs.get(attribute) or ""
            assert not value.startswith(("http:", "https:", "//", "data:")), (element.tag, value)
    # The secret, for typing by hand, is the device's key.
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    shown = "".join(find_all(html, "code", id="totp-secret")[0].text.split())
    assert shown == secret

    # Reloading keeps the same secret, so a QR code already scanned stays good.
    csrf_client.get(OTP_URL)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    # A wrong code does not confirm anything.
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = post_form(csrf_client, OTP_URL, {"token": wrong})
    assert "wrong" in error_text(response.content.decode())
    device.refresh_from_db()
    assert not device.confirmed
    assert not _verified(csrf_client)

    response = post_form(csrf_client, OTP_URL, {"token": totp_code(device)})
    assert response["Location"] == "/staff/"
    device.refresh_from_db()
    assert device.confirmed
    assert _verified(csrf_client)
    assert [e.action for e in AuditEvent.objects.filter(actor=user).order_by("id")] == [
        "auth.otp_enrolment_start",
        "auth.otp_enrol",
        "auth.login",
    ]

    # The next login asks for a code and shows no secret.
    second = type(csrf_client)(enforce_csrf_checks=True)
    password_step(second, "newcomer")
    html = second.get(OTP_URL).content.decode()
    assert "Set up your authenticator" not in html
    assert "<svg" not in html
    assert post_form(second, OTP_URL, {"token": fresh_code(device)})["Location"] == "/staff/"


def test_enrolment_page_is_not_stored(csrf_client) -> None:
    make_staff("newcomer", "publisher", with_device=False)
    password_step(csrf_client, "newcomer")
    response = csrf_client.get(OTP_URL)
    assert response["Cache-Control"] == "no-store"
    assert "img-src 'self'" in response["Content-Security-Policy"]


# --- Throttling of passwords ---------------------------------------------------------------------


def _lock_after(settings) -> int:
    return int(settings.STAFF_LOGIN_LOCK_AFTER)


def test_repeated_failures_lock_the_username(csrf_client, settings) -> None:
    make_staff("alice", "analyst")
    for _attempt in range(_lock_after(settings)):
        response = password_step(csrf_client, "alice", "guess guess guess")
        assert error_text(response.content.decode()) == "Wrong username or password."
    # Locked: even the right password is refused now, without being checked.
    response = password_step(csrf_client, "alice")
    assert "Too many failed attempts for this username. Try again in 1 minute." in error_text(
        response.content.decode()
    )
    assert "_auth_user_id" not in csrf_client.session
    assert _events("auth.login_failed")[-1].details["reason"] == "locked"

    # When the lock has passed, the right password works and the count starts again.
    LoginThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    response = password_step(csrf_client, "alice")
    assert response["Location"] == OTP_URL
    assert not LoginThrottle.objects.exists()


def test_locks_grow_with_each_further_failure(csrf_client, settings) -> None:
    make_staff("alice", "analyst")
    for _attempt in range(_lock_after(settings)):
        password_step(csrf_client, "alice", "guess guess guess")
    first = LoginThrottle.objects.get()
    assert timedelta(seconds=50) < first.locked_until - timezone.now() <= timedelta(minutes=1)
    LoginThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    password_step(csrf_client, "alice", "guess guess guess")
    second = LoginThrottle.objects.get()
    assert second.failures == _lock_after(settings) + 1
    assert timedelta(seconds=110) < second.locked_until - timezone.now() <= timedelta(minutes=2)


def test_attempts_during_a_lock_do_not_count(csrf_client, settings) -> None:
    make_staff("alice", "analyst")
    for _attempt in range(_lock_after(settings)):
        password_step(csrf_client, "alice", "guess guess guess")
    before = LoginThrottle.objects.get()
    for _attempt in range(3):
        password_step(csrf_client, "alice", "guess guess guess")
    after = LoginThrottle.objects.get()
    assert (after.failures, after.locked_until) == (before.failures, before.locked_until)


def test_unknown_usernames_lock_the_same_way(csrf_client, settings) -> None:
    """Otherwise the lock itself would tell which usernames exist."""
    for _attempt in range(_lock_after(settings)):
        password_step(csrf_client, "nobody-here", "guess guess guess")
    response = password_step(csrf_client, "nobody-here", "guess guess guess")
    assert "Too many failed attempts" in error_text(response.content.decode())


def test_lock_is_per_username_and_ignores_case(csrf_client, settings) -> None:
    make_staff("alice", "analyst")
    make_staff("bob", "analyst")
    for attempt in range(_lock_after(settings)):
        password_step(csrf_client, "alice" if attempt % 2 else "ALICE", "guess guess guess")
    assert "Too many" in error_text(password_step(csrf_client, "alice").content.decode())
    assert password_step(csrf_client, "bob")["Location"] == OTP_URL


def test_throttle_stores_no_address_and_no_username(csrf_client, settings) -> None:
    from tests.utils import all_table_rows, value_contains

    make_staff("alice", "analyst")
    for _attempt in range(_lock_after(settings) + 1):
        password_step(csrf_client, "alice", "guess guess guess", REMOTE_ADDR="203.0.113.9")
        password_step(
            csrf_client, "nobody-here", "guess guess guess", HTTP_X_FORWARDED_FOR="198.51.100.7, 127.0.0.1"
        )
    assert LoginThrottle.objects.count() == 2
    for row in LoginThrottle.objects.all():
        assert "alice" not in row.key
        assert "nobody" not in row.key
    for table, row in all_table_rows():
        for value in row:
            for address in ("127.0.0.1", "203.0.113.9", "198.51.100.7", "0.0.0.0"):  # noqa: S104
                assert not value_contains(value, address), (table, address)


def test_unknown_username_still_costs_one_password_hash(monkeypatch) -> None:
    """Comparable time: Django's backend hashes the password once even when the name is unknown."""
    from django.contrib.auth import hashers

    from traceobject.accounts.services import login_password_check
    from traceobject.core.errors import ApplicationError

    make_staff("alice", "analyst")
    hasher = hashers.get_hasher()
    calls: list[str] = []
    original = type(hasher).encode

    def counting(self, password, salt):
        calls.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(type(hasher), "encode", counting)
    for username in ("alice", "nobody-here"):
        calls.clear()
        with pytest.raises(ApplicationError):
            login_password_check(username=username, password="wrong password 1234")
        assert calls == ["wrong password 1234"], username


# --- Logout --------------------------------------------------------------------------------------


def test_logout_is_post_only_and_audited(staff_client, staff) -> None:
    client = staff_client("analyst")
    assert client.get(LOGOUT_URL).status_code == 405
    assert client.get("/staff/").status_code == 200
    response = client.post(LOGOUT_URL)
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    [event] = _events("auth.logout")
    assert event.actor == staff["analyst"]
    assert event.details == {"reason": "user"}
    assert client.get("/staff/")["Location"].startswith(LOGIN_URL)
    assert "You have logged out." in client.get(LOGIN_URL).content.decode()


def test_logout_needs_the_csrf_token(csrf_client) -> None:
    user = make_staff("alice", "analyst")
    password_step(csrf_client, "alice")
    post_form(csrf_client, OTP_URL, {"token": totp_code(TOTPDevice.objects.get(user=user))})
    response = csrf_client.post(LOGOUT_URL)
    assert response.status_code == 403
    assert _verified(csrf_client)
    assert not _events("auth.logout")


def test_login_page_shows_no_sections_to_a_password_only_session(staff, csrf_client) -> None:
    password_step(csrf_client, "administrator")
    html = csrf_client.get(OTP_URL).content.decode()
    assert "/staff/accounts/" not in html
    assert "Log out" in html


# --- A password typed into the username box ------------------------------------------------------


@pytest.mark.parametrize("area", ["staff", "partner"])
def test_a_password_typed_as_the_username_leaves_no_trace(csrf_client, caplog, area) -> None:
    """People type their password into the wrong box. The failed login keeps whether the name matched
    an account, never the typed text: not in any table (sessions decoded too), not in the logs."""
    import json

    from django.contrib.sessions.models import Session

    from tests.utils import all_table_rows, value_contains

    make_staff("alice", "analyst")
    secret = "Tr0ub4dor&3-horse-Staple"
    caplog.set_level(logging.DEBUG)
    response = post_form(
        csrf_client, f"/{area}/login/", {"username": secret, "password": secret.lower(), "next": ""}
    )
    assert response.status_code == 200
    [failed] = _events("auth.login_failed")
    assert failed.details == {"account": "unknown", "stage": "password", "reason": "invalid"}
    assert (failed.target_type, failed.target_id, failed.target_label) == ("", "", "")
    for needle in (secret, secret.casefold(), secret.lower()):
        for table, row in all_table_rows():
            assert not any(value_contains(value, needle) for value in row), table
        for session in Session.objects.all():
            assert needle not in json.dumps(session.get_decoded())
        assert needle not in caplog.text
