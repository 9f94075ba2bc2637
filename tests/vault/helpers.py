"""Helpers for the vault's second stage: accounts made with real passwords, and real logins."""

from __future__ import annotations

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from nacl.public import PrivateKey

from tests.accounts.conftest import fresh_code, post_form
from traceobject.accounts.models import User
from traceobject.accounts.services import user_create

PASSWORD = "correct horse battery staple 42"


def account(username: str, role: str, *, actor: User | None = None, country: str = "") -> User:
    """An account made the way the CLI or an administrator makes one, with a confirmed authenticator."""
    user = user_create(
        actor=actor,
        actor_label="" if actor else "cli",
        username=username,
        role=role,
        country=country,
        password=PASSWORD,
        must_change_password=False,  # the first-login password change has tests of its own
    )
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def login(
    username: str, *, password: str = PASSWORD, area: str = "staff", client: Client | None = None
) -> Client:
    """Password, then a real TOTP code, through the pages (so that the login unwraps the keys)."""
    client = client or Client(enforce_csrf_checks=True)
    response = post_form(client, f"/{area}/login/", {"username": username, "password": password, "next": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    device = TOTPDevice.objects.get(user__username=username)
    response = post_form(client, f"/{area}/otp/", {"token": fresh_code(device)})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def keys_of(user: User, password: str = PASSWORD) -> dict[bytes, PrivateKey]:
    """The vault keys ``user`` holds, opened as a login would (for tests that call services directly)."""
    from traceobject.vault import keyring
    from traceobject.vault.models import StaffKey

    own = keyring.staff_key_unwrap(StaffKey.objects.get(user=user), password)
    assert own is not None
    return keyring.grants_open(user=user, staff_private=own)


def tip_key_of(user: User) -> PrivateKey:
    """The one tip key ``user`` holds (an administrator's, to grant it in a test)."""
    [private] = list(keys_of(user).values())
    return private
