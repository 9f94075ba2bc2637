"""Languages' names in any language, from Babel's CLDR data: complete for all 36 public languages without
a message per name in every catalog ("anglais" on a French page, "angielski" on a Polish one)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, LookupError, UnknownLocaleError):
        return Locale("en")


@cache
def _language_names(language: str) -> Mapping[str, str]:
    names = _locale(language).languages
    english = Locale("en").languages
    return {str(code): str(names.get(code) or english.get(code) or code) for code in english}


def language_name(code: str, language: str | None = None) -> str:
    """A language code's name in ``language`` (the active one by default); the code itself when Babel
    does not know it. Django's codes are accepted as they are ("zh-hans" is CLDR's "zh_Hans")."""
    if not code:
        return ""
    names = _language_names(language or get_language() or "en")
    key = code.replace("-", "_")
    if "_" in key:
        head, tail = key.split("_", 1)
        key = f"{head}_{tail.title()}" if len(tail) == 4 else f"{head}_{tail.upper()}"
    return names.get(key) or names.get(code.split("-")[0]) or code
