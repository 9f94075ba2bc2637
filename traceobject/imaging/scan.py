"""The pre-publication safety scan: what a machine can check before a second person approves.

Three checks, each on what is actually published:

1. **metadata**: every derivative file is read back from disk and parsed, both by Pillow and by walking
   its structure (JPEG segments, WebP chunks), so that an EXIF, XMP, IPTC or ICC block, or a comment,
   would be seen even if Pillow ignored it;
2. **faces**: OpenCV's bundled Haar cascades (frontal, and profile in both directions) on the largest
   derivative at a moderate size. It misses faces and finds some that are not there: its result is a
   warning the reviewer must look at, never a verdict;
3. **near-duplicates**: the perceptual hash against every image of a published or located object, so
   that the reviewer learns the picture (or a slight variant) is already out.
"""

from __future__ import annotations

import hashlib
import io
import struct
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone
from PIL import Image

from traceobject.gallery.models import LOCATED_STATUSES, ImageStatus, ObjectImage, ObjectStatus

FRONTAL_CASCADE = "haarcascade_frontalface_default.xml"
PROFILE_CASCADE = "haarcascade_profileface.xml"
# The scan size: faces down to 2.5 % of the long side (20 px of 800) are found, in well under a
# second on a noisy 1280-pixel picture with the three cascade passes.
SCAN_LONG_SIDE = 800
SCALE_FACTOR = 1.15
MIN_NEIGHBORS = 5
MIN_FACE = 20
MAX_NEAR_DUPLICATES = 20

# Pillow ``info`` keys that describe only the encoding, never the picture's origin.
_HARMLESS_INFO = {
    "jfif",
    "jfif_version",
    "jfif_unit",
    "jfif_density",
    "dpi",
    "progressive",
    "progression",
    "loop",
    "background",
    "timestamp",
    "duration",
}
# JPEG markers allowed before the first scan: SOF0-15 (but C4, C8, CC), DHT, DQT, DRI, and APP0 (JFIF).
_JPEG_ALLOWED = {*range(0xC0, 0xD0), 0xDB, 0xDD, 0xE0}
# WebP chunks: the bitstreams and the extended header (checked for metadata flags); nothing else.
_WEBP_ALLOWED = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}
_VP8X_METADATA_FLAGS = 0x20 | 0x08 | 0x04  # ICC, EXIF, XMP


@dataclass(frozen=True)
class FaceDetector:
    frontal: Any
    profile: Any


_local = threading.local()


def face_detector() -> FaceDetector | None:
    """The cascades, loaded once per thread (a CascadeClassifier must not be shared between threads).

    None when OpenCV lacks them: opencv-python 5 no longer ships the Haar cascades, and the scan then
    says that it could not look for faces instead of reporting none.
    """
    if not hasattr(_local, "detector"):
        _local.detector = _load_detector()
    detector: FaceDetector | None = _local.detector
    return detector


def _load_detector() -> FaceDetector | None:
    try:
        import cv2  # heavy: imported only when the scan runs

        root = Path(cv2.data.haarcascades)  # type: ignore[attr-defined]
        frontal = cv2.CascadeClassifier(str(root / FRONTAL_CASCADE))
        profile = cv2.CascadeClassifier(str(root / PROFILE_CASCADE))
    except (ImportError, AttributeError, OSError):
        return None
    if frontal.empty() or profile.empty():
        return None
    return FaceDetector(frontal=frontal, profile=profile)


def _merge(boxes: list[tuple[int, int, int, int]]) -> list[list[int]]:
    """Drop a box mostly inside one already kept (the same face seen by two cascades)."""
    kept: list[tuple[int, int, int, int]] = []
    for box in sorted(boxes, key=lambda b: b[2] * b[3], reverse=True):
        x, y, w, h = box
        duplicate = False
        for kx, ky, kw, kh in kept:
            overlap_w = max(0, min(x + w, kx + kw) - max(x, kx))
            overlap_h = max(0, min(y + h, ky + kh) - max(y, ky))
            if overlap_w * overlap_h >= 0.5 * w * h:
                duplicate = True
                break
        if not duplicate:
            kept.append(box)
    return [list(box) for box in sorted(kept)]


