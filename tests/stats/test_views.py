"""The public results page and the home page's figures: the same selector, numbers in the visitor's
locale, SVG charts with a table beside them, no country named, no JavaScript, and a page that costs no
query once the figures are cached."""

from __future__ import annotations

import re

import pytest
from babel import Locale

from tests.stats.conftest import Catalogue, Loop
from tests.test_public_pages import assert_loads_nothing_from_elsewhere
from tests.utils import find_all, find_by_id, parse_html
from traceobject.stats.selectors import results_figures

pytestmark = pytest.mark.django_db

RESULTS = "/results/"
FIGURE_IDS = [
    "figure-objects-published",
    "figure-tips-received",
    "figure-objects-identified",
    "figure-countries-with-leads",
    "figure-victims-identified",
    "figure-offenders-arrested",
]


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _figures(html: str) -> dict[str, str]:
    found = {}
    for element_id in FIGURE_IDS:
        element = find_by_id(html, element_id)
        assert element is not None, element_id
        found[element_id.removeprefix("figure-")] = " ".join(element.text.split())
    return found


def _bars(html: str, chart_id: str) -> int:
    """The bars of the SVG chart inside the figure of that id."""
    match = re.search(rf'<figure[^>]*id="{chart_id}".*?</figure>', html, flags=re.DOTALL)
    assert match, chart_id
    svg = match.group(0)
    assert 'role="img"' in svg
    assert "<title>" in svg
    return len(find_all(svg, "rect", class_="bar"))


def test_results_page_shows_the_figures(client, loop: Loop) -> None:
    """Right after the loop: the objects are in their quiet period and the outcome's quarter is not
    published, so the page shows the catalogue and nothing of the loop."""
    html = _html(client.get(RESULTS))
    assert _figures(html) == {
        "objects-published": "3",
        "tips-received": "4",
        "objects-identified": "0",
        "countries-with-leads": "fewer than 5",
        "victims-identified": "fewer than 5",
        "offenders-arrested": "fewer than 5",
    }
    # Placed and widespread are never told apart in public.
    assert "figure-objects-placed" not in html
    assert "figure-objects-widespread" not in html
    # Tips per month: January to March, one bar per month; no identification is public yet.
    assert _bars(html, "chart-tips-per-month") == 3
    assert _bars(html, "chart-identifications") == 0
    assert "No object identified yet." in html
    tables = find_all(html, "table")
    assert len(tables) == 1
    assert "January 2026" in tables[0].text
    assert "March 2026" in tables[0].text
    assert find_by_id(html, "figures-period") is not None


def test_results_page_names_no_country(client, loop: Loop) -> None:
    """The determination placed the bag to Poland and Germany: the pages say how many countries, not which."""
    pages = [(language, page) for language in ("en", "fr", "de") for page in (RESULTS, "/")]
    for language, page in pages:
        html = _html(client.get(page if language == "en" else f"/{language}{page}"))
        text = " ".join(element.text for element in parse_html(html) if element.tag == "main")
        for code in ("PL", "DE"):
            name = Locale(language).territories[code]
            assert name not in html, (language, name)
            assert not re.search(rf"\b{code}\b", text), (language, code)


def test_results_page_is_public_static_and_self_contained(client, loop: Loop) -> None:
    response = client.get(RESULTS)
    html = _html(response)
    assert_loads_nothing_from_elsewhere(html, RESULTS)
    assert not find_all(html, "script")
    assert {part.strip() for part in response["Cache-Control"].split(",")} == {"public", "max-age=60"}
    assert not response.cookies
    assert client.post(RESULTS).status_code == 405


def test_results_page_formats_numbers_for_the_locale(client, catalogue: Catalogue) -> None:
    from traceobject.triage.models import Tally

    Tally.objects.filter(object=catalogue.lamp, dimension="total").update(tips=12_340)
    assert _figures(_html(client.get(RESULTS)))["tips-received"] == "12,343"
    assert _figures(_html(client.get(f"/de{RESULTS}")))["tips-received"] == "12.343"
    # A (narrow) no-break space in French; the helper folds white space.
    assert _figures(_html(client.get(f"/fr{RESULTS}")))["tips-received"] == "12 343"


def test_results_page_when_there_is_nothing_yet(client, db: None) -> None:
    html = _html(client.get(RESULTS))
    assert find_by_id(html, "figure-tips-received") is None
    # No chart: the only drawing is the language picker's globe.
    assert [svg.attrs.get("class") for svg in find_all(html, "svg")] == ["globe"]
    assert find_all(html, "p", class_="empty")


def test_results_page_costs_no_query_once_cached(
    client, catalogue: Catalogue, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    with django_assert_max_num_queries(12):
        client.get(RESULTS)  # computes and stores
    with django_assert_num_queries(0):
        _html(client.get(RESULTS))
        _html(client.get(f"/fr{RESULTS}"))


def test_navigation_links_to_the_results(client, db: None) -> None:
    html = _html(client.get("/about/"))
    assert [a for a in find_all(html, "a") if a.attrs.get("href") == RESULTS]


def test_home_shows_the_same_headline_figures(client, loop: Loop) -> None:
    results = _figures(_html(client.get(RESULTS)))
    home = _html(client.get("/"))
    shown = [" ".join(dd.text.split()) for dd in find_all(home, "dd")]
    assert shown == [
        results[key]
        for key in (
            "objects-published",
            "tips-received",
            "objects-identified",
            "countries-with-leads",
            "victims-identified",
            "offenders-arrested",
        )
    ]
    assert [a for a in find_all(home, "a") if a.attrs.get("href") == RESULTS]
    assert results_figures().tips_received == 4
