"""The public media view serves only derivatives of ready images of publicly visible objects."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.staff_fixtures import login_verified
from tests.utils import drain
from traceobject.gallery.models import ObjectStatus
from traceobject.imaging.services import object_image_add


def _jpeg_path(image) -> str:
    return next(d["path"] for d in image.derivatives if d["format"] == "jpeg")


@pytest.mark.django_db
def test_published_derivative_is_served_and_cached(client, published_object) -> None:
    path = _jpeg_path(published_object.images.first())
    response = client.get(f"/media/{path}")
    drain(response)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.django_db
@pytest.mark.parametrize("status", [ObjectStatus.DRAFT, ObjectStatus.IN_REVIEW, ObjectStatus.WITHDRAWN])
def test_unpublished_derivative_is_not_public(client, published_object, status) -> None:
    path = _jpeg_path(published_object.images.first())
    published_object.status = status
    published_object.save(update_fields=["status"])
    assert client.get(f"/media/{path}").status_code == 404


@pytest.mark.django_db
def test_a_file_of_another_object_or_outside_objects_is_not_served(client, published_object) -> None:
    path = _jpeg_path(published_object.images.first())
    assert client.get("/media/objects/NOPE-2026/" + path.rsplit("/", 1)[1]).status_code == 404
    assert client.get("/media/objects/../keys/django-secret.key").status_code == 404


@pytest.mark.django_db
def test_staff_preview_of_a_draft_needs_the_permission(client, staff, published_object) -> None:
    published_object.status = ObjectStatus.DRAFT
    published_object.save(update_fields=["status"])
    image = object_image_add(obj=published_object, data=_png())
    path = _jpeg_path(image)
    assert client.get(f"/staff/media/{path}").status_code == 302  # anonymous: to the login page
    assert login_verified(client, staff["partner_a"]).get(f"/staff/media/{path}").status_code == 403
    response = login_verified(client, staff["analyst"]).get(f"/staff/media/{path}")
    drain(response)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()
