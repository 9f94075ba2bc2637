"""Highlighting what the machine read: everything escaped, only our marks as markup, and offsets that do
not fit the text cost a highlight, never the page."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from traceobject.triage.highlight import (
    Mark,
    country_name,
    excerpt,
    highlight,
    highlight_field,
    language_name,
    signal_marks,
)

TAG_RE = re.compile(r"</?mark[^>]*>")


@dataclass
class FakeSignal:
    kind: str
    value: str
    source: str
    confidence: float
    field: str
    start: int | None
    end: int | None


def _mark(start: int, end: int, code: str = "PL") -> Mark:
    return Mark(
        start=start, end=end, css_class="signal signal-country", title=code, data=(("country", code),)
    )


def test_marks_the_span_and_escapes_the_rest() -> None:
    text = "<b>Polen</b> & Warszawa"
    out = highlight(text, [_mark(3, 8)])
    assert out == (
        '&lt;b&gt;<mark class="signal signal-country" data-country="PL" title="PL">Polen</mark>'
        "&lt;/b&gt; &amp; Warszawa"
    )


def test_attribute_values_are_escaped_and_odd_data_names_dropped() -> None:
    mark = Mark(
        start=0,
        end=1,
        css_class='x" onmouseover="alert(1)',
        title='"><script>',
        data=(("country", '"><img src=x>'), ("on click", "x"), ("Bad", "x")),
    )
    out = highlight("a", [mark])
    assert "<script>" not in out
    assert "<img" not in out
    assert 'onmouseover="' not in out
    assert "on click" not in out
    assert "data-Bad" not in out
    assert out.startswith(
        '<mark class="x&quot; onmouseover=&quot;alert(1)" data-country="&quot;&gt;&lt;img src=x&gt;"'
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 2), (2, 2), (3, 1), (0, 99), (None, 2), (1, None), (True, 2), ("0", "2"), (1.0, 2)],
)
def test_spans_that_do_not_fit_are_dropped(start, end) -> None:
    text = "Polen"
    assert highlight(text, [Mark(start=start, end=end, css_class="c", title="t")]) == "Polen"


def test_overlapping_spans_keep_the_first_and_longest() -> None:
    text = "Nowy Jork, USA"
    out = highlight(text, [_mark(5, 9, "X"), _mark(0, 9, "US"), _mark(0, 4, "Y"), _mark(11, 14, "US")])
    assert TAG_RE.sub("", out) == text
    assert out.count("<mark") == 2
    assert 'data-country="US" title="US">Nowy Jork</mark>' in out


def test_empty_and_missing_text() -> None:
    assert highlight("", [_mark(0, 1)]) == ""
    assert highlight(None, []) == ""  # type: ignore[arg-type]


@given(
    text=st.text(max_size=60),
    spans=st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70)), max_size=8),
)
def test_any_marks_leave_the_text_intact(text: str, spans: list[tuple[int, int]]) -> None:
    out = highlight(text, [_mark(start, end) for start, end in spans])
    assert html.unescape(TAG_RE.sub("", out)) == text
    # Marks never nest and always close.
    depth = 0
    for tag in TAG_RE.findall(out):
        depth += -1 if tag.startswith("</") else 1
        assert depth in (0, 1)
    assert depth == 0
    assert "<" not in TAG_RE.sub("", out)


def test_signal_marks_read_only_their_field() -> None:
    signals = [
        FakeSignal("country", "PL", "name", 0.9, "text", 0, 5),
        FakeSignal("country", "PL", "city", 0.6, "place", 0, 8),
        FakeSignal("country", "FR", "field", 1.0, "country", None, None),
        FakeSignal("domain", "d1g35t", "marketplace", 1.0, "text", 10, 20),
        FakeSignal("shop", "biedronka", "field", 1.0, "shop_brand", None, None),
    ]
    marks = signal_marks(signals, "text", country_names={"PL": "Poland"}, terms={"d1g35t": "allegro.pl"})
    assert [(m.css_class, m.title, m.data, m.note) for m in marks] == [
        (
            "signal signal-country",
            "name: Poland (PL) · 0.90",
            (("country", "PL"), ("source", "name")),
            "name → PL",
        ),
        ("signal signal-domain", "allegro.pl · marketplace", (("domain", "allegro.pl"),), ""),
    ]
    # Domains and shops are digests: without their opened text, the title names only the source.
    unopened = signal_marks(signals, "text", country_names={})
    assert [(m.title, m.data) for m in unopened][1] == ("marketplace", ())
    assert len(signal_marks(signals, "place", country_names={})) == 1


def test_highlight_field_uses_the_active_language() -> None:
    signals = [FakeSignal("country", "DE", "name", 1.0, "text", 0, 11)]
    with translation.override("fr"):
        out = highlight_field("Deutschland ist groß", signals, "text")
    assert 'title="nom: Deutschland → Allemagne (DE) · 1.00"' in out
    assert '<span class="signal-note">nom → DE</span>' in out
    assert 'data-country="DE"' in out


def test_excerpt() -> None:
    assert excerpt("  short\n\n text ") == "short text"
    long = "word " * 100
    cut = excerpt(long)
    assert len(cut) <= 201
    assert cut.endswith("…")
    assert not cut[:-1].endswith(" ")
    assert len(excerpt("x" * 500)) == 201


def test_names() -> None:
    assert country_name("PL", "en") == "Poland"
    assert country_name("PL", "de") == "Polen"
    assert country_name("QQ", "en") == "QQ"
    assert language_name("de", "en") == "German"
    assert language_name("de", "fr") == "allemand"
    assert language_name("", "en") == ""
    assert language_name("zz", "en") == "zz"


@pytest.mark.parametrize(
    ("source", "words", "code", "note", "title"),
    [
        ("subdivision", "Bavaria", "DE", "region → DE", "region: Bavaria → Germany (DE) · 0.80"),
        ("phone", "+48 600", "PL", "phone number → PL", "phone number: +48 600 → Poland (PL) · 0.80"),
        ("currency", "zł", "PL", "currency → PL", "currency: zł → Poland (PL) · 0.80"),
        ("chain", "Biedronka", "PL", "retail chain → PL", "retail chain: Biedronka → Poland (PL) · 0.80"),
        ("typo", "Portugual", "PT", "misspelt name → PT", "misspelt name: Portugual → Portugal (PT) · 0.80"),
    ],
)
def test_country_marks_say_why(source: str, words: str, code: str, note: str, title: str) -> None:
    text = f"Seen: {words} <b>"
    signals = [FakeSignal("country", code, source, 0.8, "text", 6, 6 + len(words))]
    with translation.override("en"):
        out = highlight_field(text, signals, "text")
    assert f'data-source="{source}" title="{html.escape(title)}">{html.escape(words)}</mark>' in out
    assert f'<span class="signal-note">{html.escape(note)}</span> &lt;b&gt;' in out
