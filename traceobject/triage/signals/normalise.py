# ruff: noqa: RUF001 - non-ASCII letters and punctuation are the point of these strings
"""Folding of text for matching, with a map back to the original string.

Names are matched on a folded copy of the tip (case and diacritics removed, so that "ŁÓDŹ", "Lodz" and
"łódź" meet), but analysts must see the words the tipster wrote: every folded character therefore
remembers which original characters produced it, and a span in the folded text converts back to a span
of the original that may be longer or shorter (``ß`` folds to ``ss``, a decomposed ``u`` plus a
combining diaeresis folds to ``u``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Letters that carry their "diacritic" in the base character, so NFD does not split them.
_SPECIAL: dict[str, str] = {
    "ı": "i",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "ø": "o",
    "ħ": "h",
    "ŧ": "t",
    "ŀ": "l",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
    # Apostrophes and dashes come in many shapes; names use the ASCII ones.
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "`": "'",
    "\u00b4": "'",
    "-": " ",
    "\u2010": " ",
    "\u2011": " ",
    "\u2012": " ",
    "\u2013": " ",
    "\u2014": " ",
    "_": " ",
    # Arabic: spelling variants that writers use interchangeably.
    "\u0640": "",  # tatweel (kashida), a purely typographic stretch
    "\u0649": "\u064a",  # alef maqsura -> yeh
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06a9": "\u0643",  # Persian keheh -> kaf
    "\u06cc": "\u064a",  # Persian yeh -> yeh
}


def _strippable(code: int) -> bool:
    """Marks that are optional decoration: Latin/Greek/Cyrillic accents, Arabic and Hebrew vowel points.

    Marks of Indic and South-East Asian scripts spell vowels and must stay; Japanese (han)dakuten are
    kept too, since ト and ド are different letters.
    """
    return (
        0x0300 <= code <= 0x036F
        or 0x0483 <= code <= 0x0489
        or 0x0591 <= code <= 0x05C7
        or 0x0610 <= code <= 0x061A
        or 0x064B <= code <= 0x065F
        or code == 0x0670
        or 0x06D6 <= code <= 0x06ED
        or 0x1AB0 <= code <= 0x1AFF
        or 0x1DC0 <= code <= 0x1DFF
        or 0xFE20 <= code <= 0xFE2F
    )


_CACHE: dict[str, str] = {}


def fold_char(char: str) -> str:
    """The folded form of one character (possibly empty, possibly several characters)."""
    cached = _CACHE.get(char)
    if cached is not None:
        return cached
    if char.isspace():
        folded = " "
    else:
        lowered = _SPECIAL.get(char)
        if lowered is None:
            lowered = "".join(_SPECIAL.get(c, c) for c in char.casefold())
        decomposed = unicodedata.normalize("NFD", lowered)
        kept = "".join(c for c in decomposed if not _strippable(ord(c)))
        folded = "".join(_SPECIAL.get(c, c) for c in unicodedata.normalize("NFC", kept))
    if len(_CACHE) < 100_000:
        _CACHE[char] = folded
    return folded


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded string; ``starts[i]:ends[i]`` is the original text that produced ``text[i]``."""

    original: str
    text: str
    starts: list[int]
    ends: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Convert a span of the folded text into a span of the original."""
        return self.starts[start], self.ends[end - 1]


_ASCII = str.maketrans({"-": " ", "_": " ", "`": "'", "\t": " ", "\n": " ", "\r": " ", "\f": " ", "\v": " "})


@lru_cache(maxsize=16)
def fold(original: str) -> Folded:
    """Fold for matching; runs of whitespace become one space so "New  Zealand" still matches.

    Cached for the last few texts: extraction folds a tip's text for the language pass and again
    for the signals (the Folded is frozen, and its lists are never changed by a reader)."""
    if original.isascii():
        folded_ascii = original.lower().translate(_ASCII)
        if "  " not in folded_ascii:
            size = len(original)
            return Folded(original, folded_ascii, list(range(size)), list(range(1, size + 1)))
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(original):
        folded = fold_char(char)
        if not folded:
            if ends:  # a dropped combining mark belongs to the letter before it
                ends[-1] = index + 1
            continue
        if folded == " " and chars and chars[-1] == " ":
            continue
        for piece in folded:
            chars.append(piece)
            starts.append(index)
            ends.append(index + 1)
    return Folded(original=original, text="".join(chars), starts=starts, ends=ends)


def fold_key(text: str) -> str:
    """The folded form of a name, as stored in the gazetteer; surrounding spaces removed."""
    folded = text.lower().translate(_ASCII) if text.isascii() else "".join(map(fold_char, text))
    if "  " in folded:
        return " ".join(part for part in folded.split(" ") if part)
    return folded.strip()


_WORD_CACHE: dict[str, bool] = {}


def is_word_char(char: str) -> bool:
    """Letters, digits and combining marks (Devanagari vowel signs are marks, yet part of words)."""
    cached = _WORD_CACHE.get(char)
    if cached is None:
        cached = char.isalnum() or unicodedata.category(char)[0] == "M"
        if len(_WORD_CACHE) < 100_000:
            _WORD_CACHE[char] = cached
    return cached


def is_unspaced(char: str) -> bool:
    """Scripts written without spaces between words, where a name has no word boundary to respect.

    Hangul is included although Korean uses spaces: its particles attach to the noun ("한국에서").
    """
    code = ord(char)
    return (
        0x0E00 <= code <= 0x0EFF  # Thai, Lao
        or 0x1000 <= code <= 0x109F  # Myanmar
        or 0x1780 <= code <= 0x17FF  # Khmer
        or 0x2E80 <= code <= 0x2FDF  # CJK radicals
        or 0x3040 <= code <= 0x30FF  # Hiragana, Katakana
        or 0x31F0 <= code <= 0x31FF
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xF900 <= code <= 0xFAFF
        or 0xFF66 <= code <= 0xFF9F
        or 0x20000 <= code <= 0x2FFFF
    )


def is_arabic(char: str) -> bool:
    return 0x0600 <= ord(char) <= 0x06FF or 0x0750 <= ord(char) <= 0x077F


def is_cased_upper(char: str) -> bool:
    """True for an upper-case letter, and for letters of scripts that have no case at all."""
    return char.isupper() or char.lower() == char.upper()
