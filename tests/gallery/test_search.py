# ruff: noqa: RUF001 - letters of many scripts are the point of these strings
"""The gallery search (gallery/search.py) through the selectors the pages use, on the test database
(SQLite, and PostgreSQL when DATABASE_URL names one: the same tests cover FTS5 and pg_trgm).

Expected answers are written by hand from the objects' text, never computed by the code under test."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import ObjectFactory, ReleaseFactory
from tests.utils import find_all
from traceobject.gallery import search, selectors
from traceobject.gallery.models import (
    Audience,
    Object,
    ObjectStatus,
    ObjectTranslation,
    SearchDocument,
    SearchText,
    SearchWord,
)
from traceobject.gallery.selectors import GalleryFilter, StaffObjectFilter

pytestmark = pytest.mark.django_db


def found(query: str) -> list[str]:
    return sorted(obj.code for obj in selectors.gallery_list(filters=GalleryFilter(query=query)))


def staff_found(query: str) -> list[str]:
    return sorted(obj.code for obj in selectors.objects_staff_list(filters=StaffObjectFilter(query=query)))


def translate(
    obj: Object, language: str, title: str, description: str = "", **fields: Any
) -> ObjectTranslation:
    return ObjectTranslation.objects.create(
        object=obj, language=language, title=title, description=description, **fields
    )


@pytest.fixture
def handbag() -> Object:
    obj = ObjectFactory(
        code="B17-2026",
        title="Red handbag with a gold clasp",
        description="Faux leather, a small café logo on the strap.",
        questions=["Which shop sold this purse?"],
        hints=["Look at the zipper pull, not the colour."],
        internal_notes="Seized in the Millbrook search.",
        case_reference="OP-NIGHTJAR-7",
    )
    translate(obj, "fr", "Sac à main rouge avec un fermoir doré")
    translate(obj, "de", "Rote Handtasche mit Goldverschluss", "Kunstleder, ein kleines Logo.")
    translate(obj, "ar", "حقيبة يد حمراء بمشبك ذهبي", "لون أحمر داكن.")
    translate(obj, "ru", "Красная сумочка с золотой застёжкой")
    translate(obj, "ja", "金の留め金が付いた赤いハンドバッグ")
    translate(obj, "zh-hans", "带金扣的红色手提包")
    translate(obj, "el", "Κόκκινη τσάντα με χρυσό κούμπωμα", "Μια μικρή ΟΔΟΣ.")
    translate(obj, "tr", "Altın tokalı kırmızı el çantası")
    translate(obj, "pl", "Czerwona torebka ze złotym zapięciem", "Kupiona w Łodzi.")
    translate(obj, "hi", "सुनहरे बकसुए वाला लाल हैंडबैग")
    translate(obj, "th", "กระเป๋าถือสีแดงตัวล็อกสีทอง")
    translate(obj, "fa", "کیف دستی قرمز با قفل طلایی")
    translate(obj, "ko", "금색 잠금장치가 달린 빨간 핸드백")
    translate(obj, "vi", "Túi xách đỏ có khóa vàng")
    return obj


@pytest.fixture
def others() -> list[Object]:
    """Objects that share words with the handbag but never all of a test's words."""
    return [
        ObjectFactory(code="T2-2026", title="Blue bag of marbles", description="Glass marbles in a net."),
        ObjectFactory(code="T3-2026", title="Red toy car", description="A die-cast car, scratched paint."),
        ObjectFactory(code="T4-2026", title="Teddy bear", description="Brown plush, one button eye."),
    ]


