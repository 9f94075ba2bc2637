"""Demo pictures drawn with Pillow, so that the demo needs no download and ships no image file.

They only have to pass for object crops at a glance: flat shapes first, then a soft blur, uneven light
and sensor-like grain, which is what makes a real crop look photographed. Every drawing is seeded, so a
seed gives the same pixels (and so the same derivative file names) on every machine. Nothing here draws
a person or a face: the real gallery never shows one, and the demo must not suggest otherwise.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageColor, ImageDraw, ImageFilter, ImageFont

WIDTH, HEIGHT = 900, 700
RGB = tuple[int, int, int]
Point = tuple[float, float]


@dataclass(frozen=True)
class Picture:
    """What to draw: a kind from ``DRAWERS``, its colours in the order that kind reads them, and text.

    Titles name colours ("green bottle, yellow label"), so the colours come from the content, not from
    the seed; the seed only moves, sizes and nudges things so that no two objects look cloned.
    """

    kind: str
    colors: tuple[str, ...] = ()
    text: str = ""
    variant: str = ""


def _rgb(value: str) -> RGB:
    red, green, blue = ImageColor.getrgb(value)[:3]
    return (red, green, blue)


def _clamp(value: float) -> int:
    return max(0, min(255, round(value)))


def shade(color: RGB, factor: float) -> RGB:
    return (_clamp(color[0] * factor), _clamp(color[1] * factor), _clamp(color[2] * factor))


def mix(first: RGB, second: RGB, amount: float) -> RGB:
    return (
        _clamp(first[0] + (second[0] - first[0]) * amount),
        _clamp(first[1] + (second[1] - first[1]) * amount),
        _clamp(first[2] + (second[2] - first[2]) * amount),
    )


def jitter(color: RGB, rng: random.Random, amount: int) -> RGB:
    return (
        _clamp(color[0] + rng.randint(-amount, amount)),
        _clamp(color[1] + rng.randint(-amount, amount)),
        _clamp(color[2] + rng.randint(-amount, amount)),
    )


class Paints:
    """The picture's colours, each nudged a little per seed, with the drawer's defaults for the rest."""

    def __init__(self, colors: Sequence[str], rng: random.Random) -> None:
        self._colors = [_rgb(color) for color in colors]
        self._rng = rng

    def __call__(self, index: int, default: str) -> RGB:
        base = self._colors[index] if index < len(self._colors) else _rgb(default)
        return jitter(base, self._rng, 8)


@dataclass
class Canvas:
    """Everything a drawer needs; drawers paint in place, so ``draw`` stays bound to ``image``."""

    image: Image.Image
    draw: ImageDraw.ImageDraw
    rng: random.Random
    paint: Paints
    text: str
    variant: str

    def uniform(self, low: float, high: float) -> float:
        return self.rng.uniform(low, high)

    def apply(self, result: Image.Image) -> None:
        """Copy a filtered result back, keeping ``image`` (and ``draw``) the same object."""
        self.image.paste(result, (0, 0))


Drawer = Callable[[Canvas], None]


# --- small building blocks --------------------------------------------------------------------------


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def gradient(canvas: Canvas, box: tuple[int, int, int, int], top: RGB, bottom: RGB) -> None:
    """A vertical gradient: walls and skies are never one flat colour in a photograph."""
    left, upper, right, lower = box
    size = (max(1, right - left), max(1, lower - upper))
    mask = Image.linear_gradient("L").resize(size)
    canvas.image.paste(
        Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask), box
    )


def ellipse_points(center: Point, radii: Point, angle: float = 0.0, steps: int = 28) -> list[Point]:
    """A rotated ellipse as a polygon; ImageDraw only draws axis-aligned ones."""
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    points = []
    for step in range(steps):
        theta = 2 * math.pi * step / steps
        x, y = radii[0] * math.cos(theta), radii[1] * math.sin(theta)
        points.append((center[0] + x * cos_a - y * sin_a, center[1] + x * sin_a + y * cos_a))
    return points


def star_points(
    center: Point, outer: float, inner: float, spikes: int = 5, angle: float = 0.0
) -> list[Point]:
    points = []
    for step in range(spikes * 2):
        radius = outer if step % 2 == 0 else inner
        theta = angle - math.pi / 2 + math.pi * step / spikes
        points.append((center[0] + radius * math.cos(theta), center[1] + radius * math.sin(theta)))
    return points


def folds(canvas: Canvas, *, count: int, strength: float, angle: float = 0.0) -> None:
    """Soft light and dark bands, as cloth falls in folds; ``angle`` in degrees tilts them."""
    rng = canvas.rng
    waves = [
        (0.75, rng.uniform(0.9, 1.1) * count, rng.uniform(0, 2 * math.pi)),
        (0.25, rng.uniform(1.7, 2.6) * count, rng.uniform(0, 2 * math.pi)),
    ]
    # Built at a quarter of the size and scaled up: the bands are smooth, and rotating is costly.
    small_w, small_h = WIDTH // 4, HEIGHT // 4
    profile = Image.new("L", (small_w * 2, 1))
    values = []
    for x in range(small_w * 2):
        wave = sum(weight * math.sin(x / small_w * math.pi * freq + phase) for weight, freq, phase in waves)
        values.append(_clamp(255 * (1 - strength * (0.5 - 0.5 * wave))))
    profile.putdata(values)
    band = profile.resize((small_w * 2, small_h * 2))
    if angle:
        band = band.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    band = band.crop((small_w // 2, small_h // 2, small_w // 2 + small_w, small_h // 2 + small_h))
    band = band.resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)
    canvas.apply(ImageChops.multiply(canvas.image, Image.merge("RGB", (band, band, band))))


def shadow(canvas: Canvas, box: tuple[float, float, float, float], darkness: int = 90) -> None:
    """A blurred contact shadow under an object, drawn small and scaled up to stay cheap."""
    scale = 4
    mask = Image.new("L", (WIDTH // scale, HEIGHT // scale), 255)
    ImageDraw.Draw(mask).ellipse([value / scale for value in box], fill=255 - darkness)
    mask = mask.filter(ImageFilter.GaussianBlur(6)).resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)
    canvas.apply(ImageChops.multiply(canvas.image, Image.merge("RGB", (mask, mask, mask))))


def weave(canvas: Canvas, *, step: int = 4, darkness: float = 0.93) -> None:
    """Fine horizontal and vertical threads, so flat fabric colours read as cloth."""
    thread = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(thread)
    value = _clamp(255 * darkness)
    for x in range(0, WIDTH, step):
        draw.line((x, 0, x, HEIGHT), fill=value)
    for y in range(step // 2, HEIGHT, step):
        draw.line((0, y, WIDTH, y), fill=_clamp(value + (255 - value) / 2))
    canvas.apply(ImageChops.multiply(canvas.image, Image.merge("RGB", (thread, thread, thread))))


def wood(canvas: Canvas, box: tuple[int, int, int, int], color: RGB, *, planks: int = 0) -> None:
    """A wooden surface (a table, a floor): planks when asked, and grain lines."""
    left, upper, right, lower = box
    canvas.draw.rectangle(box, fill=color)
    rng = canvas.rng
    if planks:
        height = (lower - upper) / planks
        for index in range(planks):
            y = upper + index * height
            canvas.draw.rectangle((left, y, right, y + height), fill=jitter(color, rng, 12))
            canvas.draw.line((left, y, right, y), fill=shade(color, 0.6), width=2)
    for _ in range((lower - upper) // 3):
        y = rng.uniform(upper, lower)
        start = rng.uniform(left - 200, right)
        canvas.draw.line(
            (start, y, start + rng.uniform(80, 400), y + rng.uniform(-3, 3)),
            fill=shade(color, rng.uniform(0.8, 0.95)),
            width=1,
        )


def tiles(canvas: Canvas, box: tuple[int, int, int, int], color: RGB, size: int) -> None:
    left, upper, right, lower = box
    canvas.draw.rectangle(box, fill=shade(color, 0.85))
    for y in range(upper, lower, size):
        for x in range(left, right, size):
            canvas.draw.rectangle(
                (x + 2, y + 2, x + size - 2, y + size - 2), fill=jitter(color, canvas.rng, 4)
            )


def bricks(canvas: Canvas, box: tuple[int, int, int, int], color: RGB, *, height: int = 26) -> None:
    left, upper, right, lower = box
    canvas.draw.rectangle(box, fill=mix(color, (200, 195, 185), 0.6))
    width = height * 2 + 8
    for row, y in enumerate(range(upper, lower, height)):
        offset = (row % 2) * width // 2
        for x in range(left - offset, right, width):
            canvas.draw.rectangle(
                (x + 2, y + 2, x + width - 2, y + height - 2), fill=jitter(color, canvas.rng, 16)
            )


def label_text(canvas: Canvas, center: Point, text: str, size: int, fill: RGB) -> None:
    if text:
        canvas.draw.text(center, text, font=font(size), fill=fill, anchor="mm")


def fitted_size(text: str, width: float, start: int) -> int:
    """The largest font size up to ``start`` at which ``text`` fits in ``width`` pixels."""
    size = start
    while size > 12 and font(size).getlength(text) > width:
        size -= 4
    return size


# --- finishing: what turns a flat drawing into something that looks photographed --------------------


def photo_finish(image: Image.Image, rng: random.Random) -> Image.Image:
    """Soft focus, light that falls off unevenly with a colour cast, and grain."""
    image = image.filter(ImageFilter.BoxBlur(1))
    # The light is worked out at a quarter of the size and scaled up, as it varies only slowly.
    small_w, small_h = WIDTH // 4, HEIGHT // 4
    radial = Image.radial_gradient("L").resize((small_w * 2, small_h * 2), Image.Resampling.BILINEAR)
    left = small_w // 2 + rng.randint(-55, 55)
    upper = small_h // 2 + rng.randint(-45, 45)
    falloff = radial.crop((left, upper, left + small_w, upper + small_h))
    strength = rng.uniform(0.25, 0.45)
    cast = (rng.uniform(0.94, 1.0), rng.uniform(0.93, 0.99), rng.uniform(0.84, 0.96))
    channels = tuple(
        falloff.point([_clamp((255 - value * strength) * factor) for value in range(256)]) for factor in cast
    )
    light = Image.merge("RGB", channels).resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)
    image = ImageChops.multiply(image, light)
    amplitude = rng.randint(5, 9)
    grain = Image.frombytes("RGB", (WIDTH, HEIGHT), rng.randbytes(WIDTH * HEIGHT * 3))
    grain = grain.point([value * 2 * amplitude // 255 for value in range(256)] * 3)
    return ImageChops.add(image, grain, 1.0, -amplitude)


def render(picture: Picture, *, seed: int) -> Image.Image:
    """The finished picture for ``picture``; the same seed always gives the same pixels."""
    rng = random.Random(seed)  # noqa: S311 - demo content, not security
    image = Image.new("RGB", (WIDTH, HEIGHT), (200, 200, 200))
    canvas = Canvas(
        image, ImageDraw.Draw(image), rng, Paints(picture.colors, rng), picture.text, picture.variant
    )
    DRAWERS[picture.kind](canvas)
    return photo_finish(canvas.image, rng)


def render_jpeg(picture: Picture, *, seed: int) -> bytes:
    """JPEG, as a camera or a screenshot tool would hand it to the upload form."""
    out = io.BytesIO()
    render(picture, seed=seed).save(out, "JPEG", quality=88)
    return out.getvalue()


# --- textiles ---------------------------------------------------------------------------------------


def wallpaper_floral(canvas: Canvas) -> None:
    """Colours: ground, petals, flower centres, leaves."""
    ground, petal = canvas.paint(0, "#f1e9d2"), canvas.paint(1, "#4f74b8")
    middle, leaf = canvas.paint(2, "#e8c547"), canvas.paint(3, "#6f9a5b")
    canvas.draw.rectangle((0, 0, WIDTH, HEIGHT), fill=ground)
    rng = canvas.rng
    spacing = rng.randint(95, 135)
    petals = rng.choice((5, 6, 8))
    radius = spacing * rng.uniform(0.16, 0.22)
    for row, y in enumerate(range(-spacing, HEIGHT + spacing, spacing)):
        for x in range(-spacing, WIDTH + spacing, spacing):
            cx, cy = x + (row % 2) * spacing / 2, y + rng.uniform(-3, 3)
            for side in (-1, 1):
                leaf_angle = side * 0.9 + rng.uniform(-0.2, 0.2)
                offset = (cx + side * radius * 1.6, cy + radius * 1.3)
                canvas.draw.polygon(
                    ellipse_points(offset, (radius * 1.1, radius * 0.45), leaf_angle), fill=leaf
                )
            turn = rng.uniform(0, math.pi)
            for index in range(petals):
                theta = turn + 2 * math.pi * index / petals
                center = (cx + radius * math.cos(theta), cy + radius * math.sin(theta))
                canvas.draw.polygon(ellipse_points(center, (radius, radius * 0.55), theta), fill=petal)
            canvas.draw.ellipse(
                (cx - radius * 0.45, cy - radius * 0.45, cx + radius * 0.45, cy + radius * 0.45), fill=middle
            )
    seam = rng.randint(150, 400)
    canvas.draw.line((seam, 0, seam + 2, HEIGHT), fill=shade(ground, 0.9), width=2)
    folds(canvas, count=1, strength=0.08, angle=rng.uniform(-20, 20))


def textile_stripes(canvas: Canvas) -> None:
    """Colours: ground and up to two stripe colours; the variant "vertical" turns the stripes."""
    ground, first, second = canvas.paint(0, "#f4f1ea"), canvas.paint(1, "#1f3f7a"), canvas.paint(2, "#c0392b")
    rng = canvas.rng
    canvas.draw.rectangle((0, 0, WIDTH, HEIGHT), fill=ground)
    repeat = [(first, rng.randint(18, 40)), (ground, rng.randint(14, 30)), (second, rng.randint(5, 12))]
    repeat.append((ground, rng.randint(14, 30)))
    position = rng.randint(-40, 0)
    length = WIDTH if canvas.variant == "vertical" else HEIGHT
    while position < length:
        for color, width in repeat:
            if canvas.variant == "vertical":
                canvas.draw.rectangle((position, 0, position + width, HEIGHT), fill=color)
            else:
                canvas.draw.rectangle((0, position, WIDTH, position + width), fill=color)
            position += width
    weave(canvas, step=4)
    folds(canvas, count=3, strength=0.22, angle=rng.uniform(-35, 35))


def textile_checks(canvas: Canvas) -> None:
    """Colours: ground, band, crossing line; gingham by default, tartan for the variant "tartan"."""
    ground, band, line = canvas.paint(0, "#fbfaf5"), canvas.paint(1, "#d9822b"), canvas.paint(2, "#2e5e3a")
    rng = canvas.rng
    size = rng.randint(28, 52)
    dark = mix(band, (0, 0, 0), 0.35)
    half = mix(ground, band, 0.5)
    for row, y in enumerate(range(0, HEIGHT + size, size)):
        for column, x in enumerate(range(0, WIDTH + size, size)):
            hits = (row % 2) + (column % 2)
            fill = ground if hits == 0 else half if hits == 1 else dark
            canvas.draw.rectangle((x, y, x + size, y + size), fill=fill)
    if canvas.variant == "tartan":
        for x in range(size // 2, WIDTH, size * 3):
            canvas.draw.rectangle((x, 0, x + 4, HEIGHT), fill=line)
        for y in range(size // 2, HEIGHT, size * 3):
            canvas.draw.rectangle((0, y, WIDTH, y + 4), fill=line)
    weave(canvas, step=3, darkness=0.9)
    folds(canvas, count=2, strength=0.2, angle=rng.uniform(-60, 60))


def carpet(canvas: Canvas) -> None:
    """Colours: field, border, ornament, accent. A corner of the carpet lies on a wooden floor."""
    field, border = canvas.paint(0, "#8e2430"), canvas.paint(1, "#1f2d52")
    ornament, accent = canvas.paint(2, "#e9dcc0"), canvas.paint(3, "#c9a13b")
    rng = canvas.rng
    wood(canvas, (0, 0, WIDTH, HEIGHT), canvas.paint(4, "#9a6b3f"), planks=7)
    left, top = rng.randint(60, 140), rng.randint(50, 120)
    canvas.draw.rectangle((left, top, WIDTH + 50, HEIGHT + 50), fill=border)
    for x in range(left, WIDTH, 9):
        canvas.draw.line((x, top - 22, x + rng.randint(-3, 3), top), fill=ornament, width=3)
    inner = 70
    canvas.draw.rectangle((left + 12, top + 12, WIDTH + 50, HEIGHT + 50), outline=accent, width=5)
    step = 44
    for x in range(left + 40, WIDTH + 40, step):
        canvas.draw.polygon(
            [(x, top + 26), (x + 14, top + 40), (x, top + 54), (x - 14, top + 40)], fill=ornament
        )
    for y in range(top + 40 + step, HEIGHT + 40, step):
        canvas.draw.polygon(
            [(left + 40, y - 14), (left + 54, y), (left + 40, y + 14), (left + 26, y)], fill=ornament
        )
    canvas.draw.rectangle((left + inner + 10, top + inner + 10, WIDTH + 50, HEIGHT + 50), fill=field)
    cx, cy = left + inner + rng.randint(330, 430), top + inner + rng.randint(260, 330)
    for scale, color in ((1.0, accent), (0.8, border), (0.55, ornament), (0.3, field), (0.12, accent)):
        radius = 230 * scale
        steps = [(cx, cy - radius), (cx + radius * 1.3, cy), (cx, cy + radius), (cx - radius * 1.3, cy)]
        canvas.draw.polygon(steps, fill=color)
    motif = rng.randint(60, 80)
    for py in range(top + inner + 40, HEIGHT, motif):
        for px in range(left + inner + 40 + (py // motif % 2) * motif // 2, WIDTH, motif):
            if abs(px - cx) / 1.3 + abs(py - cy) > 250:  # outside the medallion
                canvas.draw.regular_polygon((px, py, 7), 4, fill=accent)
    shadow(canvas, (left - 10, top - 10, WIDTH + 200, top + 30), darkness=50)


def curtain(canvas: Canvas) -> None:
    """Colours: fabric, pattern, daylight in the window beside it."""
    fabric, pattern, light = (
        canvas.paint(0, "#d9d2b8"),
        canvas.paint(1, "#b5532e"),
        canvas.paint(2, "#eef2f6"),
    )
    rng = canvas.rng
    edge = rng.randint(560, 720)
    canvas.draw.rectangle((0, 0, WIDTH, HEIGHT), fill=fabric)
    size = rng.randint(26, 40)
    if canvas.variant == "dots":
        for y in range(50, HEIGHT, size):
            for x in range((y // size % 2) * size // 2, WIDTH, size):
                canvas.draw.ellipse((x, y, x + size * 0.35, y + size * 0.35), fill=pattern)
    else:
        for x in range(0, WIDTH, size * 2):
            canvas.draw.rectangle((x, 0, x + size, HEIGHT), fill=mix(fabric, pattern, 0.5))
        for y in range(0, HEIGHT, size * 2):
            canvas.draw.rectangle((0, y, WIDTH, y + size), fill=mix(fabric, pattern, 0.5))
            for x in range(0, WIDTH, size * 2):
                canvas.draw.rectangle((x, y, x + size, y + size), fill=pattern)
    weave(canvas, step=3, darkness=0.94)
    folds(canvas, count=9, strength=0.45)
    gradient(canvas, (edge, 0, WIDTH, HEIGHT), light, shade(light, 0.8))
    for y in (rng.randint(150, 260), rng.randint(420, 520)):
        canvas.draw.rectangle((edge, y, WIDTH, y + 12), fill=(236, 236, 232))
    canvas.draw.rectangle((edge + 90, 0, edge + 102, HEIGHT), fill=(236, 236, 232))
    canvas.draw.line((edge, 0, edge + rng.randint(-20, 20), HEIGHT), fill=shade(fabric, 0.55), width=6)
    canvas.draw.rectangle((0, 18, WIDTH, 34), fill=(120, 110, 100))
    for x in range(20, edge, 60):
        canvas.draw.ellipse((x, 10, x + 26, 42), outline=(90, 85, 80), width=4)


def backdrop(canvas: Canvas, *, wall: RGB, surface: RGB, horizon: int, kind: str = "plain") -> None:
    """A wall and the surface an object stands on: a crop nearly always keeps some of both."""
    gradient(canvas, (0, 0, WIDTH, horizon), shade(wall, 1.05), shade(wall, 0.9))
    if kind == "wood":
        wood(canvas, (0, horizon, WIDTH, HEIGHT), surface, planks=0)
    elif kind == "tiles":
        tiles(canvas, (0, horizon, WIDTH, HEIGHT), surface, 90)
    else:
        gradient(canvas, (0, horizon, WIDTH, HEIGHT), shade(surface, 0.9), shade(surface, 1.05))
    canvas.draw.line((0, horizon, WIDTH, horizon), fill=shade(wall, 0.7), width=3)


# --- toys -------------------------------------------------------------------------------------------


def teddy(canvas: Canvas) -> None:
    """Colours: fur, muzzle and paws, bow, wall, bedspread."""
    fur, light, bow = canvas.paint(0, "#8b5a2b"), canvas.paint(1, "#e3c9a0"), canvas.paint(2, "#c0282d")
    rng = canvas.rng
    backdrop(
        canvas,
        wall=canvas.paint(3, "#d8d3c8"),
        surface=canvas.paint(4, "#6d7fa6"),
        horizon=rng.randint(300, 380),
    )
    cx, base = WIDTH / 2 + rng.uniform(-80, 80), HEIGHT - rng.uniform(40, 80)
    size = rng.uniform(0.9, 1.1)
    shadow(canvas, (cx - 260 * size, base - 40, cx + 260 * size, base + 30))
    draw = canvas.draw
    body = (cx - 150 * size, base - 330 * size, cx + 150 * size, base - 20 * size)
    head_y = base - 400 * size
    for side in (-1, 1):
        foot_x = cx + side * 130 * size
        draw.ellipse((foot_x - 70 * size, base - 110 * size, foot_x + 70 * size, base), fill=fur)
        draw.ellipse((foot_x - 45 * size, base - 85 * size, foot_x + 45 * size, base - 15 * size), fill=light)
        arm = ellipse_points((cx + side * 170 * size, base - 230 * size), (50 * size, 110 * size), side * 0.5)
        draw.polygon(arm, fill=shade(fur, 0.92))
        ear_x = cx + side * 105 * size
        draw.ellipse(
            (ear_x - 50 * size, head_y - 140 * size, ear_x + 50 * size, head_y - 40 * size), fill=fur
        )
        draw.ellipse(
            (ear_x - 28 * size, head_y - 118 * size, ear_x + 28 * size, head_y - 62 * size), fill=light
        )
    draw.ellipse(body, fill=fur)
    draw.ellipse(
        (cx - 90 * size, base - 260 * size, cx + 90 * size, base - 70 * size), fill=shade(light, 0.95)
    )
    draw.ellipse((cx - 135 * size, head_y - 120 * size, cx + 135 * size, head_y + 110 * size), fill=fur)
    for _ in range(900):
        x, y = rng.uniform(body[0], body[2]), rng.uniform(head_y - 110 * size, body[3])
        if canvas.image.getpixel((int(x), int(y))) == fur:
            draw.line(
                (x, y, x + rng.uniform(-4, 4), y + rng.uniform(3, 7)), fill=shade(fur, rng.uniform(0.75, 1.2))
            )
    draw.ellipse((cx - 60 * size, head_y + 5 * size, cx + 60 * size, head_y + 90 * size), fill=light)
    draw.polygon(
        [
            (cx - 22 * size, head_y + 25 * size),
            (cx + 22 * size, head_y + 25 * size),
            (cx, head_y + 48 * size),
        ],
        fill=(40, 28, 22),
    )
    for side in (-1, 1):
        eye_x = cx + side * 55 * size
        draw.ellipse(
            (eye_x - 12 * size, head_y - 32 * size, eye_x + 12 * size, head_y - 8 * size), fill=(25, 20, 18)
        )
        draw.ellipse(
            (eye_x - 4 * size, head_y - 28 * size, eye_x + 2 * size, head_y - 22 * size), fill=(220, 220, 220)
        )
    knot_y = head_y + 125 * size
    draw.polygon(
        [(cx, knot_y), (cx - 75 * size, knot_y - 40 * size), (cx - 75 * size, knot_y + 40 * size)], fill=bow
    )
    draw.polygon(
        [(cx, knot_y), (cx + 75 * size, knot_y - 40 * size), (cx + 75 * size, knot_y + 40 * size)], fill=bow
    )
    draw.ellipse(
        (cx - 20 * size, knot_y - 20 * size, cx + 20 * size, knot_y + 20 * size), fill=shade(bow, 0.8)
    )


def robot(canvas: Canvas) -> None:
    """Colours: tin body, accents, wall, shelf."""
    body, accent = canvas.paint(0, "#a9b2bb"), canvas.paint(1, "#d2452f")
    rng = canvas.rng
    horizon = rng.randint(480, 560)
    backdrop(
        canvas,
        wall=canvas.paint(2, "#e6dfcf"),
        surface=canvas.paint(3, "#b08d63"),
        horizon=horizon,
        kind="wood",
    )
    draw = canvas.draw
    cx = WIDTH / 2 + rng.uniform(-120, 120)
    base = horizon + rng.uniform(60, 110)
    shadow(canvas, (cx - 200, base - 30, cx + 200, base + 30))
    dark, bright = shade(body, 0.7), shade(body, 1.2)
    for side in (-1, 1):
        leg_x = cx + side * 55
        draw.rectangle((leg_x - 35, base - 150, leg_x + 35, base - 20), fill=dark)
        draw.rounded_rectangle((leg_x - 55, base - 40, leg_x + 45, base), radius=10, fill=accent)
        arm_x = cx + side * 160
        draw.rounded_rectangle((arm_x - 30, base - 400, arm_x + 30, base - 220), radius=20, fill=body)
        draw.ellipse((arm_x - 32, base - 250, arm_x + 32, base - 190), outline=dark, width=10)
    draw.rounded_rectangle((cx - 130, base - 420, cx + 130, base - 140), radius=18, fill=body)
    draw.rectangle((cx - 118, base - 410, cx - 95, base - 150), fill=bright)
    draw.rounded_rectangle((cx - 80, base - 360, cx + 80, base - 220), radius=10, fill=shade(body, 0.55))
    for index in range(3):
        x = cx - 50 + index * 50
        draw.ellipse(
            (x - 16, base - 330, x + 16, base - 298), fill=(rng.randint(150, 250), rng.randint(150, 230), 60)
        )
    for y in range(int(base - 280), int(base - 230), 12):
        draw.line((cx - 60, y, cx + 60, y), fill=(30, 30, 30), width=4)
    head_top = base - 590
    draw.rounded_rectangle((cx - 110, head_top, cx + 110, base - 430), radius=24, fill=body)
    draw.line((cx, head_top, cx, head_top - 60), fill=dark, width=8)
    draw.ellipse((cx - 20, head_top - 90, cx + 20, head_top - 50), fill=accent)
    for side in (-1, 1):
        draw.ellipse(
            (cx + side * 50 - 28, head_top + 40, cx + side * 50 + 28, head_top + 96), fill=(250, 236, 120)
        )
        draw.ellipse(
            (cx + side * 50 - 12, head_top + 56, cx + side * 50 + 12, head_top + 80), fill=(40, 40, 40)
        )
    draw.rectangle((cx - 60, base - 480, cx + 60, base - 455), fill=accent)
    for x in range(int(cx - 120), int(cx + 130), 40):
        draw.ellipse((x - 4, base - 150 - 4 - 6, x + 4, base - 150 + 4 - 6), fill=dark)


def toy_car(canvas: Canvas) -> None:
    """Colours: paint, windows, wall, carpet; the text is the racing number."""
    paint, glass = canvas.paint(0, "#1e6fd9"), canvas.paint(1, "#bcd6e8")
    rng = canvas.rng
    horizon = rng.randint(220, 300)
    backdrop(canvas, wall=canvas.paint(2, "#efe6d8"), surface=canvas.paint(3, "#7b8a5e"), horizon=horizon)
    draw = canvas.draw
    left, base = rng.uniform(90, 170), HEIGHT - rng.uniform(120, 180)
    length = rng.uniform(600, 680)
    shadow(canvas, (left - 20, base - 30, left + length + 20, base + 50), darkness=110)
    draw.rounded_rectangle((left, base - 170, left + length, base - 40), radius=45, fill=paint)
    roof = [
        (left + length * 0.25, base - 165),
        (left + length * 0.36, base - 300),
        (left + length * 0.7, base - 300),
        (left + length * 0.82, base - 165),
    ]
    draw.polygon(roof, fill=paint)
    draw.polygon(
        [
            (left + length * 0.31, base - 170),
            (left + length * 0.39, base - 280),
            (left + length * 0.52, base - 280),
            (left + length * 0.52, base - 170),
        ],
        fill=glass,
    )
    draw.polygon(
        [
            (left + length * 0.56, base - 170),
            (left + length * 0.56, base - 280),
            (left + length * 0.68, base - 280),
            (left + length * 0.77, base - 170),
        ],
        fill=glass,
    )
    draw.rectangle((left + 10, base - 120, left + length - 10, base - 100), fill=(245, 245, 240))
    draw.rectangle((left + length - 40, base - 150, left + length - 8, base - 125), fill=(250, 225, 120))
    draw.ellipse((left + length * 0.4, base - 165, left + length * 0.55, base - 45), fill=(245, 245, 240))
    label_text(canvas, (left + length * 0.475, base - 105), canvas.text, 70, (20, 20, 20))
    for wheel_x in (left + length * 0.2, left + length * 0.8):
        draw.ellipse((wheel_x - 70, base - 110, wheel_x + 70, base + 30), fill=(28, 28, 30))
        draw.ellipse((wheel_x - 35, base - 75, wheel_x + 35, base - 5), fill=(190, 190, 195))
        draw.ellipse((wheel_x - 10, base - 50, wheel_x + 10, base - 30), fill=(90, 90, 95))


# --- bottles, packaging, signs ----------------------------------------------------------------------


def bottle(canvas: Canvas) -> None:
    """Colours: bottle, label, cap, tiles; the text is the brand on the label."""
    glass, label, cap = canvas.paint(0, "#3f8a4f"), canvas.paint(1, "#f2d14b"), canvas.paint(2, "#f4f4f0")
    rng = canvas.rng
    horizon = rng.randint(470, 540)
    tiles(canvas, (0, 0, WIDTH, horizon), canvas.paint(3, "#dfe7ea"), rng.choice((75, 100, 150)))
    wood(canvas, (0, horizon, WIDTH, HEIGHT), canvas.paint(4, "#c9c3b8"))
    draw = canvas.draw
    cx, base = WIDTH / 2 + rng.uniform(-150, 150), horizon + rng.uniform(90, 140)
    half = rng.uniform(110, 150)
    shoulder = base - rng.uniform(380, 440)
    shadow(canvas, (cx - half - 40, base - 30, cx + half + 90, base + 25), darkness=120)
    draw.rounded_rectangle((cx - half, shoulder, cx + half, base), radius=30, fill=glass)
    neck = half * 0.35
    draw.polygon(
        [
            (cx - half, shoulder + 40),
            (cx - neck, shoulder - 90),
            (cx + neck, shoulder - 90),
            (cx + half, shoulder + 40),
        ],
        fill=glass,
    )
    draw.rectangle((cx - neck, shoulder - 150, cx + neck, shoulder - 80), fill=glass)
    draw.rounded_rectangle((cx - neck - 8, shoulder - 215, cx + neck + 8, shoulder - 140), radius=8, fill=cap)
    for y in range(int(shoulder - 205), int(shoulder - 145), 9):
        draw.line((cx - neck - 8, y, cx + neck + 8, y), fill=shade(cap, 0.85), width=2)
    top, bottom = shoulder + 90, base - 70
    if canvas.variant == "oval":
        draw.ellipse((cx - half * 0.85, top, cx + half * 0.85, bottom), fill=label)
    else:
        draw.rectangle((cx - half, top, cx + half, bottom), fill=label)
    text = canvas.text or "AQUA"
    size = fitted_size(text, half * 1.5, 56)
    label_text(canvas, (cx, top + (bottom - top) * 0.38), text, size, shade(glass, 0.6))
    for index in range(3):
        py = top + (bottom - top) * (0.62 + index * 0.08)
        draw.line((cx - half * 0.5, py, cx + half * 0.5, py), fill=shade(label, 0.6), width=4)
    draw.rectangle(
        (cx - half + 18, shoulder + 20, cx - half + 38, base - 30), fill=mix(glass, (255, 255, 255), 0.45)
    )


def packaging_box(canvas: Canvas) -> None:
    """Colours: box, band, logo, wall, table; the text is the brand. The box is seen at three quarters."""
    main, band, logo = canvas.paint(0, "#f0c419"), canvas.paint(1, "#2a63b0"), canvas.paint(2, "#e2572a")
    rng = canvas.rng
    horizon = rng.randint(400, 470)
    backdrop(
        canvas,
        wall=canvas.paint(3, "#e4e0da"),
        surface=canvas.paint(4, "#a47a52"),
        horizon=horizon,
        kind="wood",
    )
    draw = canvas.draw
    left, base = rng.uniform(180, 260), horizon + rng.uniform(150, 200)
    width, height, depth = rng.uniform(300, 360), rng.uniform(420, 480), rng.uniform(110, 150)
    top = base - height
    shadow(canvas, (left - 30, base - 40, left + width + depth + 80, base + 30), darkness=110)
    front = [(left, top), (left + width, top), (left + width, base), (left, base)]
    side = [
        (left + width, top),
        (left + width + depth, top - depth * 0.45),
        (left + width + depth, base - depth * 0.45),
        (left + width, base),
    ]
    lid = [
        (left, top),
        (left + depth, top - depth * 0.45),
        (left + width + depth, top - depth * 0.45),
        (left + width, top),
    ]
    draw.polygon(front, fill=main)
    draw.polygon(side, fill=shade(main, 0.75))
    draw.polygon(lid, fill=shade(main, 1.12))
    draw.rectangle((left, top + height * 0.62, left + width, top + height * 0.8), fill=band)
    draw.polygon(
        [
            (left + width, top + height * 0.62),
            (left + width + depth, top + height * 0.62 - depth * 0.45),
            (left + width + depth, top + height * 0.8 - depth * 0.45),
            (left + width, top + height * 0.8),
        ],
        fill=shade(band, 0.75),
    )
    sun = (left + width / 2, top + height * 0.33)
    radius = width * 0.2
    draw.polygon(
        star_points(sun, radius * 1.6, radius * 1.05, spikes=12, angle=rng.uniform(0, 1)),
        fill=shade(logo, 1.1),
    )
    draw.ellipse((sun[0] - radius, sun[1] - radius, sun[0] + radius, sun[1] + radius), fill=logo)
    text = canvas.text or "SOLEIL"
    label_text(
        canvas,
        (left + width / 2, top + height * 0.71),
        text,
        fitted_size(text, width * 0.85, 60),
        (250, 250, 245),
    )
    for index in range(6):
        y = top + 40 + index * 22
        draw.line(
            (left + width + 15, y - 10, left + width + depth - 15, y - 10 - (depth - 30) * 0.45),
            fill=shade(main, 0.5),
            width=3,
        )


def sign(canvas: Canvas) -> None:
    """Colours: panel, lettering, wall; the text is the wording, in ASCII (the font has no accents)."""
    panel, letters, wall = canvas.paint(0, "#1d4e89"), canvas.paint(1, "#fdfcf7"), canvas.paint(2, "#9c4a32")
    rng = canvas.rng
    bricks(canvas, (0, 0, WIDTH, HEIGHT), wall, height=rng.choice((24, 28, 32)))
    draw = canvas.draw
    left, top = rng.uniform(40, 110), rng.uniform(150, 230)
    right, bottom = WIDTH - rng.uniform(40, 110), top + rng.uniform(220, 280)
    shadow(canvas, (left + 10, top + 20, right + 30, bottom + 40), darkness=90)
    draw.rounded_rectangle((left, top, right, bottom), radius=16, fill=panel)
    draw.rounded_rectangle(
        (left + 14, top + 14, right - 14, bottom - 14), radius=10, outline=letters, width=4
    )
    words = canvas.text or "MINI MARKT"
    size = fitted_size(words, (right - left) * 0.7, 120)
    logo = (left + 80, (top + bottom) / 2)
    draw.ellipse((logo[0] - 40, logo[1] - 40, logo[0] + 40, logo[1] + 40), fill=letters)
    draw.polygon(star_points(logo, 30, 13), fill=panel)
    label_text(canvas, ((left + right) / 2 + 60, (top + bottom) / 2), words, size, letters)
    for x in (left + 60, right - 60):
        draw.line((x, 0, x, top), fill=(60, 60, 60), width=5)
    draw.rectangle((0, HEIGHT - 120, WIDTH, HEIGHT), fill=shade(wall, 0.55))
    gradient(canvas, (0, HEIGHT - 110, WIDTH, HEIGHT), (120, 130, 140), (70, 75, 80))


def mug(canvas: Canvas) -> None:
    """Colours: mug, logo, wall, table; variant "fox" prints a fox head, otherwise the text."""
    body, logo = canvas.paint(0, "#f6f3ec"), canvas.paint(1, "#e07b28")
    rng = canvas.rng
    horizon = rng.randint(330, 420)
    backdrop(
        canvas,
        wall=canvas.paint(2, "#cfd8d3"),
        surface=canvas.paint(3, "#8b6a4a"),
        horizon=horizon,
        kind="wood",
    )
    draw = canvas.draw
    cx, base = WIDTH / 2 + rng.uniform(-120, 60), horizon + rng.uniform(200, 250)
    half, height = rng.uniform(150, 180), rng.uniform(330, 380)
    top = base - height
    shadow(canvas, (cx - half - 30, base - 40, cx + half + 170, base + 30), darkness=120)
    draw.ellipse((cx + half - 60, top + 60, cx + half + 120, top + 260), outline=shade(body, 0.85), width=38)
    draw.rectangle((cx - half, top, cx + half, base - 25), fill=body)
    draw.ellipse((cx - half, base - 50, cx + half, base), fill=body)
    draw.ellipse((cx - half, top - 35, cx + half, top + 35), fill=shade(body, 0.9))
    draw.ellipse((cx - half + 14, top - 26, cx + half - 14, top + 26), fill=(70, 44, 30))
    draw.rectangle((cx + half * 0.55, top + 40, cx + half, base - 30), fill=shade(body, 0.9))
    mid = (cx - 10, top + height * 0.5)
    if canvas.variant == "fox":
        r = half * 0.55
        draw.polygon(
            [(mid[0] - r, mid[1] - r * 0.6), (mid[0] + r, mid[1] - r * 0.6), (mid[0], mid[1] + r * 0.9)],
            fill=logo,
        )
        for side in (-1, 1):
            ear = mid[0] + side * r * 0.7
            draw.polygon(
                [
                    (ear - r * 0.3, mid[1] - r * 0.6),
                    (ear + r * 0.3, mid[1] - r * 0.6),
                    (ear, mid[1] - r * 1.25),
                ],
                fill=logo,
            )
            draw.polygon(
                [
                    (mid[0] + side * r, mid[1] - r * 0.6),
                    (mid[0] + side * r * 0.2, mid[1] - r * 0.1),
                    (mid[0] + side * r * 0.4, mid[1] + r * 0.25),
                ],
                fill=(250, 250, 250),
            )
        draw.ellipse((mid[0] - 10, mid[1] + r * 0.7, mid[0] + 10, mid[1] + r * 0.9), fill=(30, 30, 30))
    else:
        text = canvas.text or "CAFE"
        label_text(canvas, mid, text, fitted_size(text, half * 1.5, 64), logo)


# --- bags, shoes, clothing --------------------------------------------------------------------------


def patterned(canvas: Canvas, outline: Sequence[Point], pattern: Image.Image) -> None:
    """Fill a silhouette with a pattern, as printed cloth follows the cut of the garment."""
    mask = Image.new("L", (WIDTH, HEIGHT), 0)
    ImageDraw.Draw(mask).polygon(list(outline), fill=255)
    canvas.image.paste(pattern, (0, 0), mask)


def pattern_dots(ground: RGB, dot: RGB, size: int) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), ground)
    draw = ImageDraw.Draw(image)
    for row, y in enumerate(range(0, HEIGHT, size)):
        for x in range((row % 2) * size // 2, WIDTH, size):
            draw.ellipse((x, y, x + size * 0.4, y + size * 0.4), fill=dot)
    return image


def pattern_stripes(colors: Sequence[RGB], width: int, *, vertical: bool = False) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for index, start in enumerate(range(0, WIDTH if vertical else HEIGHT, width)):
        color = colors[index % len(colors)]
        box = (start, 0, start + width, HEIGHT) if vertical else (0, start, WIDTH, start + width)
        draw.rectangle(box, fill=color)
    return image


def bag(canvas: Canvas) -> None:
    """Colours: bag, trim, wall, floor. Variants: "tote" (striped canvas), "handbag", "backpack"."""
    main, trim = canvas.paint(0, "#2d5f8b"), canvas.paint(1, "#f3f0e6")
    rng = canvas.rng
    horizon = rng.randint(430, 500)
    backdrop(
        canvas,
        wall=canvas.paint(2, "#ddd6ca"),
        surface=canvas.paint(3, "#7a6a5c"),
        horizon=horizon,
        kind="wood",
    )
    draw = canvas.draw
    cx, base = WIDTH / 2 + rng.uniform(-100, 100), horizon + rng.uniform(130, 180)
    shadow(canvas, (cx - 300, base - 40, cx + 300, base + 30), darkness=110)
    if canvas.variant == "backpack":
        draw.rounded_rectangle((cx - 200, base - 520, cx + 200, base), radius=90, fill=main)
        draw.rounded_rectangle((cx - 150, base - 230, cx + 150, base - 30), radius=40, fill=shade(main, 0.85))
        draw.line((cx - 150, base - 170, cx + 150, base - 170), fill=trim, width=6)
        draw.rectangle((cx - 200, base - 330, cx + 200, base - 305), fill=(215, 220, 222))
        draw.arc((cx - 60, base - 610, cx + 60, base - 490), 180, 360, fill=shade(main, 0.6), width=18)
        for side in (-1, 1):
            draw.rounded_rectangle(
                (cx + side * 200 - 30, base - 420, cx + side * 200 + 30, base - 80),
                radius=25,
                fill=shade(main, 0.75),
            )
        return
    if canvas.variant == "handbag":
        body = [(cx - 260, base), (cx + 260, base), (cx + 200, base - 300), (cx - 200, base - 300)]
        draw.arc((cx - 150, base - 480, cx + 150, base - 160), 180, 360, fill=shade(main, 0.7), width=22)
        draw.polygon(body, fill=main)
        draw.polygon(
            [(cx - 205, base - 300), (cx + 205, base - 300), (cx + 190, base - 180), (cx - 190, base - 180)],
            fill=shade(main, 0.88),
        )
        draw.rounded_rectangle((cx - 40, base - 200, cx + 40, base - 150), radius=10, fill=trim)
        draw.rectangle((cx - 15, base - 190, cx + 15, base - 160), fill=shade(trim, 0.7))
        for x in range(int(cx - 240), int(cx + 240), 16):
            draw.point((x, base - 14), fill=shade(main, 1.4))
        return
    body = [(cx - 250, base), (cx + 250, base), (cx + 220, base - 420), (cx - 220, base - 420)]
    for side in (-1, 1):
        draw.arc(
            (cx + side * 70 - 90, base - 640, cx + side * 70 + 90, base - 300), 180, 360, fill=trim, width=20
        )
    patterned(canvas, body, pattern_stripes([main, trim], rng.randint(30, 48), vertical=True))
    draw.rectangle((cx - 220, base - 420, cx + 220, base - 400), fill=shade(trim, 0.8))
    text = canvas.text
    if text:
        draw.rounded_rectangle((cx - 120, base - 300, cx + 120, base - 200), radius=8, fill=trim)
        label_text(canvas, (cx, base - 250), text, fitted_size(text, 210, 44), shade(main, 0.8))


def shoe(canvas: Canvas) -> None:
    """Colours: upper, sole, laces or strap, floor. Variant "buckle" for a strap shoe, else a trainer."""
    upper, sole, detail = canvas.paint(0, "#e86a92"), canvas.paint(1, "#f4f4f4"), canvas.paint(2, "#ffffff")
    rng = canvas.rng
    horizon = rng.randint(250, 330)
    backdrop(
        canvas,
        wall=canvas.paint(4, "#d7d1c6"),
        surface=canvas.paint(3, "#8c8f96"),
        horizon=horizon,
        kind="tiles",
    )
    draw = canvas.draw
    left, base = rng.uniform(90, 150), HEIGHT - rng.uniform(130, 190)
    length = rng.uniform(640, 700)
    shadow(canvas, (left - 20, base - 20, left + length + 20, base + 50), darkness=120)
    heel, toe = left, left + length
    outline = [
        (heel, base - 40),
        (heel + 10, base - 250),
        (heel + length * 0.32, base - 270),
        (heel + length * 0.5, base - 180),
        (heel + length * 0.78, base - 140),
        (toe - 10, base - 100),
        (toe, base - 50),
        (toe - 30, base - 20),
        (heel + 20, base - 20),
    ]
    draw.polygon(outline, fill=upper)
    draw.rounded_rectangle((heel - 5, base - 50, toe + 5, base + 5), radius=24, fill=sole)
    for x in range(int(heel + 20), int(toe - 20), 26):
        draw.line((x, base - 5, x + 12, base - 5), fill=shade(sole, 0.6), width=5)
    draw.polygon(
        [
            (heel + 20, base - 250),
            (heel + length * 0.3, base - 262),
            (heel + length * 0.33, base - 230),
            (heel + 30, base - 220),
        ],
        fill=shade(upper, 0.6),
    )
    if canvas.variant == "buckle":
        draw.polygon(
            [
                (heel + length * 0.3, base - 250),
                (heel + length * 0.45, base - 190),
                (heel + length * 0.42, base - 165),
                (heel + length * 0.26, base - 225),
            ],
            fill=shade(upper, 0.8),
        )
        bx, by = heel + length * 0.46, base - 180
        draw.rectangle((bx - 22, by - 26, bx + 22, by + 26), outline=detail, width=7)
        draw.line((bx - 22, by, bx + 22, by), fill=detail, width=4)
        return
    for index in range(3):
        px = heel + length * (0.12 + index * 0.06)
        draw.polygon(
            [
                (px, base - 60),
                (px + 24, base - 60),
                (px + length * 0.25, base - 200),
                (px + length * 0.25 - 24, base - 200),
            ],
            fill=shade(upper, 0.75),
        )
    for index in range(5):
        px = heel + length * (0.38 + index * 0.055)
        py = base - 250 + index * 22
        draw.ellipse((px - 7, py - 7, px + 7, py + 7), fill=shade(upper, 0.5))
        draw.line((px, py, px + 40, py + 35), fill=detail, width=7)


def garment(canvas: Canvas) -> None:
    """Colours: cloth, print or pattern, bedspread. Variants: "tshirt" (star print), "jumper", "dress"."""
    cloth, accent = canvas.paint(0, "#f1cf3c"), canvas.paint(1, "#2f4f9e")
    rng = canvas.rng
    gradient(
        canvas, (0, 0, WIDTH, HEIGHT), canvas.paint(2, "#e9e6e0"), shade(canvas.paint(2, "#e9e6e0"), 0.85)
    )
    folds(canvas, count=4, strength=0.12, angle=rng.uniform(-60, 60))
    cx, top = WIDTH / 2 + rng.uniform(-40, 40), rng.uniform(60, 100)
    if canvas.variant == "dress":
        canvas.draw.line((cx, top - 60, cx, top - 10), fill=(90, 90, 90), width=6)
        canvas.draw.line((cx - 170, top + 40, cx, top - 10), fill=(150, 110, 70), width=10)
        canvas.draw.line((cx + 170, top + 40, cx, top - 10), fill=(150, 110, 70), width=10)
        outline: list[Point] = [
            (cx - 90, top),
            (cx - 30, top + 30),
            (cx + 30, top + 30),
            (cx + 90, top),
            (cx + 110, top + 200),
            (cx + 250, HEIGHT - 40),
            (cx - 250, HEIGHT - 40),
            (cx - 110, top + 200),
        ]
        patterned(canvas, outline, pattern_dots(cloth, accent, rng.randint(34, 48)))
        canvas.draw.rectangle((cx - 112, top + 190, cx + 112, top + 215), fill=shade(accent, 0.9))
    else:
        sleeve = 330 if canvas.variant == "jumper" else 130
        outline = [
            (cx - 100, top),
            (cx - 40, top + 30),
            (cx + 40, top + 30),
            (cx + 100, top),
            (cx + 230, top + 50),
            (cx + 230 + sleeve * 0.45, top + 50 + sleeve),
            (cx + 170 + sleeve * 0.45, top + 80 + sleeve),
            (cx + 200, top + 200),
            (cx + 200, HEIGHT - 40),
            (cx - 200, HEIGHT - 40),
            (cx - 200, top + 200),
            (cx - 170 - sleeve * 0.45, top + 80 + sleeve),
            (cx - 230 - sleeve * 0.45, top + 50 + sleeve),
            (cx - 230, top + 50),
        ]
        if canvas.variant == "jumper":
            pattern = Image.new("RGB", (WIDTH, HEIGHT), cloth)
            draw = ImageDraw.Draw(pattern)
            for y in range(0, HEIGHT, 10):
                for x in range(0, WIDTH, 12):
                    draw.line((x, y, x + 6, y + 8, x + 12, y), fill=shade(cloth, 0.85), width=2)
            for band_y in (top + 120, top + 300):
                draw.rectangle((0, band_y, WIDTH, band_y + 70), fill=accent)
                for x in range(0, WIDTH, 40):
                    draw.polygon([(x, band_y + 60), (x + 20, band_y + 12), (x + 40, band_y + 60)], fill=cloth)
            patterned(canvas, outline, pattern)
        else:
            canvas.draw.polygon(outline, fill=cloth)
            canvas.draw.polygon(
                star_points((cx, top + 250), 110, 45, angle=rng.uniform(-0.2, 0.2)), fill=accent
            )
            label_text(canvas, (cx, top + 410), canvas.text, 44, accent)
        canvas.draw.arc((cx - 100, top - 40, cx + 100, top + 60), 20, 160, fill=shade(cloth, 0.7), width=14)
    folds(canvas, count=2, strength=0.1, angle=rng.uniform(-30, 30))


# --- furniture and buildings ------------------------------------------------------------------------


def lamp(canvas: Canvas) -> None:
    """Colours: shade, base, wall, bedside table. The shade is pleated and lit from inside."""
    cloth, stand = canvas.paint(0, "#efe0bd"), canvas.paint(1, "#4b7c74")
    rng = canvas.rng
    horizon = rng.randint(430, 500)
    wall = canvas.paint(2, "#c7b9a6")
    gradient(canvas, (0, 0, WIDTH, horizon), shade(wall, 1.05), shade(wall, 0.85))
    for x in range(rng.randint(0, 40), WIDTH, 80):
        canvas.draw.rectangle((x, 0, x + 30, horizon), fill=shade(wall, 0.94))
    table = canvas.paint(3, "#6e4a2f")
    wood(canvas, (0, horizon, WIDTH, HEIGHT), table)
    canvas.draw.rectangle((0, horizon, WIDTH, horizon + 24), fill=shade(table, 1.15))
    draw = canvas.draw
    cx = WIDTH / 2 + rng.uniform(-150, 150)
    base = horizon + rng.uniform(110, 150)
    glow = Image.new("L", (WIDTH // 4, HEIGHT // 4), 0)
    ImageDraw.Draw(glow).ellipse(((cx - 330) / 4, 0, (cx + 330) / 4, (base - 220) / 4), fill=90)
    glow = glow.filter(ImageFilter.GaussianBlur(12)).resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)
    canvas.apply(ImageChops.add(canvas.image, Image.merge("RGB", (glow, glow, glow.point(lambda v: v // 2)))))
    shadow(canvas, (cx - 170, base - 30, cx + 170, base + 25), darkness=100)
    draw.ellipse((cx - 110, base - 40, cx + 110, base + 10), fill=shade(stand, 0.8))
    draw.polygon(ellipse_points((cx, base - 150), (100, 130)), fill=stand)
    draw.rectangle((cx - 18, base - 330, cx + 18, base - 260), fill=shade(stand, 0.7))
    top_y, bottom_y = base - 560, base - 300
    draw.polygon(
        [(cx - 110, top_y), (cx + 110, top_y), (cx + 200, bottom_y), (cx - 200, bottom_y)], fill=cloth
    )
    for index in range(1, 16):
        t = index / 16
        draw.line((cx - 110 + 220 * t, top_y, cx - 200 + 400 * t, bottom_y), fill=shade(cloth, 0.86), width=3)
    draw.line((cx - 200, bottom_y, cx + 200, bottom_y), fill=shade(cloth, 0.7), width=6)


def chair(canvas: Canvas) -> None:
    """Colours: wood, seat cushion, wall, floor."""
    timber, cushion = canvas.paint(0, "#a0693a"), canvas.paint(1, "#6d8f3d")
    rng = canvas.rng
    horizon = rng.randint(360, 430)
    backdrop(
        canvas,
        wall=canvas.paint(2, "#e7e2d5"),
        surface=canvas.paint(3, "#b89f7e"),
        horizon=horizon,
        kind="wood",
    )
    draw = canvas.draw
    cx, base = WIDTH / 2 + rng.uniform(-100, 100), HEIGHT - rng.uniform(30, 70)
    seat_y = base - 250
    shadow(canvas, (cx - 250, base - 30, cx + 250, base + 30), darkness=90)
    dark = shade(timber, 0.75)
    for x, y, w in (
        (cx - 190, base, 22),
        (cx + 170, base, 22),
        (cx - 140, base - 70, 18),
        (cx + 125, base - 70, 18),
    ):
        draw.rectangle((x, seat_y, x + w, y), fill=dark if y < base else timber)
    draw.rectangle((cx - 180, base - 110, cx + 180, base - 96), fill=dark)
    for side in (-1, 1):
        post = cx + side * 170
        draw.rectangle((post - 12, seat_y - 330, post + 12, seat_y), fill=timber)
    draw.rounded_rectangle((cx - 190, seat_y - 360, cx + 190, seat_y - 290), radius=30, fill=timber)
    slats = rng.choice((2, 3, 4))
    for index in range(slats):
        x = cx - 158 + (index + 1) * 316 / (slats + 1)
        draw.rectangle((x - 9, seat_y - 290, x + 9, seat_y), fill=shade(timber, 1.08))
    draw.polygon(
        [(cx - 200, seat_y), (cx + 200, seat_y), (cx + 230, seat_y + 40), (cx - 230, seat_y + 40)],
        fill=shade(timber, 1.1),
    )
    draw.rounded_rectangle((cx - 185, seat_y - 30, cx + 185, seat_y + 12), radius=18, fill=cushion)
    for _ in range(60):
        x = rng.uniform(cx - 190, cx + 190)
        y = rng.uniform(seat_y - 420, base)
        if canvas.image.getpixel((int(x), int(y))) == timber:
            draw.line((x, y, x + rng.uniform(-2, 2), y + rng.uniform(20, 60)), fill=shade(timber, 0.88))


def facade(canvas: Canvas) -> None:
    """Colours: wall, window frames, door or balconies, sky. Variants: "block" (flats), "house" (brick)."""
    wall, frame, accent = canvas.paint(0, "#d8c9a8"), canvas.paint(1, "#f4f4f2"), canvas.paint(2, "#2f6b3a")
    rng = canvas.rng
    sky = canvas.paint(3, "#a9c6e3")
    gradient(canvas, (0, 0, WIDTH, HEIGHT), shade(sky, 0.9), shade(sky, 1.1))
    draw = canvas.draw
    if canvas.variant == "house":
        eaves = rng.randint(170, 230)
        bricks(canvas, (0, eaves, WIDTH, HEIGHT), wall, height=22)
        draw.polygon([(-40, eaves), (WIDTH / 2, eaves - 170), (WIDTH + 40, eaves)], fill=shade(accent, 0.45))
        for row_y in range(eaves - 160, eaves, 18):
            draw.line((0, row_y, WIDTH, row_y), fill=shade(accent, 0.35), width=2)
        draw.polygon(
            [(-40, eaves), (-40, 0), (WIDTH + 40, 0), (WIDTH + 40, eaves), (WIDTH / 2, eaves - 170)],
            fill=shade(sky, 1.0),
        )
        draw.polygon(
            [(-40, eaves + 5), (WIDTH / 2, eaves - 170), (WIDTH + 40, eaves + 5)],
            outline=shade(wall, 0.5),
            width=10,
        )
        windows = [(120, eaves + 80), (WIDTH - 300, eaves + 80), (WIDTH - 300, eaves + 300)]
        for x, y in windows:
            draw.rectangle((x, y, x + 180, y + 160), fill=frame)
            draw.rectangle((x + 12, y + 12, x + 168, y + 148), fill=(70, 90, 110))
            draw.line((x + 90, y, x + 90, y + 160), fill=frame, width=10)
            draw.rectangle((x - 10, y + 160, x + 190, y + 175), fill=(220, 220, 215))
        door_x = 170
        draw.rectangle((door_x, HEIGHT - 260, door_x + 150, HEIGHT), fill=accent)
        draw.ellipse((door_x + 120, HEIGHT - 140, door_x + 134, HEIGHT - 126), fill=(220, 190, 90))
        draw.rectangle((door_x + 30, HEIGHT - 230, door_x + 120, HEIGHT - 170), fill=(70, 90, 110))
        return
    draw.rectangle((0, rng.randint(20, 60), WIDTH, HEIGHT), fill=wall)
    top = rng.randint(60, 100)
    columns, rows = rng.choice((4, 5)), 4
    cell_w, cell_h = WIDTH / columns, (HEIGHT - top) / rows
    for row in range(rows):
        for column in range(columns):
            px, py = column * cell_w + cell_w * 0.2, top + row * cell_h + cell_h * 0.15
            w, h = cell_w * 0.6, cell_h * 0.55
            draw.rectangle((px, py, px + w, py + h), fill=frame)
            draw.rectangle((px + 8, py + 8, px + w - 8, py + h - 8), fill=jitter((80, 100, 120), rng, 20))
            draw.line((px + w / 2, py, px + w / 2, py + h), fill=frame, width=6)
            if rng.random() < 0.5:
                draw.rectangle(
                    (px + 8, py + 8, px + w / 2 - 3, py + h * rng.uniform(0.3, 0.9)),
                    fill=jitter((235, 230, 215), rng, 10),
                )
            if column % 2 == 1:
                draw.rectangle((px - 20, py + h, px + w + 20, py + h + 16), fill=accent)
                for rail in range(int(px - 20), int(px + w + 20), 14):
                    draw.line((rail, py + h - 50, rail, py + h), fill=shade(accent, 0.7), width=3)
                draw.line((px - 20, py + h - 50, px + w + 20, py + h - 50), fill=shade(accent, 0.7), width=5)
    draw.rectangle((WIDTH - 60, 0, WIDTH - 48, HEIGHT), fill=shade(wall, 0.7))


def landscape(canvas: Canvas) -> None:
    """Colours: sky, far hills, near fields, the tower; a view that a window might show."""
    sky, far, near = canvas.paint(0, "#9fc3e6"), canvas.paint(1, "#7d9bb0"), canvas.paint(2, "#6f9a4a")
    tower = canvas.paint(3, "#e8dfcf")
    rng = canvas.rng
    gradient(canvas, (0, 0, WIDTH, HEIGHT), shade(sky, 0.85), shade(sky, 1.15))
    draw = canvas.draw
    for layer, (color, level, roughness) in enumerate(
        ((far, 300, 40), (mix(far, near, 0.5), 380, 30), (near, 460, 20))
    ):
        points: list[Point] = [(0, HEIGHT)]
        y = level + rng.uniform(-30, 30)
        for x in range(0, WIDTH + 30, 30):
            y += rng.uniform(-roughness, roughness) * 0.5
            y = min(max(y, level - 80), level + 60)
            points.append((x, y))
        points.append((WIDTH, HEIGHT))
        draw.polygon(points, fill=color)
        if layer == 1:
            tx = rng.uniform(250, 650)
            ground = level - 10
            draw.rectangle((tx, ground - 230, tx + 60, ground + 40), fill=tower)
            draw.polygon(
                [(tx - 8, ground - 230), (tx + 30, ground - 360), (tx + 68, ground - 230)],
                fill=canvas.paint(4, "#4f5d6b"),
            )
            draw.ellipse(
                (tx + 12, ground - 200, tx + 48, ground - 164),
                fill=(245, 245, 240),
                outline=(40, 40, 40),
                width=3,
            )
            draw.rectangle((tx + 22, ground - 120, tx + 38, ground - 80), fill=(60, 60, 70))
            for index in range(rng.randint(4, 7)):
                hx = tx + rng.choice((-1, 1)) * rng.uniform(90, 260)
                hy = ground + rng.uniform(-10, 30) + index
                draw.rectangle((hx, hy - 40, hx + 60, hy), fill=jitter((230, 225, 210), rng, 15))
                draw.polygon(
                    [(hx - 6, hy - 40), (hx + 30, hy - 70), (hx + 66, hy - 40)],
                    fill=jitter((160, 70, 50), rng, 20),
                )
    for _ in range(rng.randint(8, 14)):
        px, py = rng.uniform(0, WIDTH), rng.uniform(470, HEIGHT - 40)
        radius = rng.uniform(25, 55)
        draw.rectangle((px - 5, py, px + 5, py + radius * 1.2), fill=(80, 60, 40))
        draw.ellipse(
            (px - radius, py - radius * 1.3, px + radius, py + radius * 0.6),
            fill=jitter(shade(near, 0.7), rng, 15),
        )
    draw.rectangle((0, 0, WIDTH, 24), fill=(235, 235, 230))
    draw.rectangle((0, 0, 24, HEIGHT), fill=(235, 235, 230))


DRAWERS: dict[str, Drawer] = {
    "wallpaper_floral": wallpaper_floral,
    "textile_stripes": textile_stripes,
    "textile_checks": textile_checks,
    "carpet": carpet,
    "curtain": curtain,
    "teddy": teddy,
    "robot": robot,
    "toy_car": toy_car,
    "bottle": bottle,
    "packaging_box": packaging_box,
    "sign": sign,
    "mug": mug,
    "bag": bag,
    "shoe": shoe,
    "garment": garment,
    "lamp": lamp,
    "chair": chair,
    "facade": facade,
    "landscape": landscape,
}
