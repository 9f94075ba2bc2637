"""A world map drawn on the server as inline SVG, for the analysts' consensus panel.

The map is rendered here rather than in the browser because staff pages must work without JavaScript
and may load nothing from another host. The Content-Security-Policy forbids inline styles, so colours
go into SVG presentation attributes (``fill``, ``stroke``), never into ``style``; a stylesheet can
still override them through the ``country`` / ``supported`` classes.

The boundaries come from ``data/world-110m.json``: Natural Earth's 110m admin-0 countries, projected
(Equal Earth) and simplified once by ``scripts/build_world_map.py``. Countries too small for that scale
(Singapore, Malta, Andorra, ...) have no shape; ``countries_missing_from_map`` names them so that the
page can list them in text instead of silently dropping the evidence.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from traceobject.core.countries import country_choices

DATA_FILE = Path(__file__).resolve().parent / "data" / "world-110m.json"

# Absent or zero support: a light grey that reads as "no data" next to the warm ramp.
NEUTRAL_FILL = "#e4e4e4"
BORDER_COLOUR = "#ffffff"
# ColorBrewer OrRd, without its two palest steps so that the faintest support still differs from the
# neutral grey. Sequential and single-hue-family, so it reads for most colour-vision deficiencies.
_RAMP = ("#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#b30000", "#7f0000")

DEFAULT_LEGEND: tuple[tuple[float, str], ...] = (
    (0.0, "0%"),
    (0.25, "25%"),
    (0.5, "50%"),
    (0.75, "75%"),
    (1.0, "100%"),
)

_LEGEND_HEIGHT = 30.0
_SWATCH_WIDTH, _SWATCH_HEIGHT = 16.0, 11.0
_FONT_SIZE = 11


@dataclass(frozen=True)
class _WorldMap:
    width: float
    height: float
    paths: Mapping[str, str]


@cache
def _world_map() -> _WorldMap:
    """Parsed once per process: the file is ~60 KB and every consensus panel needs it."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    _x, _y, width, height = data["viewBox"]
    paths = {code: country["d"] for code, country in data["countries"].items()}
    return _WorldMap(width=float(width), height=float(height), paths=paths)


def map_country_codes() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes that have a shape on the map."""
    return frozenset(_world_map().paths)


def countries_missing_from_map(codes: Iterable[str]) -> list[str]:
    """Codes that the map cannot show, so that the page can list them in text.

    Keeps the caller's order (usually ranked by support), upper-cases, and drops repeats.
    """
    on_map = _world_map().paths
    missing: list[str] = []
    for raw in codes:
        code = raw.upper()
        if code not in on_map and code not in missing:
            missing.append(code)
    return missing


def shading_from_counts(counts: Mapping[str, int | float]) -> dict[str, float]:
    """Scale counts to [0, 1] against the largest, the input ``world_map_svg`` expects.

    Relative to the maximum rather than the total, so that the leading country is always the darkest.
    """
    largest = max((value for value in counts.values() if value > 0), default=0)
    if not largest:
        return {code.upper(): 0.0 for code in counts}
    return {code.upper(): max(0.0, value / largest) for code, value in counts.items()}


def _clamp(value: float) -> float:
    if math.isnan(value):
        return 0.0
    return min(1.0, max(0.0, float(value)))


def _hex_to_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def shading_fill(value: float) -> str:
    """The fill colour for a shading value; anything not above zero is the neutral grey."""
    value = _clamp(value)
    if value <= 0:
        return NEUTRAL_FILL
    position = value * (len(_RAMP) - 1)
    index = min(int(position), len(_RAMP) - 2)
    fraction = position - index
    low, high = _hex_to_rgb(_RAMP[index]), _hex_to_rgb(_RAMP[index + 1])
    red, green, blue = (round(a + (b - a) * fraction) for a, b in zip(low, high, strict=True))
    return f"#{red:02x}{green:02x}{blue:02x}"


def _default_titles() -> Mapping[str, str]:
    return dict(country_choices(get_language() or "en"))


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _legend(entries: Sequence[tuple[float, str]], top: float) -> list[str]:
    parts = [f'<g class="legend" font-size="{_FONT_SIZE}" fill="currentColor">']
    x = 8.0
    for value, text in entries:
        # Measuring text needs a font; about 0.6 em per character is close enough for a legend.
        parts.append(
            f'<rect x="{_number(x)}" y="{_number(top + 9)}" width="{_number(_SWATCH_WIDTH)}"'
            f' height="{_number(_SWATCH_HEIGHT)}" fill="{shading_fill(value)}" stroke="#999999"'
            ' stroke-width="0.5"/>'
        )
        text_x = x + _SWATCH_WIDTH + 4
        parts.append(f'<text x="{_number(text_x)}" y="{_number(top + 18.5)}">{escape(text)}</text>')
        x = text_x + 0.6 * _FONT_SIZE * len(text) + 14
    parts.append("</g>")
    return parts


def world_map_svg(
    shading: Mapping[str, float],
    *,
    titles: Mapping[str, str] | None = None,
    label: str,
    legend: Sequence[tuple[float, str]] | None = None,
) -> SafeString:
    """Render the world map with each country filled by its shading value in [0, 1].

    ``shading`` maps alpha-2 codes to values; absent, zero, negative or NaN means no support, values
    above 1 count as 1, and codes without a shape are ignored (see ``countries_missing_from_map``).
    ``titles`` gives each country's hover text (e.g. "Poland: 12 clusters"); a country without one
    gets its name in the active language. ``label`` is the accessible name of the whole map.
    ``legend`` is a list of (value, text) swatches, ``DEFAULT_LEGEND`` if None, none if empty.
    Everything the caller supplies is escaped.
    """
    world = _world_map()
    values = {code.upper(): _clamp(value) for code, value in shading.items()}
    given_titles = {code.upper(): text for code, text in (titles or {}).items()}
    fallback_titles = _default_titles()
    legend_entries = DEFAULT_LEGEND if legend is None else legend
    height = world.height + (_LEGEND_HEIGHT if legend_entries else 0)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="world-map" viewBox="0 0 {_number(world.width)}'
        f' {_number(height)}" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        f'<g class="countries" stroke="{BORDER_COLOUR}" stroke-width="0.5" stroke-linejoin="round"'
        ' fill-rule="evenodd">',
    ]
    for code, path in world.paths.items():
        value = values.get(code, 0.0)
        css_class = "country supported" if value > 0 else "country"
        title = given_titles.get(code) or fallback_titles.get(code) or code
        parts.append(
            f'<path class="{css_class}" data-country="{code}" fill="{shading_fill(value)}" d="{path}">'
            f"<title>{escape(title)}</title></path>"
        )
    parts.append("</g>")
    if legend_entries:
        parts.extend(_legend(legend_entries, world.height))
    parts.append("</svg>")
    # Safe: the path data and codes come from our own data file, colours from shading_fill, and every
    # caller-supplied string (label, titles, legend text) went through escape() above.
    return mark_safe("".join(parts))  # noqa: S308
