"""The partner portal's objects published for partners: their pictures (through the portal only) and
the reports a partner sends about them, which reach triage as partner reports, never as public tips."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ObjectFactory
from tests.leads.test_partner_views import partner_client
from tests.staff_fixtures import login_verified
from traceobject import vault
from traceobject.audit.models import AuditEvent
from traceobject.gallery.models import Audience, Object
from traceobject.leads.selectors import lead_figures
from traceobject.stats.selectors import headline_figures
from traceobject.tips.models import Receipt, Tip
from traceobject.tips.payload import TipPayload
from traceobject.triage.models import ObjectSupport, Signal, Tally

pytestmark = pytest.mark.django_db

REPORT = "We know this bag: seized in a 2019 case in Kraków, sold at a market stall on Plac Nowy."


@pytest.fixture
def partner_only(published_object: Object) -> Object:
    Object.objects.filter(pk=published_object.pk).update(audience=Audience.PARTNERS)
    published_object.refresh_from_db()
    return published_object


def _jpeg_path(obj: Object) -> str:
    image = obj.images.get()
    return next(d["path"] for d in image.derivatives if d["format"] == "jpeg")


def test_the_partner_sees_the_pictures_through_the_portal_only(staff: Any, partner_only: Object) -> None:
    client = partner_client(staff["partner_a"])
    image = partner_only.images.get()
    src = reverse("partner:object_image", args=[partner_only.code, image.pk])
    assert src in client.get("/partner/").content.decode()
    page = client.get(reverse("partner:object_detail", args=[partner_only.code])).content.decode()
    assert src in page
    assert "Report what you recognise" in page
    response = client.get(src)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    assert "no-store" in response["Cache-Control"]
    # The public media path refuses a partner-only object's derivative, and the page names none of them.
    assert Client().get(f"/media/{_jpeg_path(partner_only)}").status_code == 404
    assert "/media/" not in page
    # An image id of another object is not found.
    other = ObjectFactory(code="OTHER-1", audience=Audience.PARTNERS)
    assert client.get(reverse("partner:object_image", args=[other.code, image.pk])).status_code == 404


def test_public_objects_and_outsiders_get_nothing(
    staff: Any, published_object: Object, staff_client: Any
) -> None:
    # A public object is not a partner object: the portal does not serve it.
    client = partner_client(staff["partner_a"])
    assert client.get(reverse("partner:object_detail", args=[published_object.code])).status_code == 404
    image = published_object.images.get()
    url = reverse("partner:object_image", args=[published_object.code, image.pk])
    assert client.get(url).status_code == 404
    Object.objects.filter(pk=published_object.pk).update(audience=Audience.PARTNERS)
    # Anonymous: to the portal's login; staff without the partner role: refused.
    assert Client().get(url).status_code == 302
    assert staff_client("outsider").get(url).status_code in (302, 403)
    analyst = login_verified(Client(), staff["analyst"])
    assert analyst.get(url).status_code in (302, 403)


@pytest.mark.parametrize(
    ("who", "country", "name"), [("partner_a", "PL", "Poland"), ("partner_b", "DE", "Germany")]
)
def test_a_report_reaches_triage_as_a_partner_report(
    staff: Any, staff_client: Any, partner_only: Object, who: str, country: str, name: str
) -> None:
    tallies, supports = Tally.objects.count(), ObjectSupport.objects.count()
    before = headline_figures()
    client = partner_client(staff[who])
    response = client.post(reverse("partner:object_report", args=[partner_only.code]), {"text": REPORT})
    assert response.status_code == 302
    assert "your report reached the analysts" in client.get(response["Location"]).content.decode()
    tip = Tip.objects.get()
    assert (tip.object, tip.partner_country) == (partner_only, country)
    # Sealed like a tip, readable with the staff's key.
    assert REPORT.encode() not in bytes(tip.sealed)
    assert TipPayload.from_bytes(vault.open(bytes(tip.sealed))).text == REPORT
    # Audited as the partner's action.
    event = AuditEvent.objects.get(action="partner.object_report")
    assert (event.actor, event.target_id) == (staff[who], str(tip.pk))
    assert event.details == {"object": partner_only.code, "country": country}
    # Not public evidence: no receipt, signals, tallies or support, and no figure moved.
    assert not Receipt.objects.exists()
    assert not Signal.objects.exists()
    assert (Tally.objects.count(), ObjectSupport.objects.count()) == (tallies, supports)
    assert headline_figures() == before
    assert lead_figures().objects_identified == 0
    # The analysts see it as a partner report, in the inbox and on the tip page.
    analyst = staff_client("analyst")
    inbox = analyst.get(reverse("staff:triage_inbox")).content.decode()
    assert f"Partner report: {name}" in inbox
    page = analyst.get(reverse("staff:triage_tip", args=[tip.pk])).content.decode()
    assert f"Partner report: {name}" in page
    assert REPORT in page


def test_a_report_is_refused_to_outsiders_and_on_public_objects(
    staff: Any, staff_client: Any, partner_only: Object, published_object: Object
) -> None:
    url = reverse("partner:object_report", args=[partner_only.code])
    assert Client().post(url, {"text": REPORT}).status_code == 302
    assert staff_client("outsider").post(url, {"text": REPORT}).status_code in (302, 403)
    public = ObjectFactory(code="PUB-2", audience=Audience.PUBLIC)
    client = partner_client(staff["partner_a"])
    assert (
        client.post(reverse("partner:object_report", args=[public.code]), {"text": REPORT}).status_code == 404
    )
    response = client.post(url, {"text": "   "})
    assert response.status_code == 400
    assert not Tip.objects.exists()
    assert not AuditEvent.objects.filter(action="partner.object_report").exists()


# --- The object's text in the partner's language ------------------------------------------------------


def _h1(page: str) -> Any:
    from tests.utils import find_all

    [heading] = find_all(page, "h1")
    return heading


def test_the_partner_reads_the_object_in_their_language_or_the_marked_original(
    staff: Any, partner_only: Object
) -> None:
    """The portal's pages follow the partner's browser language (Accept-Language: the portal's paths
    carry none). The site's default is left alone: changing it in a test would leave Django's URL
    resolver with German reversed as the unprefixed default for every later test."""
    from tests.factories import ObjectTranslationFactory
    from tests.utils import find_by_id

    ObjectTranslationFactory(
        object=partner_only,
        language="pl",
        title="Niebieska płócienna torba",
        questions=["W jakim sklepie sprzedawano tę torbę?"],
    )
    url = reverse("partner:object_detail", args=[partner_only.code])
    polish = partner_client(staff["partner_a"])
    polish.defaults["HTTP_ACCEPT_LANGUAGE"] = "pl"
    page = polish.get(url).content.decode()
    assert '<html lang="pl" dir="ltr">' in page
    assert "Niebieska płócienna torba" in _h1(page).text
    assert "W jakim sklepie sprzedawano tę torbę?" in page
    assert find_by_id(page, "text-fallback") is None
    # The home page's list too, with the translations fetched in one query for the list.
    home = polish.get("/partner/").content.decode()
    assert "Niebieska płócienna torba" in home
    assert "text-fallback-tag" not in home
    # In German: no German text yet, so the English original, marked and tagged with its language.
    german = partner_client(staff["partner_b"])
    german.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    page = german.get(url).content.decode()
    assert '<html lang="de" dir="ltr">' in page
    assert find_by_id(page, "text-fallback") is not None
    assert 'lang="en" dir="ltr">Blue canvas bag</span>' in page
    assert "text-fallback-tag" in german.get("/partner/").content.decode()
