"""The pure pipeline: recognising, refusing, decoding, editing and re-encoding (no database, no files)."""

from __future__ import annotations

import io
import tracemalloc

import numpy as np
import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image
from PIL.ExifTags import GPS, IFD

from tests.imaging import corpus
from traceobject.core.errors import ApplicationError
from traceobject.imaging.sanitize import (
    MAX_JPEG_SCANS,
    check_edits,
    decode,
    inspect,
    jpeg_scan_count,
    sanitize,
    sniff,
    source_size,
)
from traceobject.imaging.scan import metadata_problems

WIDTHS = (320, 640, 1280)
LIMIT = 60_000_000
FORMATS = ["JPEG", "PNG", "WEBP", "TIFF", "HEIF"]


def _reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _pixel(image: Image.Image, xy: tuple[int, int]) -> tuple[int, int, int]:
    value = image.convert("RGB").getpixel(xy)
    assert isinstance(value, tuple)
    return value[0], value[1], value[2]


# --- Metadata -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_fixture_really_carries_the_metadata(fmt: str) -> None:
    """Otherwise the stripping tests below would prove nothing."""
    data = corpus.with_metadata(fmt)
    image = _reopen(data)
    assert image.getexif().get_ifd(IFD.GPSInfo)[GPS.GPSMapDatum] == corpus.GPS_MARK
    assert corpus.GPS_MARK.encode() in data
    if fmt != "HEIF":
        assert image.info.get("icc_profile")
    if fmt == "JPEG":
        assert corpus.XMP_MARK.encode() in image.info["xmp"]
        assert image.info["comment"] == corpus.COMMENT_MARK.encode()
        assert corpus.IPTC_MARK.encode() in data
    if fmt == "TIFF":
        assert corpus.TIFF_MARK.encode() in data
        assert corpus.IPTC_MARK.encode() in data


@pytest.mark.parametrize("fmt", FORMATS)
def test_derivatives_carry_no_metadata(fmt: str) -> None:
    result = sanitize(corpus.with_metadata(fmt), widths=WIDTHS, max_pixels=LIMIT)
    assert result.derivatives
    for derivative in result.derivatives:
        image = _reopen(derivative.data)
        assert image.format == derivative.format.upper()
        assert image.mode == "RGB"
        assert dict(image.getexif()) == {}
        for key in ("exif", "icc_profile", "xmp", "comment", "XML:com.adobe.xmp", "Comment", "transparency"):
            assert key not in image.info, (derivative.format, derivative.width, key)
        for mark in corpus.MARKS:
            assert mark.encode() not in derivative.data
        for marker in (
            b"Exif\x00\x00",
            b"ICC_PROFILE",
            b"http://ns.adobe.com/xap",
            b"Photoshop 3.0",
            b"8BIM",
        ):
            assert marker not in derivative.data, (derivative.format, marker)
        # And the structural check of the safety scan agrees.
        assert metadata_problems(derivative.data) == []


def test_polyglot_payload_is_not_carried_over() -> None:
    """A real JPEG with a ZIP and HTML appended is a picture; only the picture is published."""
    data = corpus.polyglot_valid()
    assert corpus.PAYLOAD_MARK.encode() in data
    for derivative in sanitize(data, widths=WIDTHS, max_pixels=LIMIT).derivatives:
        assert corpus.PAYLOAD_MARK.encode() not in derivative.data
        assert b"PK\x03\x04" not in derivative.data
        assert metadata_problems(derivative.data) == []


# --- Accepted oddities --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(corpus.ACCEPTED))
def test_odd_but_legitimate_pictures_come_out_as_plain_rgb(case: str) -> None:
    data = corpus.ACCEPTED[case]()
    info = inspect(data, max_pixels=LIMIT)
    result = sanitize(data, widths=WIDTHS, max_pixels=LIMIT)
    assert (result.width, result.height) == (info.width, info.height)
    for derivative in result.derivatives:
        image = _reopen(derivative.data)
        assert image.mode == "RGB"
        assert image.size == (derivative.width, derivative.height)


