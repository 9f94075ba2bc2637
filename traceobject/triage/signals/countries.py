# ruff: noqa: RUF001 - non-ASCII letters and punctuation are the point of these strings
"""Country mentions by name, demonym or city, found with the gazetteer's automaton.

The automaton reports every key that occurs anywhere, including inside other words ("oman" in
"romance"), so each hit is checked here: word boundaries (not for scripts written without spaces),
case endings of the tip's language, capitalisation where a name is also a word, and the language of a
demonym. Of overlapping survivors the longest wins ("Papua New Guinea" over "Guinea"), and blockers
("guinea pig") win and produce nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from traceobject.triage.signals import data
from traceobject.triage.signals.expressions import DISH_CONFIDENCE, find_expressions, names_dish
from traceobject.triage.signals.gazetteer import (
    INFLECTION_CONFIDENCE,
    KIND_BLOCK,
    KIND_CHAIN,
    KIND_CITY,
    KIND_DEMONYM,
    KIND_NAME,
    KIND_REGION,
    Entry,
    Gazetteer,
    decode,
    gazetteer,
)
from traceobject.triage.signals.language_names import names_language, not_a_place, spoken_in
from traceobject.triage.signals.normalise import (
    Folded,
    fold_key,
    is_arabic,
    is_cased_upper,
    is_unspaced,
    is_word_char,
)

WEAK_CONFIDENCE = 0.4  # a name that is often something else ("Jordan", "Chad")
SENTENCE_ENDS = frozenset(".!?\n…。！？")
ARABIC_PROCLITICS = frozenset("وبلفك")
HEBREW_PROCLITICS = frozenset("בהולמשכ")
CLAUSE_ENDS = frozenset(".,;:!?)\n")


@dataclass(frozen=True, slots=True)
class Mention:
    """A matched span, before its country is settled (cities may name several)."""

    field: str
    start: int  # in the original field text
    end: int
    entry: Entry
    confidence: float
    inflected: bool = False  # matched with a case ending, on a stem, or as an irregular case form

    @property
    def source(self) -> str:
        """The kind of signal, as stored and shown (``CountrySignal.source``)."""
        kind = self.entry.kind
        if kind == KIND_NAME:
            return "inflection" if self.inflected or not self.entry.inflects else "name"
        return _SOURCES.get(kind, "name")


_SOURCES = {KIND_CITY: "city", KIND_DEMONYM: "demonym", KIND_REGION: "subdivision", KIND_CHAIN: "chain"}


def _is_hebrew(char: str) -> bool:
    return 0x0590 <= ord(char) <= 0x05FF


def _is_hangul(char: str) -> bool:
    return 0xAC00 <= ord(char) <= 0xD7AF


def _left_ok(text: str, start: int) -> bool:
    # Korean attaches its particles after a noun, never before: a name starts a word ("파우치" holds
    # no "우치", Łódź), where Chinese and Japanese names may start anywhere.
    if start == 0 or (is_unspaced(text[start]) and not _is_hangul(text[start])):
        return True
    previous = text[start - 1]
    if not is_word_char(previous):
        return True
    # Arabic and Hebrew glue one-letter words ("and", "in", "to") to the next word: وسوريا, בישראל.
    if is_arabic(text[start]):
        clitics = ARABIC_PROCLITICS
    elif _is_hebrew(text[start]):
        clitics = HEBREW_PROCLITICS
    else:
        return False
    index = start - 1
    while index >= 0 and start - index <= 2 and text[index] in clitics:
        index -= 1
    return index < 0 or not is_word_char(text[index])


def _right_end(
    text: str, stop: int, key_length: int, stem: bool, entry: Entry, endings: frozenset[str]
) -> int:
    """Where the mention ends: at the key, or after a case ending; -1 if the key is inside a word."""
    size = len(text)
    apostrophe = stop < size - 1 and text[stop] == "'" and bool(endings) and not stem
    if apostrophe:  # Turkish writes a name's case ending after an apostrophe: "Türkiye'de", "Almanya'dan"
        end = stop + 1
        while end < size and is_word_char(text[end]) and end - stop <= 6:
            end += 1
        if text[stop + 1 : end] in endings and (end == size or not is_word_char(text[end])):
            return end
        return stop
    if not stem and (stop == size or not is_word_char(text[stop]) or is_unspaced(text[stop - 1])):
        return stop
    if not endings or key_length < 4 or not entry.inflects:
        return -1
    end = stop
    while end < size and is_word_char(text[end]) and end - stop <= 5:
        end += 1
    if end < size and is_word_char(text[end]):
        return -1
    return end if text[stop:end] in endings else -1


# Irish eclipsis: the letters written before a name's first letter after some prepositions ("i
# gConamara", "i bPenneys", "ón bhFrainc", "in nGaillimh"), and the t- and h- before vowels and s.
_ECLIPSIS = {
    "b": ("m",),
    "c": ("g",),
    "d": ("n",),
    "g": ("n",),
    "p": ("b",),
    "t": ("d",),
    "f": ("bh",),
    "s": ("t",),
}


def _eclipsed(text: str, start: int) -> bool:
    first = text[start]
    prefixes = _ECLIPSIS.get(first, ()) + (("n", "h", "t") if first in "aeiou" else ())
    for prefix in prefixes:
        begin = start - len(prefix)
        if begin >= 0 and text[begin:start] == prefix and (begin == 0 or not is_word_char(text[begin - 1])):
            return True
    return False


def _sentence_start(original: str, start: int) -> bool:
    index = start - 1
    while index >= 0 and (original[index].isspace() or original[index] in "\"'«»“”„(-–—"):
        index -= 1
    return index < 0 or original[index] in SENTENCE_ENDS


@cache
def _common_words() -> dict[str, frozenset[str]]:
    table = data.load("common_words.json")
    words: dict[str, set[str]] = {}
    for part in ("words", "added"):
        for language, listed in table[part].items():
            words.setdefault(language, set()).update(fold_key(word) for word in listed)
    return {language: frozenset(listed) for language, listed in words.items()}


def _common_word(word: str, plausible: frozenset[str], codes: tuple[tuple[str, float], ...]) -> bool:
    """``word`` is a frequent word of one of the tip's likely languages (``data/common_words.json``),
    which none of the countries it could name speaks."""
    words = _common_words()
    return any(word in words.get(language, ()) and not spoken_in(language, codes) for language in plausible)


def _rule_applies(entry: Entry, plausible: frozenset[str]) -> bool:
    return "*" in entry.rule_languages or not plausible or not plausible.isdisjoint(entry.rule_languages)


def _confidence(
    entry: Entry, folded: Folded, start: int, end: int, plausible: frozenset[str], lower_case: bool
) -> float | None:
    """The confidence of a hit after the entry's rules, or None when the hit does not count.

    ``lower_case``: the tip has no capital letter at all, so capitals prove nothing; the main names of
    cities are then accepted without one (alternate names, which are often words elsewhere, are not).
    """
    original_start = folded.starts[start]
    capitalised = is_cased_upper(folded.original[original_start])
    if entry.needs_capital and not capitalised:
        waived = (
            lower_case
            and entry.kind in (KIND_CITY, KIND_REGION, KIND_CHAIN)
            and not entry.not_initial
            and not entry.rule
        )
        if not waived:
            return None
    # Opening a sentence, a word of a cased script is capitalised whatever it is; one of a script without
    # case ("東京で買いました", "서울에서") is not, and stays the name it is.
    cased = folded.original[original_start].lower() != folded.original[original_start].upper()
    if entry.not_initial and cased and _sentence_start(folded.original, original_start):
        return None
    translated = entry.kind in (KIND_DEMONYM, KIND_REGION) and entry.languages
    if translated and plausible and entry.languages.isdisjoint(plausible):
        return None
    # "Tämä" (Finnish "this") is no Japanese city, nor Croatian "još" a Nigerian one: a frequent word of
    # the tip's language names a place of a country that does not speak it only when it is written as
    # a name, capitalised and not opening a sentence.
    if (
        entry.kind != KIND_DEMONYM
        and _common_word(folded.text[start:end], plausible, entry.codes)
        and (lower_case or not capitalised or _sentence_start(folded.original, original_start))
    ):
        return None
    if entry.kind in (KIND_DEMONYM, KIND_NAME):
        if names_language(entry.kind == KIND_NAME, folded, start, end, plausible):
            return None
    elif any(not_a_place(folded.text[start:end], language, entry.codes) for language in plausible):
        return None
    confidence = entry.confidence
    if entry.rule and _rule_applies(entry, plausible):
        if entry.rule == "never" or not capitalised:
            return None
        if entry.rule == "weak" or _sentence_start(folded.original, original_start):
            return min(confidence, WEAK_CONFIDENCE)
    return confidence


def find_mentions(
    folded: Folded,
    *,
    field: str,
    language: str = "",
    plausible: frozenset[str] = frozenset(),
    masked: Sequence[tuple[int, int]] = (),
    index: Gazetteer | None = None,
    blocked: list[tuple[int, int]] | None = None,
) -> list[Mention]:
    """Every country name, demonym and city in ``folded``, longest first, without overlaps.

    ``language`` (the likeliest language of the tip) selects the case endings; ``plausible`` (it and
    its close runners-up) gates demonyms and names that are also words.
    """
    index = index or gazetteer()
    text = folded.text
    plausible = plausible or (frozenset({language}) if language else frozenset())
    lower_case = not any(char.isupper() for char in folded.original)
    inflection = index.inflections.get(language)
    irish = "ga" in plausible
    candidates: list[tuple[int, int, int, float, bool, int]] = []
    for last, value in index.automaton.iter(text):
        entry_index, key_length, stem = decode(value)
        start = last - key_length + 1
        if not _left_ok(text, start) and not (irish and _eclipsed(text, start)):
            continue
        entry = index.entries[entry_index]
        endings: frozenset[str] = frozenset()
        if inflection is not None and (entry.kind in (KIND_NAME, KIND_DEMONYM) or inflection.cities):
            endings = inflection.endings
        end = _right_end(text, last + 1, key_length, stem, entry, endings)
        if end < 0:
            continue
        if entry.kind == KIND_BLOCK:
            candidates.append((start, end, entry_index, 9.0, False, key_length))  # sorts first among equals
            continue
        confidence = _confidence(entry, folded, start, end, plausible, lower_case)
        if confidence is not None:
            inflected = stem or end > last + 1
            if inflected and entry.kind == KIND_NAME:
                confidence = min(confidence, INFLECTION_CONFIDENCE)
            candidates.append((start, end, entry_index, confidence, inflected, key_length))
    # Longest first; among equal spans a blocker, then a form found as written over one found by a
    # stem and an ending, then the longer stem ("slovensk" + "u" over "sloven" + "sku"), then the
    # likelier kind (a country name over a region named "Chin" + "a").
    candidates.sort(key=lambda item: (item[0] - item[1], item[0], item[4], -item[5], -item[3]))
    taken = bytearray(len(text))
    if candidates:
        # Dishes, products and idioms whose words take endings ("ruskich pierogów"): no mention inside.
        for start, end in find_expressions(text):
            taken[start:end] = b"\x01" * (end - start)
            if blocked is not None:
                blocked.append(folded.span(start, end))
    mentions: list[Mention] = []
    for start, end, entry_index, confidence, inflected, _key_length in candidates:
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        entry = index.entries[entry_index]
        original_start, original_end = folded.span(start, end)
        if entry.kind == KIND_BLOCK:
            if blocked is not None:  # "Türk kahvesi": no other reader may take these words either
                blocked.append((original_start, original_end))
            continue
        if any(original_start < mask_end and mask_start < original_end for mask_start, mask_end in masked):
            continue
        if (
            entry.kind != KIND_CHAIN
            and plausible
            and names_dish(text, start, end, plausible, entry.kind == KIND_DEMONYM, entry.kind == KIND_CITY)
        ):
            confidence = min(confidence, DISH_CONFIDENCE)
        mentions.append(Mention(field, original_start, original_end, entry, confidence, inflected))
    mentions.sort(key=lambda mention: mention.start)
    return mentions
