"""The image services: upload, processing (the task's body), edits, removal, rescans and the sweep."""

from __future__ import annotations

import hashlib
import io
import os
import time
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from PIL import Image

from tests.factories import image_bytes
from tests.imaging import corpus
from tests.imaging.conftest import private_files, public_files, referenced
from traceobject.audit.models import AuditEvent
from traceobject.core.errors import ApplicationError
from traceobject.gallery.models import ImageStatus, ObjectImage, ObjectStatus
from traceobject.imaging import scan, services
from traceobject.imaging.services import (
    media_orphans_remove,
    object_image_add,
    object_image_edit,
    object_image_process,
    object_image_remove,
    object_image_reprocess,
    object_image_upload,
    object_images_scan,
)


def _read(rel: str) -> Image.Image:
    image = Image.open(io.BytesIO((Path(settings.MEDIA_ROOT) / rel).read_bytes()))
    image.load()
    return image


# --- object_image_add (demo, factories, admin) ------------------------------------------------------


def test_object_image_add_keeps_the_upload_private_and_publishes_derivatives(object_factory) -> None:
    obj = object_factory(code="IMG-1")
    upload = image_bytes(700, 350, fmt="PNG")
    image = object_image_add(obj=obj, data=upload, alt_text="A lamp")

    assert image.object == obj
    assert image.status == ImageStatus.READY
    assert (image.width, image.height) == (700, 350)
    assert image.alt_text == "A lamp"
    assert image.processed_at is not None
    assert len(image.perceptual_hash) == 16
    assert image.safety["metadata_clean"] is True

    original = Path(settings.PRIVATE_MEDIA_ROOT) / image.original_path
    assert original.read_bytes() == upload
    assert image.original_path == f"uploads/IMG-1/{hashlib.sha256(upload).hexdigest()}"
    assert Path(settings.MEDIA_ROOT).resolve() not in original.resolve().parents
    assert original.stat().st_mode & 0o077 == 0  # private: owner only

    assert {(d["width"], d["format"]) for d in image.derivatives} == {
        (320, "webp"),
        (320, "jpeg"),
        (640, "webp"),
        (640, "jpeg"),
        (700, "webp"),  # the source's own size, never more
        (700, "jpeg"),
    }
    for derivative in image.derivatives:
        assert derivative["path"].startswith("objects/IMG-1/")
        reopened = _read(derivative["path"])
        assert reopened.size == (derivative["width"], derivative["height"])
        assert reopened.format == derivative["format"].upper()
    assert public_files("IMG-1") == referenced(image)  # nothing else, no temporary file


def test_positions_follow_the_order_of_addition(object_factory) -> None:
    obj = object_factory()
    first = object_image_add(obj=obj, data=image_bytes(100, 100))
    second = object_image_add(obj=obj, data=image_bytes(100, 100, color=(0, 0, 0)))
    chosen = object_image_add(obj=obj, data=image_bytes(100, 100, color=(9, 9, 9)), position=0)
    assert (first.position, second.position, chosen.position) == (0, 1, 0)
    assert list(obj.images.all()) == [first, chosen, second]


def test_object_image_add_refuses_and_stores_nothing(object_factory) -> None:
    obj = object_factory(code="BAD-1")
    with pytest.raises(ApplicationError):
        object_image_add(obj=obj, data=b"GIF89a not really")
    assert ObjectImage.objects.count() == 0
    assert private_files("BAD-1") == set()
    assert public_files("BAD-1") == set()


# --- Upload -------------------------------------------------------------------------------------------


def test_upload_is_pending_until_the_task_runs_after_commit(draft, author) -> None:
    obj = draft("UP-1")
    image = object_image_upload(actor=author, obj=obj, data=image_bytes(640, 480), alt_text="A bag")
    # The test transaction never commits, so the task has not run.
    image.refresh_from_db()
    assert image.status == ImageStatus.PENDING
    assert image.derivatives == []
    assert image.uploaded_by == author
    assert (image.width, image.height) == (640, 480)
    assert private_files("UP-1") == {image.original_path}
    assert public_files("UP-1") == set()


