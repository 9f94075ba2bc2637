"""Staff pages for objects and releases: forms, errors next to fields, filters, pagination, uploads."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import CategoryFactory, ReleaseFactory, image_bytes
from tests.utils import field_errors, find_all, find_by_id
from traceobject.audit.models import AuditEvent
from traceobject.gallery import services
from traceobject.gallery.models import (
    REVIEW_CHECKLIST,
    Audience,
    Object,
    ObjectImage,
    ObjectStatus,
    PublicationReview,
    Release,
)
from traceobject.gallery.staff_views import OBJECTS_PER_PAGE

pytestmark = pytest.mark.django_db

ALL_TICKED = list(REVIEW_CHECKLIST)


def _html(response) -> str:
    return response.content.decode()


def _codes_listed(html: str) -> list[str]:
    return [element.text.strip() for element in find_all(html, "a", class_="object-code")]


def _object_form(category, **overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "N7-2026",
        "title": "Green lamp",
        "category": str(category.pk),
        "description": "A lamp with a pleated shade.",
        "questions": "Which shop sold this lamp?\r\n\r\nWhere was it made?",
        "hints": "circa 2010",
        "case_reference": "CASE-SECRET-1",
        "internal_notes": "Internal note.",
    }
    data.update(overrides)
    return data


def _files_under(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


@pytest.fixture
def in_review(staff, make_draft, safety):
    obj = make_draft(staff["analyst"])
    services.object_submit(actor=staff["analyst"], obj=obj)
    return obj


# --- Object list ------------------------------------------------------------------------------------------


def test_object_list_filters(staff_client, staff, object_factory, release_factory) -> None:
    bags = CategoryFactory(slug="bags")
    toys = CategoryFactory(slug="toys")
    june = release_factory(name="June")
    object_factory(code="BAG-1", title="Red bag", category=bags, release=june)
    object_factory(code="BAG-2", title="Blue bag", category=bags, status=ObjectStatus.DRAFT, release=None)
    object_factory(
        code="TOY-1", title="Wooden horse", category=toys, status=ObjectStatus.IN_REVIEW, release=None
    )
    client = staff_client("auditor")  # read-only roles see the list too

    def codes(query: str) -> list[str]:
        response = client.get(f"/staff/objects/{query}")
        assert response.status_code == 200
        return sorted(_codes_listed(_html(response)))

    assert codes("") == ["BAG-1", "BAG-2", "TOY-1"]
    assert codes("?status=draft") == ["BAG-2"]
    assert codes("?category=toys") == ["TOY-1"]
    assert codes(f"?release={june.pk}") == ["BAG-1"]
    assert codes("?q=blue") == ["BAG-2"]
    assert codes("?q=toy-") == ["TOY-1"]
    assert codes("?q=bag&category=bags&status=published") == ["BAG-1"]
    # An invalid filter value is ignored, the others still apply.
    assert codes("?status=nonsense&category=toys") == ["TOY-1"]


def test_object_list_pagination_keeps_the_filters(staff_client, object_factory) -> None:
    for number in range(OBJECTS_PER_PAGE + 5):
        object_factory(code=f"P{number:03d}-2026", status=ObjectStatus.DRAFT, release=None)
    client = staff_client("analyst")
    first = _html(client.get("/staff/objects/?status=draft"))
    assert len(_codes_listed(first)) == OBJECTS_PER_PAGE
    assert 'href="?status=draft&amp;page=2"' in first
    second = _html(client.get("/staff/objects/?status=draft&page=2"))
    assert len(_codes_listed(second)) == 5


def test_object_list_query_count_does_not_grow_with_rows(staff_client, object_factory, count_queries) -> None:
    client = staff_client("publisher")
    client.get("/staff/objects/")  # the first request of a session does some one-off work
    for number in range(3):
        object_factory(code=f"Q{number}-2026")
    few = count_queries(lambda: client.get("/staff/objects/"))
    for number in range(3, 40):
        object_factory(code=f"Q{number}-2026")
    many = count_queries(lambda: client.get("/staff/objects/"))
    assert few == many, (few, many)


@pytest.mark.parametrize(("name", "status"), [("partner_a", 403), ("outsider", 403), ("administrator", 403)])
def test_object_list_refused_without_the_permission(staff_client, name, status) -> None:
    assert staff_client(name).get("/staff/objects/").status_code == status


def test_object_list_needs_a_login(client) -> None:
    response = client.get("/staff/objects/")
    assert response.status_code == 302


def test_staff_pages_are_never_cached(staff_client, in_review) -> None:
    client = staff_client("publisher")
    for url in (
        "/staff/objects/",
        "/staff/objects/new/",
        f"/staff/objects/{in_review.code}/",
        "/staff/releases/",
        "/staff/releases/new/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


# --- Create and edit -----------------------------------------------------------------------------------


def test_object_create_form_suggests_the_next_code(staff_client, object_factory) -> None:
    year = timezone.localdate().year
    object_factory(code=f"B16-{year}")
    object_factory(code=f"B17-{year}")
    html = _html(staff_client("analyst").get("/staff/objects/new/"))
    assert f'value="B18-{year}"' in html


def test_object_create(staff_client, staff, category) -> None:
    other = services.object_create(
        actor=staff["analyst"], fields=services.ObjectFields(code="OTHER-1", title="Other", category=category)
    )
    response = staff_client("analyst").post(
        "/staff/objects/new/", _object_form(category, related=[str(other.pk)])
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/objects/N7-2026/images/"
    obj = Object.objects.get(code="N7-2026")
    assert obj.author == staff["analyst"]
    assert obj.status == ObjectStatus.DRAFT
    assert obj.questions == ["Which shop sold this lamp?", "Where was it made?"]
    assert obj.hints == ["circa 2010"]
    assert list(obj.related.all()) == [other]
    assert obj.case_reference == "CASE-SECRET-1"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": "bad code!"}, "code", "capital letters"),
        ({"code": "OTHER-1"}, "code", "already has the code"),
        ({"title": ""}, "title", "required"),
        ({"questions": "x" * 301}, "questions", "300 characters"),
    ],
)
def test_object_create_errors_are_next_to_the_field_and_nothing_is_stored(
    staff_client, staff, category, overrides, field, message
) -> None:
    services.object_create(
        actor=staff["analyst"], fields=services.ObjectFields(code="OTHER-1", title="Other", category=category)
    )
    events = AuditEvent.objects.count()
    response = staff_client("analyst").post("/staff/objects/new/", _object_form(category, **overrides))
    assert response.status_code == 400
    assert message in field_errors(_html(response), field)
    assert Object.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_object_edit_of_an_approved_object_says_it_returns_to_draft(staff_client, staff, in_review) -> None:
    services.object_approve(actor=staff["publisher_two"], obj=in_review, checklist=ALL_TICKED)
    client = staff_client("analyst")
    page = _html(client.get(f"/staff/objects/{in_review.code}/edit/"))
    assert "returns it to draft" in page
    data = _object_form(in_review.category, code=in_review.code, title="Renamed")
    response = client.post(f"/staff/objects/{in_review.code}/edit/", data, follow=True)
    assert "is a draft again" in _html(response)
    in_review.refresh_from_db()
    assert (in_review.status, in_review.title) == (ObjectStatus.DRAFT, "Renamed")


def test_object_edit_refused_while_in_review(staff_client, in_review) -> None:
    client = staff_client("analyst")
    assert "can no longer be edited" in _html(client.get(f"/staff/objects/{in_review.code}/edit/"))
    response = client.post(
        f"/staff/objects/{in_review.code}/edit/", _object_form(in_review.category, code=in_review.code)
    )
    assert response.status_code == 400
    assert "cannot be edited" in _html(response)
    in_review.refresh_from_db()
    assert in_review.title == "Blue canvas bag"


def test_object_detail_shows_internal_fields_only_to_staff(staff_client, client, staff, in_review) -> None:
    html = _html(staff_client("auditor").get(f"/staff/objects/{in_review.code}/"))
    assert "CASE-INTERNAL-77" in html
    assert "Seen in series 12." in html
    assert staff_client("partner_a").get(f"/staff/objects/{in_review.code}/").status_code == 403
    assert client.get(f"/objects/{in_review.code}/").status_code == 404


def test_unknown_object_is_a_404(staff_client) -> None:
    assert staff_client("publisher").get("/staff/objects/NOPE-1/").status_code == 404


# --- Images ---------------------------------------------------------------------------------------------


def test_upload_a_good_jpeg(staff_client, staff, make_draft, django_capture_on_commit_callbacks) -> None:
    obj = make_draft(staff["analyst"], images=0)
    upload = SimpleUploadedFile("bag.jpg", image_bytes(640, 480), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client("analyst").post(
            f"/staff/objects/{obj.code}/images/", {"file": upload, "alt_text": "A bag"}
        )
    assert response.status_code == 302
    image = ObjectImage.objects.get(object=obj)
    assert image.alt_text == "A bag"
    assert image.uploaded_by == staff["analyst"]
    page = _html(staff_client("analyst").get(f"/staff/objects/{obj.code}/images/"))
    assert f'id="image-{image.pk}"' in page


@pytest.mark.parametrize(
    "data", [b"this is not an image at all", b"\xff\xd8\xff\xe0 truncated jpeg", b"GIF89a\x01\x00\x01\x00"]
)
def test_upload_of_junk_gives_a_clear_error_and_stores_nothing(staff_client, staff, make_draft, data) -> None:
    obj = make_draft(staff["analyst"], images=0)
    private_before = _files_under(Path(settings.PRIVATE_MEDIA_ROOT))
    media_before = _files_under(Path(settings.MEDIA_ROOT))
    events = AuditEvent.objects.count()
    upload = SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")
    response = staff_client("analyst").post(f"/staff/objects/{obj.code}/images/", {"file": upload})
    assert response.status_code == 400
    assert field_errors(_html(response), "file")
    assert not ObjectImage.objects.filter(object=obj).exists()
    assert _files_under(Path(settings.PRIVATE_MEDIA_ROOT)) == private_before
    assert _files_under(Path(settings.MEDIA_ROOT)) == media_before
    assert AuditEvent.objects.count() == events


def test_upload_without_a_file_is_an_error_next_to_the_field(staff_client, staff, make_draft) -> None:
    obj = make_draft(staff["analyst"], images=0)
    response = staff_client("analyst").post(f"/staff/objects/{obj.code}/images/", {"alt_text": "x"})
    assert response.status_code == 400
    assert "required" in field_errors(_html(response), "file")


def test_images_cannot_be_added_once_submitted_but_can_be_taken_down(staff_client, in_review) -> None:
    client = staff_client("analyst")
    page = _html(client.get(f"/staff/objects/{in_review.code}/images/"))
    assert 'enctype="multipart/form-data"' not in page
    upload = SimpleUploadedFile("bag.jpg", image_bytes(), content_type="image/jpeg")
    response = client.post(f"/staff/objects/{in_review.code}/images/", {"file": upload}, follow=True)
    assert "only while the object is a draft" in _html(response)
    assert in_review.images.count() == 1
    image = in_review.images.get()
    response = client.post(f"/staff/objects/{in_review.code}/images/{image.pk}/", {"crop": "0, 0, 100, 100"})
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.crop is None
    # Taking a picture down is always possible, at once.
    response = client.post(f"/staff/objects/{in_review.code}/images/{image.pk}/remove/", follow=True)
    assert "Image removed." in _html(response)
    assert in_review.images.count() == 0


def test_pending_image_page_reloads_itself_until_ready(staff_client, staff, make_draft) -> None:
    obj = make_draft(staff["analyst"])
    obj.images.update(status="pending")
    client = staff_client("analyst")
    response = client.get(f"/staff/objects/{obj.code}/images/")
    html = _html(response)
    refresh = [m for m in find_all(html, "meta") if m.attrs.get("http-equiv") == "refresh"]
    assert [m.attrs["content"] for m in refresh] == ["5"]
    assert "reloads itself every 5 seconds" in find_by_id(html, "processing").text
    assert "<script" not in html
    # The CSP still forbids inline code: a meta refresh needs no exception.
    assert "unsafe-inline" not in response.get("Content-Security-Policy", "")
    obj.images.update(status="ready")
    done = _html(client.get(f"/staff/objects/{obj.code}/images/"))
    assert not [m for m in find_all(done, "meta") if m.attrs.get("http-equiv") == "refresh"]
    assert find_by_id(done, "processing") is None


@pytest.mark.parametrize(
    ("crop", "redactions", "field", "message"),
    [
        ("10, 10, 5, 50", "", "crop", "right must be greater"),
        ("1, 2, 3", "", "crop", "four numbers"),
        ("", "1, 1, 10, 10, pink", "redactions", "Line 1"),
        ("", "0 0 10 10 black\n5, 5, 5, 9", "redactions", "right must be greater"),
    ],
)
def test_image_edit_form_errors(staff_client, staff, make_draft, crop, redactions, field, message) -> None:
    obj = make_draft(staff["analyst"])
    image = obj.images.get()
    response = staff_client("analyst").post(
        f"/staff/objects/{obj.code}/images/{image.pk}/", {"crop": crop, "redactions": redactions}
    )
    assert response.status_code == 400
    assert message in field_errors(_html(response), field)
    image.refresh_from_db()
    assert image.crop is None
    assert image.redactions == []


def test_image_edit_page_shows_the_original_with_a_grid(staff_client, staff, make_draft) -> None:
    obj = make_draft(staff["analyst"])
    image = obj.images.get()
    client = staff_client("analyst")
    html = _html(client.get(f"/staff/objects/{obj.code}/images/{image.pk}/"))
    assert 'viewBox="0 0 400 300"' in html
    assert " style=" not in html
    original = client.get(f"/staff/objects/{obj.code}/images/{image.pk}/original.jpg")
    assert original.status_code == 200
    assert original["Content-Type"] == "image/jpeg"
    assert "no-store" in original["Cache-Control"]
    assert b"Exif" not in original.content[:200]


# --- Submit, review -------------------------------------------------------------------------------------


def test_submit_from_the_object_page(staff_client, staff, make_draft) -> None:
    obj = make_draft(staff["analyst"])
    client = staff_client("analyst")
    page = _html(client.get(f"/staff/objects/{obj.code}/"))
    assert f'action="/staff/objects/{obj.code}/submit/"' in page
    response = client.post(f"/staff/objects/{obj.code}/submit/", follow=True)
    assert "submitted for review" in _html(response)
    obj.refresh_from_db()
    assert obj.status == ObjectStatus.IN_REVIEW


def test_submit_without_images_says_why(staff_client, staff, make_draft) -> None:
    obj = make_draft(staff["analyst"], images=0)
    response = staff_client("analyst").post(f"/staff/objects/{obj.code}/submit/", follow=True)
    assert "at least one ready image" in _html(response)


def test_submit_is_post_only(staff_client, staff, make_draft) -> None:
    obj = make_draft(staff["analyst"])
    assert staff_client("analyst").get(f"/staff/objects/{obj.code}/submit/").status_code == 405


def test_review_page_draws_face_boxes_without_inline_style(staff_client, in_review) -> None:
    image = in_review.images.get()
    image.safety = {**image.safety, "faces": [[10, 20, 30, 40]], "face_scan": True}
    image.save()
    response = staff_client("publisher_two").get(f"/staff/objects/{in_review.code}/review/")
    assert response.status_code == 200
    html = _html(response)
    assert f'viewBox="0 0 {image.width} {image.height}"' in html
    assert '<rect class="safety-face" x="10" y="20" width="30" height="40"' in html
    assert "1 possible face" in html
    assert 'value="approve" disabled' not in html  # a face is a warning for the reviewer, not a block
    assert " style=" not in html
    assert "<script" not in html
    for key in REVIEW_CHECKLIST:
        assert f'value="{key}"' in html


@pytest.mark.parametrize("name", ["analyst", "auditor", "partner_a", "outsider", "administrator"])
def test_review_page_is_for_publishers_only(staff_client, in_review, name) -> None:
    assert staff_client(name).get(f"/staff/objects/{in_review.code}/review/").status_code == 403


def test_approve_through_the_review_page(staff_client, staff, in_review) -> None:
    response = staff_client("publisher_two").post(
        f"/staff/objects/{in_review.code}/review/",
        {"checklist": ALL_TICKED, "comments": "Good crop.", "decision": "approve"},
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == ObjectStatus.APPROVED
    review = PublicationReview.objects.get(object=in_review)
    assert review.reviewer == staff["publisher_two"]
    detail = _html(staff_client("analyst").get(f"/staff/objects/{in_review.code}/"))
    assert "Good crop." in detail  # the review history is on the object page


def test_approve_with_an_unticked_item_is_refused_next_to_the_checklist(staff_client, in_review) -> None:
    response = staff_client("publisher_two").post(
        f"/staff/objects/{in_review.code}/review/", {"checklist": ALL_TICKED[:-1], "decision": "approve"}
    )
    assert response.status_code == 400
    assert "Tick every item" in field_errors(_html(response), "checklist")
    in_review.refresh_from_db()
    assert in_review.status == ObjectStatus.IN_REVIEW


def test_the_author_sees_who_may_review_and_no_decision_form(staff_client, staff, make_draft, safety) -> None:
    staff["publisher_two"].first_name, staff["publisher_two"].last_name = "Ada", "Second"
    staff["publisher_two"].save()
    obj = make_draft(staff["publisher"])
    services.object_submit(actor=staff["publisher"], obj=obj)
    html = _html(staff_client("publisher").get(f"/staff/objects/{obj.code}/review/"))
    box = find_by_id(html, "four-eyes")
    assert box is not None
    assert "four eyes" in box.text
    # Only the other publisher is named: not the author, nor roles that may not review.
    assert [element.text for element in find_all(html, "strong", class_="reviewer")] == ["Ada Second"]
    assert 'value="approve"' not in html
    assert 'value="send_back"' not in html
    assert find_by_id(html, "id_checklist_0") is None
    # The object page says the same instead of offering a "Review" button.
    detail = _html(staff_client("publisher").get(f"/staff/objects/{obj.code}/"))
    assert f'href="/staff/objects/{obj.code}/review/"' not in detail
    assert "Ada Second" in find_by_id(detail, "review-waiting").text


def test_an_image_uploader_is_not_named_as_a_reviewer(staff_client, staff, make_draft, safety) -> None:
    obj = make_draft(staff["analyst"])
    image = obj.images.get()
    image.uploaded_by = staff["publisher_two"]
    image.save(update_fields=["uploaded_by"])
    services.object_submit(actor=staff["analyst"], obj=obj)
    html = _html(staff_client("analyst").get(f"/staff/objects/{obj.code}/"))
    assert [element.text for element in find_all(html, "strong", class_="reviewer")] == ["publisher"]


def test_no_eligible_publisher_is_said_plainly(staff_client, staff, make_draft, safety) -> None:
    staff["publisher_two"].is_active = False
    staff["publisher_two"].save()
    obj = make_draft(staff["publisher"])
    services.object_submit(actor=staff["publisher"], obj=obj)
    html = _html(staff_client("publisher").get(f"/staff/objects/{obj.code}/review/"))
    assert "ask an administrator" in find_by_id(html, "eligible-reviewers").text
    assert find_all(html, "strong", class_="reviewer") == []


def test_a_forced_self_approval_gets_the_reason_styled(staff_client, staff, make_draft, safety) -> None:
    obj = make_draft(staff["publisher"])
    services.object_submit(actor=staff["publisher"], obj=obj)
    client = staff_client("publisher")
    response = client.post(
        f"/staff/objects/{obj.code}/review/", {"checklist": ALL_TICKED, "decision": "approve"}, follow=True
    )
    assert response.redirect_chain == [(f"/staff/objects/{obj.code}/review/", 302)]
    html = _html(response)
    messages = [element.text for element in find_all(html, "li", class_="message error")]
    assert len(messages) == 1
    assert f"You worked on {obj.code}" in messages[0]
    assert "four eyes" in messages[0]
    assert "staff/staff.css" in html  # the workspace's own page, not a bare status
    assert find_by_id(html, "eligible-reviewers") is not None
    obj.refresh_from_db()
    assert obj.status == ObjectStatus.IN_REVIEW
    assert not PublicationReview.objects.filter(object=obj).exists()
    # Sending back is a reviewer's decision too.
    client.post(f"/staff/objects/{obj.code}/review/", {"decision": "send_back", "comments": "Redo it."})
    obj.refresh_from_db()
    assert obj.status == ObjectStatus.IN_REVIEW


def test_the_second_publisher_still_gets_the_decision_form(staff_client, in_review) -> None:
    html = _html(staff_client("publisher_two").get(f"/staff/objects/{in_review.code}/review/"))
    assert find_by_id(html, "four-eyes") is None
    assert 'value="approve"' in html
    detail = _html(staff_client("publisher_two").get(f"/staff/objects/{in_review.code}/"))
    assert f'href="/staff/objects/{in_review.code}/review/"' in detail
    assert find_by_id(detail, "review-waiting") is None


def test_an_administrator_refused_a_review_page_is_told_whose_task_it_is(rf, staff, in_review) -> None:
    from django.core.exceptions import PermissionDenied

    from traceobject.gallery.staff_views import object_review

    request = rf.get(f"/staff/objects/{in_review.code}/review/")
    request.user = staff["administrator"]
    request.user.is_verified = lambda: True
    with pytest.raises(PermissionDenied) as refused:
        object_review(request, code=in_review.code)
    assert str(refused.value) == "Your role (Administrator) does not open this page. It is for: Publisher."


def test_send_back_needs_a_comment(staff_client, in_review) -> None:
    client = staff_client("publisher_two")
    response = client.post(f"/staff/objects/{in_review.code}/review/", {"decision": "send_back"})
    assert response.status_code == 400
    assert "Say what must change" in field_errors(_html(response), "comments")
    response = client.post(
        f"/staff/objects/{in_review.code}/review/",
        {"decision": "send_back", "comments": "Crop the window out."},
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == ObjectStatus.DRAFT
    detail = _html(staff_client("analyst").get(f"/staff/objects/{in_review.code}/"))
    assert "Crop the window out." in detail


# --- Withdraw -------------------------------------------------------------------------------------------


def test_withdraw_needs_a_reason(staff_client, in_review) -> None:
    client = staff_client("publisher")
    response = client.post(f"/staff/objects/{in_review.code}/withdraw/", {"reason": ""})
    assert response.status_code == 400
    assert "required" in field_errors(_html(response), "reason")
    response = client.post(
        f"/staff/objects/{in_review.code}/withdraw/", {"reason": "Duplicate of B17."}, follow=True
    )
    assert "withdrawn" in _html(response)
    assert "Duplicate of B17." in _html(response)
    in_review.refresh_from_db()
    assert in_review.status == ObjectStatus.WITHDRAWN


@pytest.mark.parametrize("name", ["analyst", "auditor", "partner_a", "outsider"])
def test_withdraw_is_for_publishers_only(staff_client, in_review, name) -> None:
    client = staff_client(name)
    assert client.post(f"/staff/objects/{in_review.code}/withdraw/", {"reason": "x"}).status_code == 403
    in_review.refresh_from_db()
    assert in_review.status == ObjectStatus.IN_REVIEW


# --- Releases -------------------------------------------------------------------------------------------


def test_release_create_and_assign(staff_client, staff, in_review) -> None:
    services.object_approve(actor=staff["publisher_two"], obj=in_review, checklist=ALL_TICKED)
    client = staff_client("publisher")
    when = timezone.localtime() + timedelta(days=1)
    response = client.post(
        "/staff/releases/new/", {"name": "June batch", "publish_at": when.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    release = Release.objects.get(name="June batch")
    assert release.publish_at == when.replace(second=0, microsecond=0)
    page = _html(client.get(f"/staff/releases/{release.pk}/"))
    assert f'value="{in_review.pk}"' in page
    response = client.post(
        f"/staff/releases/{release.pk}/assign/", {"objects": [str(in_review.pk)], "audience": "public"}
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == ObjectStatus.PUBLISHED
    assert in_review.release == release
    assert in_review.audience == Audience.PUBLIC
    listing = _html(client.get("/staff/releases/"))
    assert "June batch" in listing
    assert "Scheduled" in listing


def test_release_create_refuses_the_past(staff_client) -> None:
    past = timezone.localtime() - timedelta(days=1)
    response = staff_client("publisher").post(
        "/staff/releases/new/", {"name": "Late", "publish_at": past.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 400
    assert "now or in the future" in field_errors(_html(response), "publish_at")
    assert not Release.objects.exists()


def test_release_assign_without_a_choice(staff_client, object_factory) -> None:
    """No object ticked: the release page again, with the error next to the list, and nothing moves."""
    release = ReleaseFactory(publish_at=timezone.now() + timedelta(days=1))
    waiting = object_factory(code="W1-2026", status=ObjectStatus.APPROVED, release=None)
    response = staff_client("publisher").post(f"/staff/releases/{release.pk}/assign/", {"audience": "public"})
    assert response.status_code == 400
    assert "Choose at least one approved object." in field_errors(_html(response), "objects")
    waiting.refresh_from_db()
    assert (waiting.status, waiting.release_id) == (ObjectStatus.APPROVED, None)


@pytest.mark.parametrize("name", ["analyst", "auditor", "partner_a", "outsider", "administrator"])
def test_releases_are_for_publishers_only(staff_client, name) -> None:
    assert staff_client(name).get("/staff/releases/").status_code == 403
    assert staff_client(name).post("/staff/releases/new/", {"name": "x"}).status_code == 403
    assert not Release.objects.exists()


def test_release_schedule_publish_now(staff_client, staff) -> None:
    release = services.release_create(
        actor=staff["publisher"], name="Later", publish_at=timezone.now() + timedelta(days=5)
    )
    now = timezone.localtime()
    response = staff_client("publisher").post(
        f"/staff/releases/{release.pk}/schedule/", {"publish_at": now.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.publish_at <= timezone.now()


def test_a_blocking_safety_scan_refuses_approval(staff_client, staff, make_draft) -> None:
    """With the real safety report: a published file that still carries metadata blocks approval."""
    obj = make_draft(staff["analyst"])
    services.object_submit(actor=staff["analyst"], obj=obj)
    image = obj.images.get()
    image.safety = {**image.safety, "metadata_clean": False, "metadata_problems": ["JPEG segment 0xE1"]}
    image.save()
    client = staff_client("publisher_two")
    page = _html(client.get(f"/staff/objects/{obj.code}/review/"))
    assert 'id="safety-blocking"' in page
    assert 'value="approve" disabled' in page
    response = client.post(
        f"/staff/objects/{obj.code}/review/", {"checklist": ALL_TICKED, "decision": "approve"}
    )
    assert response.status_code == 400
    assert "blocks approval" in _html(response)
    obj.refresh_from_db()
    assert obj.status == ObjectStatus.IN_REVIEW
    assert not PublicationReview.objects.exists()


def test_the_reviewer_can_run_the_scan_again(staff_client, staff, in_review) -> None:
    response = staff_client("publisher_two").post(f"/staff/objects/{in_review.code}/scan/")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/objects/{in_review.code}/review/"
    assert AuditEvent.objects.filter(action="image.scan", actor=staff["publisher_two"]).exists()
    assert staff_client("analyst").post(f"/staff/objects/{in_review.code}/scan/").status_code == 403


def test_crop_and_redact_a_draft_image(
    staff_client, staff, make_draft, django_capture_on_commit_callbacks
) -> None:
    obj = make_draft(staff["analyst"])
    image = obj.images.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client("analyst").post(
            f"/staff/objects/{obj.code}/images/{image.pk}/",
            {"crop": "20, 10, 380, 290", "redactions": "30 20 60 50 blur\n100, 100, 150, 150"},
        )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.crop == [20, 10, 380, 290]
    assert image.redactions == [
        {"box": [30, 20, 60, 50], "mode": "blur"},
        {"box": [100, 100, 150, 150], "mode": "black"},
    ]
    assert image.status == "ready"
    assert (image.width, image.height) == (360, 280)
    page = _html(staff_client("analyst").get(f"/staff/objects/{obj.code}/images/{image.pk}/"))
    assert 'class="crop-box" x="20" y="10" width="360" height="280"' in page
    assert "30, 20, 60, 50, blur" in page  # the form shows the stored edits


def test_a_box_outside_the_image_is_refused_by_the_imaging_check(staff_client, staff, make_draft) -> None:
    obj = make_draft(staff["analyst"])
    image = obj.images.get()
    response = staff_client("analyst").post(
        f"/staff/objects/{obj.code}/images/{image.pk}/", {"crop": "0, 0, 5000, 5000", "redactions": ""}
    )
    assert response.status_code == 400
    assert "inside the image" in _html(response)
    image.refresh_from_db()
    assert image.crop is None


def test_possible_faces_are_offered_as_redactions(staff_client, staff, make_draft) -> None:
    obj = make_draft(staff["analyst"])
    image = obj.images.get()
    image.safety = {**image.safety, "faces": [[10, 20, 30, 40]], "face_scan": True}
    image.save()
    page = _html(staff_client("analyst").get(f"/staff/objects/{obj.code}/images/{image.pk}/"))
    assert "10, 20, 40, 60, black" in page
