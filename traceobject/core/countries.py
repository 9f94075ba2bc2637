"""ISO 3166-1 countries with their names in any language, from Babel's CLDR data (no shipped list)."""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale, UnknownLocaleError

# CLDR territory codes that are two letters but are not ISO 3166-1 countries: groupings, pseudo-regions,
# and the codes ISO only reserves for parts of a country (Ascension, Clipperton, Sark, Diego Garcia,
# Ceuta and Melilla, the Canary Islands, Tristan da Cunha), whose tips belong to that country. Kosovo
# (XK) stays: it is user-assigned, but every authority uses it.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}


@cache
def country_codes() -> frozenset[str]:
    return frozenset(
        code
        for code in Locale("en").territories
        if isinstance(code, str)
        and len(code) == 2
        and code.isalpha()
        and code.isupper()
        and code not in _NOT_COUNTRIES
    )


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


@cache
def country_choices(language: str) -> tuple[tuple[str, str], ...]:
    """(code, name) pairs in ``language``, sorted by name as a reader of that language expects."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, LookupError, UnknownLocaleError):
        locale = Locale("en")
    names = locale.territories
    english = Locale("en").territories
    pairs = [(code, names.get(code) or english[code]) for code in country_codes()]
    return tuple(sorted(pairs, key=lambda pair: _sort_key(pair[1])))
