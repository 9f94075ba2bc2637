# ruff: noqa: RUF002 - Greek and other letters are the point of these strings
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
  (the Netherlands' NNNN AA), "01310-100 São Paulo" (Brazil's CEP);
- the word for a postcode in a language, then a number in the format of exactly one of the countries
  that call it so: "CEP 01310-100" (Brazil), "kod 31-042" (Poland), "ΤΚ 546 22" (Greece), "邮编100022"
  (China), "PIN 110001" (India), "postcode 1012 AB" (the Netherlands, not the United Kingdom).

A postcode that several countries' formats fit ("CP 08001", "80331") counts only when the town written
right after it is a place of exactly one of them ("CP 08001 Barcelona", "80331 München"): the
extractor (``signals._scan_field``) settles these with the gazetteer's mentions. A bare number gives
nothing, and a year never is a postcode ("2015 Berlin").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from traceobject.triage.signals.normalise import fold, fold_key, is_unspaced

_DIGIT = re.compile(r"\d")
DISTINCT_CONFIDENCE = 0.7  # a format only one country uses
PREFIX_CONFIDENCE = 0.75  # a country prefix and that country's format
TOWN_CONFIDENCE = 0.6  # a format and a town's name after it

# The postcode areas of the United Kingdom (Royal Mail), so that "A4 2XL" (a paper size, a shirt) is not one.
UK_AREAS = frozenset(
    {
        "AB", "AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF", "CH",
        "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY", "E",
        "EC", "EH", "EN", "EX", "FK", "FY", "G", "GL", "GU", "HA", "HD", "HG", "HP", "HR", "HS", "HU",
        "HX", "IG", "IP", "IV", "KA", "KT", "KW", "KY", "L", "LA", "LD", "LE", "LL", "LN", "LS", "LU",
        "M", "ME", "MK", "ML", "N", "NE", "NG", "NN", "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH",
        "PL", "PO", "PR", "RG", "RH", "RM", "S", "SA", "SE", "SG", "SK", "SL", "SM", "SN", "SO", "SP",
        "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "W", "WA",
        "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE"
    }
)  # fmt: skip
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


