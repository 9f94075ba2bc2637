"""Template tags of the results page and the dashboard: numbers in the visitor's locale, and the charts.

The charts are drawn on the server by ``core.charts`` (pages work without JavaScript and load nothing
from another host); these tags only turn the figures into its bars, with translated, localised labels.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from babel.numbers import format_decimal, format_percent
from django import template
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext, to_locale
from django.utils.translation import gettext as _

from traceobject.core.charts import bar_chart_svg, daily_bar_chart_svg, monthly_bar_chart_svg
from traceobject.stats.selectors import DashboardFigures, ObjectTips, PublicCount
from traceobject.tips.models import TipStatus
from traceobject.triage.highlight import language_name

register = template.Library()


def _locale() -> str:
    return to_locale(get_language() or "en")


@register.filter
def figure(value: int | float | None) -> str:
    """A count as the visitor's locale writes it: 12,345 in English, 12 345 in French."""
    return format_decimal(value or 0, locale=_locale())


@register.filter
def days(value: float | None) -> str:
    """A number of days with one decimal, or a dash when there is nothing to measure yet."""
    if value is None:
        return "\u2013"  # an en dash: nothing to show yet
    return format_decimal(round(value, 1), format="#,##0.#", locale=_locale())


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return "\u2013"  # an en dash: nothing to show yet
    return format_percent(value, locale=_locale())


def month_of(key: str) -> datetime.date:
    """``"2026-03"`` as the month's first day."""
    year, month = key.split("-")
    return datetime.date(int(year), int(month), 1)


@register.filter
def month_label(key: str) -> str:
    return formats.date_format(month_of(key), "YEAR_MONTH_FORMAT")


def _month_points(months: Sequence[tuple[str, int]]) -> list[tuple[datetime.date, int]]:
    return [(month_of(key), count) for key, count in months]


def _month_label(month: datetime.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _tips_month_title(month: datetime.date, count: int) -> str:
    return ngettext("%(month)s: %(count)s tip", "%(month)s: %(count)s tips", count) % {
        "month": _month_label(month),
        "count": figure(count),
    }


@register.filter
def public_figure(value: PublicCount) -> str:
    """A published outcome figure: the number, or "fewer than N" while it is below the minimum."""
    if value.suppressed:
        return _("fewer than %(minimum)s") % {"minimum": figure(value.minimum)}
    return figure(value.value)


@register.filter
def quarter_label(key: str) -> str:
    """``"2026-Q1"`` as "Q1 2026" in the visitor's language."""
    year, number = key.split("-Q")
    return _("Q%(quarter)s %(year)s") % {"quarter": number, "year": year}


def _identified_quarter_title(label: str, count: int) -> str:
    return ngettext(
        "%(quarter)s: %(count)s object identified", "%(quarter)s: %(count)s objects identified", count
    ) % {"quarter": label, "count": figure(count)}


@register.simple_tag
def tips_per_month_chart(months: Sequence[tuple[str, int]]) -> SafeString:
    return monthly_bar_chart_svg(
        _month_points(months),
        label=_("Tips received per month"),
        title=_tips_month_title,
        format_month=_month_label,
        format_count=figure,
        empty_text=_("No tips yet."),
    )


@register.simple_tag
def identifications_chart(quarters: Sequence[tuple[str, int]]) -> SafeString:
    return bar_chart_svg(
        [(quarter_label(key), count) for key, count in quarters],
        label=_("Objects identified per quarter"),
        title=_identified_quarter_title,
        format_count=figure,
        empty_text=_("No object identified yet."),
    )


def _day_title(day: datetime.date, count: int) -> str:
    return ngettext("%(day)s: %(count)s tip", "%(day)s: %(count)s tips", count) % {
        "day": formats.date_format(day, "SHORT_DATE_FORMAT"),
        "count": figure(count),
    }


@register.simple_tag
def tips_per_day_chart(dashboard: DashboardFigures) -> SafeString:
    points = list(dashboard.tips_per_day)
    return daily_bar_chart_svg(
        points,
        label=ngettext(
            "Tips per day (UTC), last %(days)d day", "Tips per day (UTC), last %(days)d days", len(points)
        )
        % {"days": len(points)},
        title=_day_title,
        start=points[0][0] if points else None,
        end=points[-1][0] if points else None,
        format_day=lambda day: formats.date_format(day, "SHORT_DATE_FORMAT"),
        format_count=figure,
    )


def _tips_title(label: str, count: int) -> str:
    return ngettext("%(label)s: %(count)s tip", "%(label)s: %(count)s tips", count) % {
        "label": label,
        "count": figure(count),
    }


@register.simple_tag
def tips_by_object_chart(objects: Sequence[ObjectTips]) -> SafeString:
    return bar_chart_svg(
        [(item.code, item.tips) for item in objects],
        label=_("Tips per object, the objects with the most tips"),
        title=_tips_title,
        format_count=figure,
        empty_text=_("No tips yet."),
    )


@register.filter
def language_label(code: str) -> str:
    return _("Unknown") if code in ("", "-") else language_name(code)


@register.simple_tag
def tips_by_language_chart(languages: Sequence[tuple[str, int]]) -> SafeString:
    return bar_chart_svg(
        [(language_label(code), count) for code, count in languages],
        label=_("Tips per language"),
        title=_tips_title,
        format_count=figure,
        empty_text=_("No tips yet."),
    )


@register.filter
def status_label(value: str) -> str:
    try:
        return str(TipStatus(value).label)
    except ValueError:
        return value


@register.simple_tag
def tips_by_status_chart(statuses: Sequence[tuple[str, int]]) -> SafeString:
    return bar_chart_svg(
        [(status_label(status), count) for status, count in statuses],
        label=_("Tips per triage status"),
        title=_tips_title,
        format_count=figure,
        empty_text=_("No tips yet."),
    )
