"""Turn an untrusted upload into metadata-free derivatives made from decoded pixels only.

Nothing of the source file is copied through: the pixels are decoded, oriented, converted to plain
RGB and encoded afresh, and the encoders are given no EXIF, XMP, ICC profile or comment. That is the
only way to be sure a GPS tag or a camera serial number never reaches the public.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from traceobject.core.errors import ApplicationError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "TIFF"}


@dataclass(frozen=True)
class Derivative:
    width: int
    height: int
    format: str
    data: bytes


@dataclass(frozen=True)
class SanitizedImage:
    width: int
    height: int
    digest: str
    derivatives: list[Derivative]


def decode(data: bytes, *, max_pixels: int) -> Image.Image:
    """Decode, refusing bombs before the pixels are allocated and types that are not images."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ApplicationError(f"Unsupported image type: {probe.format or 'unknown'}.")
            width, height = probe.size
            if width * height > max_pixels:
                raise ApplicationError(
                    f"The image has {width * height:,} pixels, more than the limit of {max_pixels:,}."
                )
            probe.load()
            oriented = ImageOps.exif_transpose(probe)
            clean = oriented.convert("RGB")
            # convert() copies ``info``, and encoders read comments and XMP from it: empty it.
            clean.info.clear()
            return clean
    except ApplicationError:
        raise
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ApplicationError(f"The file is not a readable image ({exc.__class__.__name__}).") from exc


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "webp":
        image.save(out, "WEBP", quality=82, method=4, exif=b"", icc_profile=None)
    else:
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True, exif=b"", icc_profile=None)
    return out.getvalue()


def sanitize(data: bytes, *, widths: tuple[int, ...], max_pixels: int) -> SanitizedImage:
    image = decode(data, max_pixels=max_pixels)
    derivatives: list[Derivative] = []
    for target in sorted(set(widths)):
        # Never upscale: a width the source cannot fill is served at the source's own size, once.
        width = min(target, image.width)
        scaled = image
        if width < image.width:
            height = max(1, round(image.height * width / image.width))
            scaled = image.resize((width, height), Image.Resampling.LANCZOS)
        for fmt in ("webp", "jpeg"):
            derivatives.append(Derivative(scaled.width, scaled.height, fmt, _encode(scaled, fmt)))
        if width == image.width:
            break
    digest = hashlib.sha256(image.tobytes()).hexdigest()
    return SanitizedImage(image.width, image.height, digest, derivatives)
