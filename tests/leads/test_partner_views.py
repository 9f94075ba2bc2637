"""The partner portal: its own login and cookies, a partner's own leads only (404 for another
country's), acknowledging, reporting outcomes, downloads, and the objects published for partners."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import post_form, totp_code
from tests.factories import ObjectFactory
from tests.leads.conftest import (
    ANSWER_TEXT,
    AUTHORITY_NOTE,
    GERMANY_TIP,
    NOTE_TEXT,
    PL_RATIONALE,
    POLAND_TIP,
    QUESTION_TEXT,
    Loop,
)
from tests.staff_fixtures import STAFF_PASSWORD, login_verified
from tests.utils import drain, find_all, utc_iso
from traceobject.audit.models import AuditEvent
from traceobject.gallery.models import Audience, Object, ObjectStatus
from traceobject.leads.models import Lead, LeadState, Outcome
from traceobject.leads.services import lead_send, outcome_report

pytestmark = pytest.mark.django_db


def partner_client(user: Any) -> Client:
    """A client logged in (password and second factor) with the session under the portal's cookie."""
    client = login_verified(Client(), user)
    client.cookies[settings.PARTNER_SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return client


@pytest.fixture
def sent(staff: Any, loop: Loop) -> Loop:
    for lead in loop.leads.values():
        lead_send(actor=staff["analyst"], lead=lead)
    return loop


def _detail(lead: Lead) -> str:
    return reverse("partner:lead_detail", args=[lead.reference])


# --- Login and cookies ---------------------------------------------------------------------------


def test_anonymous_visitors_go_to_the_portal_login(client: Client) -> None:
    response = client.get("/partner/")
    assert response.status_code == 302
    assert response["Location"] == "/partner/login/?next=%2Fpartner%2F"


def test_a_partner_logs_in_with_password_and_code_under_partner_cookies(staff: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/partner/login/")
    assert set(page.cookies) == {"to_partner_csrf"}
    assert page.cookies["to_partner_csrf"]["path"] == "/partner/"
    assert "Partner login" in page.content.decode()
    response = post_form(
        client, "/partner/login/", {"username": "partner_a", "password": STAFF_PASSWORD, "next": "/partner/"}
    )
    assert response["Location"] == "/partner/otp/"
    sessions = {name: morsel for name, morsel in response.cookies.items() if "session" in name}
    assert set(sessions) == {"to_partner_session"}
    assert sessions["to_partner_session"]["path"] == "/partner/"
    device = TOTPDevice.objects.get(user=staff["partner_a"])
    response = post_form(client, "/partner/otp/", {"token": totp_code(device)})
    assert response["Location"] == "/partner/"
    home = client.get("/partner/")
    assert home.status_code == 200
    assert home["Cache-Control"] == "no-store"
    # The portal session does not open the staff side.
    assert client.get("/staff/")["Location"].startswith("/staff/login/")
    # Logging out ends the portal session.
    token = home.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post("/partner/logout/", {"csrfmiddlewaretoken": token})
    assert response["Location"] == "/partner/login/"
    assert client.get("/partner/")["Location"].startswith("/partner/login/")


def test_next_may_not_leave_the_portal(staff: Any) -> None:
    client = Client()
    client.post("/partner/login/", {"username": "partner_a", "password": STAFF_PASSWORD, "next": "/staff/"})
    device = TOTPDevice.objects.get(user=staff["partner_a"])
    response = client.post("/partner/otp/", {"token": totp_code(device)})
    assert response["Location"] == "/partner/"


def test_staff_without_the_partner_permission_get_403(staff: Any) -> None:
    assert partner_client(staff["analyst"]).get("/partner/").status_code == 403


def test_a_partner_gets_403_on_staff_pages(staff: Any, staff_client: Any) -> None:
    assert staff_client("partner_a").get(reverse("staff:lead_list")).status_code == 403


# --- Leads ---------------------------------------------------------------------------------------


def test_home_lists_only_the_partners_own_sent_leads(staff: Any, sent: Loop) -> None:
    html = partner_client(staff["partner_a"]).get("/partner/").content.decode()
    assert sent.leads["PL"].reference in html
    assert sent.leads["DE"].reference not in html


def test_a_lead_not_yet_sent_is_invisible(staff: Any, loop: Loop) -> None:
    client = partner_client(staff["partner_a"])
    assert loop.leads["PL"].reference not in client.get("/partner/").content.decode()
    assert client.get(_detail(loop.leads["PL"])).status_code == 404


def test_another_countrys_lead_is_404_everywhere(staff: Any, sent: Loop) -> None:
    client = partner_client(staff["partner_a"])
    de = sent.leads["DE"].reference
    for name in ("lead_detail", "lead_pdf", "lead_json"):
        assert client.get(reverse(f"partner:{name}", args=[de])).status_code == 404
    assert client.get(reverse("partner:lead_image", args=[de, 1])).status_code == 404
    assert client.post(reverse("partner:lead_acknowledge", args=[de])).status_code == 404
    response = client.post(
        reverse("partner:outcome_new", args=[de]), {"kind": "investigation_opened", "update": "x"}
    )
    assert response.status_code == 404
    assert Lead.objects.get(reference=de).state == LeadState.SENT
    assert not Outcome.objects.exists()


def test_the_lead_page_shows_the_snapshot_for_this_country_only(staff: Any, sent: Loop) -> None:
    client = partner_client(staff["partner_a"])
    html = client.get(_detail(sent.leads["PL"])).content.decode()
    assert sent.obj.code in html
    assert POLAND_TIP[:30] in html
    assert GERMANY_TIP[:30] not in html
    assert PL_RATIONALE in html
    assert "confidence: Likely" in html
    assert "Germany" not in html
    # Reading a lead shows tip text: it is recorded, as opening a tip is.
    opened = AuditEvent.objects.filter(action="lead.open", target_id=str(sent.leads["PL"].pk))
    assert [event.actor for event in opened] == [staff["partner_a"]]
    image = client.get(reverse("partner:lead_image", args=[sent.leads["PL"].reference, 1]))
    assert image.status_code == 200
    assert image["Content-Type"].startswith("image/")


def test_the_lead_page_shows_the_note_for_the_authority_and_the_thread(staff: Any, dispatched: Loop) -> None:
    lead = dispatched.leads["PL"]
    html = partner_client(staff["partner_a"]).get(_detail(lead)).content.decode()
    assert "Note for your authority" in html
    for expected in (AUTHORITY_NOTE, QUESTION_TEXT, ANSWER_TEXT):
        assert escape(expected) in html, expected
    assert "Tipster's answer" in html
    assert NOTE_TEXT not in html
    assert "Analyst notes" not in html
    # Germany's partner reads neither, and gets 404 for the Polish lead.
    other = partner_client(staff["partner_b"])
    assert other.get(_detail(lead)).status_code == 404
    german = other.get(_detail(dispatched.leads["DE"])).content.decode()
    assert escape(AUTHORITY_NOTE) not in german
    assert escape(ANSWER_TEXT) not in german


def test_the_home_page_query_count_does_not_grow_with_leads(
    staff: Any, sent: Loop, more_leads: Any, count_queries: Any, django_assert_max_num_queries: Any
) -> None:
    client = partner_client(staff["partner_a"])
    client.get("/partner/")  # the first request of a session does some one-off work
    few = count_queries(lambda: client.get("/partner/"))
    assert few <= 10
    many = more_leads(12)
    with django_assert_max_num_queries(few):
        html = client.get("/partner/").content.decode()
    for lead in [sent.leads["PL"], *many]:
        assert lead.reference in html
    assert sent.leads["DE"].reference not in html


def test_acknowledge_then_report_outcomes(staff: Any, sent: Loop) -> None:
    lead = sent.leads["PL"]
    client = partner_client(staff["partner_a"])
    assert b"Acknowledge receipt" in client.get(_detail(lead)).content
    response = client.post(reverse("partner:lead_acknowledge", args=[lead.reference]), follow=True)
    assert "Receipt acknowledged" in response.content.decode()
    lead.refresh_from_db()
    assert lead.state == LeadState.ACKNOWLEDGED
    assert lead.acknowledged_by == staff["partner_a"]
    response = client.post(
        reverse("partner:outcome_new", args=[lead.reference]),
        {"kind": "victim_identified", "count": "1", "update": "A child was safeguarded in Gdansk."},
        follow=True,
    )
    html = response.content.decode()
    assert "Outcome recorded" in html
    assert "Victim identified" in html
    assert "A child was safeguarded in Gdansk." in html
    outcome = Outcome.objects.get()
    assert (outcome.kind, outcome.count, outcome.reported_by) == ("victim_identified", 1, staff["partner_a"])
    assert b"safeguarded" not in bytes(outcome.sealed_update)
    assert AuditEvent.objects.filter(action="lead.outcome").exists()
    # The analysts see it on the staff side too.
    staff_html = login_verified(Client(), staff["analyst"]).get(
        reverse("staff:lead_detail", args=[lead.reference])
    )
    assert "A child was safeguarded in Gdansk." in staff_html.content.decode()


def test_correcting_an_outcome(staff: Any, sent: Loop) -> None:
    lead = sent.leads["PL"]
    first = outcome_report(
        actor=staff["partner_a"], lead=lead, kind="offender_arrested", count=1, update="One arrest in Gdańsk."
    )
    client = partner_client(staff["partner_a"])
    url = reverse("partner:outcome_correct", args=[lead.reference, first.pk])
    assert url in client.get(_detail(lead)).content.decode()
    form = client.get(url).content.decode()
    assert "One arrest in Gdańsk." in form  # the form starts from the version being corrected
    response = client.post(
        url, {"kind": "offender_arrested", "count": "2", "update": "Two arrests, brothers."}, follow=True
    )
    html = response.content.decode()
    assert "Outcome corrected" in html
    assert "One arrest in Gdańsk." in html  # the earlier version stays readable
    assert "Two arrests, brothers." in html
    assert "Corrected: no longer counted" in html
    assert url not in html  # a corrected version offers no second correction
    assert Outcome.objects.get(corrects=first).count == 2
    # The analysts see the history too.
    staff_html = (
        login_verified(Client(), staff["analyst"])
        .get(reverse("staff:lead_detail", args=[lead.reference]))
        .content.decode()
    )
    assert "One arrest in Gdańsk." in staff_html
    assert "Corrected: no longer counted" in staff_html


def test_a_bad_correction_is_shown_again_and_stores_nothing(staff: Any, sent: Loop) -> None:
    lead = sent.leads["PL"]
    first = outcome_report(
        actor=staff["partner_a"], lead=lead, kind="investigation_opened", count=0, update="x"
    )
    url = reverse("partner:outcome_correct", args=[lead.reference, first.pk])
    response = partner_client(staff["partner_a"]).post(url, {"kind": "victim_identified", "update": "y"})
    assert response.status_code == 400
    assert "Give how many people, at least one." in response.content.decode()
    assert Outcome.objects.count() == 1


def test_another_country_cannot_correct(staff: Any, sent: Loop, staff_client: Any) -> None:
    lead = sent.leads["PL"]
    first = outcome_report(
        actor=staff["partner_a"], lead=lead, kind="investigation_opened", count=0, update="x"
    )
    url = reverse("partner:outcome_correct", args=[lead.reference, first.pk])
    other = partner_client(staff["partner_b"])
    assert other.get(url).status_code == 404
    data = {"kind": "closed_no_result", "update": "z"}
    assert other.post(url, data).status_code == 404
    # An outcome id of another lead, under the partner's own lead: 404 too.
    own = sent.leads["DE"]
    assert other.get(reverse("partner:outcome_correct", args=[own.reference, first.pk])).status_code == 404
    assert staff_client("outsider").post(url, data).status_code in (302, 403)
    assert Outcome.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"kind": "victim_identified", "count": "", "update": "x"}, "Give how many people, at least one."),
        ({"kind": "investigation_opened", "count": "2", "update": "x"}, "This outcome takes no count."),
        ({"kind": "victim_identified", "count": "1", "update": ""}, "This field is required."),
        ({"kind": "nonsense", "update": "x"}, "Select a valid choice."),
    ],
)
def test_a_bad_outcome_is_shown_again(staff: Any, sent: Loop, data: dict[str, str], error: str) -> None:
    client = partner_client(staff["partner_a"])
    response = client.post(reverse("partner:outcome_new", args=[sent.leads["PL"].reference]), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Outcome.objects.exists()


def test_downloads(staff: Any, sent: Loop) -> None:
    client = partner_client(staff["partner_b"])
    lead = sent.leads["DE"]
    response = client.get(reverse("partner:lead_json", args=[lead.reference]))
    assert response.status_code == 200
    assert json.loads(response.content)["country"] == "DE"
    response = client.get(reverse("partner:lead_pdf", args=[lead.reference]))
    assert response.content.startswith(b"%PDF")
    exports = AuditEvent.objects.filter(action="lead.export", target_id=str(lead.pk))
    assert sorted(e.details["format"] for e in exports) == ["json", "pdf"]
    assert {e.actor for e in exports} == {staff["partner_b"]}
    # Another country's lead: not found, and no copy recorded.
    other = sent.leads["PL"]
    assert client.get(reverse("partner:lead_pdf", args=[other.reference])).status_code == 404
    assert not AuditEvent.objects.filter(action="lead.export", target_id=str(other.pk)).exists()


def test_objects_published_for_partners_are_listed(staff: Any, db: None) -> None:
    ObjectFactory(code="PARTNERS-1", title="Only for partners", audience=Audience.PARTNERS)
    ObjectFactory(code="PUBLIC-1", title="For everyone", audience=Audience.PUBLIC)
    ObjectFactory(code="DRAFT-1", title="Not yet", audience=Audience.PARTNERS, status=ObjectStatus.DRAFT)
    html = partner_client(staff["partner_a"]).get("/partner/").content.decode()
    assert "Only for partners" in html
    assert "For everyone" not in html
    assert "Not yet" not in html


# --- The CSV of the partner's leads -----------------------------------------------------------------

LEAD_CSV = "/partner/leads.csv"


def test_the_csv_holds_the_partners_own_sent_leads_as_its_list_shows_them(
    staff: Any, sent: Loop, more_leads: Any
) -> None:
    [reported] = more_leads(1)  # sent, with an outcome from Poland's partner: acknowledged
    [unsent] = more_leads(1, sent=False)
    Object.objects.filter(pk=sent.obj.pk).update(title="=Blue canvas bag")
    response = partner_client(staff["partner_a"]).get(LEAD_CSV)
    assert response["Content-Disposition"].startswith('attachment; filename="leads-')
    body = drain(response).decode()
    header, *rows = list(csv.reader(io.StringIO(body)))
    # The columns of the list on the portal's home page, and no more.
    assert header == [
        "reference",
        "object_code",
        "object_title",
        "state",
        "sent_utc",
        "acknowledged_utc",
        "outcomes",
    ]
    pl = Lead.objects.get(pk=sent.leads["PL"].pk)
    reported = Lead.objects.select_related("determination__object").get(pk=reported.pk)
    assert rows == [
        [
            reported.reference,
            reported.determination.object.code,
            reported.determination.object.title,
            "acknowledged",
            utc_iso(reported.sent_at),
            utc_iso(reported.acknowledged_at),
            "1",
        ],
        [pl.reference, "B17-2026", "'=Blue canvas bag", "sent", utc_iso(pl.sent_at), "", "0"],
    ]
    # Germany's lead, a lead not sent yet, and anything sealed never appear.
    for absent in (sent.leads["DE"].reference, unsent.reference, POLAND_TIP, GERMANY_TIP, "Opened."):
        assert absent not in body
    [event] = AuditEvent.objects.filter(action="leads.export")
    assert event.actor == staff["partner_a"]
    assert event.details == {
        "export": "partner_leads",
        "filters": {"country": "PL"},
        "count": 2,
        "until": reported.pk,
        "format": "csv",
    }


def test_another_partner_gets_only_its_own_leads(staff: Any, sent: Loop) -> None:
    body = drain(partner_client(staff["partner_b"]).get(LEAD_CSV)).decode()
    rows = list(csv.reader(io.StringIO(body)))[1:]
    assert [row[0] for row in rows] == [sent.leads["DE"].reference]
    assert sent.leads["PL"].reference not in body
    [event] = AuditEvent.objects.filter(action="leads.export")
    assert (event.actor, event.details["filters"]) == (staff["partner_b"], {"country": "DE"})


def test_the_home_page_links_to_the_csv(staff: Any, sent: Loop) -> None:
    html = partner_client(staff["partner_a"]).get("/partner/").content.decode()
    [link] = [a for a in find_all(html, "a") if a.attrs.get("id") == "lead-export"]
    assert link.attrs["href"] == LEAD_CSV


def test_the_csv_is_refused_as_the_portal_is(staff: Any, sent: Loop, client: Client) -> None:
    assert partner_client(staff["analyst"]).get(LEAD_CSV).status_code == 403
    assert partner_client(staff["outsider"]).get(LEAD_CSV).status_code == 403
    response = client.get(LEAD_CSV)
    assert response.status_code == 302
    assert response["Location"].startswith("/partner/login/")
    assert not AuditEvent.objects.filter(action="leads.export").exists()
