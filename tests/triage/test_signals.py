# ruff: noqa: RUF001 - non-Latin letters and look-alike punctuation are the point of these strings
"""Signal extraction: pure functions over a tip, so no database."""

from __future__ import annotations

import threading
import unicodedata

import pytest

from traceobject.tips.payload import TipPayload
from traceobject.triage.signals import CountrySignal, Signals, extract, extract_text
from traceobject.triage.signals.gazetteer import expand_forms, load_or_build
from traceobject.triage.signals.language import detect_language
from traceobject.triage.signals.links import host_country, link_kind
from traceobject.triage.signals.normalise import fold, fold_key
from traceobject.triage.signals.shops import normalise_shop


def countries(text: str, threshold: float = 0.5) -> set[str]:
    return {
        code for code, signal in extract_text(text).best_countries().items() if signal.confidence >= threshold
    }


def mentions(text: str) -> list[tuple[str, str, str]]:
    """(code, source, the words of the tip that produced it)."""
    return [
        (signal.code, signal.source, text[signal.start : signal.end])
        for signal in extract_text(text).countries
        if signal.start is not None
    ]


# --- names in many languages and scripts -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("I think this bag was made in Germany.", "DE"),
        ("Diese Tasche kommt aus Österreich, glaube ich.", "AT"),
        ("Ce sac vient de Belgique, j'en suis sûre.", "BE"),
        ("Esta mochila se vende en España desde hace años.", "ES"),
        ("Questa borsa è stata comprata in Grecia.", "GR"),
        ("Ten plecak kupiłam na Węgrzech w zeszłym roku.", "HU"),
        ("Эта сумка из Германии, я почти уверена.", "DE"),
        ("Ця сумка з України, я бачила таку.", "UA"),
        ("Αυτή η τσάντα είναι από την Ελλάδα.", "GR"),
        ("هذه الحقيبة من مصر على ما أعتقد", "EG"),
        ("这个包是中国制造的", "CN"),
        ("このバッグは日本製です", "JP"),
        ("กระเป๋าใบนี้มาจากประเทศไทย", "TH"),
        ("यह बैग भारत में बना है।", "IN"),
        ("Bu çanta Türkiye'de satılıyor, eminim.", "TR"),
        ("Den här väskan såldes i Sverige.", "SE"),
    ],
)
def test_country_names_in_many_languages_and_scripts(text: str, code: str) -> None:
    assert code in countries(text)


def test_a_plain_name_is_confident_and_comes_from_the_text() -> None:
    signal = extract_text("We bought it in Portugal in 2015.").best_countries()["PT"]
    assert (signal.source, signal.field) == ("name", "text")
    assert signal.confidence == pytest.approx(0.9)


def test_names_are_folded_for_case_and_diacritics() -> None:
    for text in ("Seen in Lodz market", "Seen in ŁÓDŹ market", "widziałam w łodzi na targu"):
        assert countries(text) == {"PL"}, text
    assert countries("A souvenir from Cote d'Ivoire") == {"CI"}
    assert countries("A souvenir from Côte d’Ivoire") == {"CI"}


def test_fold_keeps_a_map_to_the_original() -> None:
    folded = fold("Straße in İzmir")
    assert folded.text == "strasse in izmir"
    start = folded.text.index("izmir")
    assert folded.span(start, start + 5) == (10, 15)
    assert fold_key("  New   Zealand ") == "new zealand"


# --- word boundaries, longest match, blockers -----------------------------------------------------------


def test_names_match_on_word_boundaries_only() -> None:
    assert countries("It came from Poland.") == {"PL"}
    assert countries("A Polandish design and a Spaniel print, no romance, a woman's bag") == set()


def test_the_longest_name_wins() -> None:
    assert mentions("A souvenir from Papua New Guinea.") == [("PG", "name", "Papua New Guinea")]
    assert countries("Printed in South Africa") == {"ZA"}
    assert countries("A shirt from Equatorial Guinea") == {"GQ"}


def test_phrases_that_only_contain_a_name_count_for_nothing() -> None:
    assert countries("A guinea pig soft toy and Air Jordan trainers, with French fries", threshold=0) == set()
    assert countries("Sold all over Latin America and South America") == set()


def test_names_that_are_also_words_need_care() -> None:
    assert countries("We had a turkey sandwich on a china plate.", threshold=0) == set()
    assert countries("My friend Chad says it is from a market.") == set()  # weak: below 0.5
    assert extract_text("My friend Chad says it is from a market.").best_countries()["TD"].confidence < 0.5
    assert countries("We bought the carpet in Turkey last summer.") == {"TR"}
    assert countries("I think the mug was made in China.") == {"CN"}


