"""Helpers for the login tests: real TOTP codes computed the way an authenticator app does."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.staff_fixtures import STAFF_PASSWORD
from tests.utils import csrf_token_from

LOGIN_URL = "/staff/login/"
OTP_URL = "/staff/otp/"
LOGOUT_URL = "/staff/logout/"


def totp_code(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code an authenticator app shows now (``offset`` steps later), from the device's secret."""
    device.refresh_from_db()
    step = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t() + offset
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def fresh_code(device: TOTPDevice) -> str:
    """A code the server has not accepted yet (a code works once): now, or the next step's."""
    device.refresh_from_db()
    current = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    step = max(current, device.last_t + 1)
    assert step <= current + device.tolerance, "no unused code left in this period"
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def post_form(client: Client, url: str, data: dict[str, str], **extra: str):
    """GET the form, then POST it with its CSRF token, as a browser does."""
    page = client.get(url, **extra)
    assert page.status_code == 200, page.status_code
    token = csrf_token_from(page.content.decode())
    return client.post(url, {**data, "csrfmiddlewaretoken": token}, **extra)


def password_step(client: Client, username: str, password: str = STAFF_PASSWORD, **extra: str):
    return post_form(client, LOGIN_URL, {"username": username, "password": password, "next": ""}, **extra)


def error_text(html: str) -> str:
    """Every error shown on the page, as plain text."""
    found = re.findall(
        r'<(?:ul class="errorlist"|div class="form-errors")[^>]*>(.*?)</(?:ul|div)>', html, re.S
    )
    return " ".join(" ".join(re.sub(r"<[^>]+>", " ", block).split()) for block in found)


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)