KEYWORD_CONFIDENCE = 0.65  # the word for a postcode and one country's format
# Postcode formats, by country, for numbers announced by a postcode word (below).
FORMATS = {
    "PL": r"\d{2}-\d{3}", "PT": r"\d{4}-\d{3}", "BR": r"\d{5}-?\d{3}", "NL": r"[1-9]\d{3} ?[A-Z]{2}",
    "CN": r"\d{6}", "IN": r"\d{3} ?\d{3}", "GR": r"\d{3} ?\d{2}", "CY": r"\d{4}", "IR": r"\d{5}-?\d{5}",
    "MT": r"[A-Z]{3} ?\d{4}", "DE": r"\d{5}", "AT": r"\d{4}", "CH": r"\d{4}", "CZ": r"\d{3} ?\d{2}",
    "SK": r"\d{3} ?\d{2}", "ES": r"\d{5}", "MX": r"\d{5}", "FR": r"\d{5}", "IT": r"\d{5}",
    "US": r"\d{5}(?:-\d{4})?", "JP": r"\d{3}-?\d{4}", "KR": r"\d{5}", "RU": r"\d{6}", "UA": r"\d{5}",
    "HU": r"\d{4}", "RO": r"\d{6}", "BG": r"\d{4}", "SE": r"\d{3} ?\d{2}", "FI": r"\d{5}", "DK": r"\d{4}",
    "NO": r"\d{4}", "LT": r"(?:LT-)?\d{5}", "LV": r"(?:LV-)?\d{4}", "EE": r"\d{5}", "HR": r"\d{5}",
    "SI": r"\d{4}", "TR": r"\d{5}", "TH": r"\d{5}", "VN": r"\d{6}", "ID": r"\d{5}", "BE": r"\d{4}",
    "LU": r"\d{4}", "IE": r"[AC-FHKNPRTV-Y]\d{2} ?[0-9AC-FHKNPRTV-Y]{4}", "AR": r"[A-Z]?\d{4}[A-Z]{0,3}",
    "BY": r"\d{6}", "KZ": r"\d{6}", "RS": r"\d{5}", "MK": r"\d{4}", "BA": r"\d{5}", "AU": r"\d{4}",
    "CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d", "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", "MD": r"(?:MD-?)?\d{4}",
    "SA": r"\d{5}", "EG": r"\d{5}", "JO": r"\d{5}", "MA": r"\d{5}",
}  # fmt: skip
# The word for a postcode, folded, and the countries whose people call it so.
KEYWORDS = {
    "cep": ("BR",), "codigo postal": ("PT", "BR", "ES", "MX", "AR"), "cod postal": ("RO", "MD"),
    "cp": ("ES", "MX", "FR", "AR"), "c.p.": ("ES", "MX", "AR"), "code postal": ("FR", "BE", "CH", "LU"),
    "plz": ("DE", "AT", "CH"), "postleitzahl": ("DE", "AT", "CH"), "kod pocztowy": ("PL",), "kodem": ("PL",),
    "kod": ("PL",), "kodem pocztowym": ("PL",), "psc": ("CZ", "SK"), "postcode": ("NL", "GB", "AU", "BE"),
    "postal code": ("CA", "US", "GB", "AU", "IE"), "zip": ("US",), "zip code": ("US",), "zipcode": ("US",),
    "tk": ("GR", "CY"), "t.k.": ("GR", "CY"), "τκ": ("GR", "CY"), "τ.κ.": ("GR", "CY"),
    "ταχυδρομικος κωδικας": ("GR", "CY"), "邮编": ("CN",),
    "邮政编码": ("CN",), "郵便番号": ("JP",), "우편번호": ("KR",), "pin": ("IN",), "pin code": ("IN",),
    "pincode": ("IN",), "पिन कोड": ("IN",), "पिन": ("IN",), "کد پستی": ("IR",),
    "الرمز البريدي": ("EG", "SA", "MA", "JO"),
    "il kodici postali": ("MT",), "kodici postali": ("MT",), "postnummer": ("SE", "NO", "DK"),
    "postinumero": ("FI",), "iranyitoszam": ("HU",), "postanski broj": ("HR", "RS", "BA"),
    "postna stevilka": ("SI",), "pasto kodas": ("LT",), "pasta indekss": ("LV",), "postiindeks": ("EE",),
    "почтовый индекс": ("RU", "BY", "KZ"), "индекс": ("RU", "BY", "KZ"), "поштовий індекс": ("UA",),
    "пощенски код": ("BG",), "posta kodu": ("TR",), "รหัสไปรษณีย์": ("TH",), "mã bưu chính": ("VN",),
    "kode pos": ("ID",), "eircode": ("IE",), "cap": ("IT",), "codice postale": ("IT", "CH"),
}  # fmt: skip
KEYWORD_REACH = 30  # characters between the word and the number ("کد پستی روی برچسب ۱۴۳۵۹۶۳۱۱۱")
_NUMBER = re.compile(
    r"(?<![\w-])(?:[A-Z]{1,3}[ -]?)?\d[\dA-Z -]{1,10}[\dA-Z](?![\w-])|(?<![\w-])\d{4,6}(?!\d)"
)


@cache
def _keywords() -> dict[str, tuple[str, ...]]:
    return {fold_key(word): countries for word, countries in KEYWORDS.items()}


@cache
def _keyword_pattern() -> re.Pattern[str]:
    words = sorted(_keywords(), key=len, reverse=True)
    return re.compile(
        "|".join(
            re.escape(word) if is_unspaced(word[0]) else rf"(?<!\w){re.escape(word)}(?!\w)" for word in words
        )
    )


