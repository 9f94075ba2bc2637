"""Each area speaks its own languages (core.languages, core.middleware.AreaLocaleMiddleware), the root
finds a visitor's language without JavaScript or a cookie, and every page names its other languages.

The expected answers are written here by hand: the 36 public codes are the issue's list, the 24 EU ones
and the three staff languages likewise; nothing is read back from the code under test.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.utils import find_all, parse_html
from traceobject.core.languages import accept_language_ranges, negotiate
from traceobject.gallery.models import Object

EU = [
    "bg",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "ga",
    "hr",
    "hu",
    "it",
    "lt",
    "lv",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "sv",
]
PUBLIC = [*EU, "ar", "fa", "hi", "id", "ja", "ko", "ru", "th", "tr", "uk", "vi", "zh-hans"]
STAFF = ["en", "fr", "de"]
RTL = {"ar", "fa"}


def _html_tag(response: Any) -> dict[str, str | None]:
    return next(element.attrs for element in parse_html(response.content.decode()) if element.tag == "html")


# --- Reading Accept-Language ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "ranges"),
    [
        ("pl", ["pl"]),
        ("de-AT,de;q=0.9,en;q=0.8", ["de-at", "de", "en"]),
        # Order by quality, and the header's order among equals.
        ("fr;q=0.2, pl;q=0.9, cs", ["cs", "pl", "fr"]),
        ("fr;q=0.5, pl;q=0.5", ["fr", "pl"]),
        ("pl;q=1.000, fr;q=0.999", ["pl", "fr"]),
        # q=0 is "not this one".
        ("pl;q=0, fr", ["fr"]),
        ("pl;q=0.000", []),
        # Malformed entries are dropped, the rest kept.
        ("pl;q=abc, fr", ["fr"]),
        ("pl;q=1.5, fr", ["fr"]),
        ("pl;q=-1, fr", ["fr"]),
        ("pl;q=0.1234, fr", ["fr"]),
        ("pl;q=nan, fr;q=inf, de", ["de"]),
        ("123, fr", ["fr"]),
        ("toolongsubtag, fr", ["fr"]),
        ("p l, fr", ["fr"]),
        ("<script>, fr", ["fr"]),
        ("", []),
        (";;;,,,", []),
        ("q=1", []),
        # Spaces, case, and locale names with an underscore.
        ("  PL ; Q = 0.5 ,FR", ["fr", "pl"]),
        ("pt_BR", ["pt-br"]),
        ("*", ["*"]),
        # An unknown parameter is ignored.
        ("pl;level=1", ["pl"]),
    ],
)
def test_accept_language_ranges(header: str, ranges: list[str]) -> None:
    assert accept_language_ranges(header) == ranges


def test_a_long_header_is_read_up_to_its_last_whole_entry() -> None:
    header = ", ".join(["xx;q=0.9"] * 60) + ", pl;q=0.8"  # the Polish entry lies past 500 characters
    assert len(header) > 500
    # 50 entries of 10 characters ("xx;q=0.9, ") fill the first 500.
    assert accept_language_ranges(header) == ["xx"] * 50
    assert negotiate(header, PUBLIC) is None
    assert accept_language_ranges("de, " + "x" * 600) == ["de"]


@pytest.mark.parametrize(
    ("header", "public", "staff"),
    [
        ("pl", "pl", None),
        ("pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7", "pl", "en"),
        ("pt-BR", "pt", None),
        ("pt-PT", "pt", None),
        ("zh-CN", "zh-hans", None),
        ("zh-Hans", "zh-hans", None),
        ("zh-Hans-CN", "zh-hans", None),
        ("zh-TW", "zh-hans", None),
        ("zh", "zh-hans", None),
        ("de-AT", "de", "de"),
        ("de-CH-1996", "de", "de"),
        ("fr-CA", "fr", "fr"),
        ("ar-EG", "ar", None),
        ("fa-IR", "fa", None),
        ("en-GB,pl;q=0.8", "en", "en"),
        ("in", "id", None),
        # A language the site lacks gives way to the next one it has.
        ("ca, es;q=0.8", "es", None),
        ("nb, sv;q=0.7, de;q=0.5", "sv", "de"),
        ("pl, de;q=0.5", "pl", "de"),
        # The wildcard names no language: the default answers it, after any language named.
        ("*", None, None),
        ("*, pl;q=0.5", "pl", None),
        ("xx-YY", None, None),
        ("", None, None),
        ("en", "en", "en"),
    ],
)
def test_negotiation(header: str, public: str | None, staff: str | None) -> None:
    assert negotiate(header, PUBLIC) == public
    assert negotiate(header, STAFF) == staff


# --- The root: a visitor from outside lands in their language -------------------------------------------


@pytest.mark.parametrize(
    ("header", "location"),
    [
        ("pl", "/pl/"),
        ("pl-PL,pl;q=0.9,en;q=0.8", "/pl/"),
        ("pt-BR,pt;q=0.9", "/pt/"),
        ("zh-CN,zh;q=0.9", "/zh-hans/"),
        ("zh-Hans", "/zh-hans/"),
        ("de-AT", "/de/"),
        ("ar", "/ar/"),
        ("en-US;q=0.1, mt", "/mt/"),
    ],
)
def test_the_root_sends_a_browser_to_its_language(
    client: Client, db: None, header: str, location: str
) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 302
    assert response["Location"] == location
    vary = {value.strip().lower() for value in response["Vary"].split(",")}
    assert {"accept-language", "sec-fetch-site"} <= vary
    # Never stored by a shared cache, which might ignore Vary and send everyone to one language.
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert client.get(location, HTTP_ACCEPT_LANGUAGE=header).status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "en",
        "en-GB",
        "en-US,en;q=0.5",
        "*",
        "xx",
        "tlh",
        "nb-NO",
        "pl;q=0",
        "pl;q=bad",
        ",,;",
        "en, pl",
    ],
)
def test_the_root_answers_english_and_unknown_languages_with_the_english_home(
    client: Client, db: None, header: str | None
) -> None:
    extra = {} if header is None else {"HTTP_ACCEPT_LANGUAGE": header}
    response = client.get("/", **extra)
    assert response.status_code == 200
    assert _html_tag(response) == {"lang": "en", "dir": "ltr"}
    vary = {value.strip().lower() for value in response["Vary"].split(",")}
    assert {"accept-language", "sec-fetch-site"} <= vary
    # The English home keeps its own caching.
    assert "public" in response["Cache-Control"]


def test_a_click_inside_the_site_is_not_sent_back(client: Client, db: None) -> None:
    """The picker's "English" and an English page's home link lead to /: a Polish browser that chose
    English stays in English. Browsers mark such a navigation Sec-Fetch-Site: same-origin."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="pl", HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 200
    assert _html_tag(response)["lang"] == "en"
    for origin in ("none", "cross-site", "same-site"):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="pl", HTTP_SEC_FETCH_SITE=origin)
        assert (response.status_code, response["Location"]) == (302, "/pl/"), origin


