"""Objects in the visitor's language, in real Chromium against the production server with the demo:
the Arabic page of a translated object reads right to left, an untranslated one shows its English
original marked and laid out left to right inside the Arabic page, axe finds nothing wrong with either
(its ``valid-lang`` rule included), and a translation proposed for a published object through the staff
forms reaches the French page only after a second publisher approves it. Screenshots go to
``var/object-languages/`` (not committed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Server
from tests.e2e.staff_login import create_staff, login_with_enrolment
from traceobject.demo.object_texts import TRANSLATIONS

pytestmark = pytest.mark.browser

SHOTS = Path("var") / "object-languages"
TRANSLATED = "M09-2026"  # translated into French, Polish, Arabic, German and Spanish
UNTRANSLATED = "K05-2026"  # English only


@pytest.fixture
def phone(chromium: Any) -> Any:
    context = chromium.new_context(
        java_script_enabled=False, locale="ar", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    yield page
    context.close()


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_arabic_pages_of_a_translated_and_an_untranslated_object(
    phone: Any, production_server: Server
) -> None:
    page = phone
    page.goto(f"{production_server.url}/ar/objects/{TRANSLATED}/")
    heading = page.locator("main h1")
    assert heading.inner_text() == TRANSLATIONS[TRANSLATED]["ar"].title
    assert page.locator("#text-fallback").count() == 0
    assert page.locator("ul.questions li").first.inner_text() == TRANSLATIONS[TRANSLATED]["ar"].questions[0]
    _shot(page, "ar-translated")

    page.goto(f"{production_server.url}/ar/objects/{UNTRANSLATED}/")
    assert page.locator("#text-fallback").is_visible()
    heading = page.locator("main h1")
    assert heading.get_attribute("lang") == "en"
    # English inside the right-to-left page keeps its own direction, so its question marks end its lines.
    assert heading.evaluate("e => getComputedStyle(e).direction") == "ltr"
    questions = page.locator("ul.questions")
    assert questions.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert questions.locator("li").first.inner_text().endswith("?")
    # Nothing of the page runs off a phone's screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    _shot(page, "ar-fallback")

    page.goto(f"{production_server.url}/pl/")
    card = page.locator(f".card:has(.card-code:text-is('{UNTRANSLATED}'))")
    assert card.locator(".text-fallback-tag").is_visible()
    assert card.locator(".card-title").get_attribute("lang") == "en"
    translated = page.locator(f".card:has(.card-code:text-is('{TRANSLATED}'))")
    assert translated.locator(".card-title").inner_text() == TRANSLATIONS[TRANSLATED]["pl"].title
    assert translated.locator(".text-fallback-tag").count() == 0
    _shot(page, "pl-gallery")


def test_axe_accepts_the_translated_and_the_fallback_pages(chromium: Any, production_server: Server) -> None:
    from tests.e2e.test_accessibility import _violations

    context = chromium.new_context(
        java_script_enabled=True, bypass_csp=True, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    problems: list[str] = []
    try:
        for path in (f"ar/objects/{TRANSLATED}/", f"ar/objects/{UNTRANSLATED}/", "pl/", "ar/identified/"):
            page.goto(f"{production_server.url}/{path}")
            problems += _violations(page)
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def test_a_translation_of_a_published_object_goes_public_after_a_second_publisher(
    chromium: Any, production_server: Server, tmp_path: Path
) -> None:
    server = production_server
    create_staff(server, "e2e-translator", "analyst", tmp_path)
    create_staff(server, "e2e-reviewer", "publisher", tmp_path)
    code = "K06-2026"
    public = chromium.new_context(java_script_enabled=False)
    translator = chromium.new_context(java_script_enabled=False)
    reviewer = chromium.new_context(java_script_enabled=False)
    try:
        visitor = public.new_page()
        visitor.goto(f"{server.url}/fr/objects/{code}/")
        assert visitor.locator("#text-fallback").is_visible()

        page = login_with_enrolment(translator, server, "e2e-translator")
        page.goto(f"{server.url}/staff/objects/{code}/")
        page.locator("#languages a", has_text="French").first.click()
        assert page.locator("#goes-to-review").is_visible()
        page.fill("#id_title", "Tote bag en toile à rayures")
        page.fill("#id_questions", "Quel magasin vendait ce sac ?")
        page.click("main form button[type=submit]:has-text('Send for review')")
        assert page.url.endswith(f"/staff/objects/{code}/#languages")
        assert "Awaiting review" in page.locator("#language-fr").inner_text()
        _shot(page, "staff-languages")

        visitor.goto(f"{server.url}/fr/objects/{code}/")
        assert visitor.locator("#text-fallback").is_visible()  # not public before the review

        page = login_with_enrolment(reviewer, server, "e2e-reviewer")
        page.goto(f"{server.url}/staff/translations/review/")
        page.locator("a", has_text="Tote bag en toile à rayures").click()
        _shot(page, "staff-translation-review")
        for checkbox in page.locator("input[name=checklist]").all():
            checkbox.check()
        page.click("button[name=decision][value=approve]")
        assert page.url.endswith(f"/staff/objects/{code}/#languages")

        visitor.goto(f"{server.url}/fr/objects/{code}/")
        assert visitor.locator("main h1").inner_text() == "Tote bag en toile à rayures"
        assert visitor.locator("#text-fallback").count() == 0
        _shot(visitor, "fr-approved")
    finally:
        for context in (public, translator, reviewer):
            context.close()