def test_heic_is_accepted() -> None:
    if not corpus.heif_can_encode():  # pragma: no cover - depends on the pillow-heif build
        pytest.skip("this pillow-heif build cannot encode HEIF, so no HEIC test file can be made")
    data = corpus.heic()
    assert sniff(data) == "HEIF"
    result = sanitize(data, widths=WIDTHS, max_pixels=LIMIT)
    assert (result.width, result.height) == (400, 200)
    assert {d.format for d in result.derivatives} == {"webp", "jpeg"}


def test_16_bit_grey_is_scaled_not_clipped() -> None:
    result = sanitize(corpus.png_16bit_grey(), widths=WIDTHS, max_pixels=LIMIT)
    red, green, blue = _pixel(_reopen(result.derivatives[0].data), (60, 40))
    assert 110 < red < 145
    assert red == green == blue


def test_transparency_is_flattened_onto_white() -> None:
    """The transparent half must be white, as a viewer shows it, not the palette's red."""
    result = sanitize(corpus.palette_png_with_transparency(), widths=WIDTHS, max_pixels=LIMIT)
    png_like = _reopen(next(d.data for d in result.derivatives if d.format == "webp"))
    assert min(_pixel(png_like, (20, 40))) > 240
    red, _green, blue = _pixel(png_like, (100, 40))
    assert blue > 200
    assert red < 40


def test_pixels_hidden_under_full_transparency_are_not_revealed() -> None:
    result = sanitize(corpus.hidden_under_alpha(), widths=WIDTHS, max_pixels=LIMIT)
    for derivative in result.derivatives:
        red, green, blue = _pixel(_reopen(derivative.data), (20, 40))
        assert min(red, green, blue) > 240, derivative.format  # white, no trace of the hidden red


def test_cmyk_becomes_rgb_with_plausible_colours() -> None:
    result = sanitize(corpus.cmyk_jpeg(), widths=WIDTHS, max_pixels=LIMIT)
    red, green, blue = _pixel(_reopen(result.derivatives[0].data), (200, 80))  # the blue rectangle
    assert blue > red + 60
    assert blue > green + 30


@pytest.mark.parametrize(("orientation", "red_at"), [(6, "top"), (8, "bottom")])
def test_exif_orientation_turns_the_pixels(orientation: int, red_at: str) -> None:
    """Stored 200x100 with a red left half: turned clockwise (6) red is on top; anticlockwise (8),
    at the bottom. The size is swapped and no orientation tag is left to apply twice."""
    result = sanitize(corpus.oriented_jpeg(orientation), widths=WIDTHS, max_pixels=LIMIT)
    assert (result.width, result.height) == (100, 200)
    for derivative in result.derivatives:
        image = _reopen(derivative.data)
        assert image.size == (100, 200)
        assert "exif" not in image.info
        top, bottom = _pixel(image, (50, 40)), _pixel(image, (50, 160))
        red, blue = (top, bottom) if red_at == "top" else (bottom, top)
        assert red[0] > 200
        assert red[2] < 60
        assert blue[2] > 200
        assert blue[0] < 60


def test_orientation_of_a_png_exif_chunk_is_applied() -> None:
    image = Image.new("RGB", (200, 100), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 100, 100))
    data = corpus.encode(image, "PNG", exif=corpus.exif(6).tobytes())
    decoded = decode(data, max_pixels=LIMIT)
    assert decoded.size == (100, 200)
    assert _pixel(decoded, (50, 50))[0] > 200
    assert source_size(data, max_pixels=LIMIT) == (100, 200)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_accepted_formats(fmt: str) -> None:
    result = sanitize(corpus.encode(corpus.picture(400, 300), fmt), widths=WIDTHS, max_pixels=LIMIT)
    assert (result.width, result.height) == (400, 300)
    assert {d.format for d in result.derivatives} == {"webp", "jpeg"}


@pytest.mark.parametrize("mode", ["RGBA", "LA", "L", "P", "CMYK", "I;16", "1"])
def test_any_pixel_mode_becomes_plain_rgb(mode: str) -> None:
    image = Image.new("RGB", (64, 48), (10, 200, 30)).convert(mode)
    data = corpus.encode(image, "TIFF" if mode == "CMYK" else "PNG")
    for derivative in sanitize(data, widths=WIDTHS, max_pixels=LIMIT).derivatives:
        assert _reopen(derivative.data).mode == "RGB"


