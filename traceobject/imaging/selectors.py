"""Reads for object images: the safety report the publication review shows, and the upright original
the crop page draws its boxes on.

The report separates what blocks publication (an image still processing or failed, not scanned, or
with metadata in a published file) from what the reviewer must look at and decide on (possible faces,
near-duplicates of public images, a face scan that could not run). Faces and near-duplicates never
block by themselves: the detector is wrong often enough that a person has to judge.

Face boxes come ready to draw over the image in an inline SVG whose ``viewBox`` is the processed
image's size (``imaging/safety_overlay.html``), which needs no style attribute and so suits the CSP;
percentages are there for other layouts, and each box in the upload's coordinates can be sent straight
back as a redaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from traceobject.core.errors import ApplicationError
from traceobject.gallery.models import ImageStatus, Object, ObjectImage
from traceobject.imaging import storage
from traceobject.imaging.sanitize import sanitize, source_size


@dataclass(frozen=True)
class FaceBox:
    """A possible face, in the processed (published) image's pixels."""

    x: int
    y: int
    width: int
    height: int
    left_percent: float
    top_percent: float
    width_percent: float
    height_percent: float
    # [left, top, right, bottom] in the oriented upload: a ready-made redaction box.
    redaction_box: list[int]


@dataclass(frozen=True)
class NearDuplicate:
    code: str
    distance: int


@dataclass(frozen=True)
class ImageSafety:
    image: ObjectImage
    number: int
    status: str
    status_label: str
    error: str
    scanned: bool
    metadata_clean: bool
    metadata_problems: list[str]
    face_scan: bool
    faces: list[FaceBox]
    near_duplicates: list[NearDuplicate]
    preview_url: str
    view_box: str
    blocking: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def is_blocking(self) -> bool:
        return bool(self.blocking)


@dataclass(frozen=True)
class SafetyReport:
    images: list[ImageSafety]
    blocking: bool
    reasons: list[str]
    warnings: list[str]

    @property
    def face_count(self) -> int:
        return sum(len(item.faces) for item in self.images)


def _percent(value: int, total: int) -> float:
    return round(100 * value / total, 3) if total else 0.0


def _faces(image: ObjectImage, boxes: list[list[int]]) -> list[FaceBox]:
    left, top = (image.crop[0], image.crop[1]) if image.crop else (0, 0)
    faces = []
    for x, y, w, h in boxes:
        faces.append(
            FaceBox(
                x=x,
                y=y,
                width=w,
                height=h,
                left_percent=_percent(x, image.width),
                top_percent=_percent(y, image.height),
                width_percent=_percent(w, image.width),
                height_percent=_percent(h, image.height),
                redaction_box=[left + x, top + y, left + x + w, top + y + h],
            )
        )
    return faces


def _preview_url(image: ObjectImage) -> str:
    jpegs = [d for d in image.derivatives if d.get("format") == "jpeg"]
    if not jpegs:
        return ""
    # Through the staff media view: the object is not public yet, so neither are its files.
    return reverse("staff:media", kwargs={"path": max(jpegs, key=lambda d: d["width"])["path"]})


