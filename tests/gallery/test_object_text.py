"""An object's text in the visitor's language: the selector (``gallery.selectors.object_text``) and the
public pages that show it (the object page with its tip form, the gallery cards on the home and
identified pages), in French, Polish and Arabic. A page without a translation shows the original, says
so, and marks the original text with its own ``lang`` and ``dir``."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.disclosure import locate
from tests.factories import ObjectTranslationFactory
from tests.utils import find_all, find_by_id, tip_form_data
from traceobject.gallery import selectors
from traceobject.gallery.models import Object, ObjectTranslation

pytestmark = pytest.mark.django_db

FRENCH_TITLE = "Sac en toile bleu"
ARABIC_TITLE = "حقيبة قماشية زرقاء"


@pytest.fixture
def bag(published_object: Object) -> Object:
    """B17-2026 in English, with a French and an Arabic translation and none in Polish."""
    ObjectTranslationFactory(
        object=published_object,
        language="fr",
        title=FRENCH_TITLE,
        description="Un sac en toile bleue à fermeture jaune.",
        questions=["Quel magasin vendait ce sac ?", "D'où vient la marque ?"],
        hints=["Vendu vers 2015."],
    )
    ObjectTranslationFactory(
        object=published_object,
        language="ar",
        title=ARABIC_TITLE,
        description="حقيبة من القماش الأزرق بسحّاب أصفر.",
        questions=["أي متجر باع هذه الحقيبة؟"],
        hints=["بيعت نحو عام 2015."],
    )
    return published_object


def _page(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def _one(html: str, tag: str, **attrs: str) -> Any:
    found = find_all(html, tag, **attrs)
    assert len(found) == 1, (tag, attrs, len(found))
    return found[0]


# --- The selector ----------------------------------------------------------------------------------


def test_the_original_language_is_no_fallback(bag) -> None:
    text = selectors.object_text(obj=bag, language="en")
    assert (text.title, text.language, text.fallback, text.attrs) == ("Blue canvas bag", "en", False, "")


def test_a_translation_replaces_every_field(bag) -> None:
    text = selectors.object_text(obj=bag, language="fr")
    assert (text.title, text.language, text.fallback, text.attrs) == (FRENCH_TITLE, "fr", False, "")
    assert text.description == "Un sac en toile bleue à fermeture jaune."
    assert text.questions == ["Quel magasin vendait ce sac ?", "D'où vient la marque ?"]
    assert text.hints == ["Vendu vers 2015."]
    # The images' text alternatives are not translated: they keep the original's language.
    assert text.original_attrs == ' lang="en" dir="ltr"'


def test_a_missing_language_falls_back_to_the_original_and_says_so(bag) -> None:
    text = selectors.object_text(obj=bag, language="pl")
    assert (text.title, text.language, text.fallback) == ("Blue canvas bag", "en", True)
    assert text.questions == ["Which shop sold this bag?", "Where is the brand from?"]
    assert text.attrs == ' lang="en" dir="ltr"'
    with translation.override("pl"):
        assert text.language_name == "angielski"


def test_a_right_to_left_original_is_marked_rtl(object_factory) -> None:
    obj = object_factory(title="مصباح أصفر", original_language="ar")
    text = selectors.object_text(obj=obj, language="de")
    assert text.fallback
    assert text.attrs == ' lang="ar" dir="rtl"'


def test_a_translation_of_an_earlier_original_is_never_shown(bag) -> None:
    Object.objects.filter(pk=bag.pk).update(title="Blue canvas bag with a zip")
    bag.refresh_from_db()
    text = selectors.object_text(obj=bag, language="fr")
    assert (text.title, text.fallback) == ("Blue canvas bag with a zip", True)


@pytest.mark.parametrize(
    ("asked", "code"), [("FR", "fr"), ("pl-pl", "pl"), ("zh-hans", "zh-hans"), ("xx", "en")]
)
def test_the_visitor_language_is_one_of_the_public_codes(asked, code) -> None:
    assert selectors.visitor_language(asked) == code


def test_the_active_language_is_the_default(bag) -> None:
    with translation.override("ar"):
        assert selectors.object_text(obj=bag).title == ARABIC_TITLE


def test_prefetched_translations_cost_no_query(bag, django_assert_num_queries) -> None:
    obj = Object.objects.prefetch_related(selectors.translations_prefetch("fr")).get(pk=bag.pk)
    with django_assert_num_queries(0):
        assert selectors.object_text(obj=obj, language="fr").title == FRENCH_TITLE
    # Prefetched for French, asked for Polish: it asks the database rather than guess.
    with django_assert_num_queries(1):
        assert selectors.object_text(obj=obj, language="pl").fallback


# --- The object page ---------------------------------------------------------------------------------


def test_the_french_page_shows_the_french_text(client, bag) -> None:
    html = _page(client, "/fr/objects/B17-2026/")
    heading = _one(html, "h1")
    assert heading.text == FRENCH_TITLE
    assert "lang" not in heading.attrs  # the page's own language
    assert find_by_id(html, "text-fallback") is None
    assert [li.text for li in find_all(html, "li") if li.text.startswith("Quel magasin")] == [
        "Quel magasin vendait ce sac ?"
    ]
    assert "Vendu vers 2015." in html
    assert "Un sac en toile bleue à fermeture jaune." in html
    assert f"<title>B17-2026: {FRENCH_TITLE}" in html
    assert "Which shop sold this bag?" not in html
    # The picture's text alternative is written in English: marked so.
    image = _one(html, "img", alt="A blue bag on a plain background")
    assert (image.attrs["lang"], image.attrs["dir"]) == ("en", "ltr")


def test_the_polish_page_shows_the_english_original_marked(client, bag) -> None:
    html = _page(client, "/pl/objects/B17-2026/")
    notice = find_by_id(html, "text-fallback")
    assert notice is not None
    assert "angielski" in notice.text  # the original's language named in Polish
    heading = _one(html, "h1")
    assert heading.text == "Blue canvas bag"
    assert (heading.attrs["lang"], heading.attrs["dir"]) == ("en", "ltr")
    for css in ("questions", "hints", "object-description"):
        element = _one(html, "ul" if css != "object-description" else "div", class_=css)
        assert (element.attrs["lang"], element.attrs["dir"]) == ("en", "ltr"), css
    assert "Which shop sold this bag?" in html


def test_the_arabic_page_shows_the_arabic_text_and_marks_an_english_fallback_ltr(
    client, bag, object_factory
) -> None:
    html = _page(client, "/ar/objects/B17-2026/")
    assert _one(html, "h1").text == ARABIC_TITLE
    assert find_by_id(html, "text-fallback") is None
    assert "أي متجر باع هذه الحقيبة؟" in html
    object_factory(code="LAMP-2026", title="Yellow lamp")
    html = _page(client, "/ar/objects/LAMP-2026/")
    assert find_by_id(html, "text-fallback") is not None
    heading = _one(html, "h1")
    # English inside a right-to-left page: its own direction, so "?" and "." stay at its end.
    assert (heading.text, heading.attrs["lang"], heading.attrs["dir"]) == ("Yellow lamp", "en", "ltr")


def test_the_english_page_of_an_arabic_original_marks_it_rtl(client, object_factory) -> None:
    object_factory(code="AR-2026", title="مصباح أصفر", original_language="ar")
    html = _page(client, "/objects/AR-2026/")
    heading = _one(html, "h1")
    assert (heading.attrs["lang"], heading.attrs["dir"]) == ("ar", "rtl")
    assert find_by_id(html, "text-fallback") is not None


def test_the_tip_form_sent_back_with_errors_keeps_the_visitor_language(client, bag) -> None:
    response = client.post("/fr/objects/B17-2026/tip/", tip_form_data(text="court"))
    assert response.status_code == 400
    html = response.content.decode()
    assert _one(html, "h1").text == FRENCH_TITLE
    assert "Quel magasin vendait ce sac ?" in html


def test_the_object_page_costs_the_same_with_many_translated_related_objects(
    client, bag, object_factory, object_image_factory, count_queries, django_assert_max_num_queries
) -> None:
    def relate(count: int) -> None:
        for _ in range(count):
            other = object_factory()
            object_image_factory(obj=other)
            ObjectTranslationFactory(object=other, language="fr")
            bag.related.add(other)

    relate(2)
    few = count_queries(lambda: client.get("/fr/objects/B17-2026/"))
    relate(8)
    with django_assert_max_num_queries(few):
        html = client.get("/fr/objects/B17-2026/").content.decode()
    titles = [span.text for span in find_all(html, "span", class_="card-title")]
    assert len(titles) == 10
    assert all(title.startswith("Objet de test numéro") for title in titles)


# --- Gallery cards -------------------------------------------------------------------------------------


def _card_titles(html: str) -> dict[str, Any]:
    """Each card's code with its title element (and whether it carries the fallback tag)."""
    cards = {}
    for block in re.findall(r'<li class="card[^"]*">(.*?)</li>', html, re.DOTALL):
        code = re.search(r'<span class="card-code">([^<]*)</span>', block)
        assert code is not None
        [title] = find_all(block, "span", class_="card-title")
        cards[code.group(1)] = (title, 'class="text-fallback-tag"' in block)
    return cards


