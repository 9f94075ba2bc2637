"""Publication from end to end: authoring, four-eyes review, release at its time, and withdrawal from every
public page."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image, ImageDraw

from tests.disclosure import locate
from tests.factories import image_bytes
from tests.utils import drain, tip_form_data
from traceobject.audit.models import AuditEvent
from traceobject.gallery import services
from traceobject.gallery.models import REVIEW_CHECKLIST, Audience, Object, ObjectStatus, Release

pytestmark = pytest.mark.django_db

ALL_TICKED = list(REVIEW_CHECKLIST)
SECRET_MAKE = "SecretCam-Serial-8812"
SECRET_COMMENT = b"victim-house-comment"


def jpeg_with_gps(width: int = 900, height: int = 700) -> bytes:
    """A JPEG that carries what must never reach the public: GPS position, camera serial, a comment."""
    image = Image.new("RGB", (width, height), (200, 180, 40))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width // 4, height // 4, width * 3 // 4, height * 3 // 4), fill=(30, 90, 160))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = SECRET_MAKE
    exif[ExifTags.Base.Model] = "Model-X"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 13.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (21.0, 0.0, 45.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=SECRET_COMMENT)
    return out.getvalue()


def _html(response) -> str:
    return response.content.decode()


def _gallery_codes(client) -> list[str]:
    return re.findall(r'<span class="card-code">([^<]*)</span>', _html(client.get("/")))


def _publish(staff, obj: Object, release: Release, audience: str = Audience.PUBLIC) -> Object:
    services.object_submit(actor=staff["analyst"], obj=obj)
    services.object_approve(actor=staff["publisher_two"], obj=obj, checklist=ALL_TICKED)
    return services.object_assign_release(
        actor=staff["publisher"], obj=obj, release=release, audience=audience
    )


def _media_status(client, rel: str) -> int:
    """Fetch a public media file, closing the file response so that no handle is left open."""
    response = client.get(f"/media/{rel}")
    drain(response)
    return response.status_code


def _assert_no_metadata(path: Path) -> None:
    data = path.read_bytes()
    assert SECRET_MAKE.encode() not in data
    assert SECRET_COMMENT not in data
    assert b"Exif" not in data
    assert b"http://ns.adobe.com/xap" not in data  # XMP
    with Image.open(io.BytesIO(data)) as reopened:
        assert not reopened.getexif()
        assert not reopened.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"):
            assert key not in reopened.info, (path, key)


# --- Release time -------------------------------------------------------------------------------------


def test_a_release_in_the_future_is_invisible_until_its_time(
    client, staff, make_draft, safety, object_factory
) -> None:
    older = object_factory(code="OLD-1")  # in an earlier release that is already out
    obj = make_draft(staff["analyst"], code="NEW-1")
    release = services.release_create(
        actor=staff["publisher"], name="Tomorrow", publish_at=timezone.now() + timedelta(days=1)
    )
    _publish(staff, obj, release)

    assert _gallery_codes(client) == ["OLD-1"]
    assert client.get("/objects/NEW-1/").status_code == 404
    old_page = _html(client.get("/"))
    assert '<span class="badge">' in old_page  # the badge is still on the older release

    Release.objects.filter(pk=release.pk).update(publish_at=timezone.now() - timedelta(minutes=1))

    home = _html(client.get("/"))
    assert re.findall(r'<span class="card-code">([^<]*)</span>', home) == ["NEW-1", "OLD-1"]
    new_card, old_card = re.findall(r'<li class="card">(.*?)</li>', home, re.DOTALL)
    assert '<span class="badge">' in new_card
    assert '<span class="badge">' not in old_card  # the "new" badge moved to the latest release
    assert client.get("/objects/NEW-1/").status_code == 200
    assert older.release_id != release.pk


def test_partners_only_objects_never_reach_the_public_gallery(client, staff, make_draft, safety) -> None:
    obj = make_draft(staff["analyst"], code="PART-1")
    release = services.release_create(actor=staff["publisher"], name="Now", publish_at=timezone.now())
    _publish(staff, obj, release, audience=Audience.PARTNERS)
    assert "PART-1" not in _gallery_codes(client)
    assert client.get("/objects/PART-1/").status_code == 404


# --- Withdrawal -------------------------------------------------------------------------------------------


def test_a_withdrawn_object_disappears_from_every_public_page(
    client, staff, object_factory, object_image_factory, django_capture_on_commit_callbacks
) -> None:
    withdrawn = object_factory(code="GONE-1", title="Striped towel")
    object_image_factory(obj=withdrawn)
    neighbour = object_factory(code="STAY-1", related=[withdrawn])
    # Located and past the quiet period of the disclosure rule, so shown on /identified/.
    located = object_factory(code="FOUND-1")
    locate(located, kind=ObjectStatus.IDENTIFIED)
    locate(object_factory(code="FOUND-2"), kind=ObjectStatus.WIDESPREAD)

    assert set(_gallery_codes(client)) == {"GONE-1", "STAY-1"}
    assert "GONE-1" in _html(client.get(f"/objects/{neighbour.code}/"))
    identified = _html(client.get("/identified/"))
    assert "FOUND-1" in identified
    assert "FOUND-2" in identified
    rel = withdrawn.images.get().derivatives[0]["path"]
    assert _media_status(client, rel) == 200

    for obj in (withdrawn, located):
        with django_capture_on_commit_callbacks(execute=True):
            services.object_withdraw(actor=staff["publisher"], obj=obj, reason="A reflection shows a person.")

    assert _gallery_codes(client) == ["STAY-1"]
    assert "GONE-1" not in _html(client.get("/?q=towel"))
    assert client.get("/objects/GONE-1/").status_code == 404
    assert client.get("/fr/objects/GONE-1/").status_code == 404
    assert client.post("/objects/GONE-1/tip/", tip_form_data()).status_code == 404
    neighbour_page = _html(client.get(f"/objects/{neighbour.code}/"))
    assert "GONE-1" not in neighbour_page
    assert "Striped towel" not in neighbour_page
    identified = _html(client.get("/identified/"))
    assert "FOUND-1" not in identified
    assert "FOUND-2" in identified
    assert client.get("/objects/FOUND-1/").status_code == 404
    # The public image files went too (after the commit), so a saved link stops working.
    assert not (Path(settings.MEDIA_ROOT) / rel).exists()
    assert _media_status(client, rel) == 404


# --- End to end -------------------------------------------------------------------------------------------


def test_publication_end_to_end(
    client, staff, staff_client, category, django_capture_on_commit_callbacks
) -> None:
    analyst = staff_client("analyst")
    reviewer = staff_client("publisher_two")
    publisher = staff_client("publisher")

    # The analyst writes the object…
    response = analyst.post(
        "/staff/objects/new/",
        {
            "code": "E2E-2026",
            "title": "Yellow raincoat",
            "category": str(category.pk),
            "description": "A child's raincoat with a duck print.",
            "questions": "Which shop sold this raincoat?",
            "hints": "circa 2018\nlook at the buttons",
            "case_reference": "CASE-E2E-SECRET",
            "internal_notes": "Internal: series 44.",
        },
    )
    assert response.status_code == 302
    obj = Object.objects.get(code="E2E-2026")

    # …uploads two images, one carrying GPS and a camera serial…
    for name, data in (("gps.jpg", jpeg_with_gps()), ("plain.png", image_bytes(700, 500, fmt="PNG"))):
        with django_capture_on_commit_callbacks(execute=True):
            response = analyst.post(
                "/staff/objects/E2E-2026/images/",
                {"file": SimpleUploadedFile(name, data), "alt_text": "A yellow raincoat"},
            )
        assert response.status_code == 302, _html(response)
    images = list(obj.images.order_by("position", "id"))
    assert len(images) == 2
    assert [image.status for image in images] == ["ready", "ready"], [image.error for image in images]

    # …and submits it.
    assert analyst.post("/staff/objects/E2E-2026/submit/").status_code == 302
    obj.refresh_from_db()
    assert obj.status == ObjectStatus.IN_REVIEW

    # The author cannot review; a second publisher approves.
    assert analyst.get("/staff/objects/E2E-2026/review/").status_code == 403
    review_page = reviewer.get("/staff/objects/E2E-2026/review/")
    assert review_page.status_code == 200
    response = reviewer.post(
        "/staff/objects/E2E-2026/review/", {"checklist": ALL_TICKED, "decision": "approve", "comments": "OK."}
    )
    assert response.status_code == 302, _html(response)
    obj.refresh_from_db()
    assert obj.status == ObjectStatus.APPROVED

    # The publisher puts it in a release an hour from now, for the public.
    when = timezone.localtime() + timedelta(hours=1)
    response = publisher.post(
        "/staff/releases/new/", {"name": "Autumn batch", "publish_at": when.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    release = Release.objects.get(name="Autumn batch")
    response = publisher.post(
        f"/staff/releases/{release.pk}/assign/", {"objects": [str(obj.pk)], "audience": "public"}
    )
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.status == ObjectStatus.PUBLISHED
    assert obj.published_at == release.publish_at

    # Not visible before its time…
    assert "E2E-2026" not in _gallery_codes(client)
    assert client.get("/objects/E2E-2026/").status_code == 404

    # …visible once the time has come.
    Release.objects.filter(pk=release.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert _gallery_codes(client) == ["E2E-2026"]
    page = _html(client.get("/objects/E2E-2026/"))
    assert "Yellow raincoat" in page
    assert "CASE-E2E-SECRET" not in page
    assert "series 44" not in page

    # Every file the public page links to is a sanitized derivative without metadata.
    linked = set(re.findall(r"/media/(objects/[^\s\"',]+)", page))
    assert linked
    for rel in linked:
        assert _media_status(client, rel) == 200
        _assert_no_metadata(Path(settings.MEDIA_ROOT) / rel)
    for image in obj.images.all():
        for derivative in image.derivatives:
            _assert_no_metadata(Path(settings.MEDIA_ROOT) / derivative["path"])

    # Every step is in the audit trail, by the right person.
    trail = list(
        AuditEvent.objects.filter(target_type="gallery.object", target_id=str(obj.pk)).values_list(
            "action", "actor__username"
        )
    )
    assert ("object.create", "analyst") in trail
    assert ("object.submit", "analyst") in trail
    assert ("object.approve", "publisher_two") in trail
    assert ("object.publish", "publisher") in trail

    # Withdrawn, it is gone from every public page, and so are its files.
    with django_capture_on_commit_callbacks(execute=True):
        response = publisher.post("/staff/objects/E2E-2026/withdraw/", {"reason": "A face in a reflection."})
    assert response.status_code == 302
    assert _gallery_codes(client) == []
    assert client.get("/objects/E2E-2026/").status_code == 404
    assert "E2E-2026" not in _html(client.get("/identified/"))
    for rel in linked:
        assert _media_status(client, rel) == 404
    assert ("object.withdraw", "publisher") in AuditEvent.objects.filter(
        target_type="gallery.object", target_id=str(obj.pk)
    ).values_list("action", "actor__username")
