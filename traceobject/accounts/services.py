"""Writes for staff accounts: logging in (password, then TOTP), enrolment, account administration.

Every function is keyword-only, runs in one transaction with its audit event, and raises
``ApplicationError`` with a message that can be shown as it is. Failed attempts are the exception to
"raise inside the transaction": their counters and audit events must be kept, so those functions
decide inside the transaction and raise after it has committed.

Nothing here receives the request, so nothing here can store the client's address (which
``ForgetClientAddressMiddleware`` has removed anyway).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from traceobject import vault
from traceobject.accounts.models import LoginThrottle, User
from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.core.countries import country_codes
from traceobject.core.errors import ApplicationError
from traceobject.core.permissions import Permission, Role, permission_require
from traceobject.vault import keyring
from traceobject.vault.models import StaffKey

# Progressive lock of a username after repeated wrong passwords: the first LOCK_AFTER failures are
# free, then each failure locks the name for LOCK_BASE doubled per further failure, up to LOCK_MAX.
# Attempts made while the name is locked are refused without checking the password and not counted.
LOCK_BASE = timedelta(minutes=1)
LOCK_MAX = timedelta(hours=1)
# A username with no failure for this long starts again from zero (and its row is deleted).
THROTTLE_FORGET_AFTER = timedelta(days=1)
USERNAME_MAX_LENGTH = 150


# --- Logging in ----------------------------------------------------------------------------------


def _throttle_key(username: str) -> str:
    """A keyed hash of the username: the same for every spelling in case, useless without SECRET_KEY."""
    normalized = username.strip().casefold()[:USERNAME_MAX_LENGTH]
    return salted_hmac("traceobject.accounts.login_throttle", normalized, algorithm="sha256").hexdigest()


def _lock_duration(failures: int) -> timedelta | None:
    lock_after = settings.STAFF_LOGIN_LOCK_AFTER
    if failures < lock_after:
        return None
    return min(LOCK_BASE * 2 ** min(failures - lock_after, 16), LOCK_MAX)


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))


def _locked_message(minutes: int) -> str:
    return ngettext(
        "Too many failed attempts for this username. Try again in %(minutes)d minute.",
        "Too many failed attempts for this username. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _audit_login_failed(*, account: User | None, stage: str, reason: str) -> None:
    """Record a failed step without what was typed: people type passwords into the username box.

    The event says whether the name matched an account and, when it did, names that account as the
    target; an unknown name leaves only "unknown".
    """
    audit_record(
        actor=None,
        action=AuditAction.AUTH_LOGIN_FAILED,
        target=account,
        details={"stage": stage, "reason": reason, "account": "known" if account is not None else "unknown"},
    )


def _account_named(username: str) -> User | None:
    """The account the login form's name designates, found the way Django's ModelBackend finds it."""
    if len(username) > USERNAME_MAX_LENGTH or "\x00" in username:
        return None
    try:
        username.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no account has it, and the database would refuse it
        return None
    try:
        return User._default_manager.get_by_natural_key(username)
    except User.DoesNotExist:
        return None


def login_password_check(*, username: str, password: str) -> User:
    """The first step: the password. Returns the user, who still needs the second factor.

    A wrong password, an unknown username and an inactive account give the same message after the same
    work (Django's ModelBackend hashes the password once even for an unknown name), and all three count
    towards the lock of that username, so the answers never tell which names exist.
    """
    key = _throttle_key(username)
    now = timezone.now()
    with transaction.atomic():
        throttle = LoginThrottle.objects.select_for_update().filter(key=key).first()
        if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
            _audit_login_failed(account=_account_named(username), stage="password", reason="locked")
            locked_minutes = _minutes_left(throttle.locked_until, now)
        else:
            locked_minutes = 0
    if locked_minutes:
        raise ApplicationError(_locked_message(locked_minutes))

    user = authenticate(None, username=username, password=password)
    with transaction.atomic():
        if user is None:
            _throttle_failure(key=key, now=timezone.now())
            _audit_login_failed(account=_account_named(username), stage="password", reason="invalid")
        else:
            LoginThrottle.objects.filter(key=key).delete()
    if user is None:
        # The same words whatever went wrong; a lock, if this failure caused one, shows next time.
        raise ApplicationError(_("Wrong username or password."))
    if not isinstance(user, User):  # another backend's user: never, with AUTH_USER_MODEL
        raise ApplicationError(_("Wrong username or password."))
    return user


def _throttle_failure(*, key: str, now: datetime) -> None:
    LoginThrottle.objects.filter(updated_at__lt=now - THROTTLE_FORGET_AFTER).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    ).delete()
    throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(
        key=key, defaults={"failures": 0, "updated_at": now}
    )
    throttle.failures += 1
    throttle.updated_at = now
    duration = _lock_duration(throttle.failures)
    throttle.locked_until = now + duration if duration else None
    throttle.save(update_fields=["failures", "updated_at", "locked_until"])


def _normalize_token(token: str) -> str:
    return "".join(token.split())


def _verify(device: TOTPDevice, token: str) -> str:
    """Check a code: "ok", "throttled" or "wrong".

    django-otp refuses a code whose time step is not after that of the last accepted one (``last_t``),
    so a code works once, and it doubles the wait after each wrong code (``ThrottlingMixin``).
    """
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        return "throttled"
    return "ok" if device.verify_token(_normalize_token(token)) else "wrong"


def _otp_refusal(outcome: str) -> ApplicationError:
    if outcome == "throttled":
        return ApplicationError(_("Too many wrong codes. Wait a little and try again."), field="token")
    return ApplicationError(
        _("This code is wrong or has already been used. Wait for the next code and try again."), field="token"
    )


def login_otp_check(*, user: User, token: str) -> TOTPDevice:
    """The second step: a code from the user's confirmed authenticator. Audits ``auth.login``."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        )
        if device is None:
            raise ApplicationError(_("This account has no authenticator yet."))
        outcome = _verify(device, token)
        if outcome == "ok":
            audit_record(
                actor=user, action=AuditAction.AUTH_LOGIN, target=user, details={"second_factor": "totp"}
            )
        else:
            _audit_login_failed(account=user, stage="second_factor", reason=outcome)
    if outcome != "ok":
        raise _otp_refusal(outcome)
    return device


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator of a user who has none confirmed, created on first need.

    The same device (and so the same secret) is returned until it is confirmed, so that reloading the
    page does not invalidate a QR code already scanned.
    """
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ApplicationError(_("This account already has an authenticator."))
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
            audit_record(actor=user, action=AuditAction.AUTH_OTP_ENROLMENT_START, target=user)
    return device


def totp_enrolment_confirm(*, user: User, token: str) -> TOTPDevice:
    """Confirm the new authenticator with a valid code; that code also completes this login."""
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ApplicationError(_("This account already has an authenticator."))
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
        )
        if device is None:
            raise ApplicationError(_("The enrolment has expired. Start again."))
        outcome = _verify(device, token)
        if outcome == "ok":
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            audit_record(actor=user, action=AuditAction.AUTH_OTP_ENROL, target=user)
            audit_record(
                actor=user, action=AuditAction.AUTH_LOGIN, target=user, details={"second_factor": "totp"}
            )
        else:
            _audit_login_failed(account=user, stage="second_factor_enrolment", reason=outcome)
    if outcome != "ok":
        raise _otp_refusal(outcome)
    return device


def logout_record(*, user: Any, reason: str = "user") -> None:
    """Audit the end of a staff session (``reason``: "user" or "idle"); the caller ends the session."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    with transaction.atomic():
        audit_record(actor=user, action=AuditAction.AUTH_LOGOUT, target=user, details={"reason": reason})


# --- Account administration ----------------------------------------------------------------------


def _clean_role_country(*, role: str, country: str) -> tuple[str, str]:
    if role not in Role.values:
        raise ApplicationError(
            _("Unknown role %(role)s. Choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)},
            field="role",
        )
    country = country.strip().upper()
    if role == Role.PARTNER:
        if not country:
            raise ApplicationError(_("A national partner needs a country."), field="country")
        if country not in country_codes():
            raise ApplicationError(_("Unknown country code %(code)s.") % {"code": country}, field="country")
    elif country:
        raise ApplicationError(_("Only national partners have a country. Leave it empty."), field="country")
    return role, country


def _clean_username(username: str) -> str:
    username = User.normalize_username(username.strip())
    probe = User(username=username)
    try:
        probe.clean_fields(exclude=[f.name for f in User._meta.fields if f.name != "username"])
    except ValidationError as exc:
        raise ApplicationError(
            " ".join(exc.message_dict.get("username", exc.messages)), field="username"
        ) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(_("An account with this username already exists."), field="username")
    return username


def user_create(
    *,
    actor: User | None,
    username: str,
    role: str,
    country: str = "",
    password: str,
    actor_label: str = "",
    must_change_password: bool = True,
) -> User:
    """A new staff account. It has no authenticator yet: the first login enrols one, and then asks
    for a new password, since someone else chose this one (``must_change_password``)."""
    if actor is not None or not actor_label:  # ``actor=None`` with a label is the command line
        permission_require(actor, Permission.ACCOUNTS_USER_MANAGE)
    role, country = _clean_role_country(role=role, country=country)
    with transaction.atomic():
        username = _clean_username(username)
        user = User(username=username, role=role, country=country, must_change_password=must_change_password)
        try:
            password_validation.validate_password(password, user=user)
        except ValidationError as exc:
            raise ApplicationError(" ".join(exc.messages), field="password") from exc
        user.set_password(password)
        user.save()
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action=AuditAction.USER_CREATE,
            target=user,
            details={"role": role, "country": country},
        )
        _vault_keys_give(actor=actor, user=user, password=password)
    return user


def _vault_keys_give(*, actor: User | None, user: User, password: str) -> None:
    """A new member's own key pair, from the password set now, and the vault keys their role warrants
    that the creating administrator holds (or, for the first account, the deployment's tip key)."""

    keyring.staff_key_create(user=user, password=password)
    keyring.tip_key_bootstrap(user=user, actor=actor)
    if actor is not None:
        keyring.grant_held(actor=actor, user=user)


def user_update(*, actor: User, user: User, role: str, country: str, is_active: bool) -> User:
    """Change an account's role, country or active flag. Nobody changes their own role or flag."""
    permission_require(actor, Permission.ACCOUNTS_USER_MANAGE)
    role, country = _clean_role_country(role=role, country=country)
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        changes = {
            name: [getattr(current, name), value]
            for name, value in (("role", role), ("country", country), ("is_active", is_active))
            if getattr(current, name) != value
        }
        if not changes:
            return current
        if current.pk == actor.pk:
            raise ApplicationError(
                _(
                    "You cannot change your own role or deactivate your own account. "
                    "Ask another administrator."
                )
            )
        current.role, current.country, current.is_active = role, country, is_active
        current.save(update_fields=["role", "country", "is_active"])

        # A deactivated account keeps no vault key; a new role keeps only what it warrants.
        if not is_active:
            revoked = keyring.grants_revoke_all(user=current)
        else:
            revoked = keyring.grants_revoke_unwarranted(user=current)
        details: dict[str, object] = {"changes": changes}
        if revoked:
            details["vault_grants_revoked"] = revoked
        audit_record(actor=actor, action=AuditAction.USER_UPDATE, target=current, details=details)
    return current


def user_otp_reset(*, actor: User, user: User) -> int:
    """Delete every second-factor device of ``user`` and end all of their sessions.

    They enrol a new authenticator at their next login. Nobody resets their own second factor: that
    would let a stolen password replace the authenticator.
    """
    permission_require(actor, Permission.ACCOUNTS_USER_MANAGE)
    if actor.pk == user.pk:
        raise ApplicationError(_("You cannot reset your own second factor. Ask another administrator."))
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        devices = list(devices_for_user(current, confirmed=None))
        for device in devices:
            device.delete()
        User.objects.filter(pk=current.pk).update(session_generation=F("session_generation") + 1)
        audit_record(
            actor=actor, action=AuditAction.USER_OTP_RESET, target=current, details={"devices": len(devices)}
        )
    return len(devices)


def password_change(*, user: User, current: str, new: str) -> bool:
    """Change one's own password, re-wrapping one's vault key with it in the same transaction.

    Returns whether the vault key came along: False when the current password no longer opened it
    (it was reset outside this page), in which case the member has a new, empty key and needs a new
    grant from an administrator.
    """

    if not user.check_password(current):
        raise ApplicationError(_("The current password is wrong."), field="current")
    if current == new:
        raise ApplicationError(_("The new password must differ from the current one."), field="new")
    try:
        password_validation.validate_password(new, user=user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="new") from exc
    with transaction.atomic():
        user.set_password(new)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        kept = keyring.staff_key_rewrap(user=user, old_password=current, new_password=new)
        audit_record(
            actor=user, action=AuditAction.USER_PASSWORD_CHANGE, target=user, details={"vault_key_kept": kept}
        )
    return kept


def vault_access_grant(*, actor: User, user: User) -> list[str]:
    """An administrator gives ``user`` the vault keys their role warrants, from the keys the
    administrator's own session holds. Audited (``vault.grant``) by the keyring."""

    permission_require(actor, Permission.ACCOUNTS_USER_MANAGE)
    if not user.is_active:
        raise ApplicationError(_("This account is inactive: activate it first."))
    if not StaffKey.objects.filter(user=user).exists():
        raise ApplicationError(
            _("This account has no key pair yet: it is made at their next login. Grant access after that.")
        )
    granted = keyring.grant_held(actor=actor, user=user)
    if not granted and keyring.keys_missing(user=user):
        raise ApplicationError(
            _(
                "You hold none of the keys this account still needs. Log out and in again with your "
                "password, or ask an administrator who holds them."
            )
        )
    return granted


# --- Demo accounts (make run) --------------------------------------------------------------------

# The countries of the demo authorities (``leads.demo`` reads this list: accounts sit below leads), each
# with a demo partner account, so that a lead sent to any of them can be read in the partner portal.
DEMO_PARTNER_COUNTRIES = ("PL", "DE", "FR", "NL", "ES", "IT", "GB", "US")


@dataclass(frozen=True)
class DemoStaffAccount:
    username: str
    password: str
    role: str
    created: bool
    country: str = ""


def demo_team() -> list[tuple[str, str, str]]:
    """(username, role, country) of the demo team: enough people to walk the whole loop, four eyes
    included (two publishers, two analysts), and one partner for every demo authority."""
    team = [
        ("demo-administrator", Role.ADMINISTRATOR, ""),
        ("demo-publisher", Role.PUBLISHER, ""),
        ("demo-publisher-2", Role.PUBLISHER, ""),
        ("demo-analyst", Role.ANALYST, ""),
        ("demo-analyst-2", Role.ANALYST, ""),
        ("demo-auditor", Role.AUDITOR, ""),
    ]
    team += [(f"demo-partner-{code.lower()}", Role.PARTNER, code) for code in DEMO_PARTNER_COUNTRIES]
    return [(username, str(role), country) for username, role, country in team]


def demo_password(username: str) -> str:
    """The known password of a demo account (printed by ``make run``): its username and the year."""
    return f"{username}-2026"


def demo_staff_keys() -> dict[bytes, Any]:
    """Every vault key the existing demo accounts hold, opened with their known passwords.

    Embedded mode only. This is how demo content is made through the real services after the key
    escrow, and how a demo account added later gets the keys that only its teammates hold (an
    authority's key is granted once, when it is made, and then forgotten).
    """

    if not settings.EMBEDDED:
        raise ApplicationError(_("Demo accounts exist only in embedded mode (make run)."))
    held: dict[bytes, Any] = {}
    for staff_key in StaffKey.objects.filter(user__is_demo=True, user__is_active=True).select_related("user"):
        # A password changed since (a newcomer trying the page) no longer opens it: skip, never replace.
        own = keyring.staff_key_unwrap(staff_key, demo_password(staff_key.user.username))
        if own is not None:
            held.update(keyring.grants_open(user=staff_key.user, staff_private=own))
    return held


def demo_staff_create(*, if_missing: bool = False) -> list[DemoStaffAccount]:
    """The demo team (``demo_team``), with known passwords, confirmed authenticators and the vault
    keys each role needs.

    Embedded mode only: the passwords are printed by ``make run`` and written in this file. The tip key
    comes from the configuration (before the escrow) or from a teammate; an authority key, which only
    its partners and the administrators hold, from a teammate who holds it.
    """

    if not settings.EMBEDDED:
        raise ApplicationError(_("Demo accounts exist only in embedded mode (make run)."))
    accounts = []
    with transaction.atomic():
        created = []
        for username, role, country in demo_team():
            existing = User.objects.filter(username__iexact=username).first()
            if existing is not None:
                if not if_missing or not existing.is_demo:
                    message = _("The account %(username)s already exists.")
                    raise ApplicationError(message % {"username": username})
                accounts.append(
                    DemoStaffAccount(username, demo_password(username), role, created=False, country=country)
                )
                continue
            user = User(username=username, role=role, country=country, is_demo=True)
            user.set_password(demo_password(username))
            user.save()
            TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
            created.append(user)
            accounts.append(
                DemoStaffAccount(username, demo_password(username), role, created=True, country=country)
            )
        # The keys the teammates already hold, before the new members get key pairs of their own.
        earlier = User.objects.filter(is_demo=True).exclude(pk__in=[user.pk for user in created])
        teammates = demo_staff_keys() if created and earlier.exists() else {}
        for user in created:
            keyring.staff_key_create(user=user, password=demo_password(user.username))
        for user in created:  # the audit events last, as audit_record asks
            keyring.tip_key_bootstrap(user=user)
            with vault.unlocked(teammates):
                keyring.grant_held(actor=None, actor_label="system:demo", user=user)
            audit_record(
                actor=None,
                actor_label="system:demo",
                action=AuditAction.USER_CREATE,
                target=user,
                details={"role": user.role, "country": user.country, "demo": True},
            )
    return accounts
