"""Writes for object images: storing the private original and the public derivatives."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from traceobject.gallery.models import Object, ObjectImage
from traceobject.imaging.sanitize import sanitize


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def object_image_add(
    *, obj: Object, data: bytes, alt_text: str = "", position: int | None = None
) -> ObjectImage:
    """Store an upload privately and create its public derivatives in one step.

    The derivative files are named by content, so writing them before the row commits can never
    expose a half-made image under a name a page links to; a failed transaction leaves only
    unreferenced files.
    """
    result = sanitize(data, widths=settings.IMAGE_WIDTHS, max_pixels=settings.IMAGE_MAX_PIXELS)
    upload_digest = hashlib.sha256(data).hexdigest()
    original_rel = f"uploads/{obj.code}/{upload_digest}"
    _write_atomic(Path(settings.PRIVATE_MEDIA_ROOT) / original_rel, data)
    derivatives = []
    for derivative in result.derivatives:
        rel = f"objects/{obj.code}/{result.digest[:16]}-{derivative.width}.{derivative.format}"
        _write_atomic(Path(settings.MEDIA_ROOT) / rel, derivative.data)
        derivatives.append(
            {"width": derivative.width, "height": derivative.height, "format": derivative.format, "path": rel}
        )
    with transaction.atomic():
        if position is None:
            position = obj.images.count()
        return ObjectImage.objects.create(
            object=obj,
            position=position,
            alt_text=alt_text,
            original_path=original_rel,
            width=result.width,
            height=result.height,
            derivatives=derivatives,
            processed_at=timezone.now(),
        )
