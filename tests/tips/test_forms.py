from __future__ import annotations

import re

import pytest
from django.utils import translation

from tests.utils import VALID_TIP_TEXT, tip_form_data
from traceobject.tips.forms import TEXT_MAX, TEXT_MIN, TOO_LONG, TOO_SHORT, TipForm
from traceobject.tips.services import MAX_LINKS, TipPayload


def _errors(**overrides: str) -> dict[str, list[str]]:
    """Field -> messages, for a form posted with ``overrides``."""
    form = TipForm(data=tip_form_data(**overrides))
    form.is_valid()
    return {field: list(messages) for field, messages in form.errors.items()}


def _codes(**overrides: str) -> dict[str, list[str]]:
    """Field -> error codes: what the errors mean, whatever their wording."""
    form = TipForm(data=tip_form_data(**overrides))
    form.is_valid()
    return {field: [error.code for error in errors] for field, errors in form.errors.as_data().items()}


def _numbers(message: str) -> list[int]:
    return [int(number) for number in re.findall(r"\d+", message)]


def test_minimal_tip_is_valid_and_optional_fields_are_empty() -> None:
    form = TipForm(data={"text": VALID_TIP_TEXT})
    assert form.is_valid(), form.errors
    assert form.payload() == TipPayload(text=VALID_TIP_TEXT)


def test_payload_carries_every_field_stripped() -> None:
    form = TipForm(
        data=tip_form_data(
            text=f"  {VALID_TIP_TEXT}  \n",
            country="PL",
            place="  Poznan, Stary Rynek ",
            shop_brand=" Biedronka ",
            time_period=" around 2016 ",
            links=" https://example.org/bag \n\nhttp://example.com/shop?id=7\n",
            contact=" anna@example.org ",
        )
    )
    assert form.is_valid(), form.errors
    assert form.payload() == TipPayload(
        text=VALID_TIP_TEXT,
        country="PL",
        place="Poznan, Stary Rynek",
        shop_brand="Biedronka",
        time_period="around 2016",
        links=["https://example.org/bag", "http://example.com/shop?id=7"],
        contact="anna@example.org",
    )


# --- text ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_text_is_required(text: str) -> None:
    assert _codes(text=text) == {"text": ["required"]}


def test_text_missing_from_the_post_is_required() -> None:
    form = TipForm(data={})
    assert not form.is_valid()
    assert list(form.errors) == ["text"]


def test_text_shorter_than_ten_characters() -> None:
    assert _codes(text="x" * (TEXT_MIN - 1)) == {"text": ["min_length"]}
    # The message says both the minimum and what was written.
    assert _numbers(_errors(text="x" * (TEXT_MIN - 1))["text"][0]) == [10, 9]


def test_text_length_counts_after_stripping() -> None:
    assert _codes(text="   123456789   ") == {"text": ["min_length"]}


def test_text_longer_than_5000_characters() -> None:
    assert _codes(text="x" * (TEXT_MAX + 1)) == {"text": ["max_length"]}
    assert _numbers(_errors(text="x" * (TEXT_MAX + 1))["text"][0]) == [5000, 5001]


@pytest.mark.parametrize("length", [TEXT_MIN, TEXT_MAX])
def test_text_limits_are_inclusive(length: int) -> None:
    assert TEXT_MIN == 10
    assert TEXT_MAX == 5000
    form = TipForm(data=tip_form_data(text="é" * length))
    assert form.is_valid(), form.errors
    assert form.payload().text == "é" * length


def test_text_with_a_nul_character_is_refused() -> None:
    assert _codes(text=f"{VALID_TIP_TEXT}\x00") == {"text": ["null_characters_not_allowed"]}


# --- country ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("country", ["PL", "FR", "DE", "BR", "XK", ""])
def test_country_accepts_iso_codes_and_blank(country: str) -> None:
    form = TipForm(data=tip_form_data(country=country))
    assert form.is_valid(), form.errors
    assert form.payload().country == country