# --- Sizes --------------------------------------------------------------------------------------------


def test_derivative_sizes_never_upscale() -> None:
    result = sanitize(corpus.encode(corpus.picture(1000, 500), "PNG"), widths=WIDTHS, max_pixels=LIMIT)
    widths = sorted({d.width for d in result.derivatives})
    # The configured widths below the source, then the source's own size instead of 1280.
    assert widths == [320, 640, 1000]
    for derivative in result.derivatives:
        assert derivative.height == round(derivative.width / 2)
        assert _reopen(derivative.data).size == (derivative.width, derivative.height)
    assert sorted((d.width, d.format) for d in result.derivatives) == sorted(
        (width, fmt) for width in widths for fmt in ("webp", "jpeg")
    )


def test_small_image_keeps_its_own_size() -> None:
    result = sanitize(corpus.encode(corpus.picture(200, 150), "PNG"), widths=WIDTHS, max_pixels=LIMIT)
    assert sorted((d.width, d.height, d.format) for d in result.derivatives) == [
        (200, 150, "jpeg"),
        (200, 150, "webp"),
    ]


def test_large_jpeg_is_decoded_at_reduced_scale_with_the_right_sizes() -> None:
    """A 4000x3000 JPEG goes through ``draft()``; the derivatives still have exactly the sizes of the
    full-scale arithmetic and the processed size is that of the full picture."""
    data = corpus.encode(corpus.picture(4000, 3000), "JPEG", quality=85)
    result = sanitize(data, widths=WIDTHS, max_pixels=LIMIT)
    assert (result.width, result.height) == (4000, 3000)
    assert sorted({(d.width, d.height) for d in result.derivatives}) == [(320, 240), (640, 480), (1280, 960)]
    # The yellow ellipse and the blue rectangle are where they should be.
    largest = _reopen(next(d.data for d in result.derivatives if d.width == 1280 and d.format == "jpeg"))
    assert _pixel(largest, (640, 480))[2] > 150
    assert _pixel(largest, (260, 200))[0] > 200


def test_digest_and_hash_depend_on_the_pixels_not_the_file() -> None:
    """The same picture with and without metadata, or in another lossless format, is one image."""
    plain = corpus.encode(corpus.picture(), "PNG")
    as_tiff = corpus.encode(corpus.picture(), "TIFF")
    tagged = corpus.encode(corpus.picture(), "PNG", exif=corpus.exif().tobytes())
    results = [sanitize(data, widths=WIDTHS, max_pixels=LIMIT) for data in (plain, as_tiff, tagged)]
    assert len({r.digest for r in results}) == 1
    assert len({r.phash for r in results}) == 1
    assert len(results[0].phash) == 16
    other = sanitize(corpus.encode(corpus.picture(color=(1, 2, 3)), "PNG"), widths=WIDTHS, max_pixels=LIMIT)
    assert other.digest != results[0].digest


# --- Edits --------------------------------------------------------------------------------------------


def test_crop_changes_the_dimensions_and_the_content() -> None:
    data = corpus.encode(corpus.picture(800, 400), "PNG")
    # The blue rectangle is 200..600 x 100..300.
    result = sanitize(data, widths=WIDTHS, max_pixels=LIMIT, crop=[250, 120, 550, 280])
    assert (result.width, result.height) == (300, 160)
    assert sorted({(d.width, d.height) for d in result.derivatives}) == [(300, 160)]
    image = _reopen(result.derivatives[0].data)
    assert _pixel(image, (20, 20))[2] > 150  # all blue now
    assert _pixel(image, (280, 20))[2] > 150