def image_safety(image: ObjectImage, number: int) -> ImageSafety:
    safety = image.safety or {}
    scanned = bool(safety.get("scanned_at"))
    metadata_clean = bool(safety.get("metadata_clean")) if scanned else False
    faces = _faces(image, safety.get("faces", [])) if image.status == ImageStatus.READY else []
    duplicates = [
        NearDuplicate(code=d["object"], distance=d["distance"]) for d in safety.get("near_duplicates", [])
    ]
    face_scan = bool(safety.get("face_scan", False))
    blocking: list[str] = []
    warnings: list[str] = []
    if image.status == ImageStatus.PENDING:
        blocking.append(_("Image %(number)s is still being processed.") % {"number": number})
    elif image.status == ImageStatus.FAILED:
        blocking.append(
            _("Image %(number)s could not be processed: %(error)s") % {"number": number, "error": image.error}
        )
    elif not scanned:
        blocking.append(_("Image %(number)s has not been through the safety scan.") % {"number": number})
    else:
        if not metadata_clean:
            blocking.append(
                _("Image %(number)s: a published file still carries metadata.") % {"number": number}
            )
        if faces:
            warnings.append(
                ngettext(
                    "Image %(number)s: the face detector found %(count)s possible face. Look at it, and "
                    "redact or crop it out if it is one.",
                    "Image %(number)s: the face detector found %(count)s possible faces. Look at them, and "
                    "redact or crop out every real one.",
                    len(faces),
                )
                % {"number": number, "count": len(faces)}
            )
        if not face_scan:
            warnings.append(
                _("Image %(number)s: the face detector could not run. Look for people yourself.")
                % {"number": number}
            )
        if duplicates:
            warnings.append(
                _("Image %(number)s looks like an image already public, of: %(codes)s.")
                % {"number": number, "codes": ", ".join(d.code for d in duplicates)}
            )
    return ImageSafety(
        image=image,
        number=number,
        status=image.status,
        status_label=str(ImageStatus(image.status).label),
        error=image.error,
        scanned=scanned,
        metadata_clean=metadata_clean,
        metadata_problems=list(safety.get("metadata_problems", [])),
        face_scan=face_scan,
        faces=faces,
        near_duplicates=duplicates,
        preview_url=_preview_url(image),
        view_box=f"0 0 {image.width} {image.height}",
        blocking=blocking,
        warnings=warnings,
    )


def object_safety_report(*, obj: Object) -> SafetyReport:
    """The safety state of every image of ``obj``, for the review screen (one query)."""
    images = [image_safety(image, number) for number, image in enumerate(obj.images.all(), start=1)]
    reasons = [reason for item in images for reason in item.blocking]
    if not images:
        reasons.append(_("The object has no image."))
    return SafetyReport(
        images=images,
        blocking=bool(reasons),
        reasons=reasons,
        warnings=[warning for item in images for warning in item.warnings],
    )


@dataclass(frozen=True)
class OriginalGeometry:
    """The size of an upload turned upright, and a pixel grid to read box coordinates without JavaScript."""

    width: int
    height: int

    @property
    def step(self) -> int:
        """A round grid step giving about ten lines across the longer side."""
        longest = max(self.width, self.height, 1)
        for step in (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
            if longest / step <= 12:
                return step
        return 10000

    @property
    def ticks_x(self) -> list[int]:
        return list(range(self.step, self.width, self.step))

    @property
    def ticks_y(self) -> list[int]:
        return list(range(self.step, self.height, self.step))

    @property
    def label_size(self) -> int:
        return max(10, max(self.width, self.height) // 60)


def _original_bytes(image: ObjectImage) -> bytes | None:
    if not image.original_path:
        return None
    try:
        return storage.read_private(image.original_path)
    except (OSError, ValueError):
        return None


def object_image_original_geometry(*, image: ObjectImage) -> OriginalGeometry | None:
    """The upright size of the private upload: the space in which crop and redaction boxes are given."""
    data = _original_bytes(image)
    if data is None:
        return None
    try:
        width, height = source_size(data, max_pixels=settings.IMAGE_MAX_PIXELS)
    except ApplicationError:
        return None
    return OriginalGeometry(width=width, height=height)


def object_image_original_preview(*, image: ObjectImage, max_width: int = 1600) -> bytes | None:
    """A staff-only JPEG of the upload as the crop boxes see it: upright, uncropped, unredacted, made by
    the same sanitizer as the public files (so without metadata). Never public: it is how an author
    finds the coordinates to crop and redact without JavaScript."""
    data = _original_bytes(image)
    if data is None:
        return None
    try:
        result = sanitize(data, widths=(max_width,), max_pixels=settings.IMAGE_MAX_PIXELS)
    except ApplicationError:
        return None
    return next(d.data for d in result.derivatives if d.format == "jpeg")
