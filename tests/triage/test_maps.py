from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET

import pytest
from babel import Locale
from django.utils import translation

from traceobject.core.countries import country_codes
from traceobject.triage.maps import (
    DATA_FILE,
    DEFAULT_LEGEND,
    NEUTRAL_FILL,
    countries_missing_from_map,
    map_country_codes,
    shading_fill,
    shading_from_counts,
    world_map_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
KEY_COUNTRIES = {"FR", "NO", "PL", "DE", "US", "BR", "CN", "IN", "AU", "RU", "GB"}


def parse(svg: str) -> ET.Element:
    # Our own output, parsed to prove it is well-formed XML; nothing untrusted reaches the parser.
    return ET.fromstring(svg)  # noqa: S314


def country_paths(svg: str) -> dict[str, ET.Element]:
    return {path.get("data-country", ""): path for path in parse(svg).iter(f"{SVG}path")}


def fills(svg: str) -> dict[str, str]:
    return {code: path.get("fill", "") for code, path in country_paths(svg).items()}


def luminance(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


# The data file


def test_data_file_is_compact() -> None:
    assert DATA_FILE.stat().st_size < 300_000


def test_every_code_is_an_iso_alpha2_code_known_to_babel() -> None:
    codes = map_country_codes()
    territories = Locale("en").territories
    assert codes
    for code in codes:
        assert re.fullmatch(r"[A-Z]{2}", code), code
        assert code in territories, code
    # The map and the country fields of tips must speak the same codes.
    assert codes <= country_codes()


def test_key_countries_and_natural_earth_quirks_are_on_the_map() -> None:
    codes = map_country_codes()
    assert codes >= KEY_COUNTRIES
    # Kosovo is -99 in Natural Earth; French Guiana and Svalbard are split off France and Norway.
    assert {"XK", "GF", "SJ", "CY", "SO", "UA"} <= codes
    assert "AQ" not in codes  # left out on purpose
    assert 170 <= len(codes) <= 180


def test_data_file_holds_svg_path_data_only() -> None:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert "Natural Earth" in data["attribution"]
    assert "geopandas-0.14.4" in data["source"]
    for code, country in data["countries"].items():
        assert re.fullmatch(r"(M[-0-9. ]+l[-0-9. ]+z)+", country["d"]), code


# Rendering


def test_map_is_well_formed_accessible_svg() -> None:
    svg = world_map_svg({}, label="Countries named in tips")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Countries named in tips"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root[0].tag == f"{SVG}title"
    assert root[0].text == "Countries named in tips"


def test_one_path_per_country_each_with_a_title() -> None:
    paths = country_paths(world_map_svg({}, label="map"))
    assert set(paths) == map_country_codes()
    for code, path in paths.items():
        assert path.get("class") == "country"
        assert path.get("fill") == NEUTRAL_FILL
        assert path.findtext(f"{SVG}title"), code


def test_shading_changes_the_fill_of_exactly_the_shaded_countries() -> None:
    plain = fills(world_map_svg({}, label="map"))
    shaded_svg = world_map_svg({"PL": 1.0, "de": 0.5, "FR": 0.1, "US": 0.0}, label="map")
    shaded = fills(shaded_svg)
    changed = {code for code in plain if plain[code] != shaded[code]}
    assert changed == {"PL", "DE", "FR"}
    assert luminance(shaded["PL"]) < luminance(shaded["DE"]) < luminance(shaded["FR"])
    classes = {code: path.get("class") for code, path in country_paths(shaded_svg).items()}
    assert classes["PL"] == classes["DE"] == classes["FR"] == "country supported"
    assert classes["US"] == "country"


@pytest.mark.parametrize(("value", "same_as"), [(7.0, 1.0), (-3.0, 0.0), (math.nan, 0.0), (math.inf, 1.0)])
def test_out_of_range_shading_is_clamped(value: float, same_as: float) -> None:
    assert fills(world_map_svg({"PL": value}, label="map"))["PL"] == shading_fill(same_as)


def test_codes_without_a_shape_do_not_break_the_map() -> None:
    svg = world_map_svg({"SG": 1.0, "MT": 0.5, "ZZ": 1.0}, titles={"SG": "Singapore"}, label="map")
    assert "SG" not in country_paths(svg)
    assert set(fills(svg).values()) == {NEUTRAL_FILL}


def test_titles_and_label_are_escaped() -> None:
    attack = '<script>alert("x")</script> & "quotes"'
    svg = world_map_svg({"PL": 1.0}, titles={"pl": attack}, label=attack, legend=[(1.0, attack)])
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.get("aria-label") == attack
    assert country_paths(svg)["PL"].findtext(f"{SVG}title") == attack


def test_missing_titles_fall_back_to_the_country_name_in_the_active_language() -> None:
    with translation.override("de"):
        svg = world_map_svg({}, titles={"PL": "Polen: 12 Cluster"}, label="Karte")
    paths = country_paths(svg)
    assert paths["PL"].findtext(f"{SVG}title") == "Polen: 12 Cluster"
    assert paths["DE"].findtext(f"{SVG}title") == "Deutschland"


def test_no_inline_styles_anywhere() -> None:
    svg = world_map_svg({"PL": 1.0, "BR": 0.3}, titles={"PL": "style=x"}, label="map")
    for element in parse(svg).iter():
        assert "style" not in element.attrib
        assert element.tag != f"{SVG}style"
    assert not re.search(r"<style|\sstyle=", svg)


# Legend


def legend_swatches(svg: str) -> list[tuple[str, str]]:
    root = parse(svg)
    legend = next((g for g in root.iter(f"{SVG}g") if g.get("class") == "legend"), None)
    if legend is None:
        return []
    swatches = [rect.get("fill", "") for rect in legend.iter(f"{SVG}rect")]
    texts = [text.text or "" for text in legend.iter(f"{SVG}text")]
    return list(zip(swatches, texts, strict=True))


def test_default_legend_spans_the_scale() -> None:
    swatches = legend_swatches(world_map_svg({}, label="map"))
    assert swatches == [(shading_fill(value), text) for value, text in DEFAULT_LEGEND]
    assert swatches[0][0] == NEUTRAL_FILL


def test_caller_legend_and_no_legend() -> None:
    svg = world_map_svg({}, label="map", legend=[(0.0, "none"), (1.0, "most clusters")])
    assert legend_swatches(svg) == [(NEUTRAL_FILL, "none"), (shading_fill(1.0), "most clusters")]
    assert legend_swatches(world_map_svg({}, label="map", legend=())) == []


# Helpers


def test_countries_missing_from_map_keeps_order_and_drops_repeats() -> None:
    codes = ["sg", "PL", "MT", "SG", "AQ", "DE", "VA"]
    assert countries_missing_from_map(codes) == ["SG", "MT", "AQ", "VA"]
    assert countries_missing_from_map([]) == []
    assert countries_missing_from_map(KEY_COUNTRIES) == []


def test_shading_fill_scale() -> None:
    assert shading_fill(0) == NEUTRAL_FILL
    assert shading_fill(0.001) != NEUTRAL_FILL
    assert shading_fill(1) == "#7f0000"
    steps = [shading_fill(step / 10) for step in range(1, 11)]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", colour) for colour in steps)
    lums = [luminance(colour) for colour in steps]
    assert lums == sorted(lums, reverse=True)


def test_shading_from_counts() -> None:
    assert shading_from_counts({"pl": 12, "DE": 3, "FR": 0}) == {"PL": 1.0, "DE": 0.25, "FR": 0.0}
    assert shading_from_counts({"PL": 0}) == {"PL": 0.0}
    assert shading_from_counts({}) == {}
