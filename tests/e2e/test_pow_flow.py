"""The tip form's proof of work in real Chromium, under the production CSP: with JavaScript the script
from /static/ solves the challenge and the tip is stored verified; without it the tip is stored
unverified; the script breaks no rule of the page (no CSP report, nothing from another host)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import Server

pytestmark = pytest.mark.browser

RECEIPT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def _latest_tip(server: Server) -> tuple[int, bool]:
    out = server.manage(
        "shell",
        "--no-imports",
        "-c",
        "from traceobject.tips.models import Tip; t = Tip.objects.latest('id'); print(t.pk, t.unverified)",
    )
    pk, unverified = out.split()
    return int(pk), unverified == "True"


def _context(chromium: Any, *, javascript: bool) -> Any:
    return chromium.new_context(
        java_script_enabled=javascript, locale="en-GB", viewport={"width": 390, "height": 844}
    )


def _object_url(page: Any, server: Server) -> str:
    page.goto(f"{server.url}/")
    href = page.locator(".card a").first.get_attribute("href")
    assert href
    return f"{server.url}{href}"


def _send(page: Any, text: str) -> str:
    page.fill("#id_text", text)
    page.click("#tip button[type=submit]")
    receipt = page.locator("#receipt-code").inner_text(timeout=30_000).strip()
    assert RECEIPT.match(receipt), receipt
    return receipt


def test_with_javascript_the_tip_is_verified(chromium: Any, production_server: Server) -> None:
    server = production_server
    context = _context(chromium, javascript=True)
    page = context.new_page()
    problems: list[str] = []
    # Resource errors are left to the responses (the browser asks for /favicon.ico on its own).
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    missing: list[str] = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(_object_url(page, server))
        # The work starts when the page loads and fills in the hidden field.
        page.wait_for_selector("#tip form[data-pow=done]", state="attached", timeout=30_000)
        nonce = page.input_value("input[name=pow_nonce]")
        assert nonce.isdigit()
        before, _unverified = _latest_tip(server)
        _send(page, "Seen in a market in Graz in 2014, the same zip and strap, sold by a street trader.")
        pk, unverified = _latest_tip(server)
        assert pk > before
        assert not unverified

        # Sent at once, before the work is done: the script holds the post until it is, then sends it.
        page.goto(_object_url(page, server))
        page.fill("#id_text", "A second tip sent quickly: the bag was in a charity shop window in Leeds.")
        page.click("#tip button[type=submit]")
        page.locator("#receipt-code").wait_for(timeout=30_000)
        assert _latest_tip(server)[1] is False
    finally:
        context.close()
    assert problems == [], problems  # a CSP refusal would show here
    assert [url for url in missing if not url.endswith("/favicon.ico")] == []
    assert [url for url in requested if not url.startswith(server.url)] == []
    assert any(url.endswith(".js") and "/static/public/pow" in url for url in requested)


def test_without_javascript_the_tip_is_unverified(chromium: Any, production_server: Server) -> None:
    server = production_server
    context = _context(chromium, javascript=False)
    page = context.new_page()
    try:
        page.goto(_object_url(page, server))
        assert page.input_value("input[name=pow_nonce]") == ""
        _send(page, "Without JavaScript: I think this bag was sold by a supermarket chain in Poland.")
        assert _latest_tip(server)[1] is True
    finally:
        context.close()
