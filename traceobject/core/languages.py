"""Which language a request is answered in: each area speaks its own languages, and no other.

The public side speaks the 36 languages of ``settings.LANGUAGES``, chosen by the URL's prefix only
(``/pl/...``; English unprefixed), so that every public page is cacheable per URL. The partner portal
speaks the 24 EU languages (``PARTNER_LANGUAGES``) and the staff side and Django's admin English, French
and German (``STAFF_LANGUAGES``); neither has prefixes, so their language comes from the browser's
``Accept-Language`` among the area's own languages, English otherwise. Django's ``LocaleMiddleware``
would pick any of ``settings.LANGUAGES`` for any area (a Polish browser would get a half-Polish staff
page, since staff pages are translated into three languages only): ``core.middleware.AreaLocaleMiddleware``
replaces it, and an area's list is the only thing it chooses from.

One exception to "the URL alone decides": the bare root ``/``. A browser that prefers Polish and
arrives there from outside the site (typed, bookmarked, a search result) is sent to ``/pl/``, so that a
frightened visitor reads their own language without finding a picker first, and with no cookie and no
JavaScript. Only that response varies on the request's headers, and says so (``Vary``); see
``docs/operations.md`` for a front cache.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection

from babel import Locale
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.cache import patch_cache_control

from traceobject.core.errors import AREA_PARTNER, AREA_PUBLIC, AREA_STAFF, area_of

# Django reads at most this much of the header too (ACCEPT_LANGUAGE_HEADER_MAX_LENGTH): a longer one is
# cut at its last complete entry, so that a huge header costs nothing.
ACCEPT_LANGUAGE_MAX_LENGTH = 500
# A language range (RFC 4647: subtags of 1-8 letters or digits) or the wildcard. "_" is accepted as "-"
# since some clients send locale names ("pt_BR").
_RANGE = re.compile(r"[a-z]{1,8}(?:-[a-z0-9]{1,8})*|\*")
# A quality value (RFC 9110, 12.4.2): 0 to 1 with at most three decimals.
_QUALITY = re.compile(r"q=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)")
# A language prefix of a public URL: /pl/, /zh-hans/.
_PATH_PREFIX = re.compile(r"^/([a-z]{2,3}(?:-[a-z0-9]{2,8})?)(?:/|$)")
# Ranges that name a language the site has under another code. Chinese in any script or region gets the
# one Chinese the site has (a reader of Traditional characters reads Simplified with far less effort than
# English); "in" is Indonesian's withdrawn code, which old systems still send.
_ALIASES = {"zh": "zh-hans", "in": "id"}
# Negotiation happens only for a visitor arriving from elsewhere: a click inside the site (the picker's
# "English", the brand link on an English page) must stay where it leads. Browsers say which it is in
# Sec-Fetch-Site (Chromium, Firefox and Tor Browser, Safari since 16.4).
_SAME_SITE_NAVIGATION = "same-origin"
ROOT_VARY = ("Accept-Language", "Sec-Fetch-Site")


def area_languages(area: str) -> tuple[str, ...]:
    """The language codes an area speaks, English first."""
    if area == AREA_STAFF:
        codes: Collection[str] = settings.STAFF_LANGUAGES
    elif area == AREA_PARTNER:
        codes = settings.PARTNER_LANGUAGES
    else:
        codes = [code for code, _name in settings.LANGUAGES]
    return (settings.LANGUAGE_CODE, *(code for code in codes if code != settings.LANGUAGE_CODE))


def accept_language_ranges(header: str) -> list[str]:
    """The language ranges of an ``Accept-Language`` header, most wanted first, lower-case.

    Lenient with what browsers and scripts really send, strict with what it keeps: an entry that does
    not parse (a bad tag, a bad quality value) is dropped, never an error; ``q=0`` means "not this one";
    equal qualities keep the header's order.
    """
    if len(header) > ACCEPT_LANGUAGE_MAX_LENGTH:
        header = header[:ACCEPT_LANGUAGE_MAX_LENGTH].rpartition(",")[0]
    ranked: list[tuple[float, int, str]] = []
    for position, entry in enumerate(header.split(",")):
        tag, *parameters = (part.strip() for part in entry.split(";"))
        tag = tag.lower().replace("_", "-")
        if not _RANGE.fullmatch(tag):
            continue
        quality = 1.0
        valid = True
        for parameter in parameters:
            parameter = parameter.replace(" ", "").lower()
            if not parameter.startswith("q="):
                continue  # another parameter: none is defined, so it is ignored
            match = _QUALITY.fullmatch(parameter)
            if match is None:
                valid = False
                break
            quality = float(match.group(1))
        if valid and quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for _quality, _position, tag in sorted(ranked)]


def language_match(language_range: str, languages: Collection[str]) -> str | None:
    """The code of ``languages`` that serves a range, by RFC 4647 lookup: the range, then the range
    with its last subtag cut off, and so on (``pt-br`` → ``pt``, ``de-at`` → ``de``, ``zh-hans-cn`` →
    ``zh-hans``), with the aliases above (``zh-cn`` → ``zh`` → ``zh-hans``)."""
    subtags = language_range.split("-")
    for length in range(len(subtags), 0, -1):
        candidate = "-".join(subtags[:length])
        if candidate in languages:
            return candidate
        alias = _ALIASES.get(candidate)
        if alias in languages:
            return alias
    return None


def negotiate(header: str, languages: Collection[str]) -> str | None:
    """The first language of ``languages`` the header asks for, or None. The wildcard ``*`` is skipped,
    as RFC 4647 lookup says: "any language" names none of them, so the default answers it."""
    for language_range in accept_language_ranges(header):
        if language_range == "*":
            continue
        found = language_match(language_range, languages)
        if found:
            return found
    return None


def language_from_path(path: str) -> str | None:
    """The public language a path's prefix names (``/pl/objects/`` → ``pl``), or None: English, the
    default, has no prefix, and a prefix that is not one of the public languages names nothing."""
    match = _PATH_PREFIX.match(path)
    if match and match.group(1) != settings.LANGUAGE_CODE and match.group(1) in area_languages(AREA_PUBLIC):
        return match.group(1)
    return None


def request_language(request: HttpRequest) -> str:
    """The language of the response to ``request``: always one of its area's languages."""
    area = area_of(request.path_info)
    if area == AREA_PUBLIC:
        return language_from_path(request.path_info) or settings.LANGUAGE_CODE
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    return negotiate(header, area_languages(area)) or settings.LANGUAGE_CODE