def test_upload_then_processing_after_commit(draft, author, committed) -> None:
    obj = draft("UP-2")
    with committed():
        image = object_image_upload(actor=author, obj=obj, data=image_bytes(1600, 1200))
    image.refresh_from_db()
    assert image.status == ImageStatus.READY
    assert image.error == ""
    assert {d["width"] for d in image.derivatives} == {320, 640, 1280}
    assert public_files("UP-2") == referenced(image)
    assert image.safety["metadata_clean"] is True
    assert image.safety["face_scan"] is True
    assert image.safety["faces"] == []


def test_upload_writes_an_audit_event_without_pixels(draft, author) -> None:
    obj = draft("UP-3")
    data = image_bytes(640, 480)
    image = object_image_upload(actor=author, obj=obj, data=data)
    event = AuditEvent.objects.get(action="image.upload")
    assert event.actor == author
    assert event.target_id == str(obj.pk)
    assert event.details == {
        "image": image.pk,
        "format": "JPEG",
        "bytes": len(data),
        "width": 640,
        "height": 480,
    }


@pytest.mark.parametrize("case", sorted(corpus.REFUSED))
def test_refused_upload_stores_nothing(draft, author, committed, case: str) -> None:
    obj = draft("BAD-2")
    make, message = corpus.REFUSED[case]
    with committed(), pytest.raises(ApplicationError) as refused:
        object_image_upload(actor=author, obj=obj, data=make())
    assert message in refused.value.message
    assert not ObjectImage.objects.exists()
    assert not AuditEvent.objects.filter(action="image.upload").exists()
    assert private_files("BAD-2") == set()
    assert public_files("BAD-2") == set()