def test_black_redaction_is_solid_black_at_every_size() -> None:
    data = corpus.encode(corpus.picture(1600, 800), "JPEG", quality=95)
    box = [400, 200, 1000, 600]
    result = sanitize(data, widths=WIDTHS, max_pixels=LIMIT, redactions=[{"box": box, "mode": "black"}])
    for derivative in result.derivatives:
        pixels = np.asarray(_reopen(derivative.data).convert("RGB"), dtype=np.int16)
        scale = derivative.width / 1600
        # The inside of the box, 8 pixels in from its edges: resampling and JPEG's 8x8 blocks soften
        # the edge itself.
        margin = 8
        inner = pixels[
            round(box[1] * scale) + margin : round(box[3] * scale) - margin,
            round(box[0] * scale) + margin : round(box[2] * scale) - margin,
        ]
        assert inner.max() <= 12, (derivative.format, derivative.width, inner.max())
        assert inner.mean() < 2
        # Outside it, the picture is still there.
        assert pixels[5, 5].max() > 100


def test_blur_redaction_changes_the_pixels_and_removes_the_detail() -> None:
    """Two different fine patterns of the same average colour, blurred, must be indistinguishable:
    the detail is gone, not just softened."""

    def patterned(kind: int) -> bytes:
        image = corpus.picture(800, 400)
        rng = np.random.default_rng(kind)
        noise = (rng.integers(0, 2, size=(200, 300)) * 255).astype(np.uint8)
        image.paste(Image.fromarray(noise, "L").convert("RGB"), (100, 100))
        return corpus.encode(image, "PNG")

    redaction = [{"box": [100, 100, 400, 300], "mode": "blur"}]
    original = _reopen(sanitize(patterned(1), widths=(800,), max_pixels=LIMIT).derivatives[1].data)
    blurred = [
        _reopen(
            sanitize(patterned(k), widths=(800,), max_pixels=LIMIT, redactions=redaction).derivatives[1].data
        )
        for k in (1, 2)
    ]
    region = (120, 120, 380, 280)
    before = np.asarray(original.crop(region).convert("L"), dtype=np.int16)
    after = [np.asarray(b.crop(region).convert("L"), dtype=np.int16) for b in blurred]
    assert np.abs(before - after[0]).mean() > 60  # the pixels changed a lot
    assert before.std() > 100  # the pattern had detail ...
    assert after[0].std() < 15  # ... the blur has none
    assert np.abs(after[0] - after[1]).mean() < 6  # and two different patterns now look the same
    # The same edit gives the same pixels: the noise is seeded by the box (idempotent processing).
    again = sanitize(patterned(1), widths=(800,), max_pixels=LIMIT, redactions=redaction)
    assert (
        again.derivatives[1].data
        == sanitize(patterned(1), widths=(800,), max_pixels=LIMIT, redactions=redaction).derivatives[1].data
    )


def test_redaction_boxes_follow_the_orientation() -> None:
    """Boxes are in the upright picture: after orientation 6 the red half is on top, so blacking out
    the top half must leave only blue."""
    result = sanitize(
        corpus.oriented_jpeg(6),
        widths=WIDTHS,
        max_pixels=LIMIT,
        redactions=[{"box": [0, 0, 100, 100], "mode": "black"}],
    )
    image = _reopen(result.derivatives[0].data)
    assert max(_pixel(image, (50, 50))) < 10
    assert _pixel(image, (50, 150))[2] > 200


@pytest.mark.parametrize(
    ("crop", "redactions", "message"),
    [
        ([0, 0, 900, 100], [], "inside the image"),
        ([10, 10, 10, 50], [], "inside the image"),
        ([-1, 0, 50, 50], [], "inside the image"),
        ([0, 0, 50], [], "four numbers"),
        ([0, 0, 50.5, 50], [], "whole pixels"),
        ([0, 0, True, 50], [], "whole pixels"),
        ("0,0,50,50", [], "four numbers"),
        ([0, 0, 400, 20], [], "at most 10 times"),
        ([0, 0, 10, 10], [], "at least 16 pixels"),
        (None, [{"box": [0, 0, 10, 10], "mode": "pink"}], "black or blur"),
        (None, [{"box": [0, 0, 10, 10]}], "a box and a mode"),
        (None, [{"box": [0, 0, 801, 10], "mode": "black"}], "inside the image"),
        (None, "not a list", "must be a list"),
        (None, [{"box": [0, 0, 10, 10], "mode": "black"}] * 51, "At most 50"),
    ],
)
def test_bad_edits_are_refused(crop: object, redactions: object, message: str) -> None:
    with pytest.raises(ApplicationError, match=message):
        check_edits(crop, redactions, (800, 400))