def negotiates(request: HttpRequest) -> bool:
    """Whether this request is the root's negotiation: a page view of the bare ``/`` (no query: a search
    from the English home stays English)."""
    return (
        request.method in ("GET", "HEAD")
        and request.path_info == "/"
        and not request.META.get("QUERY_STRING")
    )


def root_redirect(request: HttpRequest) -> HttpResponse | None:
    """The redirect of the root to the visitor's language, or None to serve the English home.

    The redirect is ``private``: a shared cache that ignored ``Vary`` could otherwise send every visitor
    to the first one's language. The English home keeps its own public caching, with the ``Vary`` that
    the middleware adds.
    """
    if request.headers.get("Sec-Fetch-Site") == _SAME_SITE_NAVIGATION:
        return None
    language = negotiate(request.META.get("HTTP_ACCEPT_LANGUAGE", ""), area_languages(AREA_PUBLIC))
    if language is None or language == settings.LANGUAGE_CODE:
        return None
    response = HttpResponseRedirect(f"{get_script_prefix()}{language}/")
    patch_cache_control(response, private=True, no_cache=True)
    return response


@functools.cache
def native_name(code: str) -> str:
    """A language's name in itself, from CLDR through Babel ("čeština", "lietuvių", "Malti", "中文 (简体)"):
    Django's own list has older spellings ("česky") and no Maltese."""
    return str(Locale.parse(translation.to_locale(code)).display_name)


@functools.cache
def is_bidi(code: str) -> bool:
    """Whether a language is written right to left (Arabic, Persian), from CLDR as well."""
    return Locale.parse(translation.to_locale(code)).text_direction == "rtl"


def _sort_key(name: str) -> str:
    """Names in alphabetical order whatever their accents ("Türkçe" among the t's), and the scripts after
    the Latin one in Unicode's order (Greek, Cyrillic, Arabic, Devanagari, Thai, Hangul, Han): the order
    a reader scanning for their own language's name finds it in without knowing English."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def picker_languages(area: str = AREA_PUBLIC) -> list[str]:
    """An area's language codes in the picker's order (``_sort_key`` of their native names)."""
    return list(_picker_order(area_languages(area)))


@functools.cache
def _picker_order(codes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(codes, key=lambda code: _sort_key(native_name(code))))
