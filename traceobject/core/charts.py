"""Small bar charts drawn on the server as inline SVG.

Charts are rendered here because pages must work without JavaScript and load nothing from another
host, and because the same code serves the staff panels and the public results page. The
Content-Security-Policy forbids inline styles, so every colour and size is an SVG presentation
attribute (``fill``, ``stroke``, ``font-size``), never ``style``; the ``bar-chart`` / ``bar`` classes
let a stylesheet restyle them. Text and axis use ``currentColor`` so that they follow the page.

``bar_chart_svg`` is the core; ``daily_bar_chart_svg`` and ``monthly_bar_chart_svg`` only turn dated
counts into labelled bars. Empty input still renders an SVG (the axis and an optional caption) so that
the page keeps its layout; callers who prefer a text paragraph test their data first.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeAlias, TypeVar

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Contrast 5.5:1 on white, above the 3:1 that WCAG asks of graphics.
BAR_COLOUR = "#2f64a3"
GRID_COLOUR = "#b0b0b0"
FONT_SIZE = 11
# The most recent days a daily chart shows; a longer history belongs on a monthly chart.
MAX_DAYS = 366

_TOP = FONT_SIZE + 6.0  # room for the maximum's label above the plot
_BOTTOM = FONT_SIZE + 7.0  # room for the first and last labels under the axis
_SIDE = 1.0

_T = TypeVar("_T")
# A format string, or a callable for what a format string cannot do (plural forms).
_TitleFormat: TypeAlias = str | Callable[[_T, int], str]


@dataclass(frozen=True)
class _Bar:
    axis_label: str
    title: str
    count: int


def _as_date(value: datetime.date) -> datetime.date:
    # A datetime is a date subclass whose equality with a date is always False; make it a plain date.
    return value.date() if isinstance(value, datetime.datetime) else value


def _check_count(count: int) -> int:
    if count < 0:
        raise ValueError(f"a bar cannot have a negative count ({count})")
    return count


def _sum_by(
    points: Iterable[tuple[datetime.date, int]], key: Callable[[datetime.date], datetime.date]
) -> dict[datetime.date, int]:
    totals: dict[datetime.date, int] = {}
    for when, count in points:
        bucket = key(_as_date(when))
        totals[bucket] = totals.get(bucket, 0) + _check_count(count)
    return totals


def fill_days(
    points: Iterable[tuple[datetime.date, int]],
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> list[tuple[datetime.date, int]]:
    """Every day from ``start`` to ``end`` inclusive with its count, 0 where the data has none.

    Queries return only the days that have rows, but a chart that skipped the quiet days would
    draw a busy week and a dead month as the same width. Repeated days are summed, days outside
    the window dropped; ``start`` and ``end`` default to the first and last day in the data.
    """
    totals = _sum_by(points, lambda day: day)
    first = _as_date(start) if start is not None else min(totals, default=None)
    last = _as_date(end) if end is not None else max(totals, default=None)
    if first is None or last is None:
        return []
    if first > last:
        raise ValueError(f"start {first} is after end {last}")
    span = (last - first).days + 1
    days = (first + datetime.timedelta(days=offset) for offset in range(span))
    return [(day, totals.get(day, 0)) for day in days]


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(month: datetime.date) -> datetime.date:
    return (
        month.replace(year=month.year + 1, month=1)
        if month.month == 12
        else month.replace(month=month.month + 1)
    )


def fill_months(
    points: Iterable[tuple[datetime.date, int]],
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> list[tuple[datetime.date, int]]:
    """Every month from ``start`` to ``end`` (as its first day) with the sum of its counts, 0 if none.

    Takes daily points as well as points already truncated to months, so one query serves both charts.
    """
    totals = _sum_by(points, _month_start)
    first = _month_start(_as_date(start)) if start is not None else min(totals, default=None)
    last = _month_start(_as_date(end)) if end is not None else max(totals, default=None)
    if first is None or last is None:
        return []
    if first > last:
        raise ValueError(f"start {first} is after end {last}")
    months = []
    month = first
    while month <= last:
        months.append((month, totals.get(month, 0)))
        month = _next_month(month)
    return months


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _title(title: _TitleFormat[_T], key: _T, count: int, name: str) -> str:
    if callable(title):
        return title(key, count)
    return title.format(**{name: key, "count": count})


def _render(
    bars: Sequence[_Bar],
    *,
    label: str,
    width: int,
    height: int,
    empty_text: str,
    format_count: Callable[[int], str],
) -> SafeString:
    baseline = height - _BOTTOM
    plot_height = baseline - _TOP
    plot_left, plot_right = _SIDE, width - _SIDE
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        f'<g font-family="sans-serif" font-size="{FONT_SIZE}" fill="currentColor">',
    ]
    if not bars:
        if empty_text:
            parts.append(
                f'<text class="empty" x="{_number(width / 2)}" y="{_number(_TOP + plot_height / 2)}"'
                f' text-anchor="middle">{escape(empty_text)}</text>'
            )
    else:
        largest = max(bar.count for bar in bars)
        slot = (plot_right - plot_left) / len(bars)
        # Gaps between bars help while bars are wide; below a few units they would only blur.
        gap = slot * 0.2 if slot >= 4 else 0.0
        if largest:
            parts.append(
                f'<line class="max" x1="{_number(plot_left)}" y1="{_number(_TOP)}" x2="{_number(plot_right)}"'
                f' y2="{_number(_TOP)}" stroke="{GRID_COLOUR}" stroke-width="0.5" stroke-dasharray="2 2"/>'
            )
        parts.append(
            f'<text class="max-label" x="{_number(plot_left)}" y="{_number(_TOP - 5)}">'
            f"{escape(format_count(largest))}</text>"
        )
        parts.append(f'<g class="bars" fill="{BAR_COLOUR}">')
        for index, bar in enumerate(bars):
            bar_height = plot_height * bar.count / largest if largest else 0.0
            parts.append(
                f'<rect class="bar" x="{_number(plot_left + index * slot + gap / 2)}"'
                f' y="{_number(baseline - bar_height)}" width="{_number(slot - gap)}"'
                f' height="{_number(bar_height)}"><title>{escape(bar.title)}</title></rect>'
            )
        parts.append("</g>")
        label_y = _number(height - 4)
        parts.append(
            f'<text class="first-label" x="{_number(plot_left)}" y="{label_y}">'
            f"{escape(bars[0].axis_label)}</text>"
        )
        if len(bars) > 1:
            parts.append(
                f'<text class="last-label" x="{_number(plot_right)}" y="{label_y}" text-anchor="end">'
                f"{escape(bars[-1].axis_label)}</text>"
            )
    parts.append(
        f'<line class="axis" x1="{_number(plot_left)}" y1="{_number(baseline)}" x2="{_number(plot_right)}"'
        f' y2="{_number(baseline)}" stroke="currentColor" stroke-width="1"/>'
    )
    parts.append("</g></svg>")
    # Safe: numbers are formatted here, and every caller-supplied string (label, bar labels, titles,
    # empty text, formatted counts) went through escape() above.
    return mark_safe("".join(parts))  # noqa: S308


def bar_chart_svg(
    bars: Sequence[tuple[str, int]],
    *,
    label: str,
    title: _TitleFormat[str] = "{label}: {count}",
    width: int = 640,
    height: int = 160,
    empty_text: str = "",
    format_count: Callable[[int], str] = str,
) -> SafeString:
    """A bar per (label, count), in the given order, heights proportional to the counts.

    ``label`` is the chart's accessible name. ``title`` makes each bar's hover text: a format string
    with ``{label}`` and ``{count}``, or a callable ``(label, count) -> str`` for plural forms. The
    first and last labels go under the axis and the largest count above the plot, through
    ``format_count`` so that callers can localise numbers. With no bars the chart shows its axis and
    ``empty_text``. Every caller-supplied string is escaped.
    """
    rendered = [_Bar(text, _title(title, text, _check_count(count), "label"), count) for text, count in bars]
    return _render(
        rendered, label=label, width=width, height=height, empty_text=empty_text, format_count=format_count
    )


def daily_bar_chart_svg(
    points: Sequence[tuple[datetime.date, int]],
    *,
    label: str,
    title: _TitleFormat[datetime.date] = "{day}: {count}",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    max_days: int = MAX_DAYS,
    width: int = 640,
    height: int = 160,
    empty_text: str = "",
    format_day: Callable[[datetime.date], str] = datetime.date.isoformat,
    format_count: Callable[[int], str] = str,
) -> SafeString:
    """Counts per day, one bar per day from ``start`` to ``end`` with the quiet days as zeros.

    ``title`` is a format string with ``{day}`` (a date, so ``{day:%d %b}`` works) and ``{count}``, or
    a callable ``(day, count) -> str``. Only the most recent ``max_days`` days are drawn: a daily
    chart answers "what happened lately", and wider ranges would make bars thinner than a pixel; use
    ``monthly_bar_chart_svg`` for a whole history, or pass ``start`` to choose the window.
    """
    days = fill_days(points, start, end)[-max_days:] if max_days > 0 else []
    rendered = [_Bar(format_day(day), _title(title, day, count, "day"), count) for day, count in days]
    return _render(
        rendered, label=label, width=width, height=height, empty_text=empty_text, format_count=format_count
    )


def _iso_month(month: datetime.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def monthly_bar_chart_svg(
    points: Sequence[tuple[datetime.date, int]],
    *,
    label: str,
    title: _TitleFormat[datetime.date] = "{month:%Y-%m}: {count}",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    width: int = 640,
    height: int = 160,
    empty_text: str = "",
    format_month: Callable[[datetime.date], str] = _iso_month,
    format_count: Callable[[int], str] = str,
) -> SafeString:
    """Counts per month (daily points are summed), one bar per month with empty months as zeros.

    ``title`` is a format string with ``{month}`` (the month's first day) and ``{count}``, or a
    callable ``(month, count) -> str``. Not capped: twenty years are only 240 bars.
    """
    months = fill_months(points, start, end)
    rendered = [
        _Bar(format_month(month), _title(title, month, count, "month"), count) for month, count in months
    ]
    return _render(
        rendered, label=label, width=width, height=height, empty_text=empty_text, format_count=format_count
    )