def test_upload_rolled_back_removes_the_private_copy(draft, author, monkeypatch) -> None:
    obj = draft("UP-4")

    def fail(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", fail)
    with pytest.raises(RuntimeError):
        object_image_upload(actor=author, obj=obj, data=image_bytes(640, 480))
    assert not ObjectImage.objects.exists()
    assert private_files("UP-4") == set()


def test_upload_needs_the_write_permission(draft, staff) -> None:
    obj = draft("UP-5")
    for name in ("outsider", "auditor", "partner_a", "administrator"):
        with pytest.raises(PermissionDenied):
            object_image_upload(actor=staff[name], obj=obj, data=image_bytes())
    with pytest.raises(PermissionDenied):
        object_image_upload(actor=None, obj=obj, data=image_bytes())
    assert not ObjectImage.objects.exists()
    assert private_files("UP-5") == set()


@pytest.mark.parametrize("status", [s for s in ObjectStatus.values if s != ObjectStatus.DRAFT])
def test_upload_only_to_a_draft(object_factory, author, status: str) -> None:
    obj = object_factory(code="UP-6", status=status)
    with pytest.raises(ApplicationError, match="only while the object is a draft"):
        object_image_upload(actor=author, obj=obj, data=image_bytes())
    assert private_files("UP-6") == set()


# --- Metadata never reaches a file on disk ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF", "HEIF"])
def test_uploaded_metadata_never_reaches_a_public_file(draft, author, committed, fmt: str) -> None:
    obj = draft(f"MD-{fmt}")
    data = corpus.with_metadata(fmt, size=(1600, 800))
    assert corpus.GPS_MARK.encode() in data
    with committed():
        image = object_image_upload(actor=author, obj=obj, data=data)
    image.refresh_from_db()
    assert image.status == ImageStatus.READY
    assert image.safety["metadata_clean"] is True
    files = public_files(obj.code)
    assert files == referenced(image)
    for rel in files:
        raw = (Path(settings.MEDIA_ROOT) / rel).read_bytes()
        for mark in corpus.MARKS:
            assert mark.encode() not in raw, (rel, mark)
        for marker in (
            b"Exif\x00\x00",
            b"ICC_PROFILE",
            b"http://ns.adobe.com/xap",
            b"Photoshop 3.0",
            b"8BIM",
        ):
            assert marker not in raw, (rel, marker)
        reopened = _read(rel)
        assert dict(reopened.getexif()) == {}
        assert not {"exif", "icc_profile", "xmp", "comment", "photoshop"} & set(reopened.info)
        assert scan.metadata_problems(raw) == []


# --- Processing: the task's body ---------------------------------------------------------------------


def test_processing_twice_gives_the_same_result_and_no_orphan(draft, author, committed) -> None:
    obj = draft("IDEM-1")
    with committed():
        image = object_image_upload(actor=author, obj=obj, data=image_bytes(1500, 1000))
    image.refresh_from_db()
    first = (image.derivatives, image.perceptual_hash, image.width, image.height)
    contents = {rel: (Path(settings.MEDIA_ROOT) / rel).read_bytes() for rel in referenced(image)}
    with committed():
        again = object_image_process(image_id=image.pk)
    assert again is not None
    assert (again.derivatives, again.perceptual_hash, again.width, again.height) == first
    assert again.status == ImageStatus.READY
    assert public_files("IDEM-1") == set(contents)
    assert {rel: (Path(settings.MEDIA_ROOT) / rel).read_bytes() for rel in contents} == contents


def test_processing_a_removed_image_does_nothing(db) -> None:
    assert object_image_process(image_id=987654) is None


def test_processing_with_a_missing_original_fails_clearly(draft, author, committed) -> None:
    obj = draft("FAIL-1")
    with committed():
        image = object_image_upload(actor=author, obj=obj, data=image_bytes(800, 600))
    image.refresh_from_db()
    assert image.status == ImageStatus.READY
    (Path(settings.PRIVATE_MEDIA_ROOT) / image.original_path).unlink()
    with committed():
        failed = object_image_process(image_id=image.pk)
    assert failed is not None
    assert failed.status == ImageStatus.FAILED
    assert "original is missing" in failed.error
    # Derivatives made from other edits must not stay reachable.
    assert failed.derivatives == []
    assert public_files("FAIL-1") == set()


def test_a_run_overtaken_by_an_edit_commits_nothing_and_leaves_no_file(draft, author, monkeypatch) -> None:
    """If the edits change while a run works, its result is stale: the newer run wins."""
    obj = draft("RACE-1")
    image = object_image_upload(actor=author, obj=obj, data=image_bytes(800, 600))
    real_scan = scan.image_scan

    def scan_then_edit(**kwargs):
        ObjectImage.objects.filter(pk=image.pk).update(
            redactions=[{"box": [0, 0, 100, 100], "mode": "black"}]
        )
        return real_scan(**kwargs)

    monkeypatch.setattr(scan, "image_scan", scan_then_edit)
    result = object_image_process(image_id=image.pk)
    assert result is not None
    assert result.status == ImageStatus.PENDING
    assert result.derivatives == []
    assert public_files("RACE-1") == set()


def test_unexpected_errors_mark_the_image_failed_and_leave_no_file(draft, author, monkeypatch) -> None:
    obj = draft("BUG-1")
    image = object_image_upload(actor=author, obj=obj, data=image_bytes(800, 600))

    def broken(**kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(scan, "image_scan", broken)
    with pytest.raises(ZeroDivisionError):
        object_image_process(image_id=image.pk)
    image.refresh_from_db()
    assert image.status == ImageStatus.FAILED
    assert "unexpectedly" in image.error
    assert public_files("BUG-1") == set()


# --- Edits --------------------------------------------------------------------------------------------


def _uploaded(draft, author, committed, code: str, data: bytes | None = None) -> ObjectImage:
    obj = draft(code)
    with committed():
        image = object_image_upload(
            actor=author, obj=obj, data=data or corpus.encode(corpus.picture(1600, 800), "JPEG")
        )
    image.refresh_from_db()
    assert image.status == ImageStatus.READY
    return image


def test_added_redaction_removes_the_unredacted_files(draft, author, committed) -> None:
    image = _uploaded(draft, author, committed, "RED-1")
    unredacted = referenced(image)
    box = [400, 200, 1000, 600]
    with committed():
        object_image_edit(actor=author, image=image, crop=None, redactions=[{"box": box, "mode": "black"}])
    image.refresh_from_db()
    assert image.status == ImageStatus.READY
    assert image.redactions == [{"box": box, "mode": "black"}]
    redacted = referenced(image)
    assert not redacted & unredacted
    for rel in unredacted:
        assert not (Path(settings.MEDIA_ROOT) / rel).exists(), rel
    assert public_files("RED-1") == redacted
    for derivative in image.derivatives:
        pixels = np.asarray(_read(derivative["path"]).convert("RGB"), dtype=np.int16)
        scale = derivative["width"] / 1600
        centre = pixels[round(400 * scale), round(700 * scale)]
        assert centre.max() <= 8, derivative


def test_crop_edit_changes_the_dimensions(draft, author, committed) -> None:
    image = _uploaded(draft, author, committed, "CROP-1")
    with committed():
        object_image_edit(actor=author, image=image, crop=[100, 100, 900, 500], redactions=[])
    image.refresh_from_db()
    assert (image.width, image.height) == (800, 400)
    assert {(d["width"], d["height"]) for d in image.derivatives} == {(320, 160), (640, 320), (800, 400)}
    assert public_files("CROP-1") == referenced(image)
    # Removing the crop again brings back the full picture.
    with committed():
        object_image_edit(actor=author, image=image, crop=None, redactions=[])
    image.refresh_from_db()
    assert (image.width, image.height) == (1600, 800)
    assert image.crop is None


def test_edit_is_audited_with_the_previous_edits(draft, author, committed) -> None:
    image = _uploaded(draft, author, committed, "AUD-1")
    object_image_edit(
        actor=author, image=image, crop=[0, 0, 800, 800], redactions=[{"box": [1, 2, 30, 40], "mode": "blur"}]
    )
    event = AuditEvent.objects.get(action="image.edit")
    assert event.actor == author
    assert event.details == {
        "image": image.pk,
        "crop": [0, 0, 800, 800],
        "redactions": [{"box": [1, 2, 30, 40], "mode": "blur"}],
        "previous": {"crop": None, "redactions": []},
    }
    image.refresh_from_db()
    assert image.status == ImageStatus.PENDING  # processing queued after the commit


def test_unchanged_edit_does_nothing(draft, author, committed) -> None:
    image = _uploaded(draft, author, committed, "SAME-1")
    # A crop of the whole picture is no crop.
    result = object_image_edit(actor=author, image=image, crop=[0, 0, 1600, 800], redactions=[])
    assert result.status == ImageStatus.READY
    assert not AuditEvent.objects.filter(action="image.edit").exists()


@pytest.mark.parametrize(
    ("crop", "redactions"),
    [([0, 0, 1700, 800], []), ([0, 0, 0, 10], []), (None, [{"box": [0, 0, 1601, 10], "mode": "black"}])],
)
def test_edit_boxes_must_lie_inside_the_upright_upload(draft, author, committed, crop, redactions) -> None:
    image = _uploaded(draft, author, committed, "BOX-1")
    with pytest.raises(ApplicationError, match="inside the image"):
        object_image_edit(actor=author, image=image, crop=crop, redactions=redactions)
    image.refresh_from_db()
    assert (image.crop, image.redactions, image.status) == (None, [], ImageStatus.READY)


def test_edit_boxes_use_the_oriented_size(draft, author, committed) -> None:
    """Stored 200x100 with orientation 6: upright it is 100x200, so x may not exceed 100."""
    image = _uploaded(draft, author, committed, "ORI-1", data=corpus.oriented_jpeg(6))
    with pytest.raises(ApplicationError, match="inside the image"):
        object_image_edit(actor=author, image=image, crop=[0, 0, 150, 100], redactions=[])
    object_image_edit(actor=author, image=image, crop=[0, 0, 100, 150], redactions=[])


def test_edit_needs_permission_and_a_draft(draft, author, staff, committed) -> None:
    image = _uploaded(draft, author, committed, "PERM-1")
    with pytest.raises(PermissionDenied):
        object_image_edit(actor=staff["outsider"], image=image, crop=None, redactions=[])
    image.object.status = ObjectStatus.IN_REVIEW
    image.object.save()
    with pytest.raises(ApplicationError, match="draft"):
        object_image_edit(actor=author, image=image, crop=None, redactions=[])


# --- Removal, reprocessing, rescans -----------------------------------------------------------------


def test_remove_deletes_files_and_row_and_is_audited(draft, author, committed) -> None:
    image = _uploaded(draft, author, committed, "DEL-1")
    files = referenced(image)
    original = image.original_path
    with committed():
        object_image_remove(actor=author, image=image)
    assert not ObjectImage.objects.filter(pk=image.pk).exists()
    assert public_files("DEL-1") == set()
    assert not (Path(settings.PRIVATE_MEDIA_ROOT) / original).exists()
    event = AuditEvent.objects.get(action="image.remove")
    assert event.details == {"image": image.pk, "position": 0, "files": len(files)}
    # Twice is harmless.
    object_image_remove(actor=author, image=image)


def test_remove_keeps_files_another_row_still_uses(draft, author, committed) -> None:
    """The same picture uploaded twice shares content-named files; removing one keeps the other's."""
    obj = draft("DUP-1")
    data = image_bytes(900, 600)
    with committed():
        first = object_image_upload(actor=author, obj=obj, data=data)
        second = object_image_upload(actor=author, obj=obj, data=data)
    first.refresh_from_db()
    second.refresh_from_db()
    assert referenced(first) == referenced(second)
    with committed():
        object_image_remove(actor=author, image=first)
    assert public_files("DUP-1") == referenced(second)
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / second.original_path).exists()


def test_remove_is_possible_on_a_published_object(object_factory, author, committed) -> None:
    obj = object_factory(code="PUB-1")
    image = object_image_add(obj=obj, data=image_bytes())
    with committed():
        object_image_remove(actor=author, image=image)
    assert public_files("PUB-1") == set()


def test_remove_needs_permission(draft, author, staff, committed) -> None:
    image = _uploaded(draft, author, committed, "PERM-2")
    with pytest.raises(PermissionDenied):
        object_image_remove(actor=staff["auditor"], image=image)
    assert ObjectImage.objects.filter(pk=image.pk).exists()


def test_reprocess_after_a_failure(draft, author, committed) -> None:
    image = _uploaded(draft, author, committed, "REP-1")
    ObjectImage.objects.filter(pk=image.pk).update(status=ImageStatus.FAILED, error="boom")
    with committed():
        object_image_reprocess(actor=author, image=image)
    image.refresh_from_db()
    assert image.status == ImageStatus.READY
    assert image.error == ""
    assert AuditEvent.objects.filter(action="image.reprocess").count() == 1


def test_rescan_finds_objects_published_since(draft, author, committed, object_factory) -> None:
    data = image_bytes(900, 600)
    image = _uploaded(draft, author, committed, "SCAN-1", data=data)
    assert image.safety["near_duplicates"] == []
    object_image_add(obj=object_factory(code="SCAN-PUB"), data=data)
    [rescanned] = object_images_scan(actor=author, obj=image.object)
    assert rescanned.safety["near_duplicates"] == [{"object": "SCAN-PUB", "distance": 0}]
    assert AuditEvent.objects.get(action="image.scan").details["near_duplicates"] == 1
    with pytest.raises(PermissionDenied):
        object_images_scan(actor=None, obj=image.object)


# --- The orphan sweep ---------------------------------------------------------------------------------


def test_orphan_sweep_removes_only_old_unreferenced_files(object_factory) -> None:
    image = object_image_add(obj=object_factory(code="ORPH-1"), data=image_bytes())
    media = Path(settings.MEDIA_ROOT)
    old_orphan = media / "objects" / "ORPH-1" / "0000000000000000-320.webp"
    young_orphan = media / "objects" / "ORPH-1" / "1111111111111111-320.webp"
    stale_tmp = media / ".incoming" / "leftover.tmp"
    for path in (old_orphan, young_orphan, stale_tmp):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    two_hours_ago = time.time() - 7200
    for path in (old_orphan, stale_tmp, *(media / rel for rel in referenced(image))):
        os.utime(path, (two_hours_ago, two_hours_ago))

    planned = media_orphans_remove(dry_run=True)
    assert old_orphan.exists()
    assert set(planned) >= {"objects/ORPH-1/0000000000000000-320.webp", ".incoming/leftover.tmp"}
    removed = media_orphans_remove()
    assert set(removed) == set(planned)
    assert not old_orphan.exists()
    assert not stale_tmp.exists()
    assert young_orphan.exists()
    for rel in referenced(image):
        assert (media / rel).exists()
