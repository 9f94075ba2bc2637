"""Staff accounts for the browser tests: made on the command line, enrolled and logged in through the UI."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from django_otp.oath import TOTP

from tests.e2e.conftest import Server

PASSWORD = "a long staff passphrase 2026"


def create_staff(server: Server, username: str, role: str, tmp_path: Path) -> None:
    secret = tmp_path / f"{username}.pw"
    secret.write_text(PASSWORD)
    # The member's own password (tests of the forced first-login change are in tests/accounts).
    out = server.manage(
        "createstaff", "--role", role, "--username", username,
        "--password-file", str(secret), "--own-password",
    )  # fmt: skip
    assert username in out


def login_with_enrolment(context: Any, server: Server, username: str) -> Any:
    page = context.new_page()
    page.goto(f"{server.url}/staff/")
    assert "/staff/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    assert "/staff/otp/" in page.url
    assert page.locator("figure.totp-qr-figure svg").count() == 1, "the QR code is rendered on the server"
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_token", f"{TOTP(key, step=30, digits=6).token():06d}")
    page.click("main form button[type=submit]")
    assert page.url.rstrip("/").endswith("/staff"), page.url
    return page