# --- The issue's examples -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("red bag", ["B17-2026"]),  # both words, "bag" inside "handbag"
        ("BAG red", ["B17-2026"]),  # any order, any case
        ("red", ["B17-2026", "T3-2026"]),
        ("bag", ["B17-2026", "T2-2026"]),
        ("sac", ["B17-2026"]),  # the French translation: "Sac à main"
        ("Tasche", ["B17-2026"]),  # the German translation: "Handtasche"
        ("tasche", ["B17-2026"]),
        ("TASCHE", ["B17-2026"]),
        ("tAsChE", ["B17-2026"]),
        ("cafe", ["B17-2026"]),  # "café" in the description
        ("CAFÉ", ["B17-2026"]),
        ("B17-2026", ["B17-2026"]),  # the code
        ("b17-2026", ["B17-2026"]),
        ("b17", ["B17-2026"]),
        ("purse", ["B17-2026"]),  # a question
        ("zipper", ["B17-2026"]),  # a hint
        ("red marbles", []),  # each word is somewhere, never both in one object
        ("handbag shoe", []),
        ("", ["B17-2026", "T2-2026", "T3-2026", "T4-2026"]),
        ("   ", ["B17-2026", "T2-2026", "T3-2026", "T4-2026"]),
        ("?!", ["B17-2026", "T2-2026", "T3-2026", "T4-2026"]),  # punctuation only: no word
    ],
)
def test_the_issue_examples(handbag: Object, others: list[Object], query: str, expected: list[str]) -> None:
    assert found(query) == expected
    assert staff_found(query) == expected


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("حقيبة", "Arabic: bag"),
        ("حمراء", "Arabic: red (feminine)"),
        ("احمر", "Arabic: red, typed without the hamza of أحمر"),
        ("сумочка", "Russian: handbag"),
        ("СУМОЧК", "Russian, upper case, a piece of the word"),
        ("застежкой", "Russian ё typed as е"),
        ("ハンドバッグ", "Japanese: handbag, inside a sentence with no spaces"),
        ("バッグ", "Japanese: bag, a piece of ハンドバッグ"),
        ("手提包", "Chinese: handbag"),
        ("包", "Chinese: bag, one character"),
        ("红色", "Chinese: red, two characters"),
        ("金", "Japanese and Chinese: gold, one character"),
        ("τσαντα", "Greek without its accent"),
        ("ΤΣΆΝΤΑ", "Greek in capitals"),
        ("οδος", "Greek: ΟΔΟΣ in the text, typed with a σ where it would end in ς"),
        ("οδός", "Greek with its accent and final sigma"),
        ("kirmizi", "Turkish dotless ı typed as i"),
        ("KIRMIZI", "Turkish in capitals"),
        ("lodzi", "Polish Ł typed as L"),
        ("हैंडबैग", "Hindi: handbag"),
        ("กระเป๋าถือ", "Thai: handbag, inside a text with no spaces"),
        ("สีแดง", "Thai: red"),
        ("قرمز", "Persian: red"),
        ("كيف", "Persian bag typed with the Arabic kaf and yeh"),
        ("핸드백", "Korean: handbag"),
        ("빨간", "Korean: red, two syllables"),
        ("tui xach", "Vietnamese without its tone marks"),
        ("túi xách đỏ", "Vietnamese with them"),
    ],
)
def test_words_of_every_script(handbag: Object, others: list[Object], query: str, note: str) -> None:
    assert found(query) == ["B17-2026"], note


@pytest.mark.parametrize("query", ["包 red", "红色 tasche", "bag 金", "a", "ed", "b1", "17"])
def test_short_words_match_inside_words(handbag: Object, others: list[Object], query: str) -> None:
    """Words of one or two characters are looked up among the pieces of words, not as whole words."""
    assert "B17-2026" in found(query)


@pytest.mark.parametrize("query", ["包 blue", "qq", "щ", "红色 marbles", "zz", "7x"])
def test_short_words_that_are_nowhere_find_nothing(handbag: Object, others: list[Object], query: str) -> None:
    assert found(query) == []


def test_short_words_narrow_like_long_ones(handbag: Object, others: list[Object]) -> None:
    # "ed" is in "red" (B17, T3), "scratched" (T3) and "teddy" (T4); "ar" in "marbles", "car" and "bear".
    assert found("ed") == ["B17-2026", "T3-2026", "T4-2026"]
    assert found("ed ar") == ["T3-2026", "T4-2026"]
    assert found("ye") == ["T4-2026"]  # "eye"
    assert found("qu") == []


