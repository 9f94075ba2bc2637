from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from traceobject.core.charts import (
    MAX_DAYS,
    bar_chart_svg,
    daily_bar_chart_svg,
    fill_days,
    fill_months,
    monthly_bar_chart_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
D = datetime.date


def parse(svg: str) -> ET.Element:
    # Our own output, parsed to prove it is well-formed XML; nothing untrusted reaches the parser.
    return ET.fromstring(svg)  # noqa: S314


def bars(svg: str) -> list[ET.Element]:
    return [rect for rect in parse(svg).iter(f"{SVG}rect") if rect.get("class") == "bar"]


def heights(svg: str) -> list[float]:
    return [float(rect.get("height", "nan")) for rect in bars(svg)]


def titles(svg: str) -> list[str]:
    return [rect.findtext(f"{SVG}title") or "" for rect in bars(svg)]


def text_of(svg: str, css_class: str) -> str | None:
    for text in parse(svg).iter(f"{SVG}text"):
        if text.get("class") == css_class:
            return text.text
    return None


# fill_days / fill_months


def test_fill_days_zero_fills_between_first_and_last() -> None:
    points = [(D(2026, 11, 5), 2), (D(2026, 11, 2), 14)]
    assert fill_days(points) == [
        (D(2026, 11, 2), 14),
        (D(2026, 11, 3), 0),
        (D(2026, 11, 4), 0),
        (D(2026, 11, 5), 2),
    ]


def test_fill_days_sums_repeats_and_accepts_datetimes() -> None:
    points = [(D(2026, 1, 1), 1), (datetime.datetime(2026, 1, 1, 23, 59, tzinfo=datetime.UTC), 2)]
    assert fill_days(points) == [(D(2026, 1, 1), 3)]


def test_fill_days_window_extends_and_cuts() -> None:
    points = [(D(2026, 3, 1), 5), (D(2026, 3, 10), 7)]
    window = fill_days(points, start=D(2026, 2, 27), end=D(2026, 3, 2))
    assert window == [(D(2026, 2, 27), 0), (D(2026, 2, 28), 0), (D(2026, 3, 1), 5), (D(2026, 3, 2), 0)]
    assert fill_days([], start=D(2026, 1, 1), end=D(2026, 1, 2)) == [(D(2026, 1, 1), 0), (D(2026, 1, 2), 0)]


def test_fill_days_empty_and_invalid() -> None:
    assert fill_days([]) == []
    with pytest.raises(ValueError, match="after"):
        fill_days([], start=D(2026, 1, 2), end=D(2026, 1, 1))
    with pytest.raises(ValueError, match="negative"):
        fill_days([(D(2026, 1, 1), -1)])


def test_fill_months_sums_days_and_crosses_the_year() -> None:
    points = [(D(2025, 11, 3), 2), (D(2025, 11, 28), 3), (D(2026, 2, 14), 1)]
    assert fill_months(points) == [
        (D(2025, 11, 1), 5),
        (D(2025, 12, 1), 0),
        (D(2026, 1, 1), 0),
        (D(2026, 2, 1), 1),
    ]
    assert fill_months([], start=D(2026, 12, 31), end=D(2027, 1, 1)) == [
        (D(2026, 12, 1), 0),
        (D(2027, 1, 1), 0),
    ]
    assert fill_months([]) == []


# Daily chart


def test_daily_chart_draws_a_bar_per_day_with_zero_filled_gaps() -> None:
    svg = daily_bar_chart_svg([(D(2026, 11, 2), 14), (D(2026, 11, 5), 7)], label="Tips per day")
    assert titles(svg) == ["2026-11-02: 14", "2026-11-03: 0", "2026-11-04: 0", "2026-11-05: 7"]
    assert heights(svg)[1:3] == [0.0, 0.0]


def test_bar_heights_are_proportional_to_counts() -> None:
    points = [(D(2026, 1, 1), 40), (D(2026, 1, 2), 10), (D(2026, 1, 3), 30), (D(2026, 1, 4), 20)]
    tall, short, high, mid = heights(daily_bar_chart_svg(points, label="x", height=200))
    assert short == pytest.approx(tall / 4, abs=0.01)
    assert high == pytest.approx(tall * 3 / 4, abs=0.01)
    assert mid == pytest.approx(tall / 2, abs=0.01)
    # Every bar stands on the axis.
    svg = daily_bar_chart_svg(points, label="x", height=200)
    baseline = next(
        float(line.get("y1", "nan")) for line in parse(svg).iter(f"{SVG}line") if line.get("class") == "axis"
    )
    for rect in bars(svg):
        assert float(rect.get("y", "nan")) + float(rect.get("height", "nan")) == pytest.approx(baseline)
    assert 0 < tall < 200


def test_bars_are_evenly_spaced_in_order() -> None:
    svg = daily_bar_chart_svg([(D(2026, 1, 1), 1), (D(2026, 1, 3), 1)], label="x", width=300)
    xs = [float(rect.get("x", "nan")) for rect in bars(svg)]
    widths = {rect.get("width") for rect in bars(svg)}
    assert xs == sorted(xs)
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], abs=0.02)
    assert len(widths) == 1