def test_scripts_without_spaces_need_no_word_boundary() -> None:
    assert countries("我觉得这是美国的品牌") == {"US"}
    assert countries("たぶんタイかベトナムのものです") == {"TH", "VN"}


def test_arabic_one_letter_words_glued_to_a_name() -> None:
    assert countries("الدمية كانت تباع في العراق وسوريا") == {"IQ", "SY"}


# --- spans ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("Ich habe sie in Zürich gekauft.", "Zürich"),
        ("KUPIONE W ŁÓDŹ, NA TARGU", "ŁÓDŹ"),
        ("Я видела такой ковёр в Москве на рынке.", "Москве"),
        ("هذه الحقيبة تباع في مصر", "مصر"),
        ("这个包是在中国的商店买的", "中国"),
        ("Straße, Köln, 2015", "Köln"),
    ],
)
def test_spans_index_the_original_text(text: str, mention: str) -> None:
    assert mention in [words for _code, _source, words in mentions(text)]


def test_spans_survive_decomposed_input_and_expanding_letters() -> None:
    text = unicodedata.normalize("NFD", "Große Grüße aus Zürich!")
    found = [words for _code, _source, words in mentions(text)]
    assert found == [unicodedata.normalize("NFD", "Zürich")]


def test_declined_names_match_in_their_language() -> None:
    assert mentions("Kupiłam to w Warszawie w 2016 roku.") == [("PL", "city", "Warszawie")]
    assert mentions("Эту сумку купили в Польше, я уверена.") == [("PL", "inflection", "Польше")]
    assert countries("Ten miś był sprzedawany w Niemczech.") == {"DE"}


# --- demonyms ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("I think it is a Polish brand, sold in discount stores.", "PL"),
        ("Das ist eine polnische Marke, sehr bekannt.", "PL"),
        ("C'est une marque française, vendue partout.", "FR"),
        ("Кажется, это польский бренд, очень популярный.", "PL"),
        ("Bu çanta bir Fransız markası gibi görünüyor.", "FR"),
    ],
)
def test_demonyms_count_at_a_lower_confidence(text: str, code: str) -> None:
    signal = extract_text(text).best_countries()[code]
    assert (signal.source, signal.confidence) == ("demonym", pytest.approx(0.8))


def test_language_names_and_verbs_are_not_demonyms() -> None:
    assert countries("The instructions on the box were written in Polish.") == set()
    assert countries("Die Verpackung ist auf Ungarisch beschriftet.") == set()
    assert countries("you can polish the shoes with a soft cloth") == set()


# --- cities --------------------------------------------------------------------------------------------


def test_a_big_unique_city_names_its_country() -> None:
    signal = extract_text("The soap comes from a hotel in Marseille.").best_countries()["FR"]
    assert signal.source == "city"
    assert 0.6 <= signal.confidence <= 0.8


def test_a_city_of_several_countries_is_weighted_down_unless_the_tip_says_which() -> None:
    alone = extract_text("I saw this bag at a market in Valencia years ago.").countries
    assert len(alone) == 1
    assert alone[0].source == "city"
    assert alone[0].confidence < 0.5
    settled = extract_text("I saw this bag at a market in Valencia, Spain, years ago.").best_countries()
    assert set(settled) == {"ES"}
    cities = [signal for signal in extract_text("In Valencia, Spain.").countries if signal.source == "city"]
    assert cities[0].code == "ES"
    assert cities[0].confidence > 0.6


def test_city_names_that_are_common_words_do_not_count() -> None:
    assert countries("It's a nice bag, split at the seam, from a mobile shop", threshold=0) == set()
    assert countries("Comprei numa loja perto de casa, em cima da mesa.", threshold=0) == set()


# --- ISO codes -----------------------------------------------------------------------------------------


def test_upper_case_codes_count_when_they_are_not_words() -> None:
    found = extract_text("Made in PL, with a UK plug; USA made box.").best_countries()
    assert set(found) == {"PL", "GB", "US"}
    assert (found["PL"].source, found["GB"].source) == ("code", "code")
    assert found["PL"].confidence == pytest.approx(0.65)
    assert countries("Made in PRC.") == {"CN"}


def test_codes_that_are_words_lower_case_codes_and_shouting_do_not() -> None:
    assert countries("IT IS what it is, IN the box. Made in pl.", threshold=0) == set()
    assert countries("BOUGHT IN PL AT A MARKET, I AM SURE OF IT", threshold=0) == set()


# --- links ---------------------------------------------------------------------------------------------


