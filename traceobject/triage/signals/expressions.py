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
