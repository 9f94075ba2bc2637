"""Fixed staff fixtures: one account per role, two partners of different countries, and an outsider.

``login_verified`` logs a test client in as a user who has passed the second factor, the way
django-otp records it (the device id in the session), so tests of staff views need not replay TOTP.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from traceobject.accounts.models import User

STAFF_PASSWORD = "correct horse battery staple 42"

# name -> (role, country)
FIXED_STAFF = {
    "administrator": ("administrator", ""),
    "publisher": ("publisher", ""),
    "publisher_two": ("publisher", ""),
    "analyst": ("analyst", ""),
    "partner_a": ("partner", "PL"),
    "partner_b": ("partner", "DE"),
    "auditor": ("auditor", ""),
    "outsider": ("", ""),  # an account with no role at all
}


def make_staff(username: str, role: str, country: str = "", *, with_device: bool = True) -> User:
    user = User.objects.create_user(username=username, password=STAFF_PASSWORD, role=role, country=country)
    if with_device:
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def login_verified(client: Client, user: User) -> Client:
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def staff(db) -> dict[str, User]:
    """Every fixed account, by name."""
    return {name: make_staff(name, role, country) for name, (role, country) in FIXED_STAFF.items()}


@pytest.fixture
def staff_client(staff) -> Callable[[str], Client]:
    """``staff_client("publisher")``: a new client logged in (password and second factor) as that one."""

    def build(name: str) -> Client:
        return login_verified(Client(), staff[name])

    return build