def detect_faces(image: Image.Image) -> list[list[int]] | None:
    """Face boxes ``[x, y, width, height]`` in ``image``'s coordinates, or None without a detector."""
    detector = face_detector()
    if detector is None:
        return None
    import cv2

    scale = min(1.0, SCAN_LONG_SIDE / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    grey = np.asarray(image.convert("L").resize(size, Image.Resampling.BILINEAR))
    # A linear stretch rescues dark or flat pictures; histogram equalisation would too, but it also
    # amplifies grain, and on a grainy photo the cascades then take two to four times longer.
    low, high = int(grey.min()), int(grey.max())
    if high > low:
        grey = ((grey.astype(np.float32) - low) * (255 / (high - low))).astype(np.uint8)
    width = grey.shape[1]
    options = {"scaleFactor": SCALE_FACTOR, "minNeighbors": MIN_NEIGHBORS, "minSize": (MIN_FACE, MIN_FACE)}
    found: list[tuple[int, int, int, int]] = []
    for x, y, w, h in detector.frontal.detectMultiScale(grey, **options):
        found.append((int(x), int(y), int(w), int(h)))
    for x, y, w, h in detector.profile.detectMultiScale(grey, **options):
        found.append((int(x), int(y), int(w), int(h)))
    # The profile cascade knows faces turned one way only: look at the mirror image for the other way.
    for x, y, w, h in detector.profile.detectMultiScale(cv2.flip(grey, 1), **options):
        found.append((int(width - x - w), int(y), int(w), int(h)))
    back = 1 / scale
    return _merge(
        [
            (
                round(x * back),
                round(y * back),
                min(round(w * back), image.width - round(x * back)),
                min(round(h * back), image.height - round(y * back)),
            )
            for x, y, w, h in found
        ]
    )


# --- Metadata ---------------------------------------------------------------------------------------


def _jpeg_segments(data: bytes) -> list[str]:
    problems: list[str] = []
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return [*problems, "JPEG structure unreadable"]
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xDA:  # start of scan: metadata could only come before it in our files
            break
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if marker not in _JPEG_ALLOWED:
            problems.append(f"JPEG segment 0x{marker:02X}")
        elif marker == 0xE0 and data[pos + 4 : pos + 9] != b"JFIF\x00":
            problems.append("JPEG APP0 segment other than JFIF")
        pos += 2 + length
    # Anything after the end-of-image marker (a polyglot's payload) would be published too.
    end = data.rfind(b"\xff\xd9")
    if end == -1 or data[end + 2 :].strip(b"\x00"):
        problems.append("JPEG data after the end of the image")
    return problems


def _webp_chunks(data: bytes) -> list[str]:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return ["WebP structure unreadable"]
    problems = []
    (riff_size,) = struct.unpack_from("<I", data, 4)
    if riff_size + 8 != len(data):
        problems.append("WebP data outside the RIFF container")
    pos = 12
    while pos + 8 <= len(data):
        name = data[pos : pos + 4]
        (size,) = struct.unpack_from("<I", data, pos + 4)
        if name not in _WEBP_ALLOWED:
            problems.append(f"WebP chunk {name.decode('latin-1')!r}")
        elif name == b"VP8X" and data[pos + 8] & _VP8X_METADATA_FLAGS:
            problems.append("WebP header announces metadata")
        pos += 8 + size + (size & 1)
    return problems


def metadata_problems(data: bytes) -> list[str]:
    """What in a derivative file could carry metadata; empty when the file is clean."""
    if data[:3] == b"\xff\xd8\xff":
        problems = _jpeg_segments(data)
    elif data[:4] == b"RIFF":
        problems = _webp_chunks(data)
    else:
        return ["not a JPEG or WebP file"]
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG", "WEBP"]) as image:
            image.load()
            problems += [f"Pillow info {key!r}" for key in sorted(set(image.info) - _HARMLESS_INFO)]
            if len(image.getexif()):
                problems.append("EXIF tags")
    except (OSError, ValueError, SyntaxError) as exc:
        problems.append(f"unreadable ({exc.__class__.__name__})")
    return problems


# --- Near-duplicates --------------------------------------------------------------------------------


def hamming(first: str, second: str) -> int:
    return (int(first, 16) ^ int(second, 16)).bit_count()


def near_duplicates(*, phash: str, object_id: int) -> list[dict[str, Any]]:
    """Published or located objects holding an image within the configured Hamming distance of
    ``phash`` (the nearest image of each object counts), nearest first."""
    if not phash:
        return []
    limit = settings.IMAGE_NEAR_DUPLICATE_DISTANCE
    rows = (
        ObjectImage.objects.filter(
            object__status__in=[ObjectStatus.PUBLISHED, *LOCATED_STATUSES], status=ImageStatus.READY
        )
        .exclude(object_id=object_id)
        .exclude(perceptual_hash="")
        .values_list("object__code", "perceptual_hash")
    )
    nearest: dict[str, int] = {}
    for code, other in rows.iterator(chunk_size=2000):
        try:
            distance = hamming(phash, other)
        except ValueError:
            continue
        if distance <= limit and distance < nearest.get(code, limit + 1):
            nearest[code] = distance
    ranked = sorted(nearest.items(), key=lambda item: (item[1], item[0]))[:MAX_NEAR_DUPLICATES]
    return [{"object": code, "distance": distance} for code, distance in ranked]


# --- The scan ---------------------------------------------------------------------------------------


def image_scan(
    *, object_id: int, derivatives: list[dict[str, Any]], width: int, phash: str
) -> dict[str, Any]:
    """The safety record of one processed image, from its files on disk.

    ``width`` is the processed image's width, in whose coordinates the face boxes are given.
    """
    media = Path(settings.MEDIA_ROOT)
    problems: list[str] = []
    for derivative in derivatives:
        try:
            data = (media / derivative["path"]).read_bytes()
        except OSError:
            problems.append(f"{derivative['path']}: missing")
            continue
        problems += [f"{derivative['path']}: {problem}" for problem in metadata_problems(data)]
    faces = _faces_of(media, derivatives, width)
    return {
        "metadata_clean": bool(derivatives) and not problems,
        "metadata_problems": problems,
        "faces": faces if faces is not None else [],
        "face_scan": faces is not None,
        "near_duplicates": near_duplicates(phash=phash, object_id=object_id),
        "scanned_at": timezone.now().isoformat(),
    }


def _faces_of(media: Path, derivatives: list[dict[str, Any]], width: int) -> list[list[int]] | None:
    """Faces on the largest published JPEG, scaled to the processed image's coordinates."""
    jpegs = [d for d in derivatives if d["format"] == "jpeg"]
    if not jpegs or face_detector() is None:
        return None
    largest = max(jpegs, key=lambda d: d["width"])
    try:
        boxes = faces_in_file((media / largest["path"]).read_bytes())
    except (OSError, ValueError, SyntaxError):
        return None
    if boxes is None:
        return None
    factor = width / largest["width"]
    return [[round(value * factor) for value in box] for box in boxes]


_face_cache: OrderedDict[str, list[list[int]]] = OrderedDict()
_face_cache_lock = threading.Lock()
FACE_CACHE_SIZE = 512


def faces_in_file(data: bytes) -> list[list[int]] | None:
    """``detect_faces`` on an encoded file, remembered by the file's hash for this process.

    The detector is the slowest part of processing (a grainy photo costs it most), and the same file
    is scanned again by idempotent reruns, rescans and the demo: a pure function of the bytes needs to
    run only once.
    """
    key = hashlib.sha256(data).hexdigest()
    with _face_cache_lock:
        if key in _face_cache:
            _face_cache.move_to_end(key)
            return [list(box) for box in _face_cache[key]]
    with Image.open(io.BytesIO(data), formats=["JPEG", "WEBP"]) as picture:
        boxes = detect_faces(picture.convert("RGB"))
    if boxes is not None:
        with _face_cache_lock:
            _face_cache[key] = boxes
            while len(_face_cache) > FACE_CACHE_SIZE:
                _face_cache.popitem(last=False)
    return boxes


def object_image_scan(image: ObjectImage) -> dict[str, Any]:
    """Scan a stored image again (on demand: new published objects may have appeared since)."""
    return image_scan(
        object_id=image.object_id,
        derivatives=image.derivatives,
        width=image.width,
        phash=image.perceptual_hash,
    )