def test_daily_chart_labels_first_and_last_day_and_the_maximum() -> None:
    svg = daily_bar_chart_svg([(D(2026, 11, 2), 14), (D(2026, 11, 9), 3)], label="x")
    assert text_of(svg, "first-label") == "2026-11-02"
    assert text_of(svg, "last-label") == "2026-11-09"
    assert text_of(svg, "max-label") == "14"
    svg = daily_bar_chart_svg(
        [(D(2026, 11, 2), 1400)],
        label="x",
        format_day=lambda day: day.strftime("%d.%m."),
        format_count=lambda count: f"{count:,}".replace(",", "\u202f"),
    )
    assert text_of(svg, "first-label") == "02.11."
    assert text_of(svg, "max-label") == "1\u202f400"


def test_title_as_format_string_or_callable() -> None:
    points = [(D(2026, 11, 2), 1), (D(2026, 11, 3), 14)]
    svg = daily_bar_chart_svg(points, label="x", title="{day}: {count} tips")
    assert titles(svg) == ["2026-11-02: 1 tips", "2026-11-03: 14 tips"]
    svg = daily_bar_chart_svg(points, label="x", title="{count} am {day:%d.%m.%Y}")
    assert titles(svg) == ["1 am 02.11.2026", "14 am 03.11.2026"]

    def plural(day: datetime.date, count: int) -> str:
        return f"{day:%d %b}: {count} tip" + ("" if count == 1 else "s")

    assert titles(daily_bar_chart_svg(points, label="x", title=plural)) == [
        "02 Nov: 1 tip",
        "03 Nov: 14 tips",
    ]


def test_single_day() -> None:
    svg = daily_bar_chart_svg([(D(2026, 11, 2), 5)], label="x")
    assert len(bars(svg)) == 1
    assert text_of(svg, "first-label") == "2026-11-02"
    assert text_of(svg, "last-label") is None


@pytest.mark.parametrize("points", [[], [(D(2026, 1, 1), 0), (D(2026, 1, 3), 0)]])
def test_empty_or_all_zero_input_renders_a_chart_without_crashing(
    points: list[tuple[datetime.date, int]],
) -> None:
    svg = daily_bar_chart_svg(points, label="Tips per day", empty_text="No tips <yet>")
    root = parse(svg)
    assert root.get("aria-label") == "Tips per day"
    assert all(height == 0 for height in heights(svg))
    assert any(line.get("class") == "axis" for line in root.iter(f"{SVG}line"))
    if not points:
        assert text_of(svg, "empty") == "No tips <yet>"
        assert "No tips &lt;yet&gt;" in svg
        assert bars(svg) == []


def test_empty_chart_without_empty_text_has_no_text() -> None:
    root = parse(daily_bar_chart_svg([], label="x"))
    assert list(root.iter(f"{SVG}text")) == []


def test_long_ranges_keep_the_most_recent_days() -> None:
    first = D(2025, 1, 1)
    points = [(first + datetime.timedelta(days=offset), offset) for offset in range(500)]
    svg = daily_bar_chart_svg(points, label="x")
    assert len(bars(svg)) == MAX_DAYS
    assert titles(svg)[-1] == f"{first + datetime.timedelta(days=499)}: 499"
    assert titles(svg)[0] == f"{first + datetime.timedelta(days=500 - MAX_DAYS)}: {500 - MAX_DAYS}"
    assert len(bars(daily_bar_chart_svg(points, label="x", max_days=30))) == 30
    window = daily_bar_chart_svg(points, label="x", start=D(2025, 1, 1), end=D(2025, 1, 10))
    assert len(bars(window)) == 10


# Monthly and generic charts


def test_monthly_chart() -> None:
    svg = monthly_bar_chart_svg([(D(2025, 12, 3), 2), (D(2026, 2, 14), 4)], label="Tips per month")
    assert titles(svg) == ["2025-12: 2", "2026-01: 0", "2026-02: 4"]
    assert text_of(svg, "first-label") == "2025-12"
    assert text_of(svg, "last-label") == "2026-02"
    assert heights(svg)[0] == pytest.approx(heights(svg)[2] / 2, abs=0.01)


def test_generic_chart_keeps_order_and_formats_titles() -> None:
    svg = bar_chart_svg([("Q1", 3), ("Q2", 6), ("Q3", 0)], label="Per quarter", title="{label} → {count}")
    assert titles(svg) == ["Q1 → 3", "Q2 → 6", "Q3 → 0"]
    assert heights(svg)[0] == pytest.approx(heights(svg)[1] / 2, abs=0.01)
    with pytest.raises(ValueError, match="negative"):
        bar_chart_svg([("Q1", -1)], label="x")


def test_everything_the_caller_supplies_is_escaped() -> None:
    attack = "<script>alert(1)</script>&"
    svg = bar_chart_svg(
        [(attack, 1), (attack, 2)], label=attack, empty_text=attack, format_count=lambda _count: attack
    )
    assert "<script" not in svg
    root = parse(svg)
    assert root.get("aria-label") == attack
    assert titles(svg) == [f"{attack}: 1", f"{attack}: 2"]
    assert text_of(svg, "first-label") == attack
    assert text_of(svg, "max-label") == attack


@pytest.mark.parametrize(
    "svg",
    [
        daily_bar_chart_svg([(D(2026, 1, 1), 3), (D(2026, 1, 4), 1)], label="x"),
        daily_bar_chart_svg([], label="x", empty_text="none"),
        monthly_bar_chart_svg([(D(2026, 1, 1), 3)], label="x"),
    ],
)
def test_no_inline_styles(svg: str) -> None:
    for element in parse(svg).iter():
        assert "style" not in element.attrib
        assert element.tag != f"{SVG}style"
    assert not re.search(r"<style|\sstyle=", svg)
    assert parse(svg).get("role") == "img"
