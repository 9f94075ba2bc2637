"""Writes for object images: upload, processing, edits, removal and the safety scan.

The life of an image: ``object_image_upload`` checks the file completely (type by content, pixel count
from the header, then a validating decode), keeps the original privately, creates the row as *pending*
and queues ``tasks.image_process`` after the commit. Processing (``object_image_process``) makes the
derivatives from decoded pixels, scans them and marks the image *ready* or *failed*. Edits (crop,
redactions) go back through processing; the derivatives they replace are deleted once the new ones are
in place, because an unredacted file must not stay reachable.

Public files are named by content. Two rows may share a file (the same picture uploaded twice), so a
file is removed only when no row references it, checked under a lock on the object.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.core.errors import ApplicationError
from traceobject.core.permissions import Permission, permission_require
from traceobject.gallery.models import ImageStatus, Object, ObjectImage, ObjectStatus
from traceobject.imaging import scan, storage
from traceobject.imaging.sanitize import (
    SanitizedImage,
    SourceInfo,
    check_edits,
    edits_as_json,
    inspect,
    sanitize,
    source_size,
)

logger = logging.getLogger(__name__)

# Images are added and edited while the object is a draft: the publication review approves exactly the
# pixels it saw. To change the images of an object under review or out, send it back or withdraw it.
EDITABLE_STATUSES = (ObjectStatus.DRAFT,)
# The orphan sweep leaves younger files alone: they may belong to a processing run not yet committed.
ORPHAN_MIN_AGE_SECONDS = 3600


# --- Checks -----------------------------------------------------------------------------------------


def _require_editable(obj: Object) -> None:
    if obj.status not in EDITABLE_STATUSES:
        raise ApplicationError(_("Images can be added or changed only while the object is a draft."))


def _check_upload(data: bytes) -> SourceInfo:
    return inspect(data, max_pixels=settings.IMAGE_MAX_PIXELS, max_bytes=settings.STAFF_MAX_UPLOAD_BYTES)


# --- Files ------------------------------------------------------------------------------------------


def _keep_original(obj: Object, data: bytes) -> tuple[str, bool]:
    """Store the upload privately, named by its hash; returns the path and whether it is new."""
    rel = f"uploads/{obj.code}/{hashlib.sha256(data).hexdigest()}"
    return rel, storage.write_private(rel, data)


def _forget_original(rel: str, created: bool) -> None:
    """Undo ``_keep_original`` after a failed transaction, unless another row uses the same file."""
    if created and not ObjectImage.objects.filter(original_path=rel).exists():
        storage.remove_private([rel])


def _referenced_paths(object_id: int) -> set[str]:
    return {
        derivative["path"]
        for derivatives in ObjectImage.objects.filter(object_id=object_id).values_list(
            "derivatives", flat=True
        )
        for derivative in derivatives or []
    }


def _remove_unreferenced(object_id: int, paths: Iterable[str], original: str = "") -> None:
    """Delete public files (and a private original) that no row references any more.

    The object's row is locked while checking and deleting, and a processing run locks it to commit:
    together with ``_ensure_files`` after that commit, no committed row can end up without its files.
    """
    paths = set(paths)
    if not paths and not original:
        return
    with transaction.atomic():
        Object.objects.select_for_update().filter(pk=object_id).first()
        storage.remove_public(sorted(paths - _referenced_paths(object_id)))
        if original and not ObjectImage.objects.filter(original_path=original).exists():
            storage.remove_private([original])


def _write_derivatives(
    code: str, result: SanitizedImage
) -> tuple[list[dict[str, Any]], dict[str, bytes], list[str]]:
    """Write the files; returns the ``derivatives`` JSON, every file by path, and the paths this run
    created (the ones to remove again if the run does not commit)."""
    derivatives: list[dict[str, Any]] = []
    files: dict[str, bytes] = {}
    created: list[str] = []
    for derivative in result.derivatives:
        rel = f"objects/{code}/{result.digest[:16]}-{derivative.width}.{derivative.format}"
        files[rel] = derivative.data
        if storage.write_public(rel, derivative.data):
            created.append(rel)
        derivatives.append(
            {"width": derivative.width, "height": derivative.height, "format": derivative.format, "path": rel}
        )
    return derivatives, files, created


def _ensure_files(files: dict[str, bytes]) -> None:
    """After the commit: put back any file that a concurrent clean-up removed before the commit."""
    for rel, data in files.items():
        if not storage.public_path(rel).exists():
            storage.write_public(rel, data)


# --- Upload -----------------------------------------------------------------------------------------


def _create_row(
    *, obj: Object, original: str, source: SourceInfo, alt_text: str, position: int | None, uploaded_by: Any
) -> ObjectImage:
    if position is None:
        last = obj.images.aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
    return ObjectImage.objects.create(
        object=obj,
        position=position,
        alt_text=alt_text,
        original_path=original,
        width=source.width,
        height=source.height,
        status=ImageStatus.PENDING,
        uploaded_by=uploaded_by if getattr(uploaded_by, "is_authenticated", False) else None,
    )


def _enqueue(image_id: int) -> None:
    from traceobject.imaging.tasks import image_process  # the task module imports this one

    image_process.enqueue(image_id)


def object_image_upload(*, actor: Any, obj: Object, data: bytes, alt_text: str = "") -> ObjectImage:
    """Accept an upload for a draft object and queue its processing.

    Everything that can refuse the file runs before anything is stored, and a failure after that
    removes the private copy again: a refused upload leaves no row and no file.
    """
    permission_require(actor, Permission.GALLERY_OBJECT_WRITE)
    _require_editable(obj)
    source = _check_upload(data)
    original, created = _keep_original(obj, data)
    try:
        with transaction.atomic():
            image = _create_row(
                obj=obj, original=original, source=source, alt_text=alt_text, position=None, uploaded_by=actor
            )
            audit_record(
                actor=actor,
                action=AuditAction.IMAGE_UPLOAD,
                target=obj,
                details={
                    "image": image.pk,
                    "format": source.format,
                    "bytes": len(data),
                    "width": source.width,
                    "height": source.height,
                },
            )
            transaction.on_commit(partial(_enqueue, image.pk), robust=True)
    except BaseException:
        _forget_original(original, created)
        raise
    return image


def object_image_add(
    *, obj: Object, data: bytes, alt_text: str = "", position: int | None = None
) -> ObjectImage:
    """Upload and process in one step, for the demo and the factories (not Django's admin, which is
    read-only for objects: a staff member's upload goes through ``object_image_upload``).

    The same checks, storage and processing as ``object_image_upload`` and the task, run in the
    caller's thread; no audit event, as no staff member acts. A file that fails processing is
    refused, leaving nothing stored.
    """
    source = _check_upload(data)
    original, created = _keep_original(obj, data)
    try:
        with transaction.atomic():
            image = _create_row(
                obj=obj,
                original=original,
                source=source,
                alt_text=alt_text,
                position=position,
                uploaded_by=None,
            )
    except BaseException:
        _forget_original(original, created)
        raise
    try:
        processed = object_image_process(image_id=image.pk)
    except BaseException:
        _discard(image.pk)
        raise
    if processed is None or processed.status != ImageStatus.READY:
        _discard(image.pk)
        raise ApplicationError(processed.error if processed else _("The image could not be processed."))
    return processed


def _discard(image_id: int) -> None:
    with transaction.atomic():
        image = ObjectImage.objects.select_for_update().filter(pk=image_id).first()
        if image is None:
            return
        paths, original, object_id = (
            [d["path"] for d in image.derivatives],
            image.original_path,
            image.object_id,
        )
        image.delete()
    _remove_unreferenced(object_id, paths, original)


# --- Processing -------------------------------------------------------------------------------------


def _edits_key(image: ObjectImage) -> tuple[Any, Any, str]:
    return image.crop, image.redactions, image.original_path


def object_image_process(*, image_id: int) -> ObjectImage | None:
    """Make, scan and record the derivatives of one image; the body of ``tasks.image_process``.

    Safe to run twice or concurrently: files are named by content, the row is updated only if its
    edits are still those this run worked from (otherwise a newer run is queued and wins), and old
    derivatives are removed only after the new ones are committed. Returns None if the row is gone.
    """
    image = ObjectImage.objects.select_related("object").filter(pk=image_id).first()
    if image is None:
        return None
    snapshot = _edits_key(image)
    files: dict[str, bytes] = {}
    created: list[str] = []
    committed = False
    try:
        try:
            data = storage.read_private(image.original_path)
        except (OSError, ValueError):
            return _mark_failed(
                image_id,
                image.object_id,
                snapshot,
                _("The uploaded original is missing: upload the image again."),
            )
        try:
            result = sanitize(
                data,
                widths=settings.IMAGE_WIDTHS,
                max_pixels=settings.IMAGE_MAX_PIXELS,
                crop=image.crop,
                redactions=image.redactions,
            )
        except ApplicationError as exc:
            return _mark_failed(image_id, image.object_id, snapshot, exc.message)
        del data
        derivatives, files, created = _write_derivatives(image.object.code, result)
        safety = scan.image_scan(
            object_id=image.object_id, derivatives=derivatives, width=result.width, phash=result.phash
        )
        with transaction.atomic():
            Object.objects.select_for_update().filter(pk=image.object_id).first()
            current = ObjectImage.objects.select_for_update().filter(pk=image_id).first()
            if current is None or _edits_key(current) != snapshot:
                return current
            replaced = {d["path"] for d in current.derivatives} - set(files)
            current.derivatives = derivatives
            current.width, current.height = result.width, result.height
            current.perceptual_hash = result.phash
            current.safety = safety
            current.status = ImageStatus.READY
            current.error = ""
            current.processed_at = timezone.now()
            current.save(
                update_fields=[
                    "derivatives",
                    "width",
                    "height",
                    "perceptual_hash",
                    "safety",
                    "status",
                    "error",
                    "processed_at",
                ]
            )
            committed = True
            transaction.on_commit(partial(_after_processing, image.object_id, files, replaced))
        return current
    except Exception:
        logger.exception("Processing object image %s failed unexpectedly", image_id)
        _mark_failed(
            image_id,
            image.object_id,
            snapshot,
            _("Processing failed unexpectedly. Try again, or ask an administrator."),
        )
        raise
    finally:
        if not committed and created:
            _remove_unreferenced(image.object_id, created)


def _after_processing(object_id: int, files: dict[str, bytes], replaced: set[str]) -> None:
    _ensure_files(files)
    _remove_unreferenced(object_id, replaced)


def _mark_failed(
    image_id: int, object_id: int, snapshot: tuple[Any, Any, str], message: str
) -> ObjectImage | None:
    """Record a failure, and drop the derivatives: they were made from other edits than the current
    ones (a redaction may be missing from them), so they must not stay reachable."""
    with transaction.atomic():
        Object.objects.select_for_update().filter(pk=object_id).first()  # the object first, as everywhere
        current = ObjectImage.objects.select_for_update().filter(pk=image_id).first()
        if current is None or _edits_key(current) != snapshot:
            return current
        replaced = {d["path"] for d in current.derivatives}
        current.status = ImageStatus.FAILED
        current.error = message
        current.derivatives = []
        current.perceptual_hash = ""
        current.safety = {}
        current.processed_at = timezone.now()
        current.save(
            update_fields=["status", "error", "derivatives", "perceptual_hash", "safety", "processed_at"]
        )
        transaction.on_commit(partial(_remove_unreferenced, current.object_id, replaced))
    return current


# --- Edits, removal, scans --------------------------------------------------------------------------


def object_image_edit(*, actor: Any, image: ObjectImage, crop: Any, redactions: Any) -> ObjectImage:
    """Set the crop and redactions (in the oriented upload's pixels) and process the image again.

    A crop covering the whole image is stored as no crop. Unchanged edits change nothing.
    """
    permission_require(actor, Permission.GALLERY_OBJECT_WRITE)
    obj = image.object
    _require_editable(obj)
    try:
        data = storage.read_private(image.original_path)
    except (OSError, ValueError) as exc:
        raise ApplicationError(_("The uploaded original is missing: upload the image again.")) from exc
    size = source_size(data, max_pixels=settings.IMAGE_MAX_PIXELS)
    del data
    checked_crop, checked_redactions = check_edits(crop, redactions if redactions is not None else [], size)
    if checked_crop == (0, 0, *size):
        checked_crop = None
    crop_json, redactions_json = edits_as_json(checked_crop, checked_redactions)
    with transaction.atomic():
        current = ObjectImage.objects.select_for_update().filter(pk=image.pk).first()
        if current is None:
            raise ApplicationError(_("This image no longer exists."))
        if current.crop == crop_json and current.redactions == redactions_json:
            return current
        previous = {"crop": current.crop, "redactions": current.redactions}
        current.crop, current.redactions = crop_json, redactions_json
        current.status, current.error = ImageStatus.PENDING, ""
        current.save(update_fields=["crop", "redactions", "status", "error"])
        audit_record(
            actor=actor,
            action=AuditAction.IMAGE_EDIT,
            target=obj,
            details={
                "image": current.pk,
                "crop": crop_json,
                "redactions": redactions_json,
                "previous": previous,
            },
        )
        transaction.on_commit(partial(_enqueue, current.pk), robust=True)
    return current


def object_image_remove(*, actor: Any, image: ObjectImage) -> None:
    """Delete an image and its files (derivatives and private original), in any object state: taking
    a picture down must always be possible at once."""
    permission_require(actor, Permission.GALLERY_OBJECT_WRITE)
    with transaction.atomic():
        Object.objects.select_for_update().filter(pk=image.object_id).first()
        current = ObjectImage.objects.select_for_update().select_related("object").filter(pk=image.pk).first()
        if current is None:
            return
        paths = [d["path"] for d in current.derivatives]
        audit_record(
            actor=actor,
            action=AuditAction.IMAGE_REMOVE,
            target=current.object,
            details={"image": current.pk, "position": current.position, "files": len(paths)},
        )
        current.delete()
        transaction.on_commit(partial(_remove_unreferenced, current.object_id, paths, current.original_path))


def object_image_reprocess(*, actor: Any, image: ObjectImage) -> ObjectImage:
    """Queue processing again (after a failure, or an upgrade of the pipeline); the edits stay."""
    permission_require(actor, Permission.GALLERY_OBJECT_WRITE)
    with transaction.atomic():
        current = ObjectImage.objects.select_for_update().select_related("object").filter(pk=image.pk).first()
        if current is None:
            raise ApplicationError(_("This image no longer exists."))
        if current.status == ImageStatus.FAILED:
            current.status, current.error = ImageStatus.PENDING, ""
            current.save(update_fields=["status", "error"])
        audit_record(
            actor=actor,
            action=AuditAction.IMAGE_REPROCESS,
            target=current.object,
            details={"image": current.pk},
        )
        transaction.on_commit(partial(_enqueue, current.pk), robust=True)
    return current


def object_images_scan(*, actor: Any, obj: Object) -> list[ObjectImage]:
    """Run the safety scan again on the object's ready images, for the reviewer: objects published
    since the last scan may now be near-duplicates."""
    permission_require(actor, Permission.GALLERY_OBJECT_WRITE, Permission.GALLERY_OBJECT_REVIEW, any_of=True)
    images = list(obj.images.filter(status=ImageStatus.READY))
    results = {image.pk: scan.object_image_scan(image) for image in images}
    with transaction.atomic():
        scanned = []
        for image in ObjectImage.objects.select_for_update().filter(pk__in=results, status=ImageStatus.READY):
            image.safety = results[image.pk]
            image.save(update_fields=["safety"])
            scanned.append(image)
        audit_record(
            actor=actor,
            action=AuditAction.IMAGE_SCAN,
            target=obj,
            details={
                "images": len(scanned),
                "faces": sum(len(i.safety["faces"]) for i in scanned),
                "metadata_clean": all(i.safety["metadata_clean"] for i in scanned),
                "near_duplicates": sum(len(i.safety["near_duplicates"]) for i in scanned),
            },
        )
    return sorted(scanned, key=lambda i: (i.position, i.pk))


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:  # removed meanwhile
        return float("inf")


def media_orphans_remove(
    *, dry_run: bool = False, min_age_seconds: int = ORPHAN_MIN_AGE_SECONDS
) -> list[str]:
    """Delete public files under ``objects/`` that no row references (left by a crash between writing
    files and committing, or by a rolled-back outer transaction), and stale temporary files.

    Files younger than ``min_age_seconds`` are kept: a processing run may be about to commit them.
    Meant for a periodic job; returns the paths removed (or that would be, with ``dry_run``).
    """
    referenced = {
        derivative["path"]
        for derivatives in ObjectImage.objects.values_list("derivatives", flat=True)
        for derivative in derivatives or []
    }
    cutoff = time.time() - min_age_seconds
    media = Path(settings.MEDIA_ROOT)
    candidates = [rel for rel in storage.public_files("objects") if rel not in referenced]
    candidates += [str(p.relative_to(media)) for p in (media / ".incoming").glob("*.tmp")]
    old = [rel for rel in candidates if _modified(media / rel) < cutoff]
    if not dry_run:
        for rel in old:
            (media / rel).unlink(missing_ok=True)
    return old


# --- Withdrawal (``gallery.hooks.object_withdrawn``) --------------------------------------------------


def _public_files(obj: Object) -> list[str]:
    return [
        str(derivative["path"])
        for derivatives in obj.images.values_list("derivatives", flat=True)
        for derivative in derivatives or []
        if derivative.get("path")
    ]


def _remove_public_files(paths: list[str]) -> None:
    try:
        storage.remove_public(paths)
    except (OSError, ValueError):
        logger.exception("could not delete the public files of a withdrawn object")


def object_withdrawn_files_remove(*, obj: Object) -> None:
    """A withdrawn object's public image files go once the withdrawal has committed, so that a saved
    link to a derivative stops working too; the private originals stay, as evidence."""
    paths = _public_files(obj)
    transaction.on_commit(lambda: _remove_public_files(paths))