@dataclass(frozen=True, slots=True)
class PostcodeHit:
    start: int
    end: int
    code: str  # "" when several countries fit: ``candidates`` then lists them, for the town to settle
    confidence: float
    candidates: tuple[str, ...] = ()


def _town_follows(text: str, end: int) -> bool:
    """The word after a postcode is a town's name: capitalised (in a cased script)."""
    rest = text[end:].lstrip(" \u00a0")
    return bool(rest) and rest[0].isupper()


def find_postcodes(
    text: str, masked: Sequence[tuple[int, int]] = (), language: str = ""
) -> list[PostcodeHit]:
    """Postcodes of ``text`` that name one country, outside ``masked``."""
    if not text or not _DIGIT.search(text):
        return []
    hits: list[PostcodeHit] = []
    taken = list(masked)

    def add(start: int, end: int, code: str, confidence: float) -> None:
        if not any(start < mask_end and mask_start < end for mask_start, mask_end in taken):
            taken.append((start, end))
            hits.append(PostcodeHit(start, end, code, confidence))

    for match in _PREFIX.finditer(text):
        code, digits = _PREFIXED[match.group(1)]
        if re.fullmatch(digits, match.group(2)):
            add(match.start(), match.end(), code, PREFIX_CONFIDENCE)
    for match in _UK.finditer(text):
        if match.group(1) in UK_AREAS:
            add(match.start(), match.end(), "GB", DISTINCT_CONFIDENCE)
    for distinct, code in ((_CA, "CA"), (_IE, "IE"), (_AR, "AR"), (_JP, "JP")):
        for match in distinct.finditer(text):
            add(match.start(), match.end(), code, DISTINCT_CONFIDENCE)
    for code, with_town in _WITH_TOWN:
        for match in with_town.finditer(text):
            if _town_follows(text, match.end()):
                add(match.start(), match.end(), code, TOWN_CONFIDENCE)
    for start, end, fitting in _announced(text):
        if len(fitting) == 1:
            add(start, end, fitting[0], KEYWORD_CONFIDENCE)
        elif not any(start < mask_end and mask_start < end for mask_start, mask_end in taken):
            taken.append((start, end))
            hits.append(PostcodeHit(start, end, "", KEYWORD_CONFIDENCE, fitting))
    for match in _BEFORE_TOWN.finditer(text):
        start, end = match.span(1)
        if not any(start < mask_end and mask_start < end for mask_start, mask_end in taken):
            number = match.group(1)
            fitting = tuple(code for code, pattern in FORMATS.items() if re.fullmatch(pattern, number))
            if fitting:
                hits.append(PostcodeHit(start, end, "", TOWN_CONFIDENCE, fitting))
    hits.sort(key=lambda hit: hit.start)
    return hits


# A number that may be a postcode, right before a capitalised word: "80331 München", "75001 Paris".
# Years ("2015 Berlin") are not; the town that follows must settle the country (``signals``).
_BEFORE_TOWN = re.compile(r"(?<![\w.,/-])(?!(?:19|20)\d\d\b)(\d{4,6})(?=[ \u00a0]{1,2}[^\W\d_])")


def _announced(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Numbers after the word for a postcode, with the countries that use the word and the format."""
    folded = fold(text)
    found: list[tuple[int, int, tuple[str, ...]]] = []
    for keyword in _keyword_pattern().finditer(folded.text):
        countries = _keywords()[keyword.group()]
        _start, keyword_end = folded.span(keyword.start(), keyword.end())
        window = text[keyword_end : keyword_end + KEYWORD_REACH + 14]
        for number in _NUMBER.finditer(window):
            if number.start() > KEYWORD_REACH:
                break
            candidate = number.group().strip()
            fitting = tuple(code for code in countries if re.fullmatch(FORMATS[code], candidate))
            if fitting:
                start = keyword_end + number.start()
                found.append((start, start + len(number.group().rstrip()), fitting))
                break
    return found