def test_country_domains_in_the_text() -> None:
    signals = extract_text("Same toy on allegro.pl and https://www.amazon.co.uk/dp/B01 and shop.example.uk")
    by_source = [(signal.code, signal.source) for signal in signals.countries]
    assert by_source == [("PL", "domain"), ("GB", "domain"), ("GB", "domain")]
    assert [link.domain for link in signals.links] == ["allegro.pl", "amazon.co.uk", "shop.example.uk"]


def test_generic_country_domains_and_gtlds_say_nothing() -> None:
    for host in ("toys.io", "brand.co", "stream.tv", "about.me", "cool.ai", "radio.fm", "bit.ly", "etsy.com"):
        assert host_country(host) == "", host
    assert host_country("mercadolibre.com.ar") == "AR"
    assert host_country("shop.co.uk") == "GB"


def test_link_kinds() -> None:
    assert link_kind("amazon.de") == "marketplace"
    assert link_kind("smile.amazon.co.uk") == "marketplace"
    assert link_kind("allegro.pl") == "marketplace"
    assert link_kind("bol.com") == "marketplace"
    assert link_kind("ikea.com") == "store"
    assert link_kind("example.org") == "other"


def test_links_in_the_text_have_spans_and_lose_www() -> None:
    text = "Check https://www.etsy.com/listing/1/doll, same doll."
    (link,) = extract_text(text).links
    assert (link.domain, link.kind, link.field) == ("etsy.com", "marketplace", "text")
    assert text[link.start : link.end] == "https://www.etsy.com/listing/1/doll"


def test_the_links_field() -> None:
    links = ["https://www.ebay.de/itm/123", "  allegro.pl/oferta/9 ", "https://toys.io/x"]
    signals = extract(TipPayload(text="", links=links))
    joined = "\n".join(links)
    assert [(link.domain, link.kind) for link in signals.links] == [
        ("ebay.de", "marketplace"),
        ("allegro.pl", "marketplace"),
        ("toys.io", "other"),
    ]
    assert [joined[link.start : link.end] for link in signals.links] == [
        "https://www.ebay.de/itm/123",
        "allegro.pl/oferta/9",
        "https://toys.io/x",
    ]
    domains = [signal for signal in signals.countries if signal.field == "links"]
    assert [(signal.code, signal.source) for signal in domains] == [("DE", "domain"), ("PL", "domain")]
    assert joined[domains[0].start : domains[0].end] == "ebay.de"


# --- the other fields ----------------------------------------------------------------------------------


def test_the_structured_country_field() -> None:
    signals = extract(TipPayload(text="", country="pl"))
    assert signals.countries == [CountrySignal(code="PL", source="field", confidence=1.0, field="country")]
    assert extract(TipPayload(text="", country="XX")).countries == []


def test_place_and_shop_fields_are_scanned_with_their_own_spans() -> None:
    payload = TipPayload(text="Same bag.", place="Market in Kraków, Polska", shop_brand="Marks & Spencer plc")
    signals = extract(payload)
    place = [signal for signal in signals.countries if signal.field == "place"]
    assert [payload.place[signal.start : signal.end] for signal in place] == ["Kraków", "Polska"]
    assert signals.shop == "marks & spencer"


@pytest.mark.parametrize(
    ("raw", "shop"),
    [
        ("IKEA", "ikea"),
        ("  Ikea GmbH ", "ikea"),
        ("ikea.", "ikea"),
        ("Biedronka Sp. z o.o.", "biedronka"),
        ("Société Générale S.A.", "societe generale"),
        ("Müller  &  Söhne GmbH & Co. KG", "muller & sohne"),
        ("ООО «Ромашка»", "ромашка"),
        ("株式会社ニトリ", "ニトリ"),
        ("", ""),
    ],
)
def test_shop_normalisation(raw: str, shop: str) -> None:
    assert normalise_shop(raw) == shop


# --- the whole -----------------------------------------------------------------------------------------


def test_empty_and_blank_texts() -> None:
    for text in ("", "   ", "\n"):
        assert extract_text(text) == Signals()
    assert extract_text("").to_json() == {"language": "", "countries": [], "links": [], "shop": ""}


def test_language() -> None:
    assert detect_language("Ich habe diese Tasche in einem Laden in Berlin gesehen.") == "de"
    assert (
        detect_language("I am fairly sure that this backpack was sold at a supermarket in the north.") == "en"
    )
    assert detect_language("ok") == ""
    assert extract_text("Widziałam ten dywan w sklepie w Łodzi.").language == "pl"