def test_a_short_word_search_leaves_the_planner_as_it_found_it(handbag: Object, others: list[Object]) -> None:
    """On PostgreSQL the lookup of short words tells the planner to use the index for that statement
    only: a caller's transaction goes on with its own setting, and its other queries still work."""
    if connection.vendor != "postgresql":
        pytest.skip("the planner setting exists on PostgreSQL only")
    with transaction.atomic(), connection.cursor() as cursor:
        assert found("ed ar") == ["T3-2026", "T4-2026"]
        cursor.execute("SELECT current_setting('enable_seqscan')")
        assert cursor.fetchone() == ("on",)
        cursor.execute("SET LOCAL enable_seqscan = off")
        assert found("ye") == ["T4-2026"]
        cursor.execute("SELECT current_setting('enable_seqscan')")
        assert cursor.fetchone() == ("off",)
        cursor.execute("SET LOCAL enable_seqscan = on")  # the test's own transaction outlives this block


# --- Only what the page may show ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"status": ObjectStatus.DRAFT},
        {"status": ObjectStatus.IN_REVIEW},
        {"status": ObjectStatus.APPROVED},
        {"status": ObjectStatus.WITHDRAWN},
        {"status": ObjectStatus.ARCHIVED},
        {"audience": Audience.PARTNERS},
        {"release": None},
    ],
    ids=lambda changes: str(next(iter(changes.values()))),
)
def test_a_hidden_object_is_never_found_in_public(changes: dict[str, Any]) -> None:
    ObjectFactory(code="SHOWN-1", title="Green umbrella")
    ObjectFactory(code="HIDDEN-1", title="Green umbrella", **changes)
    for query in ("umbrella", "green umbrella", "HIDDEN-1", "hidden", "gr", "u"):
        assert "HIDDEN-1" not in found(query), query
    # The staff list shows every object, so it finds it.
    assert staff_found("umbrella") == ["HIDDEN-1", "SHOWN-1"]


def test_an_object_of_a_future_release_is_not_found() -> None:
    ObjectFactory(
        code="LATER-1",
        title="Green umbrella",
        release=ReleaseFactory(publish_at=timezone.now() + timedelta(hours=1)),
    )
    assert found("umbrella") == []


def test_internal_fields_are_never_searched(handbag: Object) -> None:
    for query in ("Millbrook", "nightjar", "OP-NIGHTJAR-7", "seized"):
        assert found(query) == [], query
        assert staff_found(query) == [], query
    assert not SearchText.objects.filter(text__contains="nightjar").exists()
    assert not SearchText.objects.filter(text__contains="millbrook").exists()


def test_search_keeps_the_category_filter_and_the_order(category_factory, release_factory) -> None:
    toys = category_factory(slug="toys")
    bags = category_factory(slug="bags")
    old = release_factory(publish_at=timezone.now() - timedelta(days=30))
    new = release_factory(publish_at=timezone.now() - timedelta(days=1))
    ObjectFactory(code="A2-2026", title="Red ball", category=toys, release=old)
    ObjectFactory(code="A1-2026", title="Red kite", category=toys, release=old)
    ObjectFactory(code="Z9-2026", title="Red yo-yo", category=toys, release=new)
    ObjectFactory(code="B1-2026", title="Red bag", category=bags, release=new)
    in_order = [
        obj.code for obj in selectors.gallery_list(filters=GalleryFilter(query="red", category="toys"))
    ]
    assert in_order == ["Z9-2026", "A1-2026", "A2-2026"]


# --- The index follows the objects --------------------------------------------------------------------


def test_editing_a_translation_changes_what_is_found(handbag: Object) -> None:
    german = ObjectTranslation.objects.get(object=handbag, language="de")
    german.title = "Roter Beutel"
    german.save()
    assert found("Handtasche") == []
    assert found("beutel") == ["B17-2026"]


