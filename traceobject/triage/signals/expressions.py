# ruff: noqa: RUF002 - letters of many languages are the point of these strings
"""Fixed expressions that hold a country's name but mean something else: dishes, drinks, products,
animals and idioms ("French fries", "Turks fruit", "ruskie pierogi", "Rus salatası", "chiave inglese").

The table is ``data/expressions.json``. An expression written without ``*`` is matched as written, by the
gazetteer's automaton, as a blocker (``gazetteer._add_country_names``): the longest match wins, so the
country word inside it produces nothing. An expression with ``*`` has words that take an ending ("rusk*
pierog*" meets "ruskie pierogi", "ruskich pierogów" and "ruskimi pierogami"), which one automaton key
cannot hold: those are matched here, word by word over the folded tip, and ``countries.find_mentions``
drops the mentions inside them. Both kinds apply to a tip in any language ("insalata russa" in an English
tip is still the dish).
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from traceobject.triage.signals import data
from traceobject.triage.signals.normalise import fold_key, is_unspaced

MAX_ENDING = 5  # letters a starred word may add: "pierog*" -> "pierogami"
_WORD = re.compile(r"\w+(?:'\w+)*")

Pattern = tuple[tuple[str, bool], ...]  # (folded stem, takes an ending) per word


def expanded() -> list[str]:
    """Every expression of the table, braces expanded, as written."""
    from traceobject.triage.signals.gazetteer import expand_forms

    forms: list[str] = []
    for expressions in data.load("expressions.json")["expressions"].values():
        for expression in expressions:
            forms.extend(expand_forms(expression) if "{" in expression else [expression])
    return forms


def exact_forms() -> list[str]:
    """The expressions the automaton holds as blockers: those without an ending, folded."""
    return [fold_key(form) for form in expanded() if "*" not in form]


@cache
def _patterns() -> dict[str, tuple[Pattern, ...]]:
    """The starred expressions, indexed by the first (up to) three letters of their first word."""
    index: dict[str, list[Pattern]] = defaultdict(list)
    for form in expanded():
        if "*" not in form:
            continue
        words: list[tuple[str, bool]] = []
        for raw in form.split():
            stem = fold_key(raw.rstrip("*"))
            words.extend((part, False) for part in stem.split()[:-1])  # "casse-tête*" folds to two words
            words.append((stem.split()[-1], raw.endswith("*")))
        if not words or is_unspaced(words[0][0][0]):
            continue
        index[words[0][0][:3]].append(tuple(words))
    return {key: tuple(patterns) for key, patterns in index.items()}


def _matches(token: str, stem: str, ending: bool) -> bool:
    if not ending:
        return token == stem
    return token.startswith(stem) and len(token) - len(stem) <= MAX_ENDING


def find_expressions(text: str) -> list[tuple[int, int]]:
    """Spans of the folded ``text`` that are starred expressions of the table."""
    patterns = _patterns()
    tokens = [(match.start(), match.end(), match.group()) for match in _WORD.finditer(text)]
    spans: list[tuple[int, int]] = []
    for position, (start, _end, token) in enumerate(tokens):
        candidates = [
            pattern for key in {token[:1], token[:2], token[:3]} for pattern in patterns.get(key, ())
        ]
        for pattern in candidates:
            size = len(pattern)
            if position + size > len(tokens):
                continue
            words = tokens[position : position + size]
            if all(
                _matches(word[2], stem, ending)
                and (index == 0 or not text[words[index - 1][1] : word[0]].strip())
                for index, (word, (stem, ending)) in enumerate(zip(words, pattern, strict=True))
            ):
                spans.append((start, words[-1][1]))
    return spans


DISH_CONFIDENCE = 0.4  # a place's word before a food noun ("ελληνικό καφέ"): shown, weak
_ADJECTIVE_AFTER = frozenset({"fr", "es", "it", "pt", "ro", "ca"})  # "crème anglaise", "salade russe"


@cache
def _foods() -> dict[str, tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]]:
    """Per language: food words as written (folded), stems that take an ending, and the words of
    scripts without spaces (matched as a prefix of what follows)."""
    foods: dict[str, tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]] = {}
    table = data.load("expressions.json")
    for language, spec in [*table["foods"].items(), ("city", table["city_brands"])]:
        exact: set[str] = set()
        stems: list[str] = []
        prefixes: list[str] = []
        for raw in spec.split(","):
            word = fold_key(raw.strip().rstrip("*"))
            if not word:
                continue
            if is_unspaced(word[0]) or 0xAC00 <= ord(word[0]) <= 0xD7AF:
                prefixes.append(word)
            elif raw.strip().endswith("*"):
                stems.append(word)
            else:
                exact.add(word)
        foods[language] = (frozenset(exact), tuple(stems), tuple(sorted(prefixes, key=len, reverse=True)))
    return foods


def _is_food(word: str, following: str, languages: frozenset[str]) -> bool:
    """``word`` is a food noun of one of ``languages``; or, of five letters or more, of any language
    (the detector may miss a short tip's language: "Kijevas kotlete" read as Slovak)."""
    for language, (exact, stems, prefixes) in _foods().items():
        if language == "city" and "city" not in languages:
            continue
        if language in languages:
            if word in exact or any(_matches(word, stem, True) for stem in stems):
                return True
            if any(following.startswith(prefix) for prefix in prefixes):
                return True
        elif len(word) >= 5 and (
            word in exact or any(len(stem) >= 5 and _matches(word, stem, True) for stem in stems)
        ):
            return True
    return False


def names_dish(
    text: str, start: int, end: int, languages: frozenset[str], demonym: bool, city: bool = False
) -> bool:
    """The place's word at ``start:end`` of the folded ``text`` stands right before a food noun of one
    of ``languages`` ("ελληνικό καφέ", "prantsuse saia", "베트남 쌀국수", "青岛啤酒", "Fiji Water"), or, for
    a demonym in a language that puts it after the noun, right after one ("crème anglaise"): a dish, a
    style or a brand, not where the object comes from."""
    following = text[end : end + 12]
    gap = len(following) - len(following.lstrip(" -"))
    if gap <= 1:
        rest = following[gap:]
        match = _WORD.match(rest)
        if _is_food(match.group() if match else "", rest, languages | {"city"} if city else languages):
            return True
    if demonym and not languages.isdisjoint(_ADJECTIVE_AFTER):
        before = text[max(0, start - 16) : start]
        if before.endswith(" "):
            words = _WORD.findall(before)
            if words and _is_food(words[-1], "", languages & _ADJECTIVE_AFTER):
                return True
    return False