@pytest.mark.parametrize("country", ["XX", "EU", "UN", "ZZ", "pl", "Poland", "POL", "616", "IC"])
def test_country_rejects_anything_else(country: str) -> None:
    assert _codes(country=country) == {"country": ["invalid_choice"]}
    assert country in _errors(country=country)["country"][0]


def test_country_choices_follow_the_active_language() -> None:
    with translation.override("fr"):
        choices = dict(TipForm().fields["country"].choices)
    assert choices["DE"] == "Allemagne"
    assert choices[""]  # the "I don't know" choice comes first
    assert next(iter(choices)) == ""


# --- short optional fields -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit"), [("place", 200), ("shop_brand", 200), ("time_period", 100), ("contact", 500)]
)
def test_optional_field_length_limits(field: str, limit: int) -> None:
    accepted = TipForm(data=tip_form_data(**{field: "a" * limit}))
    assert accepted.is_valid(), accepted.errors
    assert getattr(accepted.payload(), field) == "a" * limit
    assert _codes(**{field: "a" * (limit + 1)}) == {field: ["max_length"]}
    assert _numbers(_errors(**{field: "a" * (limit + 1)})[field][0]) == [limit, limit + 1]


# --- links -----------------------------------------------------------------------------------------


def test_up_to_five_links_one_per_line() -> None:
    links = [f"https://shop{n}.example.org/item/{n}" for n in range(MAX_LINKS)]
    form = TipForm(data=tip_form_data(links="\n".join(links)))
    assert form.is_valid(), form.errors
    assert form.payload().links == links


def test_windows_line_endings_and_blank_lines_are_ignored() -> None:
    form = TipForm(
        data=tip_form_data(links="\r\n\r\nhttp://example.org/a\r\n   \r\nhttps://example.com/b\r\n\r\n")
    )
    assert form.is_valid(), form.errors
    assert form.payload().links == ["http://example.org/a", "https://example.com/b"]


def test_blank_links_field_gives_no_links() -> None:
    form = TipForm(data=tip_form_data(links="\n \n"))
    assert form.is_valid(), form.errors
    assert form.payload().links == []


def test_six_links_are_refused() -> None:
    links = "\n".join(f"https://example.org/{n}" for n in range(MAX_LINKS + 1))
    assert _codes(links=links) == {"links": ["too_many"]}
    assert _numbers(_errors(links=links)["links"][0]) == [5, 6]


def test_the_limit_on_links_agrees_with_its_number(monkeypatch: pytest.MonkeyPatch) -> None:
    # A deployment allowing a single link must not read "at most 1 links".
    monkeypatch.setattr("traceobject.tips.forms.MAX_LINKS", 1)
    links = "https://example.org/1\nhttps://example.org/2"
    assert _errors(links=links)["links"] == ["Please give at most 1 link (you gave 2)."]
    text = f"{VALID_TIP_TEXT} See https://example.org/1 and https://example.org/2"
    assert _errors(text=text)["text"] == [
        "Please write at most 1 web address in the text (you wrote 2). "
        "Put the most useful one in the Links field."
    ]


def test_the_help_on_links_agrees_with_its_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("traceobject.tips.forms.MAX_LINKS", 1)
    assert TipForm().fields["links"].help_text == (
        "Up to 1 web address, one per line. We never open it automatically."
    )
    # Polish has three forms for whole numbers: 1, 2-4 (but not 12-14), and the rest.
    expected = {1: "1 adres internetowy", 2: "2 adresy internetowe", 5: "5 adresów internetowych"}
    with translation.override("pl"):
        for number, words in expected.items():
            monkeypatch.setattr("traceobject.tips.forms.MAX_LINKS", number)
            assert f"Najwyżej {words}," in str(TipForm().fields["links"].help_text)