def test_a_translation_added_or_deleted(handbag: Object) -> None:
    assert found("kabelka") == []
    czech = translate(handbag, "cs", "Červená kabelka")
    assert found("kabelka") == ["B17-2026"]
    assert found("cervena") == ["B17-2026"]
    czech.delete()
    assert found("kabelka") == []
    # The other parts are untouched.
    assert found("tasche") == ["B17-2026"]
    assert found("包") == ["B17-2026"]


def test_a_translation_moved_to_another_language(handbag: Object) -> None:
    french = ObjectTranslation.objects.get(object=handbag, language="fr")
    french.language = "it"
    french.title = "Borsetta rossa"
    french.save()
    assert found("sac") == []
    assert found("borsetta") == ["B17-2026"]
    assert set(SearchText.objects.filter(object=handbag).values_list("part", flat=True)) >= {"", "it"}
    assert not SearchText.objects.filter(object=handbag, part="fr").exists()


def test_editing_the_object_changes_what_is_found(handbag: Object) -> None:
    handbag.title = "Burgundy satchel"
    handbag.hints = ["Sold with a dust cover."]
    handbag.save()
    assert found("satchel") == ["B17-2026"]
    assert found("dust cover") == ["B17-2026"]
    assert found("zipper") == []
    assert found("handbag") == []  # only the English title said it (the Hindi हैंडबैग is not "handbag")
    assert found("tasche") == ["B17-2026"]  # the translations are untouched


def test_withdrawing_an_object_takes_it_out_of_the_results(handbag: Object, staff) -> None:
    from traceobject.gallery import services

    assert found("handbag") == ["B17-2026"]
    services.object_withdraw(actor=staff["publisher"], obj=handbag, reason="A reflection shows a face.")
    assert found("handbag") == []
    assert staff_found("handbag") == ["B17-2026"]


def test_a_save_that_changes_no_text_writes_nothing(handbag: Object, django_assert_num_queries) -> None:
    handbag.status = ObjectStatus.ARCHIVED
    with django_assert_num_queries(1):  # the UPDATE of the object; the index is not read
        handbag.save(update_fields=["status", "updated_at"])
    # A full save reads the index (its translations and rows) but writes nothing when nothing changed.
    with django_assert_num_queries(3):
        handbag.save()


def test_deleting_an_object_deletes_its_rows(handbag: Object) -> None:
    object_id = handbag.pk
    handbag.delete()
    assert not SearchText.objects.filter(object_id=object_id).exists()
    assert not SearchDocument.objects.filter(object_id=object_id).exists()
    assert found("handbag") == []
    assert search.search_check().ok


# --- Rebuild and check --------------------------------------------------------------------------------


def test_rebuild_restores_a_damaged_index(handbag: Object, others: list[Object]) -> None:
    # A write that went around the receivers: the index does not know the new title.
    Object.objects.filter(pk=handbag.pk).update(title="Velvet clutch")
    SearchText.objects.filter(object=others[0]).delete()
    report = search.search_check()
    assert report.objects == 4
    assert sorted(report.stale) == sorted([handbag.pk, others[0].pk])
    assert found("clutch") == []
    if connection.vendor == "sqlite":  # PostgreSQL looks longer words up in the dictionary, not these rows
        assert found("marbles") == []

    assert search.search_rebuild() == 4
    assert search.search_check().ok
    assert found("clutch") == ["B17-2026"]
    assert found("marbles") == ["T2-2026"]
    assert found("包") == ["B17-2026"]
    assert found("red") == ["T3-2026"]  # the handbag's text no longer says "red" in any language


def test_the_command_checks_and_rebuilds(handbag: Object, others: list[Object], capsys) -> None:
    call_command("searchindex", "--check")
    assert "4 objects, index up to date" in capsys.readouterr().out
    Object.objects.filter(pk=handbag.pk).update(title="Velvet clutch")
    with pytest.raises(CommandError, match="1 object out of step"):
        call_command("searchindex", "--check")
    call_command("searchindex", "--rebuild")
    assert "4 objects indexed" in capsys.readouterr().out
    call_command("searchindex", "--check")
    assert found("clutch") == ["B17-2026"]


