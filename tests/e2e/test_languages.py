"""Languages in real Chromium: the root finds the browser's language, the picker works without JavaScript,
Arabic pages are mirrored, and a 390 px phone shows the languages with the longest words whole.

Screenshots go to var/screenshots/i18n/ (look at them: a test sees overflow, not ugliness).

fi, hu and el are the long-word languages of issue 14; until their catalogs are translated their pages
are English, and the phone test skips them saying so (the completeness gate in tests/test_i18n.py fails
for them meanwhile). German is translated, so it always runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Server
from traceobject.core import translations

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("var/screenshots/i18n")
PHONE = {"width": 390, "height": 844}
TIP_QUESTION = "What do you know about this object?"
LONG_WORDS = ["de", "fi", "hu", "el"]


def _context(
    chromium: Any, *, locale: str, javascript: bool = False, viewport: dict[str, int] | None = None
) -> Any:
    return chromium.new_context(java_script_enabled=javascript, locale=locale, viewport=viewport or PHONE)


def _shot(page: Any, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def _object_path(page: Any, server: Server, prefix: str) -> str:
    page.goto(f"{server.url}/{prefix}")
    href = page.locator(".card a").first.get_attribute("href")
    assert href
    assert href.startswith(f"/{prefix}objects/")
    return str(href)


def _submit_short_tip(page: Any) -> None:
    """The tip form with its errors (too short a text), as a tipster who pressed Send too early sees it."""
    page.fill("#id_text", "short")
    page.locator("#tip button[type=submit]").click()
    page.wait_for_selector("#id_text_errors")


# --- Finding one's language -------------------------------------------------------------------------


def test_a_polish_browser_lands_on_polish_pages_and_can_choose_english(
    chromium: Any, production_server: Server
) -> None:
    """Typed address: the root sends Polish browsers to /pl/. The picker (no JavaScript) leads to English,
    and the root does not send the visitor back: a click inside the site is Sec-Fetch-Site: same-origin."""
    server = production_server
    context = _context(chromium, locale="pl-PL")
    page = context.new_page()
    try:
        page.goto(f"{server.url}/")
        assert page.url == f"{server.url}/pl/"
        assert page.locator("html").get_attribute("lang") == "pl"
        picker = page.locator("details.languages")
        links = picker.locator("a[hreflang]")
        assert links.count() == 36
        assert not links.first.is_visible()  # closed until opened
        picker.locator("summary").click()
        assert links.first.is_visible()
        _shot(page, "picker-open-pl-390", full_page=False)
        picker.locator("a[hreflang=en]").click()
        page.wait_for_load_state()
        assert page.url == f"{server.url}/"
        assert page.locator("html").get_attribute("lang") == "en"
        # The English home's own links keep the visitor in English too.
        page.locator("a.brand").click()
        page.wait_for_load_state()
        assert page.url == f"{server.url}/"
    finally:
        context.close()


@pytest.mark.parametrize(("locale", "expected"), [("pt-BR", "/pt/"), ("zh-CN", "/zh-hans/"), ("en-US", "/")])
def test_regional_browsers_land_on_their_language(
    chromium: Any, production_server: Server, locale: str, expected: str
) -> None:
    context = _context(chromium, locale=locale)
    page = context.new_page()
    try:
        page.goto(f"{production_server.url}/")
        assert page.url == f"{production_server.url}{expected}"
    finally:
        context.close()


# --- Right to left ------------------------------------------------------------------------------------


def _text_box(page: Any, selector: str) -> dict[str, float]:
    """The box of an element's text itself (not of the element), and the element's own box."""
    return dict(
        page.locator(selector).first.evaluate(
            """e => {
                const range = document.createRange();
                range.selectNodeContents(e);
                const text = range.getBoundingClientRect();
                const box = e.getBoundingClientRect();
                const style = getComputedStyle(e);
                return {
                    textLeft: text.left, textRight: text.right, left: box.left, right: box.right,
                    paddingLeft: parseFloat(style.paddingLeft), paddingRight: parseFloat(style.paddingRight),
                };
            }"""
        )
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_arabic_pages_are_right_to_left_and_mirrored(
    chromium: Any, production_server: Server, width: int
) -> None:
    server = production_server
    context = _context(chromium, locale="ar", javascript=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server.url}/")
        assert page.url == f"{server.url}/ar/"
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        # The brand starts at the right edge of the header, the language picker sits at the left one.
        header = page.locator(".site-header").bounding_box()
        brand = page.locator(".brand").bounding_box()
        summary = page.locator(".languages summary").bounding_box()
        assert header["x"] + header["width"] - (brand["x"] + brand["width"]) < 24, (header, brand)
        assert brand["x"] > header["x"] + header["width"] / 3
        assert summary["x"] - header["x"] < 24, (header, summary)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _shot(page, f"ar-home-{width}")
        page.goto(server.url + _object_path(page, server, "ar/"))
        page.wait_for_selector("#tip form[data-pow=done]", state="attached", timeout=30_000)
        # Labels and headings read from the right: their text ends at the right edge of their box (and,
        # on a wide screen, is far from the left one).
        for selector in ("label[for=id_text]", "label[for=id_country]", ".object h1"):
            box = _text_box(page, selector)
            assert abs(box["right"] - box["paddingRight"] - box["textRight"]) < 2, (selector, box)
            if width > 1000:
                assert box["textLeft"] > box["left"] + box["paddingLeft"] + 100, (selector, box)
        # The object code reads left to right even here (a tipster copies it), at the right edge.
        assert page.locator(".object-code").first.evaluate("e => getComputedStyle(e).direction") == "ltr"
        code = _text_box(page, ".object-code")
        assert abs(code["right"] - code["paddingRight"] - code["textRight"]) < 2, code
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _shot(page, f"ar-object-{width}")
        _submit_short_tip(page)
        assert page.locator("html").get_attribute("dir") == "rtl"
        # The error under the field starts at its right too.
        error = _text_box(page, "#id_text_errors li")
        field = page.locator("#id_text").bounding_box()
        assert abs(field["x"] + field["width"] - error["textRight"]) < 40, (error, field)
        if width > 1000:
            assert error["textLeft"] > field["x"] + 100, (error, field)
        _shot(page, f"ar-tip-errors-{width}")
    finally:
        context.close()


# --- Long words on a phone -------------------------------------------------------------------------

# Elements whose text must show whole: buttons, labels, headings, navigation and picker entries, the
# disclosure's summary, error summaries and the object's code.
CUT_TEXT = """
() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    const selector = 'button, label, h1, h2, h3, nav a, summary, .languages a, .errorlist li, .form-errors, '
        + '.object-code, .card-title, .brand, .help, .field .help, legend';
    for (const e of document.querySelectorAll(selector)) {
        const style = getComputedStyle(e);
        if (style.display === 'none' || style.visibility === 'hidden' || e.closest('.hp, [hidden]')) continue;
        if (e.closest('details:not([open])') && e.tagName !== 'SUMMARY') continue;
        const box = e.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
            + ' "' + e.textContent.trim().slice(0, 40) + '"';
        if (box.left < -0.5 || box.right > width + 0.5) {
            problems.push(name + ' leaves the screen: ' + box.left + '..' + box.right);
        }
        if (style.display !== 'inline' && e.scrollWidth > e.clientWidth + 1) {
            problems.push(name + ' is cut: ' + e.scrollWidth + ' > ' + e.clientWidth);
        }
    }
    if (document.documentElement.scrollWidth > width) {
        problems.push('the page scrolls sideways: ' + document.documentElement.scrollWidth);
    }
    return problems;
}
"""


@pytest.mark.parametrize("language", LONG_WORDS)
def test_long_words_fit_a_phone(chromium: Any, production_server: Server, language: str) -> None:
    """390 px: the object page, its tip form with errors, and the open picker, with nothing cut off and
    nothing wider than the screen."""
    message = translations.load(language).get(TIP_QUESTION)
    if message is None or not message.string:
        pytest.skip(f"{language} is not translated yet (tests/test_i18n.py's gate fails for it meanwhile)")
    server = production_server
    context = _context(chromium, locale=language, javascript=True)
    page = context.new_page()
    try:
        path = _object_path(page, server, f"{language}/")
        assert page.locator("html").get_attribute("lang") == language
        page.goto(server.url + path)
        assert message.string in page.locator("label[for=id_text]").inner_text()
        page.wait_for_selector("#tip form[data-pow=done]", state="attached", timeout=30_000)
        problems = [f"object page: {problem}" for problem in page.evaluate(CUT_TEXT)]
        _shot(page, f"{language}-object-390")
        _submit_short_tip(page)
        problems += [f"tip errors: {problem}" for problem in page.evaluate(CUT_TEXT)]
        _shot(page, f"{language}-tip-errors-390")
        page.locator("details.languages summary").click()
        problems += [f"picker: {problem}" for problem in page.evaluate(CUT_TEXT)]
        _shot(page, f"{language}-picker-390", full_page=False)
        # Every entry of the open picker is a target one can hit with a thumb (WCAG 2.5.8: 24 px).
        heights = page.locator("details.languages a").evaluate_all(
            "links => links.map(a => a.getBoundingClientRect().height)"
        )
        assert min(heights) >= 24, heights
        assert problems == [], "\n".join(problems)
    finally:
        context.close()


def test_the_cut_text_check_finds_cut_text(chromium: Any) -> None:
    """Guards the check: a button too narrow for its word, and a page wider than the screen."""
    context = _context(chromium, locale="en", javascript=True)
    page = context.new_page()
    try:
        page.set_content(
            '<html><body><button style="width:60px;white-space:nowrap;overflow:hidden">'
            'Hinweisgeberschutzgesetz</button><h1 style="width:900px">x</h1></body></html>'
        )
        found = page.evaluate(CUT_TEXT)
        assert any("button" in problem and "is cut" in problem for problem in found), found
        assert any("h1" in problem and "leaves the screen" in problem for problem in found), found
        assert any("scrolls sideways" in problem for problem in found), found
    finally:
        context.close()
