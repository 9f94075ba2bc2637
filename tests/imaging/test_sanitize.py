from __future__ import annotations

import io
import random
import struct
import zlib

import pytest
from django.conf import settings
from PIL import Image, ImageCms, PngImagePlugin
from PIL.ExifTags import GPS, IFD, Base

from tests.factories import image_bytes
from traceobject.core.errors import ApplicationError
from traceobject.imaging.sanitize import decode, sanitize

WIDTHS = (320, 640, 1280)
LIMIT = 60_000_000

GPS_MARK = "TRACEGPSDATUM"
CAMERA_MARK = "TRACECAMERAMAKE"
XMP_MARK = "TRACEXMPMARK"
COMMENT_MARK = "TRACECOMMENTMARK"
TEXT_MARK = "TRACEPNGTEXTMARK"
XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{XMP_MARK}</dc:creator>'
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
).encode()
MARKS = [GPS_MARK, CAMERA_MARK, XMP_MARK, COMMENT_MARK, TEXT_MARK]


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[Base.Orientation] = orientation
    exif[Base.Make] = CAMERA_MARK
    exif[IFD.GPSInfo] = {
        GPS.GPSLatitudeRef: "N",
        GPS.GPSLatitude: (52.0, 24.0, 30.0),
        GPS.GPSLongitudeRef: "E",
        GPS.GPSLongitude: (16.0, 55.0, 10.0),
        GPS.GPSMapDatum: GPS_MARK,
    }
    return exif


def _icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _picture(width: int = 800, height: int = 400) -> Image.Image:
    return Image.open(io.BytesIO(image_bytes(width, height, fmt="PNG"))).convert("RGB")


def _with_metadata(fmt: str, *, orientation: int = 1, size: tuple[int, int] = (800, 400)) -> bytes:
    """An upload in ``fmt`` carrying GPS EXIF, a camera make, an ICC profile and what else ``fmt`` holds."""
    image = _picture(*size)
    out = io.BytesIO()
    exif = _exif(orientation).tobytes()
    if fmt == "JPEG":
        image.save(out, "JPEG", exif=exif, icc_profile=_icc(), xmp=XMP, comment=COMMENT_MARK.encode())
    elif fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", TEXT_MARK)
        text.add_itxt("XML:com.adobe.xmp", XMP.decode())
        image.save(out, "PNG", exif=exif, icc_profile=_icc(), pnginfo=text)
    elif fmt == "WEBP":
        image.save(out, "WEBP", exif=exif, icc_profile=_icc(), xmp=XMP, lossless=True)
    elif fmt == "TIFF":
        image.save(out, "TIFF", exif=exif, icc_profile=_icc())
    else:
        raise AssertionError(fmt)
    return out.getvalue()


def _reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_the_fixture_really_carries_the_metadata(fmt: str) -> None:
    """Otherwise the stripping tests below would prove nothing."""
    data = _with_metadata(fmt)
    image = _reopen(data)
    assert image.getexif().get_ifd(IFD.GPSInfo)[GPS.GPSMapDatum] == GPS_MARK
    assert image.info.get("icc_profile")
    assert GPS_MARK.encode() in data
    if fmt == "JPEG":
        assert XMP_MARK.encode() in image.info["xmp"]
        assert image.info["comment"] == COMMENT_MARK.encode()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_derivatives_carry_no_metadata(fmt: str) -> None:
    result = sanitize(_with_metadata(fmt), widths=WIDTHS, max_pixels=LIMIT)
    assert result.derivatives
    for derivative in result.derivatives:
        image = _reopen(derivative.data)
        assert image.format == derivative.format.upper()
        assert image.mode == "RGB"
        assert dict(image.getexif()) == {}
        for key in ("exif", "icc_profile", "xmp", "comment", "XML:com.adobe.xmp", "Comment", "transparency"):
            assert key not in image.info, (derivative.format, derivative.width, key)
        for mark in MARKS:
            assert mark.encode() not in derivative.data
        for marker in (
            b"Exif\x00\x00",
            b"ICC_PROFILE",
            b"http://ns.adobe.com/xap",
            b"ICCP",
            b"XMP ",
            b"EXIF",
        ):
            assert marker not in derivative.data, (derivative.format, marker)
        if derivative.format == "jpeg":
            assert b"\xff\xfe" not in derivative.data.split(b"\xff\xda", 1)[0]  # no COM segment


def test_exif_orientation_is_applied() -> None:
    """Orientation 6: the camera was turned, so a 200x100 sensor image is shown 100x200."""
    data = _with_metadata("JPEG", orientation=6, size=(200, 100))
    assert Image.open(io.BytesIO(data)).size == (200, 100)
    result = sanitize(data, widths=WIDTHS, max_pixels=LIMIT)
    assert (result.width, result.height) == (100, 200)
    for derivative in result.derivatives:
        assert derivative.height == 2 * derivative.width
        image = _reopen(derivative.data)
        assert image.size == (derivative.width, derivative.height)
        assert "exif" not in image.info  # and no orientation tag left to apply twice


def test_orientation_turns_the_pixels_not_just_the_box() -> None:
    """A red left half must end up as the red top half after a 90° clockwise turn (orientation 6)."""
    image = Image.new("RGB", (200, 100), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 100, 100))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[Base.Orientation] = 6
    image.save(out, "PNG", exif=exif.tobytes())
    decoded = decode(out.getvalue(), max_pixels=LIMIT)
    assert decoded.size == (100, 200)
    top = decoded.getpixel((50, 50))
    bottom = decoded.getpixel((50, 150))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert top[0] > 200
    assert top[2] < 50
    assert bottom[2] > 200
    assert bottom[0] < 50


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_accepted_formats(fmt: str) -> None:
    result = sanitize(image_bytes(400, 300, fmt=fmt), widths=WIDTHS, max_pixels=LIMIT)
    assert (result.width, result.height) == (400, 300)
    assert {d.format for d in result.derivatives} == {"webp", "jpeg"}


