"""How the triage pages show what the machine read in a tip: marked spans, excerpts and names.

Highlighting is built here, in Python, rather than with ``|safe`` in a template, because the text is
what a stranger wrote: every character of it must be escaped, and only the ``<mark>`` tags we add may
be markup. The offsets come from the signal rows, which were computed at intake on a text we no longer
hold in clear; a span that does not fit the text shown (out of range, empty, overlapping another) is
dropped rather than trusted, so a bad offset costs a highlight, never the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext_lazy

from traceobject.core.countries import country_choices
from traceobject.core.language_names import language_name
from traceobject.triage.models import SignalKind

EXCERPT_LENGTH = 200
_DATA_NAME_RE = re.compile(r"^[a-z][a-z0-9-]*$")

# Where a signal came from, as the pages name it (the values are ``Signal.source``).
SOURCE_LABELS: Mapping[str, Any] = {
    "name": pgettext_lazy("signal source", "name"),
    "inflection": pgettext_lazy("signal source", "name, case form"),
    "demonym": pgettext_lazy("signal source", "demonym"),
    "typo": pgettext_lazy("signal source", "misspelt name"),
    "code": pgettext_lazy("signal source", "code"),
    "city": pgettext_lazy("signal source", "city"),
    "subdivision": pgettext_lazy("signal source", "region"),
    "phone": pgettext_lazy("signal source", "phone number"),
    "currency": pgettext_lazy("signal source", "currency"),
    "postcode": pgettext_lazy("signal source", "postcode"),
    "chain": pgettext_lazy("signal source", "retail chain"),
    "domain": pgettext_lazy("signal source", "link domain"),
    "field": pgettext_lazy("signal source", "form field"),
    "marketplace": pgettext_lazy("signal source", "marketplace"),
    "store": pgettext_lazy("signal source", "shop"),
    "other": pgettext_lazy("signal source", "other site"),
}


@dataclass(frozen=True)
class Mark:
    """One span to highlight: ``text[start:end]`` becomes ``<mark class=... data-...=... title=...>``,
    followed by ``note`` in a small visible label when there is one (the kind of signal and what it
    was read as: "region → DE"), so that the analyst sees why without hovering."""

    start: int
    end: int
    css_class: str
    title: str
    data: tuple[tuple[str, str], ...] = ()
    note: str = ""


def _fits(mark: Mark, length: int) -> bool:
    for offset in (mark.start, mark.end):
        # bool is an int subclass; a True offset is a bug upstream, not position 1.
        if not isinstance(offset, int) or isinstance(offset, bool):
            return False
    return 0 <= mark.start < mark.end <= length


def _open_tag(mark: Mark) -> str:
    attributes = [f'class="{escape(mark.css_class)}"']
    attributes += [f'data-{name}="{escape(value)}"' for name, value in mark.data if _DATA_NAME_RE.match(name)]
    if mark.title:
        attributes.append(f'title="{escape(mark.title)}"')
    return f"<mark {' '.join(attributes)}>"


def highlight(text: str, marks: Iterable[Mark]) -> SafeString:
    """``text`` escaped, with the marks that fit it wrapped in ``<mark>``.

    Where marks overlap, the one starting first wins (the longer one at the same start), so that a
    city inside a longer country name, or two detectors reading the same words, never produce
    interleaved tags.
    """
    text = str(text or "")
    fitting = sorted((mark for mark in marks if _fits(mark, len(text))), key=lambda m: (m.start, -m.end))
    parts: list[str] = []
    position = 0
    for mark in fitting:
        if mark.start < position:
            continue
        parts.append(escape(text[position : mark.start]))
        parts.append(_open_tag(mark))
        parts.append(escape(text[mark.start : mark.end]))
        parts.append("</mark>")
        if mark.note:
            parts.append(f'<span class="signal-note">{escape(mark.note)}</span>')
        position = mark.end
    parts.append(escape(text[position:]))
    # Safe: every piece of ``text`` went through escape(), and the tags are built above from escaped
    # attribute values and attribute names checked against _DATA_NAME_RE.
    return mark_safe("".join(parts))  # noqa: S308


def source_label(source: str) -> str:
    return str(SOURCE_LABELS.get(source, source))


def _words(text: str, start: Any, end: Any) -> str:
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
        return ""
    return " ".join(text[start:end].split())


def signal_marks(
    signals: Iterable[Any],
    field: str,
    *,
    country_names: Mapping[str, str],
    terms: Mapping[str, str] | None = None,
    text: str = "",
) -> list[Mark]:
    """The marks of the signals read from one payload field (``Signal`` rows, or anything alike).

    A country mark says why, in its visible note and its title: the kind of signal, the words and the
    country they were read as ("region: Bavaria → Germany (DE) · 0.80"); ``text`` is the field, for
    the words. Domain and shop signals hold a keyed digest, not the text (see ``triage.terms``):
    ``terms`` maps digests to the opened text for the hover titles; without it the title names only
    the source.
    """
    terms = terms or {}
    marks = []
    for signal in signals:
        if signal.field != field or signal.start is None or signal.end is None:
            continue
        if signal.kind == SignalKind.COUNTRY:
            name = country_names.get(signal.value, signal.value)
            label = source_label(signal.source)
            words = _words(text, signal.start, signal.end)
            read = f"{label}: {words} → " if words else f"{label}: "
            marks.append(
                Mark(
                    start=signal.start,
                    end=signal.end,
                    css_class="signal signal-country",
                    title=f"{read}{name} ({signal.value}) · {signal.confidence:.2f}",
                    data=(("country", signal.value), ("source", str(signal.source))),
                    note=f"{label} → {signal.value}",
                )
            )
        elif signal.kind in (SignalKind.DOMAIN, SignalKind.SHOP):
            kind = "domain" if signal.kind == SignalKind.DOMAIN else "shop"
            text = terms.get(signal.value, "")
            title = " · ".join(part for part in (text, source_label(signal.source)) if part)
            marks.append(
                Mark(
                    start=signal.start,
                    end=signal.end,
                    css_class=f"signal signal-{kind}",
                    title=title,
                    data=((kind, text),) if text else (),
                )
            )
    return marks


def highlight_field(
    text: str, signals: Iterable[Any], field: str, terms: Mapping[str, str] | None = None
) -> SafeString:
    """One payload field with its own signals marked, country names in the active language."""
    return highlight(
        text, signal_marks(signals, field, country_names=country_names(), terms=terms, text=str(text or ""))
    )


def signal_words(signal: Any, fields: Mapping[str, str]) -> str:
    """The words of the tip a signal was read from ("Bavaria", "+48 600 123 456"), "" when it was not
    read from words (the form's country field) or its offsets do not fit the field shown."""
    return _words(str(fields.get(signal.field) or ""), signal.start, signal.end)


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """The start of a tip on one line, for list pages: whitespace folded, cut at a word if one is near.

    Returns plain text; the template escapes it, so a link in it stays inert text.
    """
    flat = " ".join(str(text or "").split())
    if len(flat) <= length:
        return flat
    cut = flat[:length]
    space = cut.rfind(" ")
    if space >= length * 3 // 4:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, LookupError, UnknownLocaleError):
        return Locale("en")


@cache
def _country_names(language: str) -> Mapping[str, str]:
    return dict(country_choices(language))


def country_names(language: str | None = None) -> Mapping[str, str]:
    """Code → country name in ``language`` (the active one by default); built once per language."""
    return _country_names(language or get_language() or "en")


def country_name(code: str, language: str | None = None) -> str:
    return country_names(language).get(code, code)


__all__ = [
    "Mark",
    "country_name",
    "country_names",
    "excerpt",
    "highlight",
    "highlight_field",
    "language_name",
    "signal_marks",
    "signal_words",
    "source_label",
]
