"""The gallery's write services: every transition, every refusal, the permission re-check and the audit
event of each action."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import CategoryFactory, image_bytes
from traceobject.audit.models import AuditEvent
from traceobject.core.errors import ApplicationError
from traceobject.gallery import services
from traceobject.gallery.models import (
    REVIEW_CHECKLIST,
    Audience,
    Category,
    ImageStatus,
    Object,
    ObjectStatus,
    PublicationReview,
    Release,
    ReviewDecision,
)
from traceobject.imaging.services import object_image_add

pytestmark = pytest.mark.django_db

ALL_TICKED = list(REVIEW_CHECKLIST)
NOT_WRITERS = ("administrator", "partner_a", "auditor", "outsider")
NOT_PUBLISHERS = ("administrator", "analyst", "partner_a", "auditor", "outsider")


def _events(action: str, obj: object | None = None) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(action=action)
    if obj is not None:
        events = events.filter(target_id=str(obj.pk))  # type: ignore[attr-defined]
    return list(events)


def _only_event(action: str, obj: object, actor: object) -> AuditEvent:
    events = _events(action, obj)
    assert len(events) == 1, [event.action for event in AuditEvent.objects.all()]
    event = events[0]
    assert event.actor == actor
    assert event.actor_label == actor.get_username()  # type: ignore[attr-defined]
    assert event.target_type in {"gallery.object", "gallery.release"}
    return event


def _fields(category, **overrides) -> services.ObjectFields:
    values = {"code": "N1-2026", "title": "Green lamp", "category": category}
    values.update(overrides)
    return services.ObjectFields(**values)


@pytest.fixture
def in_review(staff, make_draft, safety):
    obj = make_draft(staff["analyst"])
    services.object_submit(actor=staff["analyst"], obj=obj)
    return obj


@pytest.fixture
def approved(staff, in_review):
    services.object_approve(actor=staff["publisher_two"], obj=in_review, checklist=ALL_TICKED)
    return in_review


@pytest.fixture
def release(staff) -> Release:
    return services.release_create(
        actor=staff["publisher"], name="June batch", publish_at=timezone.now() + timedelta(days=2)
    )


# --- object_create / object_edit ------------------------------------------------------------------------


def test_object_create_makes_a_draft_authored_by_the_actor(staff, category) -> None:
    other = services.object_create(actor=staff["publisher"], fields=_fields(category, code="OTHER-1"))
    obj = services.object_create(
        actor=staff["analyst"],
        fields=_fields(
            category,
            code=" n1-2026 ",
            questions=["  Which shop   sold this? ", "", "Where is it from?"],
            hints=["circa 2015"],
            related=[other],
            case_reference="CASE-9",
            internal_notes="Internal only.",
        ),
    )
    obj.refresh_from_db()
    assert obj.code == "N1-2026"
    assert obj.status == ObjectStatus.DRAFT
    assert obj.author == staff["analyst"]
    assert obj.questions == ["Which shop sold this?", "Where is it from?"]
    assert obj.hints == ["circa 2015"]
    assert list(obj.related.all()) == [other]
    assert list(other.related.all()) == [obj]  # related is symmetrical
    assert (obj.case_reference, obj.internal_notes) == ("CASE-9", "Internal only.")
    assert obj.release is None
    event = _only_event("object.create", obj, staff["analyst"])
    assert event.details == {"code": "N1-2026"}


@pytest.mark.parametrize(
    ("code", "message"),
    [("x", "capital letters"), ("B17 2026", "capital letters"), ("TAKEN-1", "already has the code")],
)
def test_object_create_refuses_a_bad_or_taken_code(staff, category, code, message) -> None:
    services.object_create(actor=staff["analyst"], fields=_fields(category, code="TAKEN-1"))
    with pytest.raises(ApplicationError) as caught:
        services.object_create(actor=staff["analyst"], fields=_fields(category, code=code))
    assert caught.value.field == "code"
    assert message in caught.value.message
    assert Object.objects.count() == 1
    assert len(_events("object.create")) == 1


@pytest.mark.parametrize("name", NOT_WRITERS)
def test_object_create_rechecks_the_permission(staff, category, name) -> None:
    with pytest.raises(ApplicationError):
        services.object_create(actor=staff[name], fields=_fields(category))
    assert not Object.objects.exists()
    assert not AuditEvent.objects.exists()


def test_object_edit_of_a_draft_records_what_changed(staff, make_draft) -> None:
    obj = make_draft(staff["analyst"])
    other_category = CategoryFactory(slug="toys")
    edited = services.object_edit(
        actor=staff["publisher"],
        obj=obj,
        fields=_fields(
            other_category,
            code=obj.code,
            title="Blue canvas bag",
            description="A bag with a yellow zip.",
            questions=["Which shop sold this bag?", "Which brand is it?"],
            hints=["Circa 2015."],
            case_reference="CASE-INTERNAL-77",
            internal_notes="Seen in series 12.",
        ),
    )
    assert edited.returned_to_draft is False
    assert sorted(edited.changed) == ["category", "questions"]
    obj.refresh_from_db()
    assert obj.category == other_category
    assert obj.author == staff["analyst"]  # an edit does not change the author
    event = _only_event("object.edit", obj, staff["publisher"])
    assert sorted(event.details["changed"]) == ["category", "questions"]


def test_object_edit_of_an_approved_object_returns_it_to_draft(staff, approved, category) -> None:
    edited = services.object_edit(
        actor=staff["analyst"], obj=approved, fields=_fields(category, code=approved.code, title="New title")
    )
    assert edited.returned_to_draft is True
    approved.refresh_from_db()
    assert approved.status == ObjectStatus.DRAFT
    assert approved.title == "New title"
    event = _only_event("object.edit", approved, staff["analyst"])
    assert event.details["status"] == {"from": "approved", "to": "draft"}


@pytest.mark.parametrize(
    "status",
    [
        ObjectStatus.IN_REVIEW,
        ObjectStatus.PUBLISHED,
        ObjectStatus.IDENTIFIED,
        ObjectStatus.ARCHIVED,
        ObjectStatus.WITHDRAWN,
    ],
)
def test_object_edit_refused_outside_draft_and_approved(staff, make_draft, category, status) -> None:
    obj = make_draft(staff["analyst"])
    Object.objects.filter(pk=obj.pk).update(status=status)
    with pytest.raises(ApplicationError, match="cannot be edited"):
        services.object_edit(
            actor=staff["analyst"], obj=obj, fields=_fields(category, code=obj.code, title="X")
        )
    obj.refresh_from_db()
    assert obj.title == "Blue canvas bag"
    assert not _events("object.edit")


def test_object_edit_refuses_to_relate_an_object_to_itself(staff, make_draft, category) -> None:
    obj = make_draft(staff["analyst"])
    with pytest.raises(ApplicationError) as caught:
        services.object_edit(
            actor=staff["analyst"], obj=obj, fields=_fields(category, code=obj.code, related=[obj])
        )
    assert caught.value.field == "related"


def test_object_edit_rechecks_the_permission(staff, make_draft, category) -> None:
    obj = make_draft(staff["analyst"])
    with pytest.raises(ApplicationError):
        services.object_edit(actor=staff["auditor"], obj=obj, fields=_fields(category, code=obj.code))


# --- object_submit --------------------------------------------------------------------------------------


def test_object_submit_sends_a_draft_to_review(staff, make_draft) -> None:
    obj = make_draft(staff["analyst"])
    services.object_submit(actor=staff["publisher"], obj=obj)  # any writer may submit
    obj.refresh_from_db()
    assert obj.status == ObjectStatus.IN_REVIEW
    assert obj.submitted_at is not None
    assert timezone.now() - obj.submitted_at < timedelta(minutes=1)
    _only_event("object.submit", obj, staff["publisher"])


def test_object_submit_needs_a_ready_image(staff, make_draft) -> None:
    obj = make_draft(staff["analyst"], images=0)
    with pytest.raises(ApplicationError, match="at least one ready image"):
        services.object_submit(actor=staff["analyst"], obj=obj)
    object_image_add(obj=obj, data=image_bytes())
    obj.images.update(status=ImageStatus.PENDING)
    with pytest.raises(ApplicationError, match="still being processed"):
        services.object_submit(actor=staff["analyst"], obj=obj)
    obj.images.update(status=ImageStatus.FAILED)
    with pytest.raises(ApplicationError, match="could not be processed"):
        services.object_submit(actor=staff["analyst"], obj=obj)
    obj.refresh_from_db()
    assert obj.status == ObjectStatus.DRAFT
    assert not _events("object.submit")


def test_object_submit_only_from_draft(staff, in_review) -> None:
    with pytest.raises(ApplicationError, match="Only a draft"):
        services.object_submit(actor=staff["analyst"], obj=in_review)
    assert len(_events("object.submit")) == 1


@pytest.mark.parametrize("name", NOT_WRITERS)
def test_object_submit_rechecks_the_permission(staff, make_draft, name) -> None:
    obj = make_draft(staff["analyst"])
    with pytest.raises(ApplicationError):
        services.object_submit(actor=staff[name], obj=obj)
    obj.refresh_from_db()
    assert obj.status == ObjectStatus.DRAFT


# --- object_approve / object_reject -----------------------------------------------------------------


def test_object_approve_by_a_second_publisher(staff, in_review) -> None:
    review = services.object_approve(
        actor=staff["publisher_two"], obj=in_review, checklist=ALL_TICKED, comments=" Fine. "
    )
    in_review.refresh_from_db()
    assert in_review.status == ObjectStatus.APPROVED
    assert review.decision == ReviewDecision.APPROVED
    assert review.reviewer == staff["publisher_two"]
    assert review.checklist == dict.fromkeys(REVIEW_CHECKLIST, True)
    assert review.comments == "Fine."
    event = _only_event("object.approve", in_review, staff["publisher_two"])
    assert event.details["review"] == review.pk


def test_self_approval_is_refused(staff, make_draft, safety) -> None:
    """Four eyes: a publisher who wrote the object can never approve it."""
    obj = make_draft(staff["publisher"])
    services.object_submit(actor=staff["publisher"], obj=obj)
    with pytest.raises(ApplicationError, match="four eyes"):
        services.object_approve(actor=staff["publisher"], obj=obj, checklist=ALL_TICKED)
    with pytest.raises(ApplicationError, match="four eyes"):
        services.object_reject(actor=staff["publisher"], obj=obj, comments="Looks fine to me, but…")
    obj.refresh_from_db()
    assert obj.status == ObjectStatus.IN_REVIEW
    assert not PublicationReview.objects.exists()
    assert not _events("object.approve")
    # Another publisher can.
    services.object_approve(actor=staff["publisher_two"], obj=obj, checklist=ALL_TICKED)
    obj.refresh_from_db()
    assert obj.status == ObjectStatus.APPROVED


@pytest.mark.parametrize("how", ["edited", "submitted", "uploaded"])
def test_a_publisher_who_worked_on_the_object_cannot_approve_it(
    staff, make_draft, safety, category, how
) -> None:
    obj = make_draft(staff["analyst"])
    helper = staff["publisher_two"]
    if how == "edited":
        services.object_edit(actor=helper, obj=obj, fields=_fields(category, code=obj.code, title="Edited"))
    elif how == "uploaded":
        image = object_image_add(obj=obj, data=image_bytes(200, 200))
        image.uploaded_by = helper
        image.save()
    services.object_submit(actor=helper if how == "submitted" else staff["analyst"], obj=obj)
    with pytest.raises(ApplicationError, match="four eyes"):
        services.object_approve(actor=helper, obj=obj, checklist=ALL_TICKED)
    services.object_approve(actor=staff["publisher"], obj=obj, checklist=ALL_TICKED)


@pytest.mark.parametrize("missing", list(REVIEW_CHECKLIST))
def test_object_approve_needs_every_checklist_item(staff, in_review, missing) -> None:
    ticked = [key for key in REVIEW_CHECKLIST if key != missing]
    with pytest.raises(ApplicationError) as caught:
        services.object_approve(actor=staff["publisher_two"], obj=in_review, checklist=ticked)
    assert caught.value.field == "checklist"
    in_review.refresh_from_db()
    assert in_review.status == ObjectStatus.IN_REVIEW
    assert not PublicationReview.objects.exists()


def test_object_approve_refused_when_the_safety_scan_blocks(staff, in_review, safety) -> None:
    safety.blocking = True
    with pytest.raises(ApplicationError, match="safety scan"):
        services.object_approve(actor=staff["publisher_two"], obj=in_review, checklist=ALL_TICKED)
    in_review.refresh_from_db()
    assert in_review.status == ObjectStatus.IN_REVIEW
    assert not PublicationReview.objects.exists()
    assert not _events("object.approve")


def test_object_approve_refused_while_an_image_is_processing(staff, in_review) -> None:
    in_review.images.update(status=ImageStatus.PENDING)
    with pytest.raises(ApplicationError, match="still being processed"):
        services.object_approve(actor=staff["publisher_two"], obj=in_review, checklist=ALL_TICKED)


@pytest.mark.parametrize("status", [ObjectStatus.DRAFT, ObjectStatus.APPROVED, ObjectStatus.PUBLISHED])
def test_object_approve_only_in_review(staff, make_draft, safety, status) -> None:
    obj = make_draft(staff["analyst"])
    Object.objects.filter(pk=obj.pk).update(status=status)
    with pytest.raises(ApplicationError, match="Only an object in review"):
        services.object_approve(actor=staff["publisher_two"], obj=obj, checklist=ALL_TICKED)
    with pytest.raises(ApplicationError, match="Only an object in review"):
        services.object_reject(actor=staff["publisher_two"], obj=obj, comments="No.")


@pytest.mark.parametrize("name", NOT_PUBLISHERS)
def test_object_approve_and_reject_recheck_the_permission(staff, in_review, name) -> None:
    with pytest.raises(ApplicationError):
        services.object_approve(actor=staff[name], obj=in_review, checklist=ALL_TICKED)
    with pytest.raises(ApplicationError):
        services.object_reject(actor=staff[name], obj=in_review, comments="No.")
    in_review.refresh_from_db()
    assert in_review.status == ObjectStatus.IN_REVIEW


def test_object_reject_sends_it_back_with_a_comment(staff, in_review) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.object_reject(actor=staff["publisher_two"], obj=in_review, comments="   ")
    assert caught.value.field == "comments"
    review = services.object_reject(
        actor=staff["publisher_two"],
        obj=in_review,
        comments="The wallpaper edge shows the room: crop tighter.",
        checklist=["no_person"],
    )
    in_review.refresh_from_db()
    assert in_review.status == ObjectStatus.DRAFT
    assert review.decision == ReviewDecision.REJECTED
    assert review.checklist["no_person"] is True
    assert review.checklist["tight_crop"] is False
    event = _only_event("object.reject", in_review, staff["publisher_two"])
    assert event.details["review"] == review.pk
    # Sent back, it can be fixed and submitted again.
    services.object_submit(actor=staff["analyst"], obj=in_review)
    in_review.refresh_from_db()
    assert in_review.status == ObjectStatus.IN_REVIEW


# --- Releases and publication -------------------------------------------------------------------------


def test_release_create(staff) -> None:
    when = timezone.now() + timedelta(days=3)
    release = services.release_create(actor=staff["publisher"], name="  June   batch ", publish_at=when)
    assert release.name == "June batch"
    assert release.publish_at == when
    event = _only_event("release.create", release, staff["publisher"])
    assert event.details == {"publish_at": when.isoformat()}


def test_release_create_now_is_allowed_and_the_past_is_not(staff) -> None:
    now = services.release_create(
        actor=staff["publisher"], name="Now", publish_at=timezone.now() - timedelta(minutes=2)
    )
    assert abs(now.publish_at - timezone.now()) < timedelta(minutes=1)
    with pytest.raises(ApplicationError) as caught:
        services.release_create(
            actor=staff["publisher"], name="Late", publish_at=timezone.now() - timedelta(hours=1)
        )
    assert caught.value.field == "publish_at"
    with pytest.raises(ApplicationError, match="time zone"):
        services.release_create(
            actor=staff["publisher"], name="Naive", publish_at=timezone.now().replace(tzinfo=None)
        )
    with pytest.raises(ApplicationError) as caught:
        services.release_create(actor=staff["publisher"], name="  ", publish_at=timezone.now())
    assert caught.value.field == "name"
    assert list(Release.objects.values_list("name", flat=True)) == ["Now"]


@pytest.mark.parametrize("name", NOT_PUBLISHERS)
def test_release_services_recheck_the_permission(staff, approved, release, name) -> None:
    with pytest.raises(ApplicationError):
        services.release_create(actor=staff[name], name="X", publish_at=timezone.now())
    with pytest.raises(ApplicationError):
        services.object_assign_release(
            actor=staff[name], obj=approved, release=release, audience=Audience.PUBLIC
        )
    with pytest.raises(ApplicationError):
        services.release_schedule(actor=staff[name], release=release, publish_at=timezone.now())
    approved.refresh_from_db()
    assert approved.status == ObjectStatus.APPROVED


def test_object_assign_release_publishes_at_the_release_time(staff, approved, release) -> None:
    services.object_assign_release(
        actor=staff["publisher"], obj=approved, release=release, audience="partners"
    )
    approved.refresh_from_db()
    assert approved.status == ObjectStatus.PUBLISHED
    assert approved.release == release
    assert approved.audience == Audience.PARTNERS
    assert approved.published_at == release.publish_at
    event = _only_event("object.publish", approved, staff["publisher"])
    assert event.details["release"] == release.pk
    assert event.details["audience"] == "partners"


@pytest.mark.parametrize("status", [ObjectStatus.DRAFT, ObjectStatus.IN_REVIEW, ObjectStatus.WITHDRAWN])
def test_only_approved_objects_can_be_published(staff, make_draft, release, status) -> None:
    obj = make_draft(staff["analyst"])
    Object.objects.filter(pk=obj.pk).update(status=status)
    with pytest.raises(ApplicationError, match="not approved"):
        services.object_assign_release(actor=staff["publisher"], obj=obj, release=release, audience="public")
    assert not _events("object.publish")


def test_an_approved_status_without_an_approved_review_is_not_enough(staff, make_draft, release) -> None:
    obj = make_draft(staff["analyst"])
    Object.objects.filter(pk=obj.pk).update(status=ObjectStatus.APPROVED)
    with pytest.raises(ApplicationError, match="no approved review"):
        services.object_assign_release(actor=staff["publisher"], obj=obj, release=release, audience="public")


def test_publication_refused_when_images_changed_after_the_review(staff, approved, release) -> None:
    object_image_add(obj=approved, data=image_bytes(300, 300, color=(1, 2, 3)))
    with pytest.raises(ApplicationError, match="changed after the review"):
        services.object_assign_release(
            actor=staff["publisher"], obj=approved, release=release, audience="public"
        )


def test_publication_refused_when_the_scan_now_blocks(staff, approved, release, safety) -> None:
    safety.blocking = True
    with pytest.raises(ApplicationError, match="blocking"):
        services.object_assign_release(
            actor=staff["publisher"], obj=approved, release=release, audience="public"
        )


def test_object_assign_release_refuses_an_unknown_audience(staff, approved, release) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.object_assign_release(
            actor=staff["publisher"], obj=approved, release=release, audience="all"
        )
    assert caught.value.field == "audience"


def test_release_assign_is_all_or_nothing(staff, approved, make_draft, release) -> None:
    draft = make_draft(staff["analyst"], code="D2-2026")
    with pytest.raises(ApplicationError, match="D2-2026 is not approved"):
        services.release_assign(
            actor=staff["publisher"], release=release, objects=[approved, draft], audience="public"
        )
    approved.refresh_from_db()
    assert approved.status == ObjectStatus.APPROVED
    assert not _events("object.publish")
    published = services.release_assign(
        actor=staff["publisher"], release=release, objects=[approved], audience="public"
    )
    assert [obj.status for obj in published] == [ObjectStatus.PUBLISHED]


def test_release_schedule_moves_a_release_and_its_objects(staff, approved, release) -> None:
    services.object_assign_release(actor=staff["publisher"], obj=approved, release=release, audience="public")
    services.release_schedule(actor=staff["publisher"], release=release, publish_at=timezone.now())
    release.refresh_from_db()
    approved.refresh_from_db()
    assert release.publish_at <= timezone.now()
    assert approved.published_at == release.publish_at
    event = _only_event("release.schedule", release, staff["publisher"])
    assert set(event.details) == {"from", "to"}
    # Once out, a release can no longer be moved.
    with pytest.raises(ApplicationError, match="already out"):
        services.release_schedule(
            actor=staff["publisher"], release=release, publish_at=timezone.now() + timedelta(days=1)
        )


# --- object_withdraw ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [s for s in ObjectStatus if s != ObjectStatus.WITHDRAWN],
)
def test_object_withdraw_from_any_state(staff, make_draft, status) -> None:
    obj = make_draft(staff["analyst"])
    Object.objects.filter(pk=obj.pk).update(status=status)
    services.object_withdraw(actor=staff["publisher"], obj=obj, reason="A reflection shows a face.")
    obj.refresh_from_db()
    assert obj.status == ObjectStatus.WITHDRAWN
    assert obj.withdrawn_at is not None
    event = _only_event("object.withdraw", obj, staff["publisher"])
    assert event.details == {"reason": "A reflection shows a face.", "from": status.value}


def test_object_withdraw_needs_a_reason_and_happens_once(staff, make_draft) -> None:
    obj = make_draft(staff["analyst"])
    with pytest.raises(ApplicationError) as caught:
        services.object_withdraw(actor=staff["publisher"], obj=obj, reason=" ")
    assert caught.value.field == "reason"
    services.object_withdraw(actor=staff["publisher"], obj=obj, reason="Duplicate.")
    with pytest.raises(ApplicationError, match="already withdrawn"):
        services.object_withdraw(actor=staff["publisher"], obj=obj, reason="Again.")
    assert len(_events("object.withdraw")) == 1


@pytest.mark.parametrize("name", NOT_PUBLISHERS)
def test_object_withdraw_rechecks_the_permission(staff, make_draft, name) -> None:
    obj = make_draft(staff["analyst"])
    with pytest.raises(ApplicationError):
        services.object_withdraw(actor=staff[name], obj=obj, reason="No.")
    obj.refresh_from_db()
    assert obj.status == ObjectStatus.DRAFT


def test_object_withdraw_deletes_the_public_files_after_commit(
    staff, make_draft, django_capture_on_commit_callbacks
) -> None:
    obj = make_draft(staff["analyst"], images=2)
    public = [Path(settings.MEDIA_ROOT) / d["path"] for image in obj.images.all() for d in image.derivatives]
    private = [Path(settings.PRIVATE_MEDIA_ROOT) / image.original_path for image in obj.images.all()]
    assert public
    assert all(path.exists() for path in public + private)
    with django_capture_on_commit_callbacks(execute=True):
        services.object_withdraw(actor=staff["publisher"], obj=obj, reason="Shows a face.")
    assert not any(path.exists() for path in public)
    assert all(path.exists() for path in private)  # the evidence stays, privately


def test_a_failed_action_leaves_no_audit_event(staff, in_review, safety) -> None:
    before = AuditEvent.objects.count()
    safety.blocking = True
    with pytest.raises(ApplicationError):
        services.object_approve(actor=staff["publisher_two"], obj=in_review, checklist=ALL_TICKED)
    assert AuditEvent.objects.count() == before


# --- Categories (issue 13: the admin's one write, through these services) -------------------------------


@pytest.mark.parametrize("name", NOT_PUBLISHERS)
def test_only_publishers_manage_categories(staff, name) -> None:
    bags = CategoryFactory(slug="bags", name="Bags", position=10)
    with pytest.raises(ApplicationError, match="role does not allow"):
        services.category_create(actor=staff[name], slug="lamps", name="Lamps")
    with pytest.raises(ApplicationError, match="role does not allow"):
        services.category_edit(actor=staff[name], category=bags, name="Sacks", position=10)
    bags.refresh_from_db()
    assert bags.name == "Bags"
    assert not Category.objects.filter(slug="lamps").exists()
    assert not AuditEvent.objects.filter(action__startswith="category.").exists()


@pytest.mark.parametrize(
    ("slug", "name", "position", "field"),
    [("not a slug", "Lamps", 1, "slug"), ("lamps", "  ", 1, "name"), ("lamps", "Lamps", 40000, "position")],
)
def test_a_refused_category_stores_nothing(staff, slug, name, position, field) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.category_create(actor=staff["publisher"], slug=slug, name=name, position=position)
    assert refused.value.field == field
    assert not Category.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_unchanged_category_writes_no_event(staff) -> None:
    bags = services.category_create(actor=staff["publisher"], slug="Bags", name="Bags", position=10)
    assert bags.slug == "bags"
    services.category_edit(actor=staff["publisher"], category=bags, name=" Bags ", position=10)
    assert [event.action for event in AuditEvent.objects.order_by("id")] == ["category.create"]
    services.category_edit(actor=staff["publisher_two"], category=bags, name="Bags", position=20)
    moved = AuditEvent.objects.get(action="category.edit")
    assert moved.actor == staff["publisher_two"]
    assert moved.details == {"slug": "bags", "position": {"from": 10, "to": 20}}