@pytest.mark.parametrize("mode", ["RGBA", "LA", "L", "P", "CMYK", "I;16"])
def test_any_pixel_mode_becomes_plain_rgb(mode: str) -> None:
    image = Image.new("RGB", (64, 48), (10, 200, 30)).convert(mode)
    out = io.BytesIO()
    image.save(out, "TIFF" if mode == "CMYK" else "PNG")
    for derivative in sanitize(out.getvalue(), widths=WIDTHS, max_pixels=LIMIT).derivatives:
        assert _reopen(derivative.data).mode == "RGB"


def test_derivative_sizes_never_upscale() -> None:
    result = sanitize(image_bytes(1000, 500, fmt="PNG"), widths=WIDTHS, max_pixels=LIMIT)
    widths = sorted({d.width for d in result.derivatives})
    # The configured widths below the source, then the source's own size instead of 1280.
    assert widths == [320, 640, 1000]
    for derivative in result.derivatives:
        assert derivative.height == round(derivative.width / 2)
        assert _reopen(derivative.data).size == (derivative.width, derivative.height)
    # One WebP and one JPEG for every size.
    assert sorted((d.width, d.format) for d in result.derivatives) == sorted(
        (width, fmt) for width in widths for fmt in ("webp", "jpeg")
    )


def test_small_image_keeps_its_own_size() -> None:
    result = sanitize(image_bytes(200, 150, fmt="PNG"), widths=WIDTHS, max_pixels=LIMIT)
    assert sorted((d.width, d.height, d.format) for d in result.derivatives) == [
        (200, 150, "jpeg"),
        (200, 150, "webp"),
    ]


def test_digest_is_of_the_pixels_not_of_the_file() -> None:
    """The same picture with and without metadata, or in another lossless format, is one image."""
    plain = io.BytesIO()
    _picture().save(plain, "PNG")
    as_tiff = io.BytesIO()
    _picture().save(as_tiff, "TIFF")
    digests = {
        sanitize(data, widths=WIDTHS, max_pixels=LIMIT).digest
        for data in (plain.getvalue(), _with_metadata("PNG"), as_tiff.getvalue())
    }
    assert len(digests) == 1
    other = sanitize(image_bytes(800, 400, fmt="PNG", color=(1, 2, 3)), widths=WIDTHS, max_pixels=LIMIT)
    assert other.digest not in digests


# --- Refusals ----------------------------------------------------------------------------------------


def test_gif_is_refused() -> None:
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    with pytest.raises(ApplicationError, match="Unsupported image type: GIF"):
        sanitize(out.getvalue(), widths=WIDTHS, max_pixels=LIMIT)


NOT_IMAGES = [
    b"",
    random.Random(7).randbytes(4096),
    b"%PDF-1.7\n" + random.Random(8).randbytes(100),
    b"<svg></svg>",
]


@pytest.mark.parametrize("data", NOT_IMAGES)
def test_non_images_are_refused(data: bytes) -> None:
    with pytest.raises(ApplicationError, match="not a readable image"):
        sanitize(data, widths=WIDTHS, max_pixels=LIMIT)


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_jpeg_is_refused(keep: float) -> None:
    data = image_bytes(640, 480, fmt="JPEG")
    with pytest.raises(ApplicationError, match="not a readable image"):
        sanitize(data[: int(len(data) * keep)], widths=WIDTHS, max_pixels=LIMIT)


def test_truncated_png_is_refused() -> None:
    data = image_bytes(640, 480, fmt="PNG")
    with pytest.raises(ApplicationError, match="not a readable image"):
        sanitize(data[: len(data) // 2], widths=WIDTHS, max_pixels=LIMIT)


def _png_claiming(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose header claims another size; its pixel data could never fill it."""
    out = io.BytesIO()
    Image.new("RGB", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def test_image_over_the_pixel_limit_is_refused_before_decoding() -> None:
    """9000x9000 is 81 megapixels, over the 60 MP default. Had the pixels been decoded, the tiny
    data would fail as a truncated file instead of naming the limit."""
    data = _png_claiming(9000, 9000)
    assert len(data) < 100
    with pytest.raises(ApplicationError, match="more than the limit") as excinfo:
        sanitize(data, widths=WIDTHS, max_pixels=settings.IMAGE_MAX_PIXELS)
    assert "81,000,000" in excinfo.value.message


def test_decompression_bomb_is_refused() -> None:
    with pytest.raises(ApplicationError):
        sanitize(_png_claiming(30000, 30000), widths=WIDTHS, max_pixels=LIMIT)


def test_pixel_limit_is_inclusive() -> None:
    data = image_bytes(100, 100, fmt="PNG")
    assert sanitize(data, widths=WIDTHS, max_pixels=10_000).width == 100
    with pytest.raises(ApplicationError, match="more than the limit"):
        sanitize(data, widths=WIDTHS, max_pixels=9_999)


def test_limit_applies_to_the_oriented_size_too() -> None:
    """Orientation swaps width and height; the pixel count, and so the check, is the same."""
    data = _with_metadata("JPEG", orientation=6, size=(200, 100))
    with pytest.raises(ApplicationError, match="more than the limit"):
        sanitize(data, widths=WIDTHS, max_pixels=19_999)