def test_edits_are_checked_again_when_processing() -> None:
    """The task never trusts the stored boxes: a crop outside the picture fails clearly."""
    with pytest.raises(ApplicationError, match="inside the image"):
        sanitize(
            corpus.encode(corpus.picture(200, 100), "PNG"),
            widths=WIDTHS,
            max_pixels=LIMIT,
            crop=[0, 0, 300, 100],
        )


# --- Refusals -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(corpus.REFUSED))
def test_hostile_and_malformed_files_are_refused_clearly(case: str) -> None:
    make, message = corpus.REFUSED[case]
    data = make()
    with pytest.raises(ApplicationError) as refused:
        inspect(data, max_pixels=settings.IMAGE_MAX_PIXELS)
    assert message in refused.value.message
    # The processing path refuses the same file the same way.
    with pytest.raises(ApplicationError):
        sanitize(data, widths=WIDTHS, max_pixels=settings.IMAGE_MAX_PIXELS)


@pytest.mark.parametrize("case", ["png-bomb", "tiff-bomb", "webp-bomb", "png-over-limit", "jpeg-scan-bomb"])
def test_bombs_are_refused_from_the_header_in_little_memory(case: str) -> None:
    """Refused before any pixel is decoded: the peak is far below one decoded frame. How fast is measured
    by ``bench/images.py`` (docs/benchmarks.md), not here: a unit test asserts no wall-clock time."""
    data = corpus.REFUSED[case][0]()
    tracemalloc.start()
    with pytest.raises(ApplicationError):
        inspect(data, max_pixels=settings.IMAGE_MAX_PIXELS)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


def test_pixel_limit_is_inclusive() -> None:
    data = corpus.encode(corpus.picture(100, 100), "PNG")
    assert sanitize(data, widths=WIDTHS, max_pixels=10_000).width == 100
    with pytest.raises(ApplicationError, match="more than the limit"):
        sanitize(data, widths=WIDTHS, max_pixels=9_999)


def test_upload_size_limit() -> None:
    data = corpus.encode(corpus.picture(100, 100), "PNG")
    with pytest.raises(ApplicationError, match="larger than the limit of 0 MB"):
        inspect(data, max_pixels=LIMIT, max_bytes=len(data) - 1)


def test_jpeg_scan_count() -> None:
    assert jpeg_scan_count(corpus.encode(corpus.picture(64, 64), "JPEG")) == 1
    assert 1 < jpeg_scan_count(corpus.encode(corpus.picture(64, 64), "JPEG", progressive=True)) < 20
    assert jpeg_scan_count(corpus.scan_bomb_jpeg()) > MAX_JPEG_SCANS


# --- Fuzzing ------------------------------------------------------------------------------------------

_FUZZ_SEEDS = {
    fmt: corpus.with_metadata(fmt, size=(64, 48)) for fmt in ("JPEG", "PNG", "WEBP", "TIFF", "HEIF")
}


@hypothesis_settings(max_examples=200, deadline=None, derandomize=True)
@given(
    fmt=st.sampled_from(sorted(_FUZZ_SEEDS)),
    edits=st.lists(
        st.tuples(
            st.floats(0, 1, exclude_max=True),
            st.sampled_from(["set", "cut", "insert"]),
            st.binary(min_size=1, max_size=12),
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_mutated_files_are_processed_or_refused_never_crash(
    fmt: str, edits: list[tuple[float, str, bytes]]
) -> None:
    """Random damage to real files of every format: the result is derivatives or an ApplicationError,
    never another exception (which a view would turn into a 500)."""
    data = bytearray(_FUZZ_SEEDS[fmt])
    for where, how, payload in edits:
        at = int(where * len(data))
        if how == "set":
            data[at : at + len(payload)] = payload
        elif how == "cut":
            del data[at : at + len(payload)]
        else:
            data[at:at] = payload
    try:
        inspect(bytes(data), max_pixels=LIMIT)
        sanitize(bytes(data), widths=(320, 640), max_pixels=LIMIT)
    except ApplicationError:
        pass