def test_a_search_from_the_english_home_stays_english(client: Client, db: None) -> None:
    response = client.get("/?q=bag", HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 200
    assert _html_tag(response)["lang"] == "en"
    assert "Accept-Language" not in response.get("Vary", "")


def test_a_post_to_the_root_is_not_redirected(client: Client, db: None) -> None:
    response = client.post("/", HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code != 302


@given(header=st.text(max_size=300))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_accept_language_header_breaks_the_root(client: Client, db: None, header: str) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].strip("/") in PUBLIC


@given(
    header=st.lists(st.sampled_from([*PUBLIC, "xx", "*", "en-GB", "pt-BR", "zh-TW", "de-AT"])).map(",".join)
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_root_sends_each_browser_to_its_first_known_language(
    client: Client, db: None, header: str
) -> None:
    wanted = None
    regional = {"en-gb": "en", "pt-br": "pt", "zh-tw": "zh-hans", "de-at": "de"}
    for entry in header.lower().split(","):
        code = regional.get(entry, entry)
        if code in PUBLIC:
            wanted = code
            break
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    if wanted in (None, "en"):
        assert response.status_code == 200
    else:
        assert (response.status_code, response["Location"]) == (302, f"/{wanted}/")


def test_only_the_root_varies_on_accept_language(client: Client, published_object: Object) -> None:
    """Every other public URL names its language, so a front cache keys it by URL alone."""
    for url in (
        "/objects/B17-2026/",
        "/pl/objects/B17-2026/",
        "/pl/",
        "/ar/",
        "/about/",
        "/fr/privacy/",
        "/identified/",
        "/results/",
        "/?category=",
        "/no-such-page/",
        "/pl/no-such-page/",
        "/accessibility/",
        "/healthz",
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="pl")
        assert "accept-language" not in response.get("Vary", "").lower(), url
        assert "sec-fetch-site" not in response.get("Vary", "").lower(), url


# --- Each area in its own languages -------------------------------------------------------------------


@pytest.mark.parametrize("language", PUBLIC)
def test_every_public_language_answers_under_its_prefix(client: Client, db: None, language: str) -> None:
    # The prefix decides, whatever the browser asks (but at the root, which would send it to /de/).
    url = "/" if language == "en" else f"/{language}/"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en" if language == "en" else "de")
    assert response.status_code == 200
    assert _html_tag(response) == {"lang": language, "dir": "rtl" if language in RTL else "ltr"}
    assert response["Content-Language"] == language


@pytest.mark.parametrize("prefix", ["xx", "en", "pt-br", "zh", "zh-hant", "PL"])
def test_other_prefixes_are_not_pages(client: Client, db: None, prefix: str) -> None:
    response = client.get(f"/{prefix}/", HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 404
    assert _html_tag(response)["lang"] == "en"


@pytest.mark.parametrize("language", [*PUBLIC, "zh-CN", "pt-BR", "de-AT", "*"])
@pytest.mark.parametrize(
    ("url", "area"),
    [("/staff/login/", STAFF), ("/django-admin/login/", STAFF), ("/partner/login/", EU)],
)
def test_staff_and_partner_pages_speak_only_their_areas_languages(
    client: Client, db: None, language: str, url: str, area: list[str]
) -> None:
    """A Polish browser gets the partner portal in Polish and the staff side in English: never a page
    half in a language the area is not translated into."""
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert response.status_code == 200
    expected = {"zh-CN": "zh-hans", "pt-BR": "pt", "de-AT": "de"}.get(language, language)
    expected = expected if expected in area else "en"
    assert response["Content-Language"] == expected
    assert _html_tag(response)["lang"] == expected
    assert _html_tag(response)["dir"] == "ltr"
    assert "accept-language" in response["Vary"].lower()


def test_staff_pages_ignore_a_language_prefix_and_a_language_cookie(client: Client, db: None) -> None:
    client.cookies["django_language"] = "pl"
    response = client.get("/staff/login/", HTTP_ACCEPT_LANGUAGE="fr;q=0.5, pl")
    assert response["Content-Language"] == "fr"
    assert client.get("/pl/staff/login/").status_code == 404


def test_partner_pages_in_the_browsers_eu_language(client: Client, db: None) -> None:
    response = client.get("/partner/login/", HTTP_ACCEPT_LANGUAGE="ru, lt;q=0.8, de;q=0.5")
    assert response["Content-Language"] == "lt"
    response = client.get("/partner/login/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Portail des partenaires" in response.content.decode()


def test_an_error_before_the_middleware_speaks_the_areas_language(client: Client, db: None) -> None:
    """A body too large is refused before the locale middleware runs: the partner 413 still follows the
    browser among the EU languages, and the staff one never leaves en/fr/de."""
    big = {"CONTENT_LENGTH": "9" * 20}
    response = client.generic(
        "POST",
        "/partner/login/",
        b"a=b",
        "application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="de",
        **big,
    )
    assert response.status_code == 413
    assert _html_tag(response)["lang"] == "de"
    response = client.generic(
        "POST", "/staff/login/", b"a=b", "application/x-www-form-urlencoded", HTTP_ACCEPT_LANGUAGE="pl", **big
    )
    assert response.status_code == 413
    assert _html_tag(response)["lang"] == "en"
    response = client.generic(
        "POST",
        "/ar/follow-up/",
        b"a=b",
        "application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="de",
        **big,
    )
    assert response.status_code == 413
    assert _html_tag(response) == {"lang": "ar", "dir": "rtl"}


# --- The picker and the alternates -------------------------------------------------------------------


def test_the_picker_names_every_language_in_itself(client: Client, published_object: Object) -> None:
    html = client.get("/pl/objects/B17-2026/").content.decode()
    elements = parse_html(html)
    assert not [
        element for element in elements if element.tag == "script" and "pow.js" not in str(element.attrs)
    ]
    links = [a for a in find_all(html, "a") if a.attrs.get("hreflang")]
    names = {str(a.attrs["hreflang"]): a.text.strip() for a in links}
    assert set(names) == set(PUBLIC)
    # CLDR's names, not Django's older ones ("česky") nor English ones.
    assert names["cs"] == "čeština"
    assert names["lt"] == "lietuvių"
    assert names["mt"] == "Malti"
    assert names["de"] == "Deutsch"
    assert names["el"] == "Ελληνικά"
    assert names["ar"] == "العربية"
    assert names["ja"] == "日本語"
    assert names["zh-hans"].startswith("中文")
    for a in links:
        assert a.attrs["lang"] == a.attrs["hreflang"]
    # Each name in its own direction, isolated, so that the list stays aligned in either direction.
    spans = [
        span
        for span in find_all(html, "span")
        if span.attrs.get("dir") and span.text.strip() in names.values()
    ]
    directions = {span.text.strip(): span.attrs["dir"] for span in spans}
    assert directions["العربية"] == directions["فارسی"] == "rtl"
    assert directions["čeština"] == directions["中文 (简体)"] == "ltr"
    current = [a.attrs["hreflang"] for a in links if a.attrs.get("aria-current")]
    assert current == ["pl"]
    # Alphabetical by the names themselves, accents aside; scripts other than Latin after it.
    order = [str(a.attrs["hreflang"]) for a in links]
    assert order.index("cs") < order.index("da") < order.index("de") < order.index("en")
    assert (
        order.index("lv") < order.index("lt") < order.index("hu") < order.index("mt")
    )  # latviešu, lietuvių, magyar
    assert order.index("sv") < order.index("vi") < order.index("tr") < order.index("el") < order.index("bg")
    # A native disclosure: no JavaScript, closed until opened, naming the current language.
    details = [element for element in elements if element.tag == "details"]
    assert len(details) == 1
    assert "open" not in details[0].attrs
    summary = next(element for element in elements if element.tag == "summary")
    assert summary.text.strip() == "polski"


@pytest.mark.parametrize("language", ["en", "pl", "ar"])
def test_every_page_names_its_other_languages_in_its_head(
    client: Client, published_object: Object, language: str
) -> None:
    prefix = "" if language == "en" else f"/{language}"
    html = client.get(f"{prefix}/objects/B17-2026/?x=1").content.decode()
    head = html.split("</head>")[0]
    alternates = {
        str(link.attrs["hreflang"]): str(link.attrs["href"])
        for link in find_all(head, "link")
        if link.attrs.get("rel") == "alternate"
    }
    expected = {code: f"/{code}/objects/B17-2026/?x=1" for code in PUBLIC if code != "en"}
    assert alternates == {**expected, "en": "/objects/B17-2026/?x=1", "x-default": "/objects/B17-2026/?x=1"}


def test_the_home_pages_default_alternate_is_the_negotiating_root(client: Client, db: None) -> None:
    head = client.get("/de/").content.decode().split("</head>")[0]
    alternates = {
        str(link.attrs["hreflang"]): link.attrs["href"]
        for link in find_all(head, "link")
        if link.attrs.get("hreflang")
    }
    assert alternates["x-default"] == "/"
    assert alternates["en"] == "/"
    assert alternates["zh-hans"] == "/zh-hans/"


def test_no_alternates_on_a_missing_page_or_an_answer_to_a_post(
    client: Client, published_object: Object
) -> None:
    from tests.utils import tip_form_data

    missing = client.get("/pl/no-such-page/")
    assert missing.status_code == 404
    assert 'rel="alternate"' not in missing.content.decode()
    # Its picker leads to each language's home, not to the same missing page again.
    lost = {
        str(a.attrs["hreflang"]): a.attrs["href"]
        for a in find_all(missing.content.decode(), "a")
        if a.attrs.get("hreflang")
    }
    assert lost["de"] == "/de/"
    assert lost["pl"] == "/pl/"
    assert lost["en"] == "/"
    assert len(lost) == 36
    receipt = client.post("/pl/objects/B17-2026/tip/", tip_form_data())
    assert receipt.status_code == 200
    html = receipt.content.decode()
    assert 'rel="alternate"' not in html
    # The picker of a page answering a POST links to the page it belongs to (request.language_path).
    picker = {
        str(a.attrs["hreflang"]): a.attrs["href"] for a in find_all(html, "a") if a.attrs.get("hreflang")
    }
    assert picker["fi"] == "/fi/objects/B17-2026/"
    assert picker["en"] == "/objects/B17-2026/"
