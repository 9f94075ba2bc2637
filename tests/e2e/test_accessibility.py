"""axe-core on every public page in three languages, and on the main staff and partner pages: 0 violations.

axe-core comes from the ``axe-playwright-python`` package (its bundled axe.min.js): nothing is
downloaded at run time. Contexts bypass the CSP only so that the axe script can be injected; the
pages themselves are those the production server sends.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import Server

pytestmark = pytest.mark.browser

LANGUAGES = ["", "fr/", "de/"]


def _axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _violations(page: Any) -> list[str]:
    results = _axe().run(page)
    found = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
        found.append(
            f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']} at {targets}"
        )
    return found


@pytest.fixture
def browser_page(chromium: Any) -> Any:
    context = chromium.new_context(
        java_script_enabled=True, bypass_csp=True, locale="en-GB", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    yield page
    context.close()


def _first_object_path(page: Any, server: Server) -> str:
    page.goto(f"{server.url}/")
    href = page.locator(".card a").first.get_attribute("href")
    assert href
    return href


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_axe_violations(
    browser_page: Any, production_server: Server, language: str
) -> None:
    server = production_server
    page = browser_page
    base = f"{server.url}/{language}"
    object_path = _first_object_path(page, server).lstrip("/")
    problems: list[str] = []
    for path in [
        "",
        "?category=",
        "identified/",
        "results/",
        "about/",
        "privacy/",
        "report-something-else/",
        "accessibility/",
        "follow-up/",
        "no-such-page/",
        object_path,
    ]:
        page.goto(base + path)
        problems += _violations(page)
    # The tip form with errors, the receipt, and the repeat of the same form.
    page.goto(base + object_path)
    page.wait_for_selector("#tip form[data-pow=done]", state="attached", timeout=30_000)
    page.fill("#id_text", "short")
    page.click("#tip button[type=submit]")
    page.wait_for_selector("#id_text_errors")
    problems += _violations(page)
    page.wait_for_selector("#tip form[data-pow=done]", state="attached", timeout=30_000)
    page.fill("#id_text", "Sold in a supermarket in Linz around 2015, I am fairly sure of it.")
    page.click("#tip button[type=submit]")
    receipt = page.locator("#receipt-code").inner_text(timeout=30_000).strip()
    problems += _violations(page)
    page.reload()
    page.wait_for_selector("h1")
    problems += _violations(page)
    # The follow-up thread, entered with the receipt.
    page.goto(base + "follow-up/")
    page.fill("input[name=receipt]", receipt)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    problems += _violations(page)
    assert problems == [], "\n".join(problems)


def test_the_receipt_code_does_not_wrap_on_a_phone(browser_page: Any, production_server: Server) -> None:
    """390 px wide: the receipt and the object code stay on one line each (screenshot under var/)."""
    server = production_server
    page = browser_page
    page.goto(server.url + _first_object_path(page, server))
    code = page.locator(".object-code").first
    assert code.evaluate("e => e.getClientRects().length") == 1
    page.wait_for_selector("#tip form[data-pow=done]", state="attached", timeout=30_000)
    page.fill("#id_text", "Seen in a Kaufland in Cottbus in 2019, the same one in a basket.")
    page.click("#tip button[type=submit]")
    receipt = page.locator("#receipt-code")
    receipt.wait_for(timeout=30_000)
    height = receipt.evaluate("e => e.getBoundingClientRect().height")
    line = receipt.evaluate(
        "e => parseFloat(getComputedStyle(e).lineHeight) || parseFloat(getComputedStyle(e).fontSize) * 1.5"
    )
    padding = receipt.evaluate(
        "e => parseFloat(getComputedStyle(e).paddingTop) + parseFloat(getComputedStyle(e).paddingBottom) + 4"
    )
    assert height <= line + padding + 1, "the receipt code wraps"
    width = receipt.evaluate("e => e.getBoundingClientRect().right")
    assert width <= 390
    from pathlib import Path

    out = Path("var")
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / "receipt-390.png"), full_page=False)
    assert re.match(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$", receipt.inner_text().strip())


def test_axe_finds_a_known_violation(browser_page: Any) -> None:
    """The check itself works: a page with an unlabelled field and an image without text fails it."""
    browser_page.set_content('<html><body><main><input type="text"><img src="x.png"></main></body></html>')
    found = " ".join(_violations(browser_page))
    assert "image-alt" in found
    assert "label" in found
