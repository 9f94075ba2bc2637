from __future__ import annotations

import pytest

from traceobject.core.countries import _sort_key, country_choices, country_codes


def test_country_codes_are_iso_alpha2_countries() -> None:
    codes = country_codes()
    assert {"PL", "FR", "DE", "BR", "JP", "US", "GB", "NZ", "XK"} <= codes
    # ISO 3166-1 assigns 249 codes; Kosovo's user-assigned XK is the one addition.
    assert 245 <= len(codes) <= 255
    assert all(len(code) == 2 and code.isascii() and code.isalpha() and code.isupper() for code in codes)


@pytest.mark.parametrize(
    "code",
    [
        "EU",  # European Union
        "EZ",  # Eurozone
        "UN",  # United Nations
        "QO",  # Outlying Oceania
        "XA",  # pseudo-accents
        "XB",  # pseudo-bidi
        "ZZ",  # unknown region
        "XX",
        "IC",  # Canary Islands: part of Spain, only reserved in ISO 3166-1
        "EA",  # Ceuta and Melilla: part of Spain
        "AC",  # Ascension Island
        "TA",  # Tristan da Cunha
        "DG",  # Diego Garcia
        "CP",  # Clipperton Island
        "CQ",  # Sark
        "001",  # the world
        "150",  # Europe
    ],
)
def test_regions_and_groupings_are_not_countries(code: str) -> None:
    assert code not in country_codes()


@pytest.mark.parametrize(
    ("language", "code", "name"),
    [
        ("en", "DE", "Germany"),
        ("fr", "DE", "Allemagne"),
        ("de", "DE", "Deutschland"),
        ("fr", "PL", "Pologne"),
    ],
)
def test_names_follow_the_language(language: str, code: str, name: str) -> None:
    assert dict(country_choices(language))[code] == name


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_choices_cover_every_country_once_sorted_by_local_name(language: str) -> None:
    choices = country_choices(language)
    codes = [code for code, _name in choices]
    assert sorted(codes) == sorted(country_codes())
    keys = [_sort_key(name) for _code, name in choices]
    assert keys == sorted(keys)


def test_sorting_ignores_accents() -> None:
    """Égypte sorts among the E's in French, not after Z."""
    names = [name for _code, name in country_choices("fr")]
    assert names.index("Égypte") < names.index("Espagne") < names.index("Zambie")
    names_de = [name for _code, name in country_choices("de")]
    assert names_de.index("Ägypten") < names_de.index("Albanien")


@pytest.mark.parametrize("language", ["en-us", "en-gb", "de-at", "fr-ca"])
def test_regional_variants_are_understood(language: str) -> None:
    base = language.split("-")[0]
    assert dict(country_choices(language))["DE"] == dict(country_choices(base))["DE"]


@pytest.mark.parametrize("language", ["xx", "zz-zz", "", "not a language"])
def test_unknown_language_falls_back_to_english(language: str) -> None:
    assert country_choices(language) == country_choices("en")
