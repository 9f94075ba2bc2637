"""Postcodes whose format names one country, in the context that makes them postcodes.

A bare five-digit number is a price, a year range or an article number as often as a postcode, and
a dozen countries write five-digit postcodes; so only three things count:

- a format that no other country uses and that is unlike other numbers: the British "SW1A 1AA"
  (outward code of a known postcode area), the Canadian "M5V 3L9", the Irish Eircode "D02 X285",
  the Argentinian "C1425DKA", the Japanese "〒100-0001" (the postal mark);
- a country prefix, the old European address style and the official one in the Baltics:
  "D-80331 München", "PL-00-950", "A-1010", "CH-8001", "LV-1050";
- a format that few countries share followed by a town's name, as an address is written:
  "00-950 Warszawa" (Poland's NN-NNN), "1000-001 Lisboa" (Portugal's NNNN-NNN), "1012 AB Amsterdam"
  (the Netherlands' NNNN AA), "01310-100 São Paulo" (Brazil's CEP).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

DISTINCT_CONFIDENCE = 0.7  # a format only one country uses
PREFIX_CONFIDENCE = 0.75  # a country prefix and that country's format
TOWN_CONFIDENCE = 0.6  # a format and a town's name after it

# The postcode areas of the United Kingdom (Royal Mail), so that "A4 2XL" (a paper size, a shirt) is not one.
UK_AREAS = frozenset(
    """AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH
    EN EX FK FY G GL GU HA HD HG HP HR HS HU HX IG IP IV KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE
    NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN
    TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE""".split()
)
_UK = re.compile(r"(?<![\w-])([A-Z]{1,2})(\d[A-Z\d]?) (\d[ABD-HJLNP-UW-Z]{2})(?![\w-])")
_CA = re.compile(r"(?<![\w-])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d(?![\w-])")
_IE = re.compile(r"(?<![\w-])(?:[AC-FHKNPRTV-Y]\d{2}|D6W) [0-9AC-FHKNPRTV-Y]{4}(?![\w-])")
_AR = re.compile(r"(?<![\w-])[A-HJ-NP-Z]\d{4}[A-Z]{3}(?![\w-])")
_JP = re.compile(r"〒 ?\d{3}-?\d{4}(?!\d)")

# Country prefixes: the letters (vehicle codes and ISO codes alike) and the digits that follow.
_PREFIXED = {
    "D": ("DE", r"\d{5}"), "DE": ("DE", r"\d{5}"), "A": ("AT", r"\d{4}"), "AT": ("AT", r"\d{4}"),
    "CH": ("CH", r"\d{4}"), "F": ("FR", r"\d{5}"), "FR": ("FR", r"\d{5}"), "I": ("IT", r"\d{5}"),
    "IT": ("IT", r"\d{5}"), "E": ("ES", r"\d{5}"), "ES": ("ES", r"\d{5}"), "P": ("PT", r"\d{4}-\d{3}"),
    "PT": ("PT", r"\d{4}-\d{3}"), "B": ("BE", r"\d{4}"), "BE": ("BE", r"\d{4}"), "L": ("LU", r"\d{4}"),
    "LU": ("LU", r"\d{4}"), "NL": ("NL", r"\d{4} ?[A-Z]{2}"), "PL": ("PL", r"\d{2}-\d{3}"),
    "CZ": ("CZ", r"\d{3} ?\d{2}"), "SK": ("SK", r"\d{3} ?\d{2}"), "H": ("HU", r"\d{4}"),
    "HU": ("HU", r"\d{4}"), "S": ("SE", r"\d{3} ?\d{2}"), "SE": ("SE", r"\d{3} ?\d{2}"),
    "DK": ("DK", r"\d{4}"), "N": ("NO", r"\d{4}"), "NO": ("NO", r"\d{4}"), "FIN": ("FI", r"\d{5}"),
    "FI": ("FI", r"\d{5}"), "GR": ("GR", r"\d{3} ?\d{2}"), "HR": ("HR", r"\d{5}"),
    "SLO": ("SI", r"\d{4}"), "SI": ("SI", r"\d{4}"), "RO": ("RO", r"\d{6}"), "BG": ("BG", r"\d{4}"),
    "LT": ("LT", r"\d{5}"), "LV": ("LV", r"\d{4}"), "EST": ("EE", r"\d{5}"), "EE": ("EE", r"\d{5}"),
    "IS": ("IS", r"\d{3}"), "IRL": ("IE", r"[AC-FHKNPRTV-Y]\d{2} ?[0-9AC-FHKNPRTV-Y]{4}"),
    "MC": ("MC", r"980\d{2}"), "CY": ("CY", r"\d{4}"), "MT": ("MT", r"[A-Z]{3} ?\d{4}"),
}  # fmt: skip
_PREFIX = re.compile(
    r"(?<![\w-])("
    + "|".join(sorted(_PREFIXED, key=len, reverse=True))
    + r")-("
    + "|".join(sorted({pattern for _code, pattern in _PREFIXED.values()}, key=len, reverse=True))
    + r")(?![\w-])"
)
# Formats that few countries share, then a town: a capitalised word (any script that has case).
_TOWN = r"(?=[ \u00a0]+[^\W\d_][^\W\d_]+)"
_WITH_TOWN = [
    ("PL", re.compile(r"(?<![\w-])\d{2}-\d{3}" + _TOWN)),
    ("PT", re.compile(r"(?<![\w-])\d{4}-\d{3}" + _TOWN)),
    ("BR", re.compile(r"(?<![\w-])\d{5}-\d{3}" + _TOWN)),
    ("NL", re.compile(r"(?<![\w-])[1-9]\d{3} ?(?!SA|SD|SS|XL|XS)[A-Z]{2}" + _TOWN)),
]


@dataclass(frozen=True, slots=True)
class PostcodeHit:
    start: int
    end: int
    code: str
    confidence: float


def _town_follows(text: str, end: int) -> bool:
    """The word after a postcode is a town's name: capitalised (in a cased script)."""
    rest = text[end:].lstrip(" \u00a0")
    return bool(rest) and rest[0].isupper()


def find_postcodes(text: str, masked: Sequence[tuple[int, int]] = ()) -> list[PostcodeHit]:
    """Postcodes of ``text`` that name one country, outside ``masked``."""
    if not text or not any(char.isdigit() for char in text):
        return []
    hits: list[PostcodeHit] = []
    taken = list(masked)

    def add(start: int, end: int, code: str, confidence: float) -> None:
        if not any(start < mask_end and mask_start < end for mask_start, mask_end in taken):
            taken.append((start, end))
            hits.append(PostcodeHit(start, end, code, confidence))

    for match in _PREFIX.finditer(text):
        code, pattern = _PREFIXED[match.group(1)]
        if re.fullmatch(pattern, match.group(2)):
            add(match.start(), match.end(), code, PREFIX_CONFIDENCE)
    for match in _UK.finditer(text):
        if match.group(1) in UK_AREAS:
            add(match.start(), match.end(), "GB", DISTINCT_CONFIDENCE)
    for pattern, code in ((_CA, "CA"), (_IE, "IE"), (_AR, "AR"), (_JP, "JP")):
        for match in pattern.finditer(text):
            add(match.start(), match.end(), code, DISTINCT_CONFIDENCE)
    for code, pattern in _WITH_TOWN:
        for match in pattern.finditer(text):
            if _town_follows(text, match.end()):
                add(match.start(), match.end(), code, TOWN_CONFIDENCE)
    hits.sort(key=lambda hit: hit.start)
    return hits