def test_home_cards_in_french_with_the_untranslated_one_marked(client, bag, object_factory) -> None:
    object_factory(code="LAMP-2026", title="Yellow lamp")
    cards = _card_titles(_page(client, "/fr/"))
    title, tagged = cards["B17-2026"]
    assert (title.text, "lang" in title.attrs, tagged) == (FRENCH_TITLE, False, False)
    title, tagged = cards["LAMP-2026"]
    assert (title.text, title.attrs["lang"], title.attrs["dir"], tagged) == ("Yellow lamp", "en", "ltr", True)


def test_identified_cards_in_polish_and_arabic(client, bag) -> None:
    locate(bag)
    ObjectTranslationFactory(object=bag, language="pl", title="Niebieska torba")
    title, tagged = _card_titles(_page(client, "/pl/identified/"))["B17-2026"]
    assert (title.text, tagged) == ("Niebieska torba", False)
    title, tagged = _card_titles(_page(client, "/ar/identified/"))["B17-2026"]
    assert (title.text, tagged) == (ARABIC_TITLE, False)
    title, tagged = _card_titles(_page(client, "/de/identified/"))["B17-2026"]
    assert (title.text, title.attrs["lang"], tagged) == ("Blue canvas bag", "en", True)


@pytest.mark.parametrize("path", ["/fr/", "/fr/identified/"])
def test_list_pages_cost_the_same_with_few_or_many_translated_objects(
    client,
    object_factory,
    object_image_factory,
    release_factory,
    count_queries,
    django_assert_max_num_queries,
    path,
) -> None:
    release = release_factory()
    located = "identified" in path

    def make(count: int) -> None:
        for _ in range(count):
            obj = object_factory(release=release)
            object_image_factory(obj=obj)
            ObjectTranslationFactory(object=obj, language="fr")
            ObjectTranslationFactory(object=obj, language="de")  # another language: never read here
            if located:
                locate(obj)

    make(3)
    cache.clear()
    few = count_queries(lambda: client.get(path))
    make(17)
    cache.clear()
    with django_assert_max_num_queries(few):
        html = client.get(path).content.decode()
    titles = [title.text for title, _tagged in _card_titles(html).values()]
    assert len(titles) == 20
    assert all(title.startswith("Objet de test numéro") for title in titles)
    assert ObjectTranslation.objects.count() == 40
