"""Phone numbers: the country an international prefix or a national format belongs to.

A number written with ``+NN`` or ``00NN`` names its country by the prefix (Google's libphonenumber
metadata, through the ``phonenumbers`` package): "+48 600 123 456" is Poland, and so is a bare "+48"
("the label had a +48 number"). Prefixes that several countries share (+1 for the United States, Canada
and the Caribbean, +7 for Russia and Kazakhstan, +44 with the Crown dependencies) give a country only
when the whole number is valid, since only then do its area digits settle which one.

A number written without a prefix ("06 12 34 56 78") is valid in dozens of countries, so a national
format counts only when exactly one country both accepts the digits and groups them the way the
tipster did (the metadata's national formatting rules): "06 12 34 56 78" is French, "0612 345 678"
is not anything. Numbers without any grouping give nothing. The check walks the numbering plans of
every country (tens of milliseconds), so it runs only for a grouped number that a phone word ("tel.",
"телефон", "numer") announces, at most twice per field: most tips hold no number at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from traceobject.triage.signals.gazetteer import country_codes

INTERNATIONAL_CONFIDENCE = 0.8  # a valid number with its prefix
PREFIX_CONFIDENCE = 0.7  # a prefix of one country, the rest missing, masked or not a valid number
NATIONAL_CONFIDENCE = 0.55  # a national format that only one country's numbers take
MAX_NUMBERS = 4  # numbers looked at per field: a list of numbers is not more evidence than a few
MAX_NATIONAL = 2  # national numbers checked per field: each check costs milliseconds (below)
CONTEXT_CHARS = 30  # a national number counts only after a phone word this close before it

# "+48 600 123 456", "+48 (22) 123-45-67", "0048 600123456", "+48": the prefix, then digits and separators.
_INTERNATIONAL = re.compile(r"(?<![\w+])(?:\+ ?|(?<!\d)00 ?)(\d(?:[ \-./]?\(?\d\)?){0,16})(?![\w])")
# A grouped national number: 8 to 15 digits in at least two groups, not glued to other word characters.
# Words that announce a phone number, in the public languages (matched in lower case, as prefixes).
_PHONE_WORD = re.compile(
    r"(?i)(?:\btel\b|\btél|phone|\bfon\b|telef|telep|telf|\btlf|puh|τηλ|телеф|\bтел\b|номер|\bnum|\bnúm|nummer"
    r"|číslo|cislo|\bbroj|szám|\bnr\b|\bno\.|電話|电话|전화|โทร|điện thoại|sđt|هاتف|تلفن|تماس|फ़ोन|फोन|whatsapp|viber"
    r"|\bcall|hotline|\bfax|\bmobil|\bcell|\bgsm\b|\bhandy|☎|📞)"
)
_NATIONAL = re.compile(r"(?<![\w+.,/\-])(\(?0?\d{1,5}\)?(?:[ \-./]\(?\d{1,5}\)?){1,6})(?![\w]|[.,/\-]\d)")


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
    _code, regions = found
    if len(digits) >= 7:
        try:
            number = library.parse("+" + digits)
        except library.NumberParseException:
            number = None
        if number is not None and library.is_valid_number(number):
            region = library.region_code_for_number(number)
            if region in country_codes():
                return region, INTERNATIONAL_CONFIDENCE
    if len(regions) == 1:
        return regions[0], PREFIX_CONFIDENCE
    return None


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
        if metadata is None or metadata.general_desc is None or not metadata.general_desc.national_number_pattern:
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
def _national(raw: str) -> str | None:
    """The one country whose valid numbers are written with exactly this grouping, or None.

    The plans' general patterns rule most countries out with one regular expression each; only the
    few left are parsed, validated and formatted by the library (each costs a fraction of a ms)."""
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
        if not library.is_valid_number_for_region(number, plan.region):
            continue
        formatted = library.format_number(number, library.PhoneNumberFormat.NATIONAL)
        if _groups(formatted) == groups:
            found.append((plan.region, _separators(formatted) == _separators(raw)))
    if len(found) == 1:
        return found[0][0]
    # Several countries group the digits alike: the separators may still tell ("03-1234-5678" is
    # Japanese, "(03) 1234 5678" Australian).
    exact = [region for region, same in found if same]
    return exact[0] if len(exact) == 1 else None


def _overlaps(start: int, end: int, masked: Sequence[tuple[int, int]]) -> bool:
    return any(start < mask_end and mask_start < end for mask_start, mask_end in masked)


def find_phones(text: str, masked: Sequence[tuple[int, int]] = ()) -> list[PhoneHit]:
    """Phone numbers of ``text`` that name a country, outside the ``masked`` spans."""
    if not text or not any(char.isdigit() for char in text):
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
        if text[start] != "+" and len(digits) < 8:  # "00" is also a number's start: ask for a whole number
            continue
        result = _international(digits)
        taken.append((start, end))
        if result is not None:
            hits.append(PhoneHit(start, end, result[0], result[1]))
    checked = 0
    for match in _NATIONAL.finditer(text):
        if len(hits) >= MAX_NUMBERS or checked >= MAX_NATIONAL:
            break
        raw = match.group(1)
        start, end = match.span(1)
        digit_count = sum(char.isdigit() for char in raw)
        if not 8 <= digit_count <= 15 or _overlaps(start, end, taken):
            continue
        if not _PHONE_WORD.search(text, max(0, start - CONTEXT_CHARS), start):
            continue
        checked += 1
        region = _national(raw)
        if region is not None:
            hits.append(PhoneHit(start, end, region, NATIONAL_CONFIDENCE))
    return hits


def prepare() -> None:
    """Load the metadata of every region now (about 0.2 s) instead of on the first number."""
    _national_plans()