# --- PostgreSQL's word dictionary ----------------------------------------------------------------------

dictionary = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the word dictionary is filled on PostgreSQL only"
)


def posted_words(obj: Object) -> set[str]:
    """The words an object's postings name, read from the tables (not through the code under test)."""
    (ids,) = SearchDocument.objects.filter(object=obj).values_list("words", flat=True)
    numbers = [int(number) for number in ids.split()]
    assert len(numbers) == len(set(numbers))
    words = set(SearchWord.objects.filter(id__in=numbers).values_list("word", flat=True))
    assert len(words) == len(numbers)
    return words


@dictionary
def test_the_dictionary_holds_each_word_once(handbag: Object, others: list[Object]) -> None:
    # "red" is in the handbag's and the toy car's English titles, "marbles" twice in one object.
    assert SearchWord.objects.filter(word="red").count() == 1
    assert SearchWord.objects.filter(word="marbles").count() == 1
    assert {"red", "handbag", "b17", "2026", "handtasche", "cafe", "zipper"} <= posted_words(handbag)
    assert "tasche" not in posted_words(handbag)  # only inside "handtasche": words, not pieces
    assert "nightjar" not in posted_words(handbag)
    assert not SearchWord.objects.filter(word__contains="millbrook").exists()
    marbles = posted_words(others[0])
    assert {"t2", "2026", "blue", "bag", "of", "marbles", "glass", "in", "a", "net"} <= marbles
    assert "red" not in marbles
    assert "handbag" not in marbles


@dictionary
def test_an_edit_that_removes_a_word_removes_its_posting(handbag: Object, others: list[Object]) -> None:
    car = others[1]
    car.title = "Green toy car"
    car.save()
    assert "red" not in posted_words(car)
    assert "green" in posted_words(car)
    assert found("green") == ["T3-2026"]
    # The word stays in the dictionary (the handbag still says it; it would stay anyway until a rebuild).
    assert SearchWord.objects.filter(word="red").exists()
    assert search.search_check().ok


@dictionary
def test_a_word_no_object_uses_stays_until_a_rebuild(others: list[Object]) -> None:
    others[2].title = "Plush rabbit"
    others[2].save()
    assert SearchWord.objects.filter(word="teddy").exists()
    assert found("teddy") == []
    assert search.search_check().ok  # an unused word is not an error
    search.search_rebuild()
    assert not SearchWord.objects.filter(word="teddy").exists()
    assert found("rabbit") == ["T4-2026"]


@dictionary
def test_a_deleted_translation_takes_its_words_out_of_the_postings(handbag: Object) -> None:
    assert "handtasche" in posted_words(handbag)
    ObjectTranslation.objects.get(object=handbag, language="de").delete()
    words = posted_words(handbag)
    assert "handtasche" not in words
    assert "kunstleder" not in words
    assert {"handbag", "sac", "rouge"} <= words  # the other parts stay
    assert found("handtasche") == []
    assert search.search_check().ok


@dictionary
def test_a_deleted_object_leaves_no_postings(handbag: Object, others: list[Object]) -> None:
    handbag.delete()
    assert not SearchDocument.objects.filter(object_id=handbag.pk).exists()
    assert found("handbag") == []
    assert found("bag") == ["T2-2026"]
    assert search.search_check().ok


@dictionary
def test_rebuild_repairs_damaged_postings_and_dictionary(handbag: Object, others: list[Object]) -> None:
    SearchDocument.objects.filter(object=others[0]).update(words="")
    SearchWord.objects.filter(word="handtasche").update(word="handkoffer")
    report = search.search_check()
    assert sorted(report.stale) == sorted([handbag.pk, others[0].pk])
    assert found("marbles") == []
    assert found("handtasche") == []
    search.search_rebuild()
    assert search.search_check().ok
    assert found("marbles") == ["T2-2026"]
    assert found("handtasche") == ["B17-2026"]
    assert found("handkoffer") == []


