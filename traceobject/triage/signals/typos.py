"""Misspelt country names: "Germnay", "Portugual", "Hungery", "Untied States", "Polnad".

A word (or two or three words) that is not itself a name, a known place or a common word is compared,
by Damerau-Levenshtein distance (adjacent swaps count one edit), with the country names of the public
languages. It counts as the country when:

- the distance is small for the name's length: one edit from seven letters on, two from ten on; a
  five- or six-letter name accepts only a swap of neighbours, a doubled or a dropped letter ("Itlay",
  "Chiina", "Frnce"), since a free edit of a short name is too often another word ("Spain" / "stain");
- exactly one country is that close (no other country's name at the same or a smaller distance);
- no common word (data/typo_words.json, and the language names of the public languages) is as close;
  the words other signals took (names, cities, regions, demonyms) are not looked at.

Candidates are found through a deletion index (SymSpell's idea): every name and every word is
indexed by itself and its one-letter deletions, so two strings within two edits share an entry.
Only Latin, Cyrillic and Greek names are indexed: typos in the other scripts are not letter swaps.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from traceobject.triage.signals import data
from traceobject.triage.signals.normalise import fold_key

TYPO_CONFIDENCE = 0.6
MIN_LENGTH = 5
# Words only: an apostrophe splits "d'Allemange" and "İngilterre'den" into the name and the rest.
_WORD = re.compile(r"[^\W\d_]+")
MAX_WORDS = 3  # "Untied Arab Emirates"
MAX_NAME = 40  # characters: longer word groups are no name
MAX_ENDINGS = 3  # case endings tried on one word, longest first
WORD_CODE = "-"  # marks a common word in the index
SHARED_CODE = "*"  # a name of several countries: a rival to every reading, never a reading


@dataclass(frozen=True, slots=True)
class TypoHit:
    start: int
    end: int
    code: str
    confidence: float
    name: str  # the name it was read as, folded


def _deletions(key: str) -> set[str]:
    return {key} | {key[:index] + key[index + 1 :] for index in range(len(key))}


def distance(left: str, right: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment: each adjacent swap costs one)."""
    rows = len(left) + 1
    columns = len(right) + 1
    previous_previous: list[int] = []
    previous = list(range(columns))
    for row in range(1, rows):
        current = [row] + [0] * (columns - 1)
        for column in range(1, columns):
            cost = 0 if left[row - 1] == right[column - 1] else 1
            current[column] = min(previous[column] + 1, current[column - 1] + 1, previous[column - 1] + cost)
            if (
                row > 1
                and column > 1
                and left[row - 1] == right[column - 2]
                and left[row - 2] == right[column - 1]
            ):
                current[column] = min(current[column], previous_previous[column - 2] + 1)
        previous_previous, previous = previous, current
    return previous[-1]


def _short_edit(typed: str, name: str) -> bool:
    """The only edits accepted on a five- or six-letter name: a swap, a doubled or a dropped letter."""
    if len(typed) == len(name):
        differ = [index for index in range(len(name)) if typed[index] != name[index]]
        return (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and typed[differ[0]] == name[differ[1]]
            and typed[differ[1]] == name[differ[0]]
        )
    if len(typed) == len(name) + 1:  # a doubled letter: "Chiina"
        return any(
            typed[:index] + typed[index + 1 :] == name and typed[index] == typed[index - 1]
            for index in range(1, len(typed))
        )
    if len(typed) == len(name) - 1:  # a dropped letter, not the first: "Frnce"
        return any(name[:index] + name[index + 1 :] == typed for index in range(1, len(name)))
    return False


def allowed(name: str) -> int:
    """How many edits a name of this length takes."""
    return 2 if len(name) >= 10 else 1


def _cased(key: str) -> bool:
    return all(char == " " or char == "'" or 0x0041 <= ord(char) <= 0x052F for char in key)


@dataclass
class _Index:
    by_deletion: dict[str, list[int]]
    keys: list[str]
    codes: list[str]  # WORD_CODE for a common word
    stems: list[bool]  # a name without its last vowels ("rakousk"), for a word read without its ending
    exact: frozenset[str]  # the names and words themselves: a word that is one is no misspelling
    endings: dict[str, tuple[str, ...]]  # case endings by language, longest first (inflection.json)


@cache
def _public_languages() -> tuple[str, ...]:
    from django.conf import settings

    languages = {code.split("-")[0] for code, _name in settings.LANGUAGES}
    return tuple(sorted(languages))


