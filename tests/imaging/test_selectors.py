"""The safety report the publication review shows, and its face overlay."""

from __future__ import annotations

import re

from django.template.loader import render_to_string

from tests.factories import image_bytes
from tests.imaging import corpus
from traceobject.gallery.models import ImageStatus, ObjectImage, ObjectStatus
from traceobject.imaging.selectors import object_safety_report
from traceobject.imaging.services import object_image_add


def _draft(object_factory, code: str):
    return object_factory(code=code, status=ObjectStatus.DRAFT, release=None)


def test_an_object_without_images_is_blocked(object_factory) -> None:
    report = object_safety_report(obj=_draft(object_factory, "REP-0"))
    assert report.blocking
    assert report.reasons == ["The object has no image."]
    assert report.images == []


def test_clean_ready_images_do_not_block(object_factory, django_assert_num_queries) -> None:
    obj = _draft(object_factory, "REP-1")
    object_image_add(obj=obj, data=image_bytes(800, 600))
    object_image_add(obj=obj, data=image_bytes(800, 600, color=(0, 90, 0)))
    with django_assert_num_queries(1):
        report = object_safety_report(obj=obj)
    assert not report.blocking
    assert report.reasons == []
    assert report.warnings == []
    assert [item.number for item in report.images] == [1, 2]
    first = report.images[0]
    assert first.metadata_clean
    assert first.face_scan
    assert first.faces == []
    assert first.preview_url.startswith("/staff/media/objects/REP-1/")
    assert first.preview_url.endswith("-800.jpeg")
    assert first.view_box == "0 0 800 600"


def test_pending_failed_unscanned_and_dirty_images_block(object_factory) -> None:
    obj = _draft(object_factory, "REP-2")
    images = [object_image_add(obj=obj, data=image_bytes(400, 300, color=(i, 0, 0))) for i in range(4)]
    ObjectImage.objects.filter(pk=images[0].pk).update(status=ImageStatus.PENDING)
    ObjectImage.objects.filter(pk=images[1].pk).update(
        status=ImageStatus.FAILED, error="The file is damaged."
    )
    ObjectImage.objects.filter(pk=images[2].pk).update(safety={})
    dirty = {**images[3].safety, "metadata_clean": False, "metadata_problems": ["x.jpeg: JPEG segment 0xE1"]}
    ObjectImage.objects.filter(pk=images[3].pk).update(safety=dirty)
    report = object_safety_report(obj=obj)
    assert report.blocking
    assert report.reasons == [
        "Image 1 is still being processed.",
        "Image 2 could not be processed: The file is damaged.",
        "Image 3 has not been through the safety scan.",
        "Image 4: a published file still carries metadata.",
    ]
    assert report.images[3].metadata_problems == ["x.jpeg: JPEG segment 0xE1"]
    assert all(item.is_blocking for item in report.images)


def test_faces_and_near_duplicates_warn_without_blocking(object_factory) -> None:
    picture = corpus.scene_with_face(900, 600, at=(500, 150))
    object_image_add(obj=object_factory(code="REP-PUB"), data=corpus.encode(picture, "JPEG"))
    obj = _draft(object_factory, "REP-3")
    object_image_add(obj=obj, data=corpus.encode(picture, "PNG"))
    report = object_safety_report(obj=obj)
    assert not report.blocking
    assert report.face_count == 1
    assert report.warnings == [
        "Image 1: the face detector found 1 possible face. Look at it, and redact or crop it out if it "
        "is one.",
        "Image 1 looks like an image already public, of: REP-PUB.",
    ]
    [face] = report.images[0].faces
    assert face.left_percent == round(100 * face.x / 900, 3)
    assert face.height_percent == round(100 * face.height / 600, 3)
    assert face.redaction_box == [face.x, face.y, face.x + face.width, face.y + face.height]
    assert report.images[0].near_duplicates[0].code == "REP-PUB"


def test_face_boxes_give_redaction_boxes_in_the_upload(object_factory) -> None:
    obj = _draft(object_factory, "REP-4")
    image = object_image_add(obj=obj, data=image_bytes(800, 600))
    ObjectImage.objects.filter(pk=image.pk).update(
        crop=[100, 50, 700, 550], width=600, height=500, safety={**image.safety, "faces": [[10, 20, 30, 40]]}
    )
    [face] = object_safety_report(obj=obj).images[0].faces
    assert (face.x, face.y, face.width, face.height) == (10, 20, 30, 40)
    assert face.redaction_box == [110, 70, 140, 110]
    assert face.left_percent == round(100 * 10 / 600, 3)


def test_a_face_scan_that_could_not_run_is_a_warning(object_factory) -> None:
    obj = _draft(object_factory, "REP-5")
    image = object_image_add(obj=obj, data=image_bytes(400, 300))
    ObjectImage.objects.filter(pk=image.pk).update(safety={**image.safety, "face_scan": False})
    report = object_safety_report(obj=obj)
    assert not report.blocking
    assert report.warnings == ["Image 1: the face detector could not run. Look for people yourself."]


def test_the_overlay_draws_the_faces_without_style_attributes(object_factory) -> None:
    obj = _draft(object_factory, "REP-6")
    object_image_add(obj=obj, data=corpus.encode(corpus.scene_with_face(900, 600, at=(500, 150)), "JPEG"))
    item = object_safety_report(obj=obj).images[0]
    html = render_to_string("imaging/safety_overlay.html", {"item": item})
    assert 'viewBox="0 0 900 600"' in html
    assert f'href="{item.preview_url}"' in html
    [face] = item.faces
    assert (
        f'<rect class="safety-face" x="{face.x}" y="{face.y}" width="{face.width}" height="{face.height}"'
        in html
    )
    assert "style=" not in html
    assert re.search(r"<title [^>]*>Image 1, with 1 possible face outlined</title>", html)


def test_no_overlay_before_processing(object_factory) -> None:
    obj = _draft(object_factory, "REP-7")
    image = object_image_add(obj=obj, data=image_bytes(400, 300))
    ObjectImage.objects.filter(pk=image.pk).update(status=ImageStatus.PENDING, derivatives=[])
    item = object_safety_report(obj=obj).images[0]
    assert render_to_string("imaging/safety_overlay.html", {"item": item}).strip() == ""