@dictionary
def test_the_check_notices_a_missing_dictionary_index(handbag: Object) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX gallery_searchword_trgm")
    report = search.search_check()
    assert not report.ok
    assert any("gallery_searchword_trgm" in problem for problem in report.problems)
    with pytest.raises(CommandError, match="check of the search index failed"):
        call_command("searchindex", "--check")
    call_command("searchindex", "--rebuild")
    assert search.search_check().ok
    assert found("handbag") == ["B17-2026"]


@dictionary
def test_a_long_word_without_spaces_is_indexed(handbag: Object) -> None:
    """A B-tree entry holds at most about 2,700 bytes; the dictionary's unique key is a hash, so a
    description of one unbroken 3,000-character word (9,000 bytes) is indexed and found."""
    long_word = "包手提红色" * 600
    obj = ObjectFactory(code="L1-2026", title="Long", description=long_word)
    assert long_word in posted_words(obj)
    assert found("红色包手提红色包") == ["L1-2026"]
    assert search.search_check().ok


def test_sqlite_leaves_the_dictionary_empty(handbag: Object) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's case")
    assert not SearchWord.objects.exists()
    assert set(SearchDocument.objects.values_list("words", flat=True)) == {""}
    assert search.search_check().ok


# --- Bad input costs nothing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "\x00",
        "bag\x00red",
        "\x00\x01\x1f\x7f",
        "\u200b\u200c\u200d\ufeff",  # zero-width characters only
        "\ud800",  # a lone surrogate
        '"bag" OR red*',  # FTS5 syntax is just text here
        "bag NEAR(red) ^",
        "%_\\",  # LIKE's wildcards are just text
        "' OR 1=1 --",
        "\ufdfa" * 100,  # a ligature that NFKD makes 18 characters long
        "x" * 5000,
        " ".join(f"w{number:03d}" for number in range(300)),  # many distinct words
        " ".join(f"{number:02d}" for number in range(100)),  # many distinct short words
    ],
)
def test_odd_queries_answer(handbag: Object, query: str) -> None:
    found(query)
    staff_found(query)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("bag\x00red", ["B17-2026"]), ("bag%", ["B17-2026", "T2-2026"]), ("b_g", ["B17-2026", "T2-2026"])],
)
def test_odd_queries_mean_what_they_say(
    handbag: Object, others: list[Object], query: str, expected: list[str]
) -> None:
    assert found(query) == expected


# --- The pages ------------------------------------------------------------------------------------------


