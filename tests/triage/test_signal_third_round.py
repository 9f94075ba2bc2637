# ruff: noqa: RUF001 - letters of many scripts are the point of these strings
"""The third round of country signals (2026-12-08): shared currencies, regions shared across borders,
a place's word before a food noun, language lists before "on", and a city next to another country's
region. Each rule with mentions that must still give their country. Pure functions: no database."""

from __future__ import annotations

import pytest

from traceobject.triage.signals import extract_text


def countries(text: str, threshold: float = 0.5) -> set[str]:
    return {signal.code for signal in extract_text(text).countries if signal.confidence >= threshold}


@pytest.mark.parametrize(
    "text",
    [
        "Preț 49,99 lei pe etichetă.",
        "Price tag: 120 lei, no shop name.",
        "В пакете чек на 120 руб.",
        "Цена 300 рублей, больше ничего.",
    ],
)
def test_a_shared_currency_alone_names_no_country(text: str) -> None:
    assert countries(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cena 35 lei, podobno kupione w Mołdawii.", {"MD"}),
        ("Preț 20 lei, adus din România.", {"RO"}),
        ("Цена 300 ₽ на ценнике.", {"RU"}),
        ("Цена 300 RUB.", {"RU"}),
        ("Kaina 20 zł.", {"PL"}),
        ("Цена 10 лв. на етикета.", {"BG"}),
    ],
)
def test_a_currency_of_one_country_or_settled_by_the_tip(text: str, expected: set[str]) -> None:
    assert countries(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "La alfombra es de La Rioja, según la señora.",
        "Іграшка з Буковини, чийсь подарунок.",
        "Seragam sekolahnya dari Kalimantan.",
        "A rug hand knotted in Kashmir.",
        "Tapijt met een label 'handgemaakt in de Ardennen'.",
        "The scarf is from Punjab.",
    ],
)
def test_a_region_shared_across_borders_names_no_country_alone(text: str) -> None:
    assert countries(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Z Bukowiny, z północnej Rumunii.", {"RO"}),
        ("La Rioja, Argentina: así dice la etiqueta.", {"AR"}),
        ("Trouvé dans la province de Luxembourg, près d'Arlon.", {"BE"}),
        ("Gekauft in Luxemburg, in der Hauptstadt.", {"LU"}),
        ("Ein Teppich aus Bayern.", {"DE"}),
    ],
)
def test_a_shared_region_settled_and_real_regions_stay(text: str, expected: set[str]) -> None:
    assert countries(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Στην τσάντα είχε ένα ποτήρι ελληνικό καφέ και μια αγγλική κρέμα.",
        "Kotis oli pakk prantsuse saia ja hapukurgid.",
        "가방 안에 베트남 쌀국수 컵라면이랑 사탕이 있었어요.",
        "袋子里有一个青岛啤酒的开瓶器。",
        "An empty Fiji Water bottle in the pocket.",
        "Somā bija kartupeļu salāti un Kijevas kotlete.",
        "Dans la poche: un pot de petits-suisses vide.",
        "Une crème anglaise dans le sac.",
        "Chicken Kiev in the fridge.",
    ],
)
def test_a_place_word_before_a_food_noun_is_a_dish_or_a_brand(text: str) -> None:
    assert countries(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It is a Polish brand.", {"PL"}),
        ("A garrafa parece de cerveja alemã.", {"DE"}),
        ("La bottiglia è di una birra austriaca.", {"AT"}),
        ("Made in Germany, water bottle.", {"DE"}),
        ("Kupione z Polski, w środku chleb.", {"PL"}),
        ("Der Kaffee kommt aus Kolumbien.", {"CO"}),
    ],
)
def test_origins_near_food_stay(text: str, expected: set[str]) -> None:
    assert countries(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Greek and English on the lid of the tin, nothing else useful.",
        "Français et anglais sur l'étiquette.",
    ],
)
def test_a_language_list_before_on_names_languages(text: str) -> None:
    assert countries(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Polish and German brands on the shelf.", {"PL", "DE"}),
        ("It came from Poland and Germany on the same day.", {"PL", "DE"}),
    ],
)
def test_lists_of_origins_stay(text: str, expected: set[str]) -> None:
    assert countries(text) == expected


def test_a_city_next_to_another_countrys_region_is_weak() -> None:
    assert countries("Магнитик из Санкт-Петербурга, который во Флориде.") == {"US"}


def test_a_city_and_a_region_in_other_sentences_stay() -> None:
    assert countries("I bought it in Lyon. Later in Bavaria I saw it again.") == {"FR", "DE"}
