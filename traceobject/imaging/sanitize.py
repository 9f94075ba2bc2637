"""Turn an untrusted upload into metadata-free derivatives made from decoded pixels only.

Nothing of the source file is copied through: the pixels are decoded, oriented, flattened to plain RGB,
edited (redactions, crop), copied into a brand-new image and encoded afresh, and the encoders are given
no EXIF, XMP, ICC profile or comment. That is the only way to be sure a GPS tag or a camera serial
number never reaches the public. This module is pure (no database, no files): ``services`` stores.

Hostile input is refused before it costs anything: the type is decided by the file's first bytes (never
by its name), only the matching Pillow plugin may parse it, and the pixel count is checked from the
header before a single pixel is allocated.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import struct
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import imagehash
import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageCms, ImageFile, ImageFilter
from pillow_heif import register_heif_opener

from traceobject.core.errors import ApplicationError

# HEIC/HEIF through libheif; thumbnails, depth maps and auxiliary images are never needed here.
register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "HEIF")
# A sliver cannot show an object, and a very tall derivative would exceed WebP's 16383-pixel limit:
# with derivatives at most 1280 wide, a ratio of 10 keeps every side under it.
MAX_ASPECT_RATIO = 10
MIN_SIDE = 16
# A normal progressive JPEG has about ten scans. Thousands of tiny scans make the decoder redo the
# whole image each time (a CPU bomb with a small file), so such files are refused before decoding.
MAX_JPEG_SCANS = 100
# Redactions per image: enough for any real picture, and bounds the work of one processing run.
MAX_REDACTIONS = 50
REDACTION_MODES = ("black", "blur")
WEBP_QUALITY = 82
JPEG_QUALITY = 85
# Background for transparent pixels: what a viewer shows, so the published picture is what was seen.
# (Fully transparent pixels may still hold colour data, an easy place to hide something.)
FLATTEN_BACKGROUND = (255, 255, 255)

# Files we recognise but do not accept, to name them in the refusal.
_REFUSED_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"8BPS", "Photoshop (PSD)"),
    (b"\xff\x0a", "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL ", "JPEG XL"),
)
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}
_VIDEO_BRANDS = {b"isom", b"iso2", b"mp41", b"mp42", b"qt  ", b"3gp4", b"3gp5", b"M4V ", b"avc1", b"dash"}
# Everything Pillow (or pillow-heif) may raise on a damaged or hostile file.
_DECODE_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    RuntimeError,
    MemoryError,
    struct.error,
    Image.DecompressionBombError,
)
# The next marker after a JPEG scan: 0xFF followed by anything but a stuffed zero, a restart or fill.
_JPEG_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Redaction:
    box: tuple[int, int, int, int]
    mode: str


@dataclass(frozen=True)
class SourceInfo:
    """What the upload is, known after a full validating decode: the format and the oriented size."""

    format: str
    width: int
    height: int


@dataclass(frozen=True)
class Derivative:
    width: int
    height: int
    format: str
    data: bytes


@dataclass(frozen=True)
class SanitizedImage:
    """The processed picture: its size in the upload's own scale (after the crop), and its files."""

    width: int
    height: int
    source_width: int
    source_height: int
    digest: str
    phash: str
    derivatives: list[Derivative] = field(default_factory=list)


# --- Recognising and opening ----------------------------------------------------------------------


