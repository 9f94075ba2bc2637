"""Build ``traceobject/triage/data/world-110m.json`` from Natural Earth's 110m admin-0 countries.

A one-off: the committed JSON is what the application reads, so the runtime needs neither this script
nor any GIS library. The script is kept so that the file can be rebuilt and audited.

The source is the shapefile that geopandas 0.14.4 ships in its wheel (Natural Earth 110m admin-0
countries, public domain). No network is needed beyond fetching that wheel from PyPI::

    pip download geopandas==0.14.4 --no-deps -d /tmp/gp
    .venv/bin/python scripts/build_world_map.py /tmp/gp/geopandas-0.14.4-py3-none-any.whl

It reads the shapefile straight out of the wheel with the standard library (the format is simple and
the file holds only polygons), projects it with the Equal Earth projection, rounds to a tenth of a
unit, thins the rings, and writes SVG path strings keyed by ISO 3166-1 alpha-2 code. Alpha-3 codes
become alpha-2 through CLDR's territory aliases, which Babel (already a dependency) ships.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import struct
import sys
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from babel import Locale
from babel.core import get_global

SHAPEFILE = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
OUTPUT = Path(__file__).resolve().parent.parent / "traceobject" / "triage" / "data" / "world-110m.json"

# The width of the viewBox; a tenth of a unit is the stored precision, far below what 110m data resolves.
WIDTH = 1000.0
MARGIN = 4.0
# Douglas-Peucker tolerance in viewBox units: about 0.08 degrees, under the 110m data's own detail.
TOLERANCE = 0.25
# Islands smaller than this (in square viewBox units) are dropped, except a country's largest ring.
MIN_RING_AREA = 0.6

# A ring of (x, y) points: (longitude, latitude) before projection, viewBox units after.
Ring = list[tuple[float, float]]

# Natural Earth's -99 and private codes that CLDR does not know. Northern Cyprus and Somaliland have
# no ISO code: tips name them as Cyprus and Somalia, whose authorities are the competent recipients,
# so their shapes join those countries.
CODE_OVERRIDES = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}

# Overseas parts that Natural Earth draws inside a country's feature but ISO 3166-1 codes apart: a tip
# naming French Guiana or Svalbard must shade that territory, not mainland France or Norway. Each test
# sees a ring's (longitude, latitude) points.
SPLITS: dict[str, list[tuple[str, Callable[[Ring], bool]]]] = {
    "FR": [("GF", lambda ring: max(lon for lon, _ in ring) < -40)],
    "NO": [("SJ", lambda ring: min(lat for _, lat in ring) > 74)],
}

# Antarctica is left out: it would take a wide strip at the bottom of the map, it has no authority to
# send a lead to, and the page lists any code without a shape in text anyway.
SKIPPED = {"AQ"}

# Equal Earth (Šavrič, Patterson, Jenny 2018) constants.
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Project degrees to Equal Earth units; chosen because it keeps areas honest for a choropleth."""
    lam = math.radians(max(-180.0, min(180.0, lon)))
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


def read_dbf(data: bytes) -> list[dict[str, str]]:
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields: list[tuple[str, int]] = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos : pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    records = []
    for index in range(count):
        offset = header_len + index * record_len + 1  # skip the deletion flag
        record = {}
        for name, length in fields:
            record[name] = data[offset : offset + length].decode("latin-1").strip()
            offset += length
        records.append(record)
    return records


def read_shp(data: bytes) -> Iterator[list[Ring]]:
    pos = 100
    while pos < len(data):
        _number, words = struct.unpack(">ii", data[pos : pos + 8])
        content = data[pos + 8 : pos + 8 + 2 * words]
        pos += 8 + 2 * words
        (shape_type,) = struct.unpack("<i", content[:4])
        if shape_type == 0:
            yield []
            continue
        if shape_type != 5:
            raise ValueError(f"expected polygons, got shape type {shape_type}")
        num_parts, num_points = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{num_parts}i", content[44 : 44 + 4 * num_parts]))
        base = 44 + 4 * num_parts
        coords = struct.unpack(f"<{2 * num_points}d", content[base : base + 16 * num_points])
        points = list(zip(coords[0::2], coords[1::2], strict=True))
        bounds = [*parts, num_points]
        yield [points[bounds[i] : bounds[i + 1]] for i in range(num_parts)]


def alpha2(record: dict[str, str], aliases: Mapping[str, list[str]], known: set[str]) -> str:
    name = record["name"]
    if name in CODE_OVERRIDES:
        return CODE_OVERRIDES[name]
    replacement = aliases.get(record["iso_a3"])
    if not replacement or len(replacement) != 1 or replacement[0] not in known:
        raise ValueError(f"no ISO alpha-2 code for {name!r} ({record['iso_a3']})")
    return replacement[0]


