"""The standard categories are named in the visitor's language (gallery.categories): on the gallery's
category filter, on an object's page, and wherever a category is shown as text (the partner portal)."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client
from django.utils import translation

from tests.utils import find_all, parse_html
from traceobject.gallery.models import Category, Object

pytestmark = pytest.mark.django_db

# Written here, not read from the catalogs: what a reader of each language should see.
TEXTILES = {
    "fr": "Textiles et papiers peints",
    "pl": "Tkaniny i tapety",
    "ar": "منسوجات وورق جدران",
}


@pytest.fixture
def textiles_object(object_factory) -> Object:
    category, _created = Category.objects.get_or_create(
        slug="textiles", defaults={"name": "Textiles and wallpaper", "position": 90}
    )
    return object_factory(code="W12-2026", category=category, title="Striped wallpaper")


def _category_links(html: str) -> dict[str, str]:
    """The category filter's links: href → the text a reader sees."""
    nav = [e for e in parse_html(html) if e.tag == "nav" and e.attrs.get("class") == "categories"]
    assert len(nav) == 1, "the gallery has one category filter"
    return {
        str(link.attrs["href"]): " ".join(link.text.split())
        for link in find_all(html, "a")
        if str(link.attrs.get("href", "")).startswith("?category=")
    }


@pytest.mark.parametrize(("language", "expected"), sorted(TEXTILES.items()))
def test_the_category_filter_names_the_category_in_the_language_of_the_page(
    client: Client, textiles_object: Object, language: str, expected: str
) -> None:
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert _category_links(html) == {"?category=textiles#gallery-heading": expected}
    assert "Textiles and wallpaper" not in html


def test_english_keeps_the_english_name(client: Client, textiles_object: Object) -> None:
    html = unescape(client.get("/").content.decode())
    assert _category_links(html) == {"?category=textiles#gallery-heading": "Textiles and wallpaper"}
    # A phone shows the intro and the figures first: a search, a category or another page of results
    # lands on the list itself, not at the top of the page.
    (form,) = [e for e in find_all(html, "form") if e.attrs.get("role") == "search"]
    assert form.attrs["action"] == "#gallery-heading"
    assert 'id="gallery-heading"' in html


@pytest.mark.parametrize(("language", "expected"), sorted(TEXTILES.items()))
def test_the_object_page_names_its_category_in_the_language_of_the_page(
    client: Client, textiles_object: Object, language: str, expected: str
) -> None:
    response = client.get(f"/{language}/objects/{textiles_object.code}/")
    assert response.status_code == 200
    shown = [
        e.text.strip()
        for e in parse_html(unescape(response.content.decode()))
        if e.attrs.get("class") == "object-category"
    ]
    assert shown == [expected]


def test_a_category_shown_as_text_follows_the_active_language(textiles_object: Object) -> None:
    """The partner portal and the dossier print ``{{ object.category }}``: a Lithuanian partner reads
    the Lithuanian name."""
    with translation.override("lt"):
        assert str(textiles_object.category) == "Tekstilė ir tapetai"
    with translation.override("de"):
        assert str(textiles_object.category) == "Textilien und Tapeten"


def test_a_category_staff_added_later_keeps_its_stored_name(client: Client, object_factory) -> None:
    category = Category.objects.create(slug="kitchenware", name="Kitchenware", position=200)
    object_factory(category=category)
    for prefix in ("", "/pl", "/ar"):
        html = unescape(client.get(f"{prefix}/").content.decode())
        assert _category_links(html) == {"?category=kitchenware#gallery-heading": "Kitchenware"}
