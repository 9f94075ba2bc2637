"""No public page ever names a country of a determination, in any language."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from babel import Locale
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tests.leads.conftest import Loop

pytestmark = pytest.mark.django_db

# The pages are read in a few languages (Polish: a country of the determination; Arabic: right to left),
# and searched for the countries' names in every language the site speaks.
LANGUAGES = ("en", "fr", "de", "pl", "ar")
SITE_LANGUAGES = [code for code, _name in settings.LANGUAGES]
IDENTIFIED_NOTICE = (
    "This object has been identified and no longer needs your help. Thank you to everyone who sent a tip."
)


class _VisibleText(HTMLParser):
    """The text a visitor reads: character data outside scripts and styles, plus alt and title texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in ("alt", "title", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return html.unescape(" ".join(" ".join(parser.parts).split()))


def _forbidden(codes: list[str]) -> list[str]:
    names = set()
    for code in codes:
        for language in SITE_LANGUAGES:
            names.add(Locale.parse(translation.to_locale(language)).territories[code])
    return sorted(names)


def leaks(text: str, codes: list[str]) -> list[str]:
    """The country names (any of the site's languages) and codes of ``codes`` found in ``text``."""
    found = [
        name
        for name in _forbidden(codes)
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, flags=re.IGNORECASE)
    ]
    return found + [code for code in codes if re.search(rf"(?<![\w-]){code}(?![\w-])", text)]


def test_the_leak_detector_finds_names_and_codes_but_not_other_words() -> None:
    page = '<p title="Pologne">x</p><script>var DE = 1;</script><p>DEMO in Deutsch, B17-DE</p>'
    assert leaks(visible_text(page), ["PL", "DE"]) == ["Pologne"]
    assert leaks("Sold in Deutschland (DE).", ["PL", "DE"]) == ["Deutschland", "DE"]
    assert leaks("Vendu en Allemagne", ["DE"]) == ["Allemagne"]


def _public_urls(code: str, language: str) -> list[str]:
    urls = []
    with translation.override(language):
        for name, kwargs in (
            ("gallery:home", {}),
            ("gallery:object_detail", {"code": code}),
            ("gallery:identified", {}),
            ("gallery:results", {}),
            ("gallery:about", {}),
        ):
            try:
                urls.append(reverse(name, kwargs=kwargs))
            except NoReverseMatch:
                continue  # a page this build does not have yet
    return urls


def test_no_public_page_names_a_country_of_the_determination(
    loop: Loop, staff: dict[str, Any], time_machine: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from traceobject.leads.services import lead_send

    for lead in loop.leads.values():
        lead_send(actor=staff["analyst"], lead=lead)
    # The object shows as identified only once the quiet period after the last lead is over.
    time_machine.move_to(timezone.now() + timedelta(days=settings.DISCLOSURE_QUIET_DAYS, hours=1))
    countries = sorted(loop.leads)
    assert countries == ["DE", "PL"]
    client = Client()
    checked = 0
    for language in LANGUAGES:
        for url in _public_urls(loop.obj.code, language):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, url
            text = visible_text(response.content.decode("utf-8"))
            assert leaks(text, countries) == [], url
            checked += 1
            if "/objects/" in url:
                with translation.override(language):
                    notice = translation.gettext(IDENTIFIED_NOTICE)
                assert notice in text, (url, language)
    assert checked >= 3 * len(LANGUAGES)