def ring_area(ring: Sequence[tuple[float, float]]) -> float:
    pairs = zip(ring, [*ring[1:], ring[0]], strict=True)
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairs)) / 2


def simplify(points: Sequence[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative so that long coastlines cannot hit the recursion limit."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        worst, worst_index = 0.0, -1
        for index in range(first + 1, last):
            px, py = points[index]
            if length == 0:
                distance = math.hypot(px - ax, py - ay)
            else:
                distance = abs(dy * (px - ax) - dx * (py - ay)) / length
            if distance > worst:
                worst, worst_index = distance, index
        if worst > tolerance:
            keep[worst_index] = True
            stack.extend([(first, worst_index), (worst_index, last)])
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def tenths(value: int) -> str:
    """Write a count of tenths as the shortest decimal: 12 -> "1.2", -5 -> "-.5", 30 -> "3"."""
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    if tenth == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{tenth}"


def path_data(rings: Sequence[Sequence[tuple[int, int]]]) -> str:
    """Absolute move-to per ring, then relative line-tos: relative deltas are short numbers."""
    out: list[str] = []
    for ring in rings:
        (x0, y0), rest = ring[0], ring[1:]
        numbers = []
        previous = (x0, y0)
        for x, y in rest:
            numbers += [x - previous[0], y - previous[1]]
            previous = (x, y)
        text = ""
        for number in numbers:
            written = tenths(number)
            # A minus sign separates numbers by itself; anything else needs a space.
            text += (" " if text and not written.startswith("-") else "") + written
        out.append(f"M{tenths(x0)} {tenths(y0)}l{text}z")
    return "".join(out)


def build(wheel: Path) -> dict[str, object]:
    with zipfile.ZipFile(wheel) as archive:
        records = read_dbf(archive.read(SHAPEFILE + ".dbf"))
        shapes = list(read_shp(archive.read(SHAPEFILE + ".shp")))
    if len(records) != len(shapes):
        raise ValueError("the .dbf and .shp disagree on the number of features")
    aliases: Mapping[str, list[str]] = get_global("territory_aliases")
    english = Locale("en").territories
    known = {code for code in english if isinstance(code, str) and len(code) == 2 and code.isalpha()}

    projected: dict[str, list[Ring]] = {}
    for record, rings in zip(records, shapes, strict=True):
        code = alpha2(record, aliases, known)
        if code in SKIPPED:
            continue
        for ring in rings:
            part = next((split for split, test in SPLITS.get(code, []) if test(ring)), code)
            projected.setdefault(part, []).append([equal_earth(lon, lat) for lon, lat in ring])

    scale = WIDTH / (2 * equal_earth(180, 0)[0])
    xs = [x for rings in projected.values() for ring in rings for x, _ in ring]
    ys = [y for rings in projected.values() for ring in rings for _, y in ring]
    left, top = min(xs) * scale - MARGIN, -max(ys) * scale - MARGIN
    width = (max(xs) - min(xs)) * scale + 2 * MARGIN
    height = (max(ys) - min(ys)) * scale + 2 * MARGIN

    countries: dict[str, dict[str, str]] = {}
    names = {code: str(english[code]) for code in projected}
    for code in sorted(projected):
        screen = [[(x * scale - left, -y * scale - top) for x, y in ring] for ring in projected[code]]
        largest = max(ring_area(ring) for ring in screen)
        kept = []
        for ring in screen:
            area = ring_area(ring)
            if area < MIN_RING_AREA and area < largest:
                continue
            thinned = simplify([*ring, ring[0]] if ring[0] != ring[-1] else ring, TOLERANCE)
            rounded: list[tuple[int, int]] = []
            for x, y in thinned[:-1]:
                point = (round(x * 10), round(y * 10))
                if not rounded or point != rounded[-1]:
                    rounded.append(point)
            if len(rounded) >= 3:
                kept.append(rounded)
        if not kept:
            raise ValueError(f"{code} lost all its rings")
        countries[code] = {"name": names[code], "d": path_data(kept)}

    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    return {
        "source": (
            "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries (public domain), as shipped in "
            f"{wheel.name} (sha256 {digest}) at {SHAPEFILE}.shp"
        ),
        "attribution": "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.",
        "projection": "Equal Earth, y pointing down, units of 1/10 rounded",
        "skipped": sorted(SKIPPED),
        "viewBox": [0, 0, round(width, 1), round(height, 1)],
        "countries": countries,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("wheel", type=Path, help="geopandas-0.14.4-py3-none-any.whl")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    data = build(args.wheel)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    args.output.write_text(text + "\n", encoding="utf-8")
    sys.stderr.write(f"wrote {args.output}: {len(text)} bytes\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