def _build() -> _Index:
    from babel import Locale

    from traceobject.triage.signals.gazetteer import country_codes

    names: dict[str, set[str]] = {}
    words: set[str] = set()
    codes = country_codes()
    for language in _public_languages():
        locale = Locale.parse(language)
        for code, name in locale.territories.items():
            if code in codes:
                for part in (name, name.split("(")[0]):
                    key = fold_key(part.strip())
                    if len(key) >= MIN_LENGTH and _cased(key):
                        names.setdefault(key, set()).add(code)
        for name in locale.languages.values():  # "Polish", "polski": a language is not a typo
            words.add(fold_key(name))
    table = data.load("country_names.json")
    for code, variants in table["variants"].items():
        for variant in variants:
            key = fold_key(variant)
            if len(key) >= MIN_LENGTH and _cased(key):
                names.setdefault(key, set()).add(code)
    words |= {fold_key(word) for word in data.load("typo_words.json")["words"]}
    keys: list[str] = []
    key_codes: list[str] = []
    stems: list[bool] = []
    for key, countries in names.items():
        keys.append(key)
        key_codes.append(next(iter(countries)) if len(countries) == 1 else SHARED_CODE)
        stems.append(False)
    # Only the words within two edits of a name can be a rival: the other language names (thousands)
    # would only slow the index.
    near = set().union(*(_deletions(key) for key in names))
    all_words = {word for word in words - set(names) if len(word) >= MIN_LENGTH - 1}
    for word in sorted(all_words):
        if not near.isdisjoint(_deletions(word)):
            keys.append(word)
            key_codes.append(WORD_CODE)
            stems.append(False)
    inflection = data.load("inflection.json")
    drops = sorted({fold_key(drop) for group in inflection["groups"] for drop in group["drop"]}, key=len)
    stem_codes: dict[str, set[str]] = {}
    for key, countries in names.items():
        for drop in drops:
            if key.endswith(drop) and len(key) - len(drop) >= MIN_LENGTH:
                stem_codes.setdefault(key[: -len(drop)], set()).update(countries)
    for stem, countries in stem_codes.items():
        if len(countries) == 1 and stem not in names:
            keys.append(stem)
            key_codes.append(next(iter(countries)))
            stems.append(True)
    endings = {
        language: tuple(sorted({fold_key(ending) for ending in group["endings"]}, key=len, reverse=True))
        for group in inflection["groups"]
        for language in group["languages"]
    }
    exact = frozenset(key for key, stem in zip(keys, stems, strict=True) if not stem) | all_words
    return _with_deletions(
        _Index(by_deletion={}, keys=keys, codes=key_codes, stems=stems, endings=endings, exact=exact)
    )


def _with_deletions(index: _Index) -> _Index:
    for position, key in enumerate(index.keys):
        for deletion in _deletions(key):
            index.by_deletion.setdefault(deletion, []).append(position)
    return index


