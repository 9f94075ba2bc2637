"""Template tags of the triage pages: highlighted tip fields, names, and the consensus panel's SVGs.

The SVGs are drawn on the server (staff pages work without JavaScript and load nothing from another
host); these tags only turn the consensus into the numbers and translated hover texts they take.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from traceobject.core.charts import daily_bar_chart_svg
from traceobject.triage import highlight
from traceobject.triage.maps import world_map_svg
from traceobject.triage.selectors import Support

register = template.Library()


@register.simple_tag
def highlighted(
    text: str, signals: Iterable[Any], field: str = "text", terms: Mapping[str, str] | None = None
) -> SafeString:
    """``{% highlighted payload.text tip.signal_list "text" terms %}``: the field escaped, its signals
    marked; ``terms`` opens the digests of domain and shop signals for the hover titles."""
    return highlight.highlight_field(text, signals or (), field, terms)


@register.simple_tag
def signal_words(signal: Any, payload: Any) -> str:
    """``{% signal_words signal payload %}``: the words a signal was read from (escaped by the template)."""
    fields = {
        "text": getattr(payload, "text", ""),
        "place": getattr(payload, "place", ""),
        "shop_brand": getattr(payload, "shop_brand", ""),
        "links": "\n".join(getattr(payload, "links", ()) or ()),
    }
    return highlight.signal_words(signal, fields)


@register.filter
def term_label(value: str, terms: Mapping[str, str] | None) -> str:
    """A domain or shop signal's text, from its digest; the digest stays hidden if it cannot be read."""
    return (terms or {}).get(str(value), "") or "…"


@register.filter
def country_name(code: str) -> str:
    return highlight.country_name(str(code or ""))


@register.filter
def language_name(code: str) -> str:
    return highlight.language_name(str(code or ""))


@register.filter
def source_label(source: str) -> str:
    return highlight.source_label(str(source or ""))


@register.filter
def excerpt(text: str) -> str:
    return highlight.excerpt(text)


# The payload fields a signal can be read in (``Signal.field``), as the tip page names them.
FIELD_LABELS = {
    "text": gettext_lazy("Text"),
    "country": gettext_lazy("Country"),
    "place": gettext_lazy("Place"),
    "shop_brand": gettext_lazy("Shop or brand"),
    "links": gettext_lazy("Links"),
    "time_period": gettext_lazy("Time period"),
}


@register.filter
def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(str(name), name))


def support_title(name: str, support: Support) -> str:
    """A country's hover text on the map: independent clusters first, since that is what counts."""
    clusters = ngettext("%(count)d cluster", "%(count)d clusters", support.clusters) % {
        "count": support.clusters
    }
    tips = ngettext("%(count)d tip", "%(count)d tips", support.tips) % {"count": support.tips}
    return _("%(country)s: %(clusters)s (%(verified)d verified), %(tips)s") % {
        "country": name,
        "clusters": clusters,
        "verified": support.relevant_clusters,
        "tips": tips,
    }


@register.simple_tag
def consensus_map(countries: Sequence[Support]) -> SafeString:
    """The world shaded by each country's share of the leading country's weight (``Support.weight``)."""
    top = max((support.weight for support in countries), default=0)
    shading = {support.value: support.weight / top for support in countries} if top else {}
    titles = {
        support.value: support_title(highlight.country_name(support.value), support) for support in countries
    }
    legend: list[tuple[float, str]] = [(0.0, _("no cluster"))]
    if top:
        legend.append((1.0, _("strongest")))
    return world_map_svg(
        shading,
        titles=titles,
        label=_(
            "Map of the countries named in the tips, darker for more independent clusters; "
            "a verified cluster counts twice"
        ),
        legend=legend,
    )


def _day_title(day: date, count: int) -> str:
    return ngettext("%(day)s: %(count)d tip", "%(day)s: %(count)d tips", count) % {
        "day": day.isoformat(),
        "count": count,
    }


@register.simple_tag
def tips_per_day_chart(days: Sequence[tuple[date, int]]) -> SafeString:
    return daily_bar_chart_svg(
        days, label=_("Tips per day (UTC)"), title=_day_title, empty_text=_("No tips yet.")
    )