def sniff(data: bytes) -> str:
    """The Pillow format of ``data`` from its first bytes, or a refusal that names what it is."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if head[4:8] == b"ftyp":
        # The major brand, then the compatible brands up to the end of the ftyp box.
        brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(len(head), _box_size(head)) - 3, 4)}
        if brands & _AVIF_BRANDS:
            raise _refused("AVIF")
        if head[8:12] in _HEIF_BRANDS or brands & (_HEIF_BRANDS - {b"mif1", b"msf1"}):
            return "HEIF"
        if brands & _VIDEO_BRANDS:
            raise _refused(_("Video"))
    for signature, label in _REFUSED_SIGNATURES:
        if head.startswith(signature):
            raise _refused(label)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html")):
        raise _refused("SVG/XML/HTML")
    raise ApplicationError(
        _("The file is not a readable image. Upload a JPEG, PNG, WebP, TIFF or HEIC image.")
    )


def _box_size(head: bytes) -> int:
    return int.from_bytes(head[0:4], "big") if len(head) >= 4 else 0


def _refused(label: str) -> ApplicationError:
    return ApplicationError(
        _("%(type)s files are not accepted. Upload a JPEG, PNG, WebP, TIFF or HEIC image.") % {"type": label}
    )


def _damaged(fmt: str) -> ApplicationError:
    return ApplicationError(
        _("The file looks like a %(type)s image but cannot be read: it may be damaged or truncated.")
        % {"type": _label(fmt)}
    )


def _label(fmt: str) -> str:
    return {"WEBP": "WebP", "HEIF": "HEIC/HEIF"}.get(fmt, fmt)


def _too_many_pixels(pixels: int | None, max_pixels: int) -> ApplicationError:
    limit = number_format(max_pixels, force_grouping=True)
    if pixels is None:
        return ApplicationError(
            _("The image declares more pixels than the limit of %(limit)s.") % {"limit": limit}
        )
    return ApplicationError(
        _("The image has %(pixels)s pixels, more than the limit of %(limit)s.")
        % {"pixels": number_format(pixels, force_grouping=True), "limit": limit}
    )


def jpeg_scan_count(data: bytes) -> int:
    """The number of scans (SOS markers) in a JPEG, walking its segments without decoding anything.

    Stops early, returning what it found, on anything malformed: the decoder will report that.
    """
    pos, scans, size = 2, 0, len(data)
    while pos + 4 <= size:
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:  # end of image
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if length < 2:
            break
        end = pos + 2 + length
        if marker != 0xDA:
            pos = end
            continue
        scans += 1
        if scans > MAX_JPEG_SCANS:
            break
        following = _JPEG_NEXT_MARKER.search(data, end)
        if following is None:
            break
        pos = following.start()
    return scans


def _webp_declared_size(data: bytes) -> tuple[int, int] | None:
    """The canvas size from a WebP header. libwebp allocates the canvas when the decoder is created,
    which Pillow does on open, so the limit must be checked before Pillow sees the file."""
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        return struct.unpack_from("<H", data, 26)[0] & 0x3FFF, struct.unpack_from("<H", data, 28)[0] & 0x3FFF
    if chunk == b"VP8X" and len(data) >= 30:
        return (
            int.from_bytes(data[24:27], "little") + 1,
            int.from_bytes(data[27:30], "little") + 1,
        )
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _check_dimensions(width: int, height: int, *, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise _too_many_pixels(width * height, max_pixels)
    if min(width, height) < MIN_SIDE:
        raise ApplicationError(
            _("The image is %(width)s x %(height)s pixels: each side must be at least %(min)s pixels.")
            % {"width": width, "height": height, "min": MIN_SIDE}
        )
    if max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        raise ApplicationError(
            _(
                "The image is %(width)s x %(height)s pixels, too narrow to publish: the long side may be "
                "at most %(ratio)s times the short side."
            )
            % {"width": width, "height": height, "ratio": MAX_ASPECT_RATIO}
        )


def open_checked(data: bytes, *, max_pixels: int, max_bytes: int | None = None) -> tuple[Image.Image, str]:
    """Open ``data`` lazily (headers only) after every check that needs no pixels; return the image
    and its format as sniffed (a JPEG with extra pictures opens as "MPO", still a JPEG here).

    The caller decodes inside ``decoding(fmt, limit)`` so that decoder failures become the same refusal.
    """
    if max_bytes is not None and len(data) > max_bytes:
        raise ApplicationError(
            _("The file is larger than the limit of %(limit)s MB.") % {"limit": max_bytes // (1024 * 1024)}
        )
    fmt = sniff(data)
    if fmt == "JPEG" and jpeg_scan_count(data) > MAX_JPEG_SCANS:
        raise ApplicationError(
            ngettext(
                "The JPEG file has more than %(count)s progressive scan and is refused.",
                "The JPEG file has more than %(count)s progressive scans and is refused.",
                MAX_JPEG_SCANS,
            )
            % {"count": MAX_JPEG_SCANS}
        )
    declared = _webp_declared_size(data) if fmt == "WEBP" else None
    if declared is not None and declared[0] * declared[1] > max_pixels:
        raise _too_many_pixels(declared[0] * declared[1], max_pixels)
    with decoding(fmt, max_pixels):
        image = Image.open(io.BytesIO(data), formats=[fmt])
        _check_dimensions(*image.size, max_pixels=max_pixels)
        # An animation or a multi-page TIFF: which picture was meant is a guess, so ask. A JPEG's extra
        # pictures (MPO: depth or gain maps) and a HEIF's secondary images are not what a viewer shows
        # first: the primary picture is taken, as every viewer does.
        if fmt in ("WEBP", "TIFF") and getattr(image, "is_animated", False):
            raise ApplicationError(
                _(
                    "Animated or multi-page images are not accepted: save the one picture to publish as "
                    "a still image."
                )
            )
    return image, fmt


@contextmanager
def decoding(fmt: str, max_pixels: int) -> Iterator[None]:
    """Turn whatever a decoder raises on a hostile file into one clear refusal, never a 500.

    Warnings are silenced inside (Pillow warns about odd EXIF data and the like; the result is re-encoded
    anyway) except the decompression-bomb warning, which becomes the pixel-limit refusal. Doing it here
    keeps the behaviour identical in production and under pytest, where warnings are errors.
    """
    # A process-wide Pillow switch that another library may have turned on (WeasyPrint does on import):
    # a truncated or corrupt file must be refused, never half-decoded.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except ApplicationError:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise _too_many_pixels(None, max_pixels) from exc
        except _DECODE_ERRORS as exc:
            raise _damaged(fmt) from exc


# --- Decoding ---------------------------------------------------------------------------------------

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (1 to 8). HEIF is already turned by libheif, which resets the tag to 1."""
    value = image.getexif().get(0x0112, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _oriented(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    return (size[1], size[0]) if orientation >= 5 else size


def inspect(data: bytes, *, max_pixels: int, max_bytes: int | None = None) -> SourceInfo:
    """Check an upload completely before it is stored: type, header size, then a full decode.

    The decode catches truncated and corrupt files at upload time, so a bad file is refused with nothing
    stored instead of failing later in the task. JPEGs decode at 1/8 scale, which still reads every
    byte of the compressed data and is quick.
    """
    image, fmt = open_checked(data, max_pixels=max_pixels, max_bytes=max_bytes)
    size = image.size
    with decoding(fmt, max_pixels):
        if fmt == "JPEG":
            image.draft(None, (max(1, size[0] // 8), max(1, size[1] // 8)))
        image.load()
        orientation = _orientation(image)
    width, height = _oriented(size, orientation)
    return SourceInfo(format=fmt, width=width, height=height)


def source_size(data: bytes, *, max_pixels: int) -> tuple[int, int]:
    """The oriented size of a stored upload, for checking edit boxes (a PNG may need decoding: its
    orientation can sit in an eXIf chunk after the pixel data)."""
    image, fmt = open_checked(data, max_pixels=max_pixels)
    with decoding(fmt, max_pixels):
        return _oriented(image.size, _orientation(image))


def _icc_to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert RGB or CMYK pixels to sRGB with their embedded profile, so that dropping the profile
    afterwards keeps the colours (a phone's Display P3 photo would otherwise look washed out). A
    profile that LittleCMS cannot use is ignored: the pixels are then taken as they are."""
    if not icc or image.mode not in ("RGB", "CMYK"):
        return image
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, profile, _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image


def _to_rgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Plain 8-bit sRGB from any mode, with transparency flattened onto the background colour."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit grey: scale to 8 bits (a plain convert would clip everything above 255 to white).
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif image.mode == "F":
        image = image.convert("L")
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (*FLATTEN_BACKGROUND, 255))
        image = Image.alpha_composite(background, rgba).convert("RGB")
    image = _icc_to_srgb(image, icc)
    return image.convert("RGB")


def _crop_width(crop: object, default: int) -> int:
    """The crop's width if it looks like a box (it is checked properly after decoding)."""
    try:
        width = int(crop[2]) - int(crop[0])  # type: ignore[index]
    except (TypeError, ValueError, IndexError, KeyError):
        return default
    return width if 0 < width <= default else default


def _decode_for(
    data: bytes, *, max_pixels: int, needed_width: int, crop: object
) -> tuple[Image.Image, tuple[int, int]]:
    """Decode, orient and flatten the upload at the smallest scale that still gives ``needed_width``
    pixels across the crop. Returns the image and the upload's full oriented size."""
    image, fmt = open_checked(data, max_pixels=max_pixels)
    with decoding(fmt, max_pixels):
        raw_size = image.size
        orientation = _orientation(image) if fmt != "PNG" else 1
        source = _oriented(raw_size, orientation)
        crop_width = _crop_width(crop, source[0])
        if fmt == "JPEG" and crop_width > needed_width:
            # Let libjpeg scale by 1/2, 1/4 or 1/8 while decoding: far less work than decoding in full.
            # The request keeps the crop at least ``needed_width`` wide (draft never goes below it).
            scale = needed_width / crop_width
            image.draft(None, (math.ceil(raw_size[0] * scale), math.ceil(raw_size[1] * scale)))
        image.load()
        if fmt == "PNG":  # an eXIf chunk may follow the pixel data: only known now
            orientation = _orientation(image)
            source = _oriented(raw_size, orientation)
        icc = image.info.get("icc_profile")
        if orientation in _TRANSPOSE:
            image = image.transpose(_TRANSPOSE[orientation])
        image = _to_rgb(image, icc if isinstance(icc, bytes) else None)
    return image, source


# --- Edits ------------------------------------------------------------------------------------------


def _scaled_outward(
    box: Sequence[int], kx: float, ky: float, size: tuple[int, int]
) -> tuple[int, int, int, int]:
    """A box scaled to the working image, grown to whole pixels so it still covers the whole area."""
    left, top, right, bottom = box
    return (
        max(0, math.floor(left * kx)),
        max(0, math.floor(top * ky)),
        min(size[0], math.ceil(right * kx)),
        min(size[1], math.ceil(bottom * ky)),
    )


def _blur_region(region: Image.Image, seed: int) -> Image.Image:
    """An irreversible blur: pixelate to a coarse grid (at most 6 cells across the short side), add a
    little seeded noise so that no de-pixelation can match exact averages, enlarge, then a Gaussian blur
    as wide as a cell. The seed is derived from the box, so the same edit gives the same pixels."""
    width, height = region.size
    cell = max(4, math.ceil(min(width, height) / 6))
    grid = (max(1, math.ceil(width / cell)), max(1, math.ceil(height / cell)))
    averages = np.asarray(region.resize(grid, Image.Resampling.BOX), dtype=np.int16)
    noise = np.random.default_rng(seed).integers(-12, 13, size=averages.shape, dtype=np.int16)
    small = Image.fromarray(np.clip(averages + noise, 0, 255).astype(np.uint8), "RGB")
    blocky = small.resize((grid[0] * cell, grid[1] * cell), Image.Resampling.NEAREST)
    blocky = blocky.crop((0, 0, width, height))
    return blocky.filter(ImageFilter.GaussianBlur(radius=cell))


def _apply_redactions(
    image: Image.Image, redactions: Sequence[Redaction], kx: float, ky: float
) -> Image.Image:
    for redaction in redactions:
        box = _scaled_outward(redaction.box, kx, ky, image.size)
        if box[2] <= box[0] or box[3] <= box[1]:
            continue
        if redaction.mode == "black":
            image.paste((0, 0, 0), box)
        else:
            seed = int.from_bytes(hashlib.sha256(repr(redaction.box).encode()).digest()[:8], "big")
            image.paste(_blur_region(image.crop(box), seed), box[:2])
    return image


def _box_messages(kind: str) -> dict[str, str]:
    """Whole sentences per kind of box, so that translators never have to assemble one."""
    if kind == "crop":
        return {
            "shape": _("The crop must be four numbers: left, top, right, bottom."),
            "whole": _("The crop must be given in whole pixels."),
            "inside": _(
                "The crop must lie inside the image (%(width)s x %(height)s pixels) and have a positive size."
            ),
        }
    return {
        "shape": _("A redaction box must be four numbers: left, top, right, bottom."),
        "whole": _("A redaction box must be given in whole pixels."),
        "inside": _(
            "A redaction box must lie inside the image (%(width)s x %(height)s pixels) and have a positive "
            "size."
        ),
    }


def check_box(box: object, size: tuple[int, int], *, kind: str) -> tuple[int, int, int, int]:
    """A box [left, top, right, bottom] of whole pixels inside ``size``, with a positive area.
    ``kind`` is "crop" or "redaction" (for the message)."""
    messages = _box_messages(kind)
    if not isinstance(box, list | tuple) or len(box) != 4:
        raise ApplicationError(messages["shape"])
    values = []
    for value in box:
        if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
            raise ApplicationError(messages["whole"])
        values.append(int(value))
    left, top, right, bottom = values
    width, height = size
    if not (0 <= left < right <= width and 0 <= top < bottom <= height):
        raise ApplicationError(messages["inside"] % {"width": width, "height": height})
    return left, top, right, bottom


def check_edits(
    crop: object, redactions: object, size: tuple[int, int]
) -> tuple[tuple[int, int, int, int] | None, tuple[Redaction, ...]]:
    """Validate a crop and redactions against the oriented upload's ``size``; return them normalised."""
    checked_crop = None
    if crop is not None:
        checked_crop = check_box(crop, size, kind="crop")
        width, height = checked_crop[2] - checked_crop[0], checked_crop[3] - checked_crop[1]
        if min(width, height) < MIN_SIDE or max(width, height) > MAX_ASPECT_RATIO * min(width, height):
            raise ApplicationError(
                _(
                    "The crop is %(width)s x %(height)s pixels: each side must be at least %(min)s pixels "
                    "and the long side at most %(ratio)s times the short side."
                )
                % {"width": width, "height": height, "min": MIN_SIDE, "ratio": MAX_ASPECT_RATIO}
            )
    if not isinstance(redactions, list | tuple):
        raise ApplicationError(_("The redactions must be a list."))
    if len(redactions) > MAX_REDACTIONS:
        raise ApplicationError(
            ngettext(
                "At most %(count)s redaction per image.",
                "At most %(count)s redactions per image.",
                MAX_REDACTIONS,
            )
            % {"count": MAX_REDACTIONS}
        )
    checked = []
    for item in redactions:
        if not isinstance(item, dict) or set(item) != {"box", "mode"}:
            raise ApplicationError(_("Each redaction needs a box and a mode."))
        if item["mode"] not in REDACTION_MODES:
            raise ApplicationError(_("A redaction is either black or blur."))
        checked.append(Redaction(box=check_box(item["box"], size, kind="redaction"), mode=item["mode"]))
    return checked_crop, tuple(checked)


def edits_as_json(
    crop: tuple[int, int, int, int] | None, redactions: Sequence[Redaction]
) -> tuple[list[int] | None, list[dict[str, object]]]:
    return (list(crop) if crop else None), [{"box": list(r.box), "mode": r.mode} for r in redactions]


# --- Encoding ---------------------------------------------------------------------------------------


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    # Explicitly empty: the encoders would otherwise take EXIF, ICC, XMP and comments from ``info``.
    if fmt == "webp":
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=4, exif=b"", icc_profile=None, xmp=b"")
    else:
        image.save(
            out,
            "JPEG",
            quality=JPEG_QUALITY,
            optimize=True,
            progressive=True,
            exif=b"",
            icc_profile=None,
            xmp=b"",
        )
    return out.getvalue()


def derivative_sizes(width: int, height: int, widths: Sequence[int]) -> list[tuple[int, int]]:
    """Each configured width the picture can fill, and instead of the others its own width once:
    never upscale."""
    sizes = sorted({min(target, width) for target in widths})
    return [(w, max(1, round(height * w / width))) for w in sizes]


def sanitize(
    data: bytes,
    *,
    widths: Sequence[int],
    max_pixels: int,
    crop: object = None,
    redactions: object = (),
) -> SanitizedImage:
    """Decode, orient, redact, crop, and encode WebP and JPEG derivatives at ``widths``.

    ``crop`` ([left, top, right, bottom]) and ``redactions`` ([{"box": [...], "mode": "black"|"blur"}])
    are the stored JSON, in the oriented upload's pixels; they are checked here again, against the
    decoded size, since the task must never trust what was stored.

    The work happens on an image decoded or reduced to about the largest derivative's scale: a
    24-megapixel photo is never handled at full size when the biggest file published is 1280 wide.
    """
    needed = max(widths)
    image, source = _decode_for(data, max_pixels=max_pixels, needed_width=needed, crop=crop)
    crop_box, checked = check_edits(
        crop, list(redactions) if isinstance(redactions, tuple) else redactions, source
    )
    left, top, right, bottom = crop_box or (0, 0, *source)
    out_width, out_height = right - left, bottom - top

    # Reduce by a whole factor while the crop stays at least twice as wide as needed: BOX averaging is
    # fast and exact, and LANCZOS then does the last, small step.
    kx, ky = image.width / source[0], image.height / source[1]
    factor = int((out_width * kx) // (2 * min(needed, out_width)))
    if factor >= 2:
        image = image.reduce(factor)
        kx, ky = image.width / source[0], image.height / source[1]

    image = _apply_redactions(image, checked, kx, ky)
    work_box = (round(left * kx), round(top * ky), round(right * kx), round(bottom * ky))
    # A brand-new image holding only the pixels: nothing of the source's ``info`` can come along.
    clean = Image.new("RGB", (work_box[2] - work_box[0], work_box[3] - work_box[1]))
    clean.paste(image.crop(work_box), (0, 0))
    del image

    derivatives: list[Derivative] = []
    scaled = clean
    for width, height in sorted(derivative_sizes(out_width, out_height, widths), reverse=True):
        if scaled.size != (width, height):
            # Each smaller size from the previous one: cheaper, and as sharp at these ratios.
            scaled = scaled.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        derivatives.append(Derivative(width, height, "webp", _encode(scaled, "webp")))
        derivatives.append(Derivative(width, height, "jpeg", _encode(scaled, "jpeg")))
    largest = derivatives[0]
    digest = hashlib.sha256(largest.data).hexdigest()
    with Image.open(io.BytesIO(derivatives[-1].data)) as smallest:
        phash = str(imagehash.phash(smallest))
    derivatives.sort(key=lambda d: (d.width, d.format))
    return SanitizedImage(
        width=out_width,
        height=out_height,
        source_width=source[0],
        source_height=source[1],
        digest=digest,
        phash=phash,
        derivatives=derivatives,
    )


def decode(data: bytes, *, max_pixels: int) -> Image.Image:
    """The full-size, oriented, flattened RGB picture (for the admin's upload check and for tests)."""
    image, _source = _decode_for(data, max_pixels=max_pixels, needed_width=10**9, crop=None)
    clean = Image.new("RGB", image.size)
    clean.paste(image, (0, 0))
    return clean
