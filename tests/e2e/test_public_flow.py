"""The public loop in real Chromium with JavaScript disabled, as on Tor Browser's "Safest" level."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import Server

pytestmark = pytest.mark.browser

RECEIPT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def _tip_count(server: Server) -> int:
    out = server.manage(
        "shell", "--no-imports", "-c", "from traceobject.tips.models import Tip; print(Tip.objects.count())"
    )
    return int(out.strip())


def _latest_tip_text(server: Server) -> str:
    out = server.manage(
        "shell",
        "--no-imports",
        "-c",
        "from traceobject.tips.models import Tip; from traceobject.tips.services import tip_read; "
        "print(tip_read(tip=Tip.objects.latest('id')).text)",
    )
    return out.strip()


@pytest.fixture
def page(chromium: Any, production_server: Server) -> Any:
    context = chromium.new_context(
        java_script_enabled=False, locale="en-GB", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.requested = requested
    yield page
    context.close()


def test_browse_open_and_tip_without_javascript(page: Any, production_server: Server) -> None:
    server = production_server
    before = _tip_count(server)
    # The figures are cached for a minute, and the other browser tests have just sent tips: start from
    # the current count (the server's cache is files under its data directory).
    server.manage("shell", "--no-imports", "-c", "from django.core.cache import cache; cache.clear()")

    page.goto(f"{server.url}/")
    assert page.locator("h1").inner_text() == "Help us trace these objects"
    assert "only everyday objects" in page.locator(".content-note").inner_text()
    cards = page.locator("ul.cards > li.card")
    assert cards.count() > 0
    assert page.locator(".card .badge").count() > 0, "the latest release should carry the New badge"
    assert int(page.locator("#home-tips-received").inner_text().replace(",", "")) == before

    # Filter by a category, then search by a code.
    category_link = page.locator("nav.categories a").nth(1)
    category_name = category_link.inner_text()
    category_link.click()
    assert "category=" in page.url
    for text in page.locator(".card-category").all_inner_texts():
        assert text == category_name
    code = page.locator(".card-code").first.inner_text()
    page.goto(f"{server.url}/")
    page.fill("#q", code.lower())
    page.click("form.search button")
    assert code in page.locator(".card-code").all_inner_texts()

    # Open the object.
    page.locator(".card a", has_text=code).first.click()
    assert page.url.endswith(f"/objects/{code}/")
    assert page.locator(".object-code").inner_text().startswith(code)
    assert page.locator(".object-images img").count() >= 1
    assert "do not post your guesses publicly" in page.locator(".share .warning").inner_text()

    # Bad input comes back with the message next to the field, and nothing is stored.
    page.fill("#id_text", "too short")
    page.fill("#id_links", "not a link")
    page.click("#tip button[type=submit]")
    assert page.locator("#id_text_errors").inner_text().startswith("Please write at least 10 characters")
    assert "Line 1" in page.locator("#id_links_errors").inner_text()
    assert page.input_value("#id_text") == "too short", "what the visitor typed must not be lost"
    assert _tip_count(server) == before

    text = "I saw this exact pattern in a shop in Gdańsk around 2016, it was sold by Biedronka."
    page.fill("#id_text", text)
    page.select_option("#id_country", "PL")
    page.fill("#id_links", "https://example.pl/katalog/123")
    page.click("#tip button[type=submit]")
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert RECEIPT.match(receipt), receipt
    assert _tip_count(server) == before + 1
    assert _latest_tip_text(server) == text

    # Nothing was loaded from another host.
    assert page.requested, "the page made no requests at all?"
    foreign = [url for url in page.requested if not url.startswith(server.url)]
    assert foreign == []


def test_access_log_has_no_client_address(page: Any, production_server: Server) -> None:
    page.goto(f"{production_server.url}/about/")
    log = production_server.log_path.read_text()
    access_lines = [line for line in log.splitlines() if '"GET /about/' in line]
    assert access_lines, "the access log should record the request"
    for line in access_lines:
        assert "127.0.0.1" not in line


def test_language_picker_without_javascript(page: Any, production_server: Server) -> None:
    page.goto(f"{production_server.url}/about/")
    english_heading = page.locator("h1").inner_text()
    # A native disclosure: opened without JavaScript, then a plain link.
    page.locator("details.languages summary").click()
    page.locator("details.languages a[hreflang=fr]").click()
    assert page.url.endswith("/fr/about/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() != english_heading
    page.locator("details.languages summary").click()
    page.locator("details.languages a[hreflang=de]").click()
    assert page.url.endswith("/de/about/")
    assert page.locator("html").get_attribute("lang") == "de"


def test_reloading_the_receipt_page_with_javascript_stores_nothing_twice(
    chromium: Any, production_server: Server
) -> None:
    """A reload re-posts the form: the same single-use token comes back, and no second tip or receipt."""
    server = production_server
    context = chromium.new_context(
        java_script_enabled=True, locale="en-GB", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        page.goto(f"{server.url}/")
        href = page.locator(".card a").first.get_attribute("href")
        page.goto(f"{server.url}{href}")
        page.wait_for_selector("#tip form[data-pow=done]", state="attached", timeout=30_000)
        before = _tip_count(server)
        page.fill("#id_text", "I think this one was sold in a Lidl in Brno around 2018, in the autumn.")
        page.click("#tip button[type=submit]")
        receipt = page.locator("#receipt-code").inner_text(timeout=30_000).strip()
        assert RECEIPT.match(receipt), receipt
        assert _tip_count(server) == before + 1

        response = page.reload()
        assert response is not None
        assert response.request.method == "POST", "the reload should re-post the form"
        assert page.locator("h1").inner_text() == "Your tip was already received"
        assert page.locator("#receipt-code").count() == 0
        assert receipt not in page.content()
        assert _tip_count(server) == before + 1
    finally:
        context.close()