def _cache_path() -> Path | None:
    """Beside the gazetteer's cache, keyed like it and by this module's source and the public languages:
    building reads 36 Babel locales (two seconds), loading the keys back a tenth of that."""
    from traceobject.triage.signals.gazetteer import CITY_POPULATION_FLOOR, _cache_key, cache_dir

    directory = cache_dir()
    if directory is None:
        return None
    digest = hashlib.sha256()
    digest.update(_cache_key(CITY_POPULATION_FLOOR).encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(",".join(_public_languages()).encode())
    return directory / f"signals-typos-{digest.hexdigest()[:20]}.json"


def _load_or_build() -> _Index:
    path = _cache_path()
    if path is not None and path.exists():
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            saved = json.loads(path.read_text(encoding="utf-8"))
            endings = {language: tuple(values) for language, values in saved["endings"].items()}
            return _with_deletions(
                _Index(
                    by_deletion={},
                    keys=saved["keys"],
                    codes=saved["codes"],
                    stems=saved["stems"],
                    endings=endings,
                    exact=frozenset(saved["exact"]),
                )
            )
    built = _build()
    if path is not None:
        with contextlib.suppress(OSError):  # a read-only data directory costs the next process a rebuild
            path.parent.mkdir(parents=True, exist_ok=True)
            for stale in path.parent.glob("signals-typos-*"):
                if stale != path:
                    stale.unlink(missing_ok=True)
            saved = {
                "keys": built.keys,
                "codes": built.codes,
                "stems": built.stems,
                "endings": built.endings,
                "exact": sorted(built.exact),
            }
            temporary = path.with_name(path.name + f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, path)
    return built


_lock = threading.Lock()
_index: _Index | None = None


def index() -> _Index:
    """The deletion index, loaded from the signals cache or built on first use (two seconds)."""
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = _load_or_build()
    return _index


def _collapsed(word: str) -> str:
    """The word with doubled letters single: "Morroco" and "Morocco" meet as "moroco"."""
    return re.sub(r"(.)\1+", r"\1", word)


def _read(candidate: str, proper_noun: bool = False, stemmed: bool = False) -> tuple[str, str] | None:
    """(country, name) when ``candidate`` (folded) is an unambiguous misspelling of a country name.

    ``proper_noun``: the tipster capitalised it in mid-sentence, in a language that capitalises only
    names; a common word as close is then no rival ("from Hungery": not "hungry"). ``stemmed``: the
    candidate is a word without its case ending, compared with names and with their stems; otherwise
    stems take no part. A doubled letter moved ("Morroco") counts as one edit."""
    built = index()
    found: dict[int, int] = {}
    collapsed = _collapsed(candidate)
    for deletion in _deletions(candidate) | _deletions(collapsed):
        for key_index in built.by_deletion.get(deletion, ()):
            if key_index not in found and (stemmed or not built.stems[key_index]):
                key = built.keys[key_index]
                edits = distance(candidate, key)
                if edits > 1 and _collapsed(key) == collapsed:
                    edits = 1
                found[key_index] = edits
    best: tuple[int, str, str] | None = None
    rivals: list[tuple[int, str]] = []
    for key_index, edits in found.items():
        key, code = built.keys[key_index], built.codes[key_index]
        if edits == 0:
            return None  # it is a name (the gazetteer's business) or a common word
        rivals.append((edits, code))
        if code in (WORD_CODE, SHARED_CODE) or edits > allowed(key):
            continue
        if allowed(key) == 1 and len(key) < 7 and not _short_edit(candidate, key):
            continue
        if best is None or edits < best[0]:
            best = (edits, code, key)
    if best is None:
        return None
    edits, code, key = best
    for rival_edits, rival_code in rivals:
        if rival_edits <= edits and rival_code != code and not (proper_noun and rival_code == WORD_CODE):
            return None  # another country, or a common word, is as close
    return code, key


# Languages that capitalise every noun: a capital there does not make a proper noun.
NOUN_CAPITALS = frozenset({"de", "lb"})


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'«»“”„(")
    return not before or before[-1] in ".!?\n…:"


def find_typos(text: str, masked: Sequence[tuple[int, int]] = (), language: str = "") -> list[TypoHit]:
    """Misspelt country names in ``text``, outside ``masked`` (the spans other signals took)."""
    if not text:
        return []
    lower_case = not any(char.isupper() for char in text)
    words = [(match.start(), match.end()) for match in _WORD.finditer(text)]
    if not words:
        return []
    covered = bytearray(len(text) + 1)
    for mask_start, mask_end in masked:
        low, high = max(0, min(mask_start, len(text))), max(0, min(mask_end, len(text)))
        if high > low:
            covered[low:high] = b"\x01" * (high - low)
    # Word i and word i + 1 belong to one name only when nothing but spaces (no line break) parts them.
    joined = [text[words[i][1] : words[i + 1][0]].strip(" ") == "" for i in range(len(words) - 1)]
    hits: list[TypoHit] = []
    for first, (start, _first_end) in enumerate(words):
        # A misspelt name is still a proper noun: capitalised, unless the tip has no capital at all.
        if not lower_case and not text[start].isupper():
            continue
        for size in range(min(MAX_WORDS, len(words) - first), 0, -1):
            last = first + size - 1
            end = words[last][1]
            if not MIN_LENGTH - 1 <= end - start <= MAX_NAME or not all(joined[first:last]):
                continue
            if any(covered[start:end]):
                continue
            candidate = fold_key(text[start:end])
            if not _cased(candidate) or candidate in index().exact:
                continue
            proper_noun = (
                not lower_case and language not in NOUN_CAPITALS and not _sentence_start(text, start)
            )
            found = _read(candidate, proper_noun)
            if found is None and size == 1:
                found = _read_inflected(candidate, proper_noun, language)
            if found is not None:
                hits.append(TypoHit(start, end, found[0], TYPO_CONFIDENCE, found[1]))
                covered[start:end] = b"\x01" * (end - start)
                break
    return hits


def _read_inflected(candidate: str, proper_noun: bool, language: str) -> tuple[str, str] | None:
    """A misspelt name with a case ending of the tip's language: "Rakouka" (Rakouska), "Njemčke",
    "Némerországból", "Nojrasta": the word without the ending, against the names and their stems."""
    tried = 0
    for ending in index().endings.get(language, ()):
        if candidate.endswith(ending) and len(candidate) - len(ending) >= MIN_LENGTH:
            found = _read(candidate[: -len(ending)], proper_noun, stemmed=True)
            if found is not None:
                return found
            tried += 1
            if tried == MAX_ENDINGS:
                break
    return None


def prepare() -> None:
    index()
