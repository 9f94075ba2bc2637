"""Django's admin is no path around a service (issue 13, part 1).

Every request here is a real admin POST by a superuser who passed the second factor. Whatever the admin
offers must leave every table as it was, except what goes through a service (categories), which is
audited with the superuser as the actor.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from tests.factories import CategoryFactory, ObjectFactory, image_bytes
from tests.leads.conftest import Loop, authorities, dispatched, loop, proposal, tip_receipts, tips  # noqa: F401
from tests.staff_fixtures import STAFF_PASSWORD, login_verified, make_staff
from tests.vault.helpers import account
from traceobject.accounts.admin_site import ServiceModelAdmin, StaffAdminSite, enforce_staff_admin_site
from traceobject.accounts.models import User
from traceobject.audit.models import AuditEvent
from traceobject.gallery.models import Audience, Category, Object, ObjectImage, ObjectStatus, Release
from traceobject.leads.models import OutcomeKind
from traceobject.leads.services import outcome_report
from traceobject.tips.models import Tip

pytestmark = pytest.mark.django_db

# The only models whose admin may write: each through its services. Pinned here, not read from the code.
SERVICE_ROUTED = {"gallery.Category"}


def _superuser(username: str, role: str) -> User:
    user = make_staff(username, role)
    User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
    user.refresh_from_db()
    return user


def _admin_client(user: User) -> Client:
    """Logged in past both factors; the admin shares the staff session under its own cookie name."""
    client = login_verified(Client(), user)
    client.cookies[settings.ADMIN_SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return client


@pytest.fixture
def root(db) -> Client:
    """A superuser (role administrator, so no gallery permission) past both factors, in the admin."""
    client = _admin_client(_superuser("root", "administrator"))
    assert client.get("/django-admin/").status_code == 200
    return client


def _url(model: Any, *parts: Any) -> str:
    meta = model._meta
    tail = "/".join(quote(str(part)) for part in parts)
    return f"/django-admin/{meta.app_label}/{meta.model_name}/{tail}/"


def _every_row() -> dict[str, list[dict[str, Any]]]:
    """Every row of every model (sessions aside: a request touches its own), as the ORM reads it."""
    return {
        model._meta.label: sorted(
            (dict(row) for row in model._default_manager.values()), key=lambda row: repr(sorted(row.items()))
        )
        for model in apps.get_models()
        if model is not Session
    }


def test_every_admin_is_read_only_unless_it_goes_through_services() -> None:
    request = RequestFactory().get("/django-admin/")
    request.user = User(username="root", is_superuser=True, is_active=True, role="publisher")
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if label in SERVICE_ROUTED:
            assert isinstance(model_admin, ServiceModelAdmin), label
            assert not model_admin.has_delete_permission(request), label
        else:
            assert not isinstance(model_admin, ServiceModelAdmin), label
            assert not model_admin.has_add_permission(request), label
            assert not model_admin.has_change_permission(request), label
            assert not model_admin.has_delete_permission(request), label
        assert model_admin.get_actions(request) == {}, label
    # Django's groups and the second factor's devices are not offered at all.
    for name in ("auth.Group", "otp_totp.TOTPDevice", "accounts.User", "audit.AuditEvent", "tips.Tip"):
        assert not admin.site.is_registered(apps.get_model(name)), name


def test_a_model_registered_later_is_read_only_by_construction(tip_factory, published_object) -> None:
    """What a third-party app (or a future admin.py) registers with the default admin cannot write."""
    tip = tip_factory(obj=published_object)
    site = StaffAdminSite(name="probe")
    site.register(Tip)
    model_admin = site._registry[Tip]
    superuser = _superuser("root", "publisher")
    before = _every_row()

    def post(data: dict[str, Any]) -> Any:
        request = RequestFactory().post("/django-admin/tips/tip/", data)
        request.user = superuser
        request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        return request

    change = {"status": "archived", "object": published_object.pk, "sealed": ""}
    with pytest.raises(PermissionDenied):
        model_admin.change_view(post(change), str(tip.pk))
    with pytest.raises(PermissionDenied):
        model_admin.delete_view(post({"post": "yes"}), str(tip.pk))
    with pytest.raises(PermissionDenied):
        model_admin.add_view(post(change))
    assert model_admin.get_actions(post({})) == {}
    assert _every_row() == before


def test_no_row_of_any_model_changes_through_the_admin(root, staff, dispatched: Loop) -> None:  # noqa: F811
    """Audit rows, tips, leads, outcomes, determinations, keys, accounts, objects...: a POST to the add,
    change and delete pages of every model with a row, and a bulk delete, changes nothing at all."""
    outcome_report(
        actor=staff["partner_a"],
        lead=dispatched.leads["PL"],
        kind=OutcomeKind.INVESTIGATION_OPENED,
        count=0,
        update="x",
    )
    account("keeper", "administrator")  # a personal key pair, and a grant of the tip key
    before = _every_row()
    for label in (
        "audit.AuditEvent",
        "tips.Tip",
        "tips.FollowUp",
        "leads.Lead",
        "leads.Outcome",
        "leads.Determination",
        "vault.VaultKey",
        "vault.StaffKey",
        "vault.KeyGrant",
        "otp_totp.TOTPDevice",
    ):
        assert before[label], label
    statuses: dict[str, set[int]] = {}
    for model in apps.get_models():
        if model is Session or not before[model._meta.label]:
            continue
        pk = model._default_manager.values_list("pk", flat=True).first()
        answers = statuses.setdefault(model._meta.label, set())
        answers.add(
            root.post(_url(model, pk, "change"), {"status": "published", "audience": "public"}).status_code
        )
        answers.add(root.post(_url(model, pk, "delete"), {"post": "yes"}).status_code)
        answers.add(root.post(_url(model, "add"), {"name": "x", "slug": "x", "code": "X1-2026"}).status_code)
        answers.add(
            root.post(
                _url(model), {"action": "delete_selected", "_selected_action": [pk], "post": "yes"}
            ).status_code
        )
    assert _every_row() == before
    for label, answers in statuses.items():
        # 404: not in the admin at all; 403: read-only; 200/302: a changelist that ran no action.
        assert answers <= {403, 404, 200, 302}, (label, answers)
        if admin.site.is_registered(apps.get_model(label)):
            assert 403 in answers, label


def test_a_superuser_cannot_publish_or_change_an_audience(root, category_factory) -> None:
    approved = ObjectFactory(status=ObjectStatus.APPROVED, release=None, audience=Audience.PARTNERS)
    partners = ObjectFactory(status=ObjectStatus.PUBLISHED, audience=Audience.PARTNERS)
    release = Release.objects.create(name="Now", publish_at=approved.created_at)
    events = AuditEvent.objects.count()
    for obj, data in (
        (approved, {"status": "published", "audience": "public", "release": release.pk}),
        (partners, {"audience": "public"}),
    ):
        form = {
            "code": obj.code,
            "title": obj.title,
            "category": obj.category_id,
            "description": obj.description,
            "questions": '["Which shop?"]',
            "hints": "[]",
            "case_reference": obj.case_reference,
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
            **data,
        }
        assert root.post(_url(Object, obj.pk, "change"), form).status_code == 403
    approved.refresh_from_db()
    partners.refresh_from_db()
    assert (approved.status, approved.release_id) == (ObjectStatus.APPROVED, None)
    assert partners.audience == Audience.PARTNERS
    assert AuditEvent.objects.count() == events
    # The page itself can still be read, with nothing to save.
    page = root.get(_url(Object, partners.pk, "change")).content.decode()
    assert partners.code in page
    assert 'name="_save"' not in page


def test_a_superuser_cannot_add_an_image_that_skips_the_scan(root) -> None:
    draft = ObjectFactory(status=ObjectStatus.DRAFT, release=None)
    upload = SimpleUploadedFile("bag.png", image_bytes(400, 300), content_type="image/png")
    form = {
        "code": draft.code,
        "title": draft.title,
        "category": draft.category_id,
        "upload": upload,
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
    }
    assert root.post(_url(Object, draft.pk, "change"), form).status_code == 403
    assert root.post(_url(Object, "add"), {**form, "code": "NEW1-2026"}).status_code == 403
    assert not ObjectImage.objects.exists()
    assert not Object.objects.filter(code="NEW1-2026").exists()


def test_categories_go_through_the_services_with_the_superuser_as_actor(db) -> None:
    manager = _superuser("root-publisher", "publisher")
    client = _admin_client(manager)
    response = client.post(_url(Category, "add"), {"slug": "lamps", "name": "  Lamps  ", "position": "70"})
    assert response.status_code == 302
    lamps = Category.objects.get(slug="lamps")
    assert (lamps.name, lamps.position) == ("Lamps", 70)  # the service's normalisation
    created = AuditEvent.objects.get(action="category.create")
    assert created.actor == manager
    assert created.details == {"slug": "lamps", "name": "Lamps", "position": 70}

    response = client.post(
        _url(Category, lamps.pk, "change"), {"slug": "other", "name": "Lights", "position": "70"}
    )
    assert response.status_code == 302
    lamps.refresh_from_db()
    assert (lamps.slug, lamps.name) == ("lamps", "Lights")  # the slug is set once
    edited = AuditEvent.objects.get(action="category.edit")
    assert edited.actor == manager
    assert edited.details == {"slug": "lamps", "name": {"from": "Lamps", "to": "Lights"}}

    # A refusal by the service (the form alone would accept it) stores nothing and says why.
    response = client.post(
        _url(Category, "add"), {"slug": "LAMPS", "name": "Lamps", "position": "1"}, follow=True
    )
    assert "Another category already has the slug lamps." in response.content.decode()
    assert Category.objects.count() == 1
    assert AuditEvent.objects.filter(action="category.create").count() == 1
    # Nothing is deleted: objects keep their category.
    assert client.post(_url(Category, lamps.pk, "delete"), {"post": "yes"}).status_code == 403
    assert Category.objects.filter(pk=lamps.pk).exists()


def test_categories_need_the_permission_even_for_a_superuser(root) -> None:
    bags = CategoryFactory(slug="bags", name="Bags")
    assert (
        root.post(_url(Category, "add"), {"slug": "lamps", "name": "Lamps", "position": "1"}).status_code
        == 403
    )
    assert root.post(_url(Category, bags.pk, "change"), {"name": "Sacks", "position": "1"}).status_code == 403
    bags.refresh_from_db()
    assert bags.name == "Bags"
    assert not Category.objects.filter(slug="lamps").exists()
    assert not AuditEvent.objects.filter(action__startswith="category.").exists()


def test_an_admin_registered_around_the_staff_site_is_made_read_only_at_start() -> None:
    """Registered by a plain AdminSite's own method (as a replaced site class would), a model admin is
    writable until ``enforce_staff_admin_site`` (run by ``AccountsConfig.ready``) makes it read-only."""
    request = RequestFactory().get("/django-admin/")
    request.user = User(username="root", is_superuser=True, is_active=True, role="publisher")
    AdminSite.register(admin.site, Tip)
    try:
        assert admin.site._registry[Tip].has_change_permission(request)
        enforce_staff_admin_site()
        assert not admin.site._registry[Tip].has_change_permission(request)
        assert not admin.site._registry[Tip].has_delete_permission(request)
        assert isinstance(admin.site._registry[Category], ServiceModelAdmin)  # left as it was
    finally:
        admin.site.unregister(Tip)


def test_the_admin_password_form_leads_to_the_staff_one(root) -> None:
    """The admin's own form would change the password unaudited and leave the vault key unopenable."""
    user = User.objects.get(username="root")
    hashed = user.password
    response = root.post(
        "/django-admin/password_change/",
        {
            "old_password": STAFF_PASSWORD,
            "new_password1": "a new long passphrase 7",
            "new_password2": "a new long passphrase 7",
        },
    )
    assert (response.status_code, response["Location"]) == (302, "/staff/account/password/")
    user.refresh_from_db()
    assert user.password == hashed
    assert root.get("/django-admin/password_change/done/")["Location"] == "/staff/account/password/"