def test_the_length_errors_agree_with_their_number_in_each_language() -> None:
    """The limit picks the plural form when the error is formatted (Django's ``limit_value``)."""
    cases = [
        ("en", TOO_SHORT, 1, "Please write at least 1 character (you wrote 0)."),
        ("en", TOO_LONG, 1, "Please write at most 1 character (you wrote 0)."),
        ("pl", TOO_SHORT, 1, "Napisz co najmniej 1 znak (obecnie: 0)."),
        ("pl", TOO_SHORT, 3, "Napisz co najmniej 3 znaki (obecnie: 0)."),
        ("pl", TOO_SHORT, 12, "Napisz co najmniej 12 znaków (obecnie: 0)."),
        ("pl", TOO_SHORT, 22, "Napisz co najmniej 22 znaki (obecnie: 0)."),
        ("ru", TOO_LONG, 21, "Пожалуйста, напишите не более 21 символа (сейчас: 0)."),
        ("ru", TOO_LONG, 25, "Пожалуйста, напишите не более 25 символов (сейчас: 0)."),
        ("fr", TOO_SHORT, 1, "Veuillez écrire au moins 1 caractère (vous en avez écrit 0)."),
        ("fr", TOO_SHORT, 2, "Veuillez écrire au moins 2 caractères (vous en avez écrit 0)."),
    ]
    for language, message, limit, expected in cases:
        with translation.override(language):
            assert message % {"limit_value": limit, "show_value": 0} == expected


def test_the_short_text_error_in_polish_counts_right() -> None:
    with translation.override("pl"):
        assert _errors(text="x" * (TEXT_MIN - 1))["text"] == ["Napisz co najmniej 10 znaków (obecnie: 9)."]


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "ftp://example.org/file",
        "bag",
        "example.org/bag",
        "data:text/html,<b>x</b>",
        "file:///etc/passwd",
        "https://",
        "https://exa mple.org/",
    ],
)
def test_invalid_link_is_named_by_its_line(bad: str) -> None:
    links = f"https://example.org/ok\n{bad}\nhttps://example.com/ok"
    assert _codes(links=links) == {"links": ["invalid_link"]}
    assert _numbers(_errors(links=links)["links"][0]) == [2]


def test_line_numbers_are_the_lines_as_typed() -> None:
    """Blank lines do not count as links, but the tipster sees them: the error names the line they see."""
    links = "\n\nhttps://example.org/ok\n\nsomewhere\n"
    assert _codes(links=links) == {"links": ["invalid_link"]}
    assert _numbers(_errors(links=links)["links"][0]) == [5]


def test_every_invalid_line_is_reported() -> None:
    links = "plain words\nhttps://example.org/\njavascript:void(0)"
    assert _codes(links=links) == {"links": ["invalid_link", "invalid_link"]}
    assert [_numbers(message) for message in _errors(links=links)["links"]] == [[1], [3]]


def test_links_field_has_an_overall_length_limit() -> None:
    assert _codes(links="https://example.org/" + "a" * 11000) == {"links": ["max_length"]}


# --- Anti-abuse fields (tips.antiabuse) ---------------------------------------------------------------


def test_web_addresses_in_the_text_are_limited_too() -> None:
    five = " ".join(f"https://shop{n}.example/" for n in range(MAX_LINKS))
    assert _codes(text=f"I saw it at {five}") == {}
    assert _codes(text=f"I saw it at {five} and www.another.example") == {"text": ["too_many_links"]}


def test_a_filled_honeypot_is_a_form_error_naming_it() -> None:
    form = TipForm(tip_form_data(leave_empty="x"))
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["__all__"]] == ["honeypot"]
    assert "Leave this field empty" in form.errors["__all__"][0]


def test_the_form_gets_a_fresh_challenge_and_an_empty_honeypot() -> None:
    blank = TipForm()
    blank.challenge(code="B17-2026")
    assert blank.initial["pow_challenge"].startswith("16.B17-2026.")
    posted = TipForm(tip_form_data(pow_challenge="old", pow_nonce="123", leave_empty="x", place="Graz"))
    posted.is_valid()
    posted.challenge(code="B17-2026")
    assert posted.data["pow_challenge"].startswith("16.B17-2026.")
    assert posted.data["pow_nonce"] == ""
    assert posted.data["leave_empty"] == ""
    assert posted.data["place"] == "Graz"  # what the tipster wrote is kept
    assert [field.name for field in posted.tip_fields()] == [
        "text",
        "country",
        "place",
        "shop_brand",
        "time_period",
        "links",
        "contact",
    ]