def _page_codes(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<span class="card-code">([^<]*)</span>', response.content.decode())


@pytest.mark.parametrize(
    ("path", "query"),
    [("/", "red bag"), ("/", "包"), ("/fr/", "sac rouge"), ("/de/", "Handtasche"), ("/", "b17-2026")],
)
def test_the_home_page_searches(client, handbag: Object, others: list[Object], path: str, query: str) -> None:
    assert _page_codes(client.get(path, {"q": query})) == ["B17-2026"]


def test_the_home_page_search_costs_the_same_queries_with_many_objects(
    client, handbag: Object, count_queries
) -> None:
    client.get("/", {"q": "red"})  # the first request does some one-off work
    few = count_queries(lambda: client.get("/", {"q": "red"}))
    for number in range(30):
        obj = ObjectFactory(code=f"M{number}-2026", title=f"Red mug number {number}")
        translate(obj, "de", f"Roter Becher {number}")
    many = count_queries(lambda: client.get("/", {"q": "red"}))
    assert few == many, (few, many)
    assert len(_page_codes(client.get("/", {"q": "red"}))) == 24  # a full first page


@pytest.mark.parametrize("query", ["%00", "%00%01", "a%00b", "%E2%80%8B"])
def test_the_home_page_with_control_characters(client, handbag: Object, query: str) -> None:
    assert client.get(f"/?q={query}").status_code == 200


def test_the_staff_list_searches_every_language(staff_client, handbag: Object, others: list[Object]) -> None:
    client = staff_client("analyst")
    assert _page_codes_staff(client.get("/staff/objects/", {"q": "tasche"})) == ["B17-2026"]
    assert _page_codes_staff(client.get("/staff/objects/", {"q": "nightjar"})) == []


def _page_codes_staff(response) -> list[str]:
    assert response.status_code == 200
    return sorted(
        element.text.strip() for element in find_all(response.content.decode(), "a", class_="object-code")
    )


# --- Normalisation --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("ΟΔΟΣ", "οδοσ"),
        ("οδός", "οδοσ"),
        ("Łódź", "lodz"),
        ("İstanbul", "istanbul"),
        ("kırmızı", "kirmizi"),
        ("Ørsted Æble", "orsted aeble"),
        ("ＢＡＧ", "bag"),
        ("ﬁsh", "fish"),
        ("Hand\u00adtasche", "handtasche"),
        ("T-shirt", "t shirt"),
        ("l'ours", "l ours"),
        ("أحمر إناء آخر", "احمر اناء اخر"),
        ("كيس", "کیس"),
        ("٢٠١٦ ۲۰۱۶ २०१६", "2016 2016 2016"),
        ("ﾊﾝﾄﾞﾊﾞｯｸﾞ", "ハンドバッグ"),  # half-width kana
        ("バッグ", "バッグ"),  # the voicing mark is a letter here: not ハック
        ("हैंडबैग", "हैंडबैग"),  # Devanagari vowel signs stay
        ("가방", "가방"),  # Hangul comes back as syllables
        ("a\x00b\tc\nd", "a b c d"),
    ],
)
def test_normalise(text: str, folded: str) -> None:
    assert search.normalise(text) == folded


def test_query_words_drop_what_another_word_contains() -> None:
    assert search.query_words("bag handbag BAG red") == ["handbag", "red"]
    assert search.query_words("包 手提包") == ["手提包"]
    assert search.query_words("...") == []


# --- Any word, any piece --------------------------------------------------------------------------------

# Letters that normalisation leaves as they are once lower-cased, from several scripts (no two of them fold
# together), so that the oracle below can be plain Python: lower-case, and look for each word in the text.
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZабвгдежзклмнопрстуфхцчшщыэюяБВГДЖЗ" + (
    "αβγδεζηθικλμνξοπρτυφχψω包手提红色金扣的一个人我バグハンドッ가방빨간حقبمر"
)
_word = st.text(alphabet=_LETTERS, min_size=1, max_size=8)
_pick = st.tuples(st.integers(0, 3), st.integers(0, 5), st.integers(0, 7), st.integers(1, 4))


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(st.lists(_word, min_size=1, max_size=6).map(" ".join), min_size=1, max_size=4),
    picks=st.lists(_pick, min_size=1, max_size=3),
)
def test_every_piece_of_every_word_is_found(texts: list[str], picks: list[tuple[int, int, int, int]]) -> None:
    """Pieces cut from the objects' own words (one to four characters, the case swapped) find exactly the
    objects whose text holds each of them, as Python's ``in`` on the lower-cased text says."""
    with transaction.atomic():
        objects = [
            ObjectFactory(code=f"H{index}-2026", title="", description=text, questions=[], hints=[])
            for index, text in enumerate(texts)
        ]
        words = []
        for object_index, word_index, start, length in picks:
            own = texts[object_index % len(texts)].split()
            word = own[word_index % len(own)]
            words.append(word[start % len(word) :][:length].swapcase())
        query = " ".join(words)
        expected = sorted(
            obj.code
            for obj in objects
            if all(word.lower() in f"{obj.code} {obj.description}".lower() for word in words)
        )
        assert found(query) == expected, query
        transaction.set_rollback(True)