@pytest.mark.parametrize(
    "text",
    [
        "I bought this at Monoprix, rue de la République, Lyon, around 2015.",
        "We had this carpet in our flat on avenue des Champs-Élysées, Paris, in the nineties.",
        "This is from a shop on place de la Comédie in Montpellier.",
        "Seen at the Marché aux Puces de Saint-Ouen, near Porte de Clignancourt, Paris.",
        "Sold at the Carrefour on avenue de la Libération, Marseille, around 2013.",
    ],
)
def test_an_english_tip_naming_french_places_is_english(text: str) -> None:
    assert detect_language(text) == "fr", "the whole text reads as French: the case this guards against"
    signals = extract_text(text)
    assert signals.language == "en"
    assert "FR" in {signal.code for signal in signals.countries}, "the places still count for France"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # Tips in the language of the places they name keep it.
        ("J'ai acheté ce sac rue de la République à Lyon en 2015.", "fr"),
        ("Lo compré en la calle Mayor de Madrid hace muchos años.", "es"),
        ("Ich habe diese Tasche in der Schönhauser Allee in Berlin gekauft.", "de"),
        # Short tips whose city carries the language (its case ending) are not misread once it is masked.
        ("Мило з готелю в Одесі.", "uk"),
        ("Mýdlo je z hotelu v Brně.", "cs"),
        ("Ce savon vient d'un hôtel à Genève, j'y ai dormi en 2017.", "fr"),
        # A country's name and a demonym are the tip's own words.
        ("La etiqueta dice Hecho en España.", "es"),
    ],
)
def test_place_names_do_not_change_a_tip_in_their_own_language(text: str, language: str) -> None:
    assert extract_text(text).language == language


def test_signals_come_in_reading_order_and_json_keeps_the_best_per_country() -> None:
    signals = extract_text("From Poland, I'm sure: a Polish brand sold in Kraków.")
    assert [signal.code for signal in signals.countries] == ["PL", "PL", "PL"]
    starts = [signal.start or 0 for signal in signals.countries]
    assert starts == sorted(starts)
    assert signals.to_json()["countries"] == [{"code": "PL", "source": "name", "confidence": 0.9}]


def test_extraction_is_safe_from_several_threads() -> None:
    texts = ["Made in Germany", "Widziałam w Łodzi", "这个包是中国制造的", "Vendu à Lyon, France"] * 5
    expected = [countries(text) for text in texts]
    results: list[set[str]] = [set()] * len(texts)

    def run(index: int) -> None:
        results[index] = countries(texts[index])

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == expected


def test_the_disk_cache_gives_the_same_gazetteer(tmp_path) -> None:
    built = load_or_build(directory=tmp_path)
    cached = load_or_build(directory=tmp_path)
    assert (built.source, cached.source) == ("built", "cache")
    assert cached.entries == built.entries
    assert cached.key_count == built.key_count
    assert list(cached.automaton.iter("made in poland")) == list(built.automaton.iter("made in poland"))


def test_brace_expansion_of_demonym_forms() -> None:
    assert expand_forms("polac{o,a,os}, ^polish") == ["polaco", "polaca", "polacos", "^polish"]


def test_extract_never_fails_a_submission(monkeypatch, caplog) -> None:
    from traceobject.triage import signals as module

    def broken(**_kwargs: object) -> Signals:
        raise ValueError("Sold in Poland, call me on 555")

    monkeypatch.setattr(module, "_extract", broken)
    assert extract(TipPayload(text="Sold in Poland, call me on 555")) == Signals()
    assert "ValueError" in caplog.text
    assert "Poland" not in caplog.text


def test_the_cache_directory(monkeypatch, tmp_path) -> None:
    from traceobject.triage.signals.gazetteer import cache_dir

    monkeypatch.setenv("TRACEOBJECT_SIGNALS_CACHE", "")
    assert cache_dir() is None
    monkeypatch.setenv("TRACEOBJECT_SIGNALS_CACHE", str(tmp_path))
    assert cache_dir() == tmp_path
    monkeypatch.delenv("TRACEOBJECT_SIGNALS_CACHE")
    monkeypatch.delenv("TRACEOBJECT_DATA_DIR", raising=False)
    assert cache_dir() is None  # test mode: a throw-away data directory per process


def test_building_the_gazetteer_leaves_babels_locales_whole() -> None:
    """Regression: reading every locale's own names must not replace Babel's cached, merged data, or
    the tip form's country list for de-AT or fr-CA would lose the names inherited from de or fr."""
    from babel import Locale

    from traceobject.triage.signals import gazetteer

    gazetteer._country_names()
    assert Locale.parse("de_AT").territories["DE"] == "Deutschland"
    assert Locale.parse("fr_CA").territories["DE"] == "Allemagne"
