from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from tests.factories import image_bytes
from traceobject.core.errors import ApplicationError
from traceobject.gallery.models import ObjectImage
from traceobject.imaging.services import object_image_add


def test_object_image_add_keeps_the_upload_private_and_publishes_derivatives(object_factory) -> None:
    obj = object_factory(code="IMG-1")
    upload = image_bytes(700, 350, fmt="PNG")
    image = object_image_add(obj=obj, data=upload, alt_text="A lamp")

    assert image.object == obj
    assert (image.width, image.height) == (700, 350)
    assert image.alt_text == "A lamp"
    assert image.processed_at is not None

    original = Path(settings.PRIVATE_MEDIA_ROOT) / image.original_path
    assert original.read_bytes() == upload
    assert image.original_path == f"uploads/IMG-1/{hashlib.sha256(upload).hexdigest()}"
    media_root = Path(settings.MEDIA_ROOT).resolve()
    assert media_root not in original.resolve().parents

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
        path = Path(settings.MEDIA_ROOT) / derivative["path"]
        with Image.open(io.BytesIO(path.read_bytes())) as reopened:
            assert reopened.size == (derivative["width"], derivative["height"])
            assert reopened.format == derivative["format"].upper()
        assert not path.with_suffix(path.suffix + ".tmp").exists()


def test_positions_follow_the_order_of_addition(object_factory) -> None:
    obj = object_factory()
    first = object_image_add(obj=obj, data=image_bytes(100, 100))
    second = object_image_add(obj=obj, data=image_bytes(100, 100, color=(0, 0, 0)))
    chosen = object_image_add(obj=obj, data=image_bytes(100, 100, color=(9, 9, 9)), position=0)
    assert (first.position, second.position, chosen.position) == (0, 1, 0)
    assert list(obj.images.all()) == [first, chosen, second]


def test_refused_upload_stores_nothing(object_factory) -> None:
    obj = object_factory(code="BAD-1")
    with pytest.raises(ApplicationError):
        object_image_add(obj=obj, data=b"GIF89a not really")
    assert ObjectImage.objects.count() == 0
    assert not (Path(settings.PRIVATE_MEDIA_ROOT) / "uploads" / "BAD-1").exists()
    assert not (Path(settings.MEDIA_ROOT) / "objects" / "BAD-1").exists()
