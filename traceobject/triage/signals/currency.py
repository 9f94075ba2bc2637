# ruff: noqa: RUF002, RUF003 - Cyrillic currency names are the point of these strings
"""Prices: currency signs, codes and names that belong to one country ("49,99 zł", "1200 Kč", "₴150").

The table (data/currencies.json) lists only currencies that one country uses, or that one country
dominates so far that a price in it places the object there (the Swiss franc, also Liechtenstein's;
the Danish krone, also the Faroes' and Greenland's). The euro, the dollar, "kr" (four Nordic crowns),
"¥" (the yen and the yuan), "Rs" and "₨" (four rupees), "﷼" and the dinars, pesos and francs give no
signal: they name no one country. "£" is the pound sterling of the United Kingdom, its Crown
dependencies and three overseas territories, and is written "E£", "LE" or "ج.م" for the Egyptian pound:
it gives the United Kingdom, at a lower confidence. A currency that several countries use under one
name ("lei": Romania and Moldova; "руб.", "рублей": Russia and Belarus; the table's "shared") gives one
of them only when the tip names that country elsewhere; "₽", "RUB" and "российских рублей" give Russia.

Signs that are not letters ("₴", "₹", "R$", "zł") count on their own; codes ("PLN") must be upper case;
currency words ("forint", "złotych", "гривень") and short letter signs that are also words or units
("Ft", "lei", "TL", "kn") count only next to an amount.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from traceobject.triage.signals import data
from traceobject.triage.signals.normalise import fold_key, is_unspaced

CURRENCY_CONFIDENCE = 0.6
_AMOUNT = r"\d(?:[\d ., '\u00a0\u202f]*\d)?"


@dataclass(frozen=True, slots=True)
class CurrencyHit:
    start: int
    end: int
    code: str
    confidence: float
    candidates: tuple[str, ...] = ()  # a shared currency's countries ("lei": RO, MD); ``code`` is then ""


@dataclass(frozen=True, slots=True)
class _Table:
    free: re.Pattern[str]  # signs and codes that count alone (as written)
    bound: re.Pattern[str]  # letter signs that count next to an amount (as written: "Ft", not "ft")
    words: re.Pattern[str]  # currency names that count next to an amount (any case)
    owners: dict[str, tuple[str, float]]  # sign, code or folded word -> (country, confidence)
    shared: dict[str, tuple[str, ...]]  # sign or folded word of a shared currency -> its countries


def _alternation(forms: list[str]) -> str:
    return "|".join(re.escape(form) for form in sorted(set(forms), key=len, reverse=True))


# Letters may not touch a sign on its letter side ("PLN" not in "PLNX", "zł" not in "złoto").
_EDGE = r"(?<![^\W\d_])"
_TAIL = r"(?![^\W\d_])"


@cache
def _table() -> _Table:
    table = data.load("currencies.json")
    owners: dict[str, tuple[str, float]] = {}
    forms: dict[str, list[str]] = {"free": [], "bound": [], "words": []}
    for code, spec in table["currencies"].items():
        confidence = float(spec.get("confidence", CURRENCY_CONFIDENCE))
        for kind, target in (("signs", "free"), ("codes", "free"), ("bound", "bound"), ("words", "words")):
            for form in spec.get(kind, ()):
                owners[fold_key(form) if kind == "words" else form] = (code, confidence)
                forms[target].append(form)
    # A currency that several countries use under one name ("lei", "руб."): next to an amount, it
    # gives a country only when the tip names one of them elsewhere (see ``__init__._scan_field``).
    shared: dict[str, tuple[str, ...]] = {}
    for spec in table.get("shared", ()):
        countries = tuple(spec["countries"])
        for kind, target in (("bound", "bound"), ("words", "words")):
            for form in spec.get(kind, ()):
                shared[fold_key(form) if kind == "words" else form] = countries
                forms[target].append(form)
    # Signs of scripts written without spaces ("円", "人民币") touch the words around them.
    # So do currency words of those scripts and Korean ones, which take a particle: "3,500엔이라고".
    unspaced = [form for form in forms["free"] if is_unspaced(form[0])]
    spaced = [form for form in forms["free"] if not is_unspaced(form[0])]
    words_unspaced = [form for form in forms["words"] if is_unspaced(form[0])]
    words_spaced = [form for form in forms["words"] if not is_unspaced(form[0])]
    return _Table(
        free=re.compile(f"{_EDGE}(?:{_alternation(spaced)}){_TAIL}|(?:{_alternation(unspaced)})"),
        bound=re.compile(f"{_EDGE}(?:{_alternation(forms['bound'])}){_TAIL}"),
        words=re.compile(
            f"(?i){_EDGE}(?:{_alternation(words_spaced)}){_TAIL}|(?:{_alternation(words_unspaced)})"
        ),
        owners=owners,
        shared=shared,
    )


def find_currencies(
    text: str, masked: Sequence[tuple[int, int]] = (), language: str = ""
) -> list[CurrencyHit]:
    """Currency signs, codes and priced words of one country in ``text``, outside ``masked``."""
    if not text:
        return []
    table = _table()
    hits: list[CurrencyHit] = []
    taken = list(masked)
    for pattern, needs_amount in ((table.free, False), (table.bound, True), (table.words, True)):
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < mask_end and mask_start < end for mask_start, mask_end in taken):
                continue
            owner = table.owners.get(match.group()) or table.owners.get(fold_key(match.group()))
            countries = table.shared.get(match.group()) or table.shared.get(fold_key(match.group()), ())
            if (owner is None and not countries) or (needs_amount and not _near_amount(text, start, end)):
                continue
            taken.append((start, end))
            if owner is None:
                hits.append(CurrencyHit(start, end, "", CURRENCY_CONFIDENCE, countries))
            else:
                hits.append(CurrencyHit(start, end, owner[0], owner[1]))
    hits.sort(key=lambda hit: hit.start)
    return hits


# An amount right before or after, or before with one word between ("250 هزار تومان", "15.000 de lei").
_BEFORE = re.compile(_AMOUNT + r"(?:[ \u00a0\u202f][^\W\d_]{1,8})?[ \u00a0\u202f]?$")
_AFTER = re.compile(r"^[ \u00a0\u202f]?" + _AMOUNT)


def _near_amount(text: str, start: int, end: int) -> bool:
    return bool(_BEFORE.search(text[max(0, start - 24) : start]) or _AFTER.match(text[end : end + 16]))
