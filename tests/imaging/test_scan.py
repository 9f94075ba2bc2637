"""The safety scan: metadata read back from files, faces, near-duplicates."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from PIL import Image, ImageEnhance

from tests.imaging import corpus
from traceobject.gallery.models import ImageStatus, ObjectStatus
from traceobject.imaging import scan
from traceobject.imaging.sanitize import sanitize
from traceobject.imaging.scan import detect_faces, face_detector, hamming, metadata_problems
from traceobject.imaging.services import object_image_add, object_image_edit, object_image_upload

WIDTHS = (320, 640, 1280)
LIMIT = 60_000_000

# --- Metadata -----------------------------------------------------------------------------------------


def _clean(fmt: str) -> bytes:
    result = sanitize(corpus.encode(corpus.picture(400, 200), "PNG"), widths=(400,), max_pixels=LIMIT)
    return next(d.data for d in result.derivatives if d.format == fmt)


def test_our_derivatives_are_clean() -> None:
    assert metadata_problems(_clean("jpeg")) == []
    assert metadata_problems(_clean("webp")) == []


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        (b"\xff\xe1" + struct.pack(">H", 12) + b"Exif\x00\x00ABCD", "0xE1"),  # EXIF / XMP
        (b"\xff\xe2" + struct.pack(">H", 16) + b"ICC_PROFILE\x00\x01\x01", "0xE2"),  # ICC
        (corpus.iptc_segment(), "0xED"),  # IPTC
        (b"\xff\xfe" + struct.pack(">H", 7) + b"hello", "0xFE"),  # comment
    ],
)
def test_a_metadata_segment_in_a_jpeg_is_found(segment: bytes, expected: str) -> None:
    problems = metadata_problems(corpus.insert_after_soi(_clean("jpeg"), segment))
    assert any(expected in problem for problem in problems), problems


def test_data_after_the_end_of_a_jpeg_is_found() -> None:
    assert "JPEG data after the end of the image" in metadata_problems(_clean("jpeg") + b"PK\x03\x04payload")


def test_metadata_in_a_webp_is_found() -> None:
    with_exif = corpus.encode(corpus.picture(64, 64), "WEBP", exif=corpus.exif().tobytes())
    problems = metadata_problems(with_exif)
    assert any("EXIF" in problem for problem in problems), problems
    with_xmp = corpus.encode(corpus.picture(64, 64), "WEBP", xmp=corpus.XMP)
    assert any("XMP" in problem for problem in metadata_problems(with_xmp))
    with_icc = corpus.encode(corpus.picture(64, 64), "WEBP", icc_profile=corpus.icc())
    assert any("ICCP" in problem or "metadata" in problem for problem in metadata_problems(with_icc))


def test_anything_but_jpeg_or_webp_is_not_clean() -> None:
    assert metadata_problems(corpus.encode(corpus.picture(64, 64), "PNG")) == ["not a JPEG or WebP file"]
    assert metadata_problems(b"\xff\xd8\xff\xe0garbage") != []


# --- Faces --------------------------------------------------------------------------------------------


def test_the_bundled_cascades_load() -> None:
    detector = face_detector()
    assert detector is not None
    assert not detector.frontal.empty()
    assert not detector.profile.empty()


def test_no_face_on_a_blank_or_plain_picture() -> None:
    assert detect_faces(Image.new("RGB", (800, 600), (128, 128, 128))) == []
    assert detect_faces(corpus.picture(800, 600)) == []


def test_a_drawn_face_is_found_where_it_is() -> None:
    boxes = detect_faces(corpus.scene_with_face(900, 600, at=(500, 150)))
    assert boxes is not None
    assert len(boxes) == 1
    x, y, w, h = boxes[0]
    # The face is 200x200 at (500, 150); the detector's box sits on it.
    assert 480 <= x <= 540
    assert 130 <= y <= 200
    assert 140 <= w <= 220
    assert w == h


def test_a_dark_grainy_face_is_still_found() -> None:
    """An underexposed photo (grey levels 0..30) with sensor grain: the linear stretch rescues it."""
    scene = np.asarray(corpus.scene_with_face(900, 600, at=(500, 150)), dtype=np.float32) * (30 / 255)
    grain = np.random.default_rng(3).normal(0, 1.5, scene.shape)
    dark = Image.fromarray((scene + grain).clip(0, 255).astype(np.uint8), "RGB")
    boxes = detect_faces(dark)
    assert boxes is not None
    assert len(boxes) == 1


def test_without_cascades_the_scan_says_it_could_not_look(monkeypatch) -> None:
    monkeypatch.setattr(scan, "face_detector", lambda: None)
    assert detect_faces(corpus.scene_with_face()) is None


def test_faces_are_reported_in_processed_coordinates(object_factory) -> None:
    """A 2400x1600 upload is published at most 1280 wide; the boxes are in the full picture's
    pixels, and after a crop, relative to the crop."""
    data = corpus.encode(corpus.scene_with_face(2400, 1600, at=(1500, 600)), "JPEG", quality=92)
    image = object_image_add(obj=object_factory(code="FACE-1"), data=data)
    assert image.safety["face_scan"] is True
    [[x, y, w, h]] = image.safety["faces"]
    assert 1440 <= x <= 1560
    assert 560 <= y <= 680
    assert 150 <= w <= 230
    assert h == w


def test_faces_after_a_crop_are_relative_to_the_crop(
    object_factory, staff, django_capture_on_commit_callbacks
) -> None:
    obj = object_factory(code="FACE-2", status=ObjectStatus.DRAFT, release=None)
    data = corpus.encode(corpus.scene_with_face(1200, 800, at=(700, 300)), "JPEG", quality=92)
    with django_capture_on_commit_callbacks(execute=True):
        image = object_image_upload(actor=staff["publisher"], obj=obj, data=data)
        image.refresh_from_db()
        object_image_edit(actor=staff["publisher"], image=image, crop=[600, 200, 1100, 700], redactions=[])
    image.refresh_from_db()
    assert image.status == ImageStatus.READY
    [[x, y, w, h]] = image.safety["faces"]
    assert 80 <= x <= 140
    assert 80 <= y <= 140
    assert x + w <= 500
    assert y + h <= 500


def test_a_black_redaction_over_the_face_clears_the_warning(
    object_factory, staff, django_capture_on_commit_callbacks
) -> None:
    obj = object_factory(code="FACE-3", status=ObjectStatus.DRAFT, release=None)
    data = corpus.encode(corpus.scene_with_face(1200, 800, at=(700, 300)), "JPEG", quality=92)
    with django_capture_on_commit_callbacks(execute=True):
        image = object_image_upload(actor=staff["publisher"], obj=obj, data=data)
    image.refresh_from_db()
    [[x, y, w, h]] = image.safety["faces"]
    with django_capture_on_commit_callbacks(execute=True):
        object_image_edit(
            actor=staff["publisher"],
            image=image,
            crop=None,
            redactions=[{"box": [x - 20, y - 20, x + w + 20, y + h + 20], "mode": "black"}],
        )
    image.refresh_from_db()
    assert image.safety["faces"] == []


# --- Near-duplicates --------------------------------------------------------------------------------


def _variant(image: Image.Image) -> bytes:
    """A slightly altered copy: re-scaled, a little brighter, recompressed."""
    altered = ImageEnhance.Brightness(image.resize((image.width * 9 // 10, image.height * 9 // 10))).enhance(
        1.08
    )
    return corpus.encode(altered, "JPEG", quality=70)


def test_near_duplicate_of_a_published_image_is_flagged_and_an_unrelated_one_is_not(object_factory) -> None:
    published_picture = corpus.scene_with_face(900, 600)
    object_image_add(obj=object_factory(code="PUB-A"), data=corpus.encode(published_picture, "JPEG"))
    # A draft (not public) holding the same picture does not count.
    object_image_add(
        obj=object_factory(code="DRAFT-A", status=ObjectStatus.DRAFT),
        data=corpus.encode(published_picture, "JPEG"),
    )

    copy = object_image_add(
        obj=object_factory(code="NEW-A", status=ObjectStatus.DRAFT), data=_variant(published_picture)
    )
    assert [d["object"] for d in copy.safety["near_duplicates"]] == ["PUB-A"]
    assert copy.safety["near_duplicates"][0]["distance"] <= 10

    unrelated = object_image_add(
        obj=object_factory(code="NEW-B", status=ObjectStatus.DRAFT),
        data=corpus.encode(corpus.picture(900, 600, color=(10, 200, 90)), "JPEG"),
    )
    assert unrelated.safety["near_duplicates"] == []


def test_located_objects_count_too(object_factory) -> None:
    picture = corpus.picture(800, 500)
    object_image_add(
        obj=object_factory(code="LOC-A", status=ObjectStatus.IDENTIFIED), data=corpus.encode(picture, "PNG")
    )
    copy = object_image_add(
        obj=object_factory(code="LOC-B", status=ObjectStatus.DRAFT), data=_variant(picture)
    )
    assert [d["object"] for d in copy.safety["near_duplicates"]] == ["LOC-A"]


def test_hamming() -> None:
    assert hamming("ffffffffffffffff", "ffffffffffffffff") == 0
    assert hamming("0000000000000000", "000000000000000f") == 4
