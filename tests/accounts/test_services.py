"""The account services on their own: permission re-checks, throttling rules, the session generation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import totp_code
from tests.staff_fixtures import STAFF_PASSWORD, make_staff
from traceobject.accounts import services
from traceobject.accounts.models import LoginThrottle, User
from traceobject.audit.models import AuditEvent
from traceobject.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["publisher", "analyst", "partner_a", "auditor", "outsider"])
def test_services_recheck_the_permission(staff, name) -> None:
    actor = staff[name]
    with pytest.raises(ApplicationError, match="does not allow"):
        services.user_create(actor=actor, username="x-new", role="analyst", password="a long enough password")
    with pytest.raises(ApplicationError, match="does not allow"):
        services.user_update(
            actor=actor, user=staff["analyst"], role="administrator", country="", is_active=True
        )
    with pytest.raises(ApplicationError, match="does not allow"):
        services.user_otp_reset(actor=actor, user=staff["analyst"])
    assert not User.objects.filter(username="x-new").exists()
    assert TOTPDevice.objects.filter(user=staff["analyst"]).exists()


def test_inactive_administrator_is_refused(staff) -> None:
    admin = staff["administrator"]
    admin.is_active = False
    with pytest.raises(ApplicationError):
        services.user_otp_reset(actor=admin, user=staff["analyst"])


def test_command_line_needs_a_label() -> None:
    with pytest.raises(ApplicationError):
        services.user_create(actor=None, username="x-new", role="analyst", password="a long enough password")
    assert not User.objects.exists()


def test_lock_schedule_doubles_and_is_capped(settings) -> None:
    settings.STAFF_LOGIN_LOCK_AFTER = 5
    assert [services._lock_duration(n) for n in range(5)] == [None] * 5
    assert services._lock_duration(5) == timedelta(minutes=1)
    assert services._lock_duration(6) == timedelta(minutes=2)
    assert services._lock_duration(8) == timedelta(minutes=8)
    assert services._lock_duration(12) == timedelta(hours=1)
    assert services._lock_duration(10_000) == timedelta(hours=1)


def test_quiet_throttle_rows_are_forgotten() -> None:
    old = timezone.now() - timedelta(days=2)
    LoginThrottle.objects.create(key="a" * 64, failures=3, updated_at=old)
    LoginThrottle.objects.create(
        key="b" * 64, failures=9, updated_at=old, locked_until=timezone.now() + timedelta(hours=1)
    )
    with pytest.raises(ApplicationError):
        services.login_password_check(username="someone", password="wrong")
    keys = set(LoginThrottle.objects.values_list("key", flat=True))
    assert "a" * 64 not in keys  # quiet for two days: starts again from zero
    assert "b" * 64 in keys  # still locked: kept
    assert len(keys) == 2


def test_failed_login_audit_survives_a_long_username() -> None:
    with pytest.raises(ApplicationError):
        services.login_password_check(username="x" * 500, password="wrong")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.details == {"account": "unknown", "stage": "password", "reason": "invalid"}


def test_successful_password_clears_the_count() -> None:
    make_staff("alice", "analyst")
    for _attempt in range(3):
        with pytest.raises(ApplicationError):
            services.login_password_check(username="alice", password="wrong")
    assert LoginThrottle.objects.get().failures == 3
    user = services.login_password_check(username="alice", password=STAFF_PASSWORD)
    assert user.username == "alice"
    assert not LoginThrottle.objects.exists()


def test_otp_reset_changes_the_session_hash(staff) -> None:
    target = staff["analyst"]
    before = target.get_session_auth_hash()
    services.user_otp_reset(actor=staff["administrator"], user=target)
    target.refresh_from_db()
    assert target.session_generation == 1
    assert target.get_session_auth_hash() != before


def test_enrolment_start_refuses_an_enrolled_account(staff) -> None:
    with pytest.raises(ApplicationError, match="already has an authenticator"):
        services.totp_enrolment_start(user=staff["analyst"])


def test_enrolment_confirm_keeps_one_device() -> None:
    user = make_staff("newcomer", "analyst", with_device=False)
    device = services.totp_enrolment_start(user=user)
    assert services.totp_enrolment_start(user=user) == device
    confirmed = services.totp_enrolment_confirm(user=user, token=totp_code(device))
    assert confirmed.pk == device.pk
    assert list(TOTPDevice.objects.filter(user=user).values_list("confirmed", flat=True)) == [True]
    with pytest.raises(ApplicationError, match="already has an authenticator"):
        services.totp_enrolment_confirm(user=user, token=totp_code(device, offset=1))


def test_login_otp_check_without_device() -> None:
    user = make_staff("newcomer", "analyst", with_device=False)
    with pytest.raises(ApplicationError, match="no authenticator"):
        services.login_otp_check(user=user, token="123456")


def test_logout_record_ignores_anonymous() -> None:
    services.logout_record(user=AnonymousUser())
    services.logout_record(user=None)
    assert not AuditEvent.objects.exists()
