"""The staff pages of leads: the determination form from the consensus panel, four-eyes confirmation,
the lead list and detail with sending and downloads, and the directory of authorities."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.leads.conftest import ANSWER_TEXT, AUTHORITY_NOTE, GERMANY_TIP, NOTE_TEXT, POLAND_TIP, Loop
from tests.utils import csv_dicts, drain, find_all, utc_iso
from traceobject.audit.models import AuditEvent
from traceobject.gallery.models import Object, ObjectStatus
from traceobject.leads.models import Authority, Determination, DeterminationState, Lead, LeadState, Outcome
from traceobject.leads.selectors import lead_snapshot
from traceobject.leads.services import (
    determination_propose,
    determination_reject,
    outcome_correct,
    outcome_report,
)
from traceobject.tips.models import Tip

pytestmark = pytest.mark.django_db


def _new_url(obj: Object) -> str:
    return reverse("staff:determination_new", kwargs={"code": obj.code})


def _row_prefix(html: str, code: str) -> str:
    """The form prefix of the candidate row of ``code`` (its hidden country input)."""
    marker = f'value="{code}"'
    at = html.index(marker)
    start = html.rindex('name="c', 0, at) + len('name="')
    return html[start : html.index("-country", start)]


def _identified_post(html: str, tips: tuple[Tip, Tip]) -> dict[str, Any]:
    pl, de = tips
    pl_row, de_row = _row_prefix(html, "PL"), _row_prefix(html, "DE")
    return {
        "kind": "identified",
        "rationale": "Independent tips place it in Poland and Germany.",
        f"{pl_row}-country": "PL",
        f"{pl_row}-include": "on",
        f"{pl_row}-confidence": "likely",
        f"{pl_row}-rationale": "Gdansk shops.",
        f"{pl_row}-tips": [str(pl.pk)],
        f"{de_row}-country": "DE",
        f"{de_row}-include": "on",
        f"{de_row}-confidence": "possible",
        f"{de_row}-rationale": "A Hamburg discounter.",
        f"{de_row}-tips": [str(de.pk)],
    }


# --- The determination form ----------------------------------------------------------------------


def test_the_form_shows_the_candidates_with_counts_and_their_tips(
    staff_client: Any, published_object: Object, tips: tuple[Tip, Tip]
) -> None:
    response = staff_client("analyst").get(_new_url(published_object))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Poland" in html
    assert "Germany" in html
    assert re.search(r"1 cluster\s+\(0 verified\),\s+1 tip<", html)
    pl, de = tips
    assert f'value="{pl.pk}"' in html
    assert f'value="{de.pk}"' in html
    assert POLAND_TIP[:40] in html
    assert GERMANY_TIP[:30] in html
    # Each supporting tip's label reads "#<id> <date> <status> — <excerpt>", no space before punctuation.
    labels = [
        " ".join(re.sub(r"<[^>]+>", "", label).split())
        for label in re.findall(r"<label><input[^>]*-tips.*?</label>", html, re.S)
    ]
    assert {label.split()[0] for label in labels} == {f"#{pl.pk}", f"#{de.pk}"}
    assert not [label for label in labels if re.search(r"\s[,;.:]", label)]
    # The tip text shown was audited: who saw which tips, where.
    event = AuditEvent.objects.filter(action="tips.view").latest("id")
    assert event.details["where"] == "determination"
    assert set(event.details["tips"]) == {pl.pk, de.pk}


def test_the_form_query_count_does_not_grow_with_tips(
    staff_client: Any,
    published_object: Object,
    tips: tuple[Tip, Tip],
    count_queries: Any,
    django_assert_max_num_queries: Any,
) -> None:
    """Bounded whatever the number of tips: one query per candidate country (at most ten), none per tip.
    More tips for the same two countries cost nothing more."""
    from traceobject.tips.payload import TipPayload
    from traceobject.tips.services import tip_submit

    client = staff_client("analyst")
    url = _new_url(published_object)
    client.get(url)  # the first request of a session does some one-off work
    few = count_queries(lambda: client.get(url))
    assert few <= 25
    for number in range(6):
        tip_submit(obj=published_object, payload=TipPayload(text=f"{POLAND_TIP} ({number})", place="Gdańsk"))
        tip_submit(
            obj=published_object, payload=TipPayload(text=f"{GERMANY_TIP} ({number})", shop_brand="Aldi")
        )
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="PL"' in html
    assert 'value="DE"' in html


def test_the_queue_links_to_the_form(staff_client: Any, published_object: Object) -> None:
    html = staff_client("analyst").get(reverse("staff:triage_queue", args=[published_object.code])).content
    assert _new_url(published_object).encode() in html


def test_recording_an_identified_determination(
    staff: Any, staff_client: Any, published_object: Object, tips: tuple[Tip, Tip]
) -> None:
    client = staff_client("analyst")
    html = client.get(_new_url(published_object)).content.decode()
    response = client.post(_new_url(published_object), _identified_post(html, tips))
    determination = Determination.objects.get(object=published_object)
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:determination_detail", args=[determination.pk])
    assert determination.state == DeterminationState.PROPOSED
    assert determination.proposed_by == staff["analyst"]
    rows = {row.country: row for row in determination.countries.all()}
    assert set(rows) == {"PL", "DE"}
    assert rows["PL"].confidence == "likely"
    assert list(rows["PL"].tips.values_list("pk", flat=True)) == [tips[0].pk]


def test_recording_a_widespread_determination(staff_client: Any, published_object: Object) -> None:
    response = staff_client("publisher").post(
        _new_url(published_object), {"kind": "widespread", "rationale": "Sold by a global chain."}
    )
    assert response.status_code == 302
    determination = Determination.objects.get(object=published_object)
    assert determination.kind == "widespread"
    assert not determination.countries.exists()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"kind": ""}, "This field is required."),
        ({"rationale": ""}, "This field is required."),
        ({"include_none": True}, "An identified determination names at least one country"),
        ({"kind": "widespread"}, "A widespread determination names no country"),
        ({"pl_confidence": ""}, "Choose a confidence."),
        ({"pl_rationale": ""}, "Say why the object points to this country."),
        ({"pl_tips": ["x"]}, "Tick tips from the list."),
        ({"pl_tips": ["999999"]}, "Some of the chosen tips are not about this object."),
    ],
)
def test_bad_input_shows_the_form_again_and_stores_nothing(
    staff_client: Any, published_object: Object, tips: tuple[Tip, Tip], change: dict[str, Any], error: str
) -> None:
    client = staff_client("analyst")
    html = client.get(_new_url(published_object)).content.decode()
    data = _identified_post(html, tips)
    pl_row = _row_prefix(html, "PL")
    for key, value in change.items():
        if key == "include_none":
            data = {k: v for k, v in data.items() if not k.endswith("-include")}
        elif key.startswith("pl_"):
            data[f"{pl_row}-{key[3:]}"] = value
        else:
            data[key] = value
    response = client.post(_new_url(published_object), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Determination.objects.exists()
    # The ticks survive the round trip.
    if "pl_tips" not in change:
        assert f'value="{tips[0].pk}" checked' in response.content.decode()


def test_an_extra_row_takes_a_country_no_tip_named(staff_client: Any, published_object: Object) -> None:
    client = staff_client("analyst")
    html = client.get(_new_url(published_object)).content.decode()
    assert 'name="c0-country"' in html  # no tip: only the free rows, as selects
    response = client.post(
        _new_url(published_object),
        {
            "kind": "identified",
            "rationale": "The label.",
            "c0-include": "on",
            "c0-country": "FR",
            "c0-confidence": "possible",
            "c0-rationale": "A French label.",
        },
    )
    assert response.status_code == 302
    assert Determination.objects.get().countries.get().country == "FR"


def test_a_second_proposal_is_refused(staff_client: Any, proposal: Determination) -> None:
    response = staff_client("publisher").post(
        _new_url(proposal.object), {"kind": "widespread", "rationale": "Sold everywhere."}
    )
    assert response.status_code == 400
    assert "already has a determination" in response.content.decode()


def test_opening_the_form_of_an_object_that_has_one_leads_to_it(
    staff_client: Any, proposal: Determination
) -> None:
    response = staff_client("analyst").get(_new_url(proposal.object))
    assert response.status_code == 302
    assert response["Location"] == f"/staff/leads/determinations/{proposal.pk}/"


# --- Confirming ----------------------------------------------------------------------------------


def test_the_proposer_is_told_that_another_person_confirms(
    staff_client: Any, proposal: Determination
) -> None:
    html = staff_client("analyst").get(reverse("staff:determination_detail", args=[proposal.pk])).content
    assert b"another analyst or a publisher must confirm" in html
    assert reverse("staff:determination_confirm", args=[proposal.pk]).encode() not in html
    response = staff_client("analyst").post(reverse("staff:determination_confirm", args=[proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == DeterminationState.PROPOSED


def test_another_person_confirms_and_the_leads_appear(
    staff_client: Any, proposal: Determination, authorities: dict[str, Authority]
) -> None:
    client = staff_client("publisher")
    page = client.get(reverse("staff:determination_detail", args=[proposal.pk])).content.decode()
    assert "Confirm" in page
    assert "Reject" in page
    response = client.post(reverse("staff:determination_confirm", args=[proposal.pk]), follow=True)
    html = response.content.decode()
    assert "2 leads are ready to send" in html
    proposal.refresh_from_db()
    assert proposal.state == DeterminationState.CONFIRMED
    assert Object.objects.get(pk=proposal.object_id).status == ObjectStatus.IDENTIFIED
    for lead in Lead.objects.all():
        assert lead.reference in html


def test_confirming_without_an_authority_explains_why(staff_client: Any, proposal: Determination) -> None:
    response = staff_client("publisher").post(
        reverse("staff:determination_confirm", args=[proposal.pk]), follow=True
    )
    assert "No active authority receives leads" in response.content.decode()
    assert not Lead.objects.exists()


def test_rejecting_needs_a_reason(staff_client: Any, proposal: Determination) -> None:
    url = reverse("staff:determination_reject", args=[proposal.pk])
    response = staff_client("publisher").post(url, {"reason": ""})
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.state == DeterminationState.PROPOSED
    response = staff_client("publisher").post(url, {"reason": "The tips are one person."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == DeterminationState.REJECTED


def test_the_determination_list_puts_pending_first(staff_client: Any, proposal: Determination) -> None:
    html = staff_client("auditor").get(reverse("staff:determination_list")).content.decode()
    assert proposal.object.code in html
    assert html.index("Waiting for confirmation") < html.index(proposal.object.code)


# --- Leads ---------------------------------------------------------------------------------------


def test_the_lead_list_and_the_unacknowledged_filter(staff_client: Any, loop: Loop) -> None:
    client = staff_client("analyst")
    html = client.get(reverse("staff:lead_list")).content.decode()
    for lead in loop.leads.values():
        assert lead.reference in html
    pl = loop.leads["PL"]
    Lead.objects.filter(pk=pl.pk).update(state=LeadState.SENT, sent_at=timezone.now() - timedelta(days=30))
    html = client.get(reverse("staff:lead_list"), {"unacknowledged": "on"}).content.decode()
    assert pl.reference in html
    assert loop.leads["DE"].reference not in html
    html = client.get(reverse("staff:lead_list"), {"state": "ready"}).content.decode()
    assert pl.reference not in html
    assert loop.leads["DE"].reference in html
    assert client.get(reverse("staff:lead_list"), {"state": "bogus"}).status_code == 400


def test_the_lead_list_query_count_does_not_grow_with_leads(
    staff_client: Any, loop: Loop, more_leads: Any, count_queries: Any, django_assert_max_num_queries: Any
) -> None:
    """The same queries for a few leads as for many (sent, each with an outcome, as the list shows the
    latest): a query per row would show here, where a ceiling taken with two rows would not."""
    client = staff_client("analyst")
    url = reverse("staff:lead_list")
    client.get(url)  # the first request of a session does some one-off work
    more_leads(1)
    few = count_queries(lambda: client.get(url))
    assert few <= 12
    many = more_leads(12)
    with django_assert_max_num_queries(few):
        html = client.get(url).content.decode()
    for lead in [*loop.leads.values(), *many]:
        assert lead.reference in html


def test_sending_a_lead(staff_client: Any, loop: Loop) -> None:
    lead = loop.leads["PL"]
    client = staff_client("analyst")
    detail = reverse("staff:lead_detail", args=[lead.reference])
    assert b"Send to the authority" in client.get(detail).content
    response = client.post(reverse("staff:lead_send", args=[lead.reference]), follow=True)
    assert "can now read it in the partner portal" in response.content.decode()
    lead.refresh_from_db()
    assert lead.state == LeadState.SENT
    assert "Send the notice again" in response.content.decode()


def test_sending_with_a_note_for_the_authority(staff_client: Any, loop: Loop) -> None:
    lead = loop.leads["PL"]
    client = staff_client("analyst")
    page = client.get(reverse("staff:lead_detail", args=[lead.reference]))
    assert b"Note for the authority" in page.content
    response = client.post(
        reverse("staff:lead_send", args=[lead.reference]), {"note_for_authority": "  Call us first.  "}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.state == LeadState.SENT
    assert lead_snapshot(lead)["note_for_authority"]["text"] == "Call us first."


def test_sending_where_nobody_can_read_warns_and_asks_to_confirm(
    staff_client: Any, staff: Any, loop: Loop
) -> None:
    """Poland's only partner account is deactivated: the first submit warns and sends nothing; the
    second, with the confirmation the warning carries, sends it and says nobody can read it yet."""
    staff["partner_a"].is_active = False
    staff["partner_a"].save(update_fields=["is_active"])
    lead = loop.leads["PL"]
    client = staff_client("analyst")
    page = client.get(reverse("staff:lead_detail", args=[lead.reference])).content.decode()
    assert "No partner account exists for Poland yet" in page
    url = reverse("staff:lead_send", args=[lead.reference])
    response = client.post(url, {"note_for_authority": "Kept across the question."})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Nobody at Poland can read this lead yet: no partner account." in html
    assert "Send it anyway" in html
    assert re.search(r'<input type="hidden" name="without_reader" value="True"', html)
    assert "Kept across the question." in html
    lead.refresh_from_db()
    assert lead.state == LeadState.READY
    assert not AuditEvent.objects.filter(action="lead.send").exists()

    response = client.post(
        url, {"note_for_authority": "Kept across the question.", "without_reader": "True"}, follow=True
    )
    html = response.content.decode()
    assert "nobody there can read it until a partner account exists for Poland" in html
    assert "can now read it in the partner portal" not in html
    lead.refresh_from_db()
    assert lead.state == LeadState.SENT
    event = AuditEvent.objects.get(action="lead.send")
    assert event.details["partner_accounts"] is False
    assert event.details["note_for_authority"] is True


def test_the_auditor_reads_leads_but_neither_sends_nor_downloads(staff_client: Any, loop: Loop) -> None:
    lead = loop.leads["PL"]
    client = staff_client("auditor")
    html = client.get(reverse("staff:lead_detail", args=[lead.reference])).content.decode()
    assert lead.reference in html
    assert "Send to the authority" not in html
    assert client.get(reverse("staff:lead_pdf", args=[lead.reference])).status_code == 403
    assert client.post(reverse("staff:lead_send", args=[lead.reference])).status_code == 403


def test_downloads(staff_client: Any, loop: Loop) -> None:
    lead = loop.leads["DE"]
    client = staff_client("publisher")
    response = client.get(reverse("staff:lead_json", args=[lead.reference]))
    assert response["Content-Type"] == "application/json"
    assert f"{lead.reference}.json" in response["Content-Disposition"]
    assert json.loads(response.content)["reference"] == lead.reference
    response = client.get(reverse("staff:lead_pdf", args=[lead.reference]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    response = client.get(reverse("staff:lead_bundle", args=[lead.reference]))
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(BytesIO(response.content)) as bundle:
        assert "MANIFEST.sha256" in bundle.namelist()
    # Each copy holds tip text: who took which, in which form, is in the audit trail.
    exports = AuditEvent.objects.filter(action="lead.export", target_id=str(lead.pk))
    assert sorted(e.details["format"] for e in exports) == ["json", "pdf", "zip"]
    assert {e.actor.username for e in exports if e.actor} == {"publisher"}


def test_snapshot_images(staff_client: Any, loop: Loop) -> None:
    lead = loop.leads["PL"]
    client = staff_client("auditor")
    response = client.get(reverse("staff:lead_image", args=[lead.reference, 1]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert client.get(reverse("staff:lead_image", args=[lead.reference, 99])).status_code == 404


def test_an_unknown_lead_is_404(staff_client: Any, db: None) -> None:
    assert staff_client("analyst").get(reverse("staff:lead_detail", args=["L-0000-00000"])).status_code == 404


# --- Authorities ---------------------------------------------------------------------------------


def test_the_directory_lists_authorities_with_their_partner_users(
    staff: Any, staff_client: Any, authorities: dict[str, Authority]
) -> None:
    html = staff_client("publisher").get(reverse("staff:authority_list")).content.decode()
    assert authorities["PL"].name in html
    assert authorities["DE"].name in html
    assert "partner_a" in html
    assert "partner_b" in html


def test_adding_and_editing_an_authority(staff_client: Any, staff: Any) -> None:
    client = staff_client("administrator")
    response = client.post(
        reverse("staff:authority_new"),
        {"country": "FR", "name": "OCRVP", "email": "leads@example.fr", "active": "on"},
    )
    assert response.status_code == 302
    authority = Authority.objects.get(country="FR")
    assert (authority.name, authority.active) == ("OCRVP", True)
    url = reverse("staff:authority_edit", args=["FR"])
    assert b"OCRVP" in client.get(url).content
    response = client.post(url, {"name": "OCRVP (Nanterre)", "email": "leads@example.fr"})
    assert response.status_code == 302
    authority.refresh_from_db()
    assert (authority.name, authority.active) == ("OCRVP (Nanterre)", False)
    assert AuditEvent.objects.filter(action="authority.save").count() == 2


def test_a_bad_authority_is_shown_again(staff_client: Any, staff: Any) -> None:
    response = staff_client("publisher").post(
        reverse("staff:authority_new"), {"country": "FR", "name": "", "email": "not an address"}
    )
    assert response.status_code == 400
    assert not Authority.objects.exists()
    assert b"Nothing was saved" in response.content


def test_the_navigation_shows_the_new_sections(staff_client: Any) -> None:
    html = staff_client("publisher").get(reverse("staff:home")).content.decode()
    for label in ("Determinations", "Leads", "Authorities"):
        assert f">{label}<" in html
    html = staff_client("auditor").get(reverse("staff:home")).content.decode()
    assert ">Leads<" in html
    assert ">Authorities<" not in html


# --- CSV exports ------------------------------------------------------------------------------------

LEAD_CSV = "/staff/leads/leads.csv"
DETERMINATION_CSV = "/staff/leads/determinations.csv"
LEAD_CSV_HEADER = (
    "reference,object_code,object_title,country,authority,state,created_utc,sent_utc,acknowledged_utc,"
    "outcomes,latest_outcome,latest_outcome_utc,victims_identified,offenders_arrested"
)


def _export(client: Any, url: str, stem: str, header: str) -> tuple[str, list[dict[str, str]]]:
    """Download a CSV export, check its file name and its header (``header``, written out by hand), and
    give its text (to search) and its rows by column."""
    response = client.get(url)
    assert response["Content-Disposition"].startswith(f'attachment; filename="{stem}-')
    body = drain(response).decode()
    first, *rows = list(csv.reader(io.StringIO(body)))
    assert first == header.split(",")
    return body, [dict(zip(first, row, strict=True)) for row in rows]


def _recorded(action: str, actor: Any) -> dict[str, Any]:
    """The details of the one event of ``action``, which ``actor`` wrote."""
    [event] = AuditEvent.objects.filter(action=action)
    assert event.actor == actor
    return dict(event.details)


@pytest.fixture
def reported(staff: Any, dispatched: Loop) -> Loop:
    """The dispatched loop after Poland's partner reported two victims, corrected that to three, then
    reported an arrest: two outcomes in force, the arrest the latest; Germany reported nothing."""
    pl = dispatched.leads["PL"]
    victims = outcome_report(
        actor=staff["partner_a"], lead=pl, kind="victim_identified", count=2, update=UPDATE
    )
    outcome_correct(
        actor=staff["partner_a"], outcome=victims, kind="victim_identified", count=3, update=UPDATE
    )
    outcome_report(actor=staff["partner_a"], lead=pl, kind="offender_arrested", count=1, update=UPDATE)
    return dispatched


UPDATE = "The shop's delivery records named the flat on ulica Długa."


def test_the_lead_csv_has_the_list_and_the_outcomes_in_force(
    staff_client: Any, staff: Any, reported: Loop
) -> None:
    body, rows = _export(staff_client("analyst"), LEAD_CSV, "leads", LEAD_CSV_HEADER)
    by_ref = {row["reference"]: row for row in rows}
    pl = Lead.objects.select_related("authority").get(pk=reported.leads["PL"].pk)
    de = Lead.objects.select_related("authority").get(pk=reported.leads["DE"].pk)
    arrest = Outcome.objects.get(lead=pl, kind="offender_arrested")
    assert by_ref[pl.reference] == {
        "reference": pl.reference,
        "object_code": "B17-2026",
        "object_title": "Blue canvas bag",
        "country": "PL",
        "authority": "Test unit PL",
        "state": "acknowledged",
        "created_utc": utc_iso(pl.created_at),
        "sent_utc": utc_iso(pl.sent_at),
        "acknowledged_utc": utc_iso(pl.acknowledged_at),
        "outcomes": "2",  # the corrected report is not counted beside its correction
        "latest_outcome": "offender_arrested",
        "latest_outcome_utc": utc_iso(arrest.reported_at),
        "victims_identified": "3",
        "offenders_arrested": "1",
    }
    assert by_ref[de.reference]["state"] == "sent"
    assert by_ref[de.reference]["acknowledged_utc"] == ""
    assert [by_ref[de.reference][c] for c in ("outcomes", "latest_outcome", "victims_identified")] == [
        "0",
        "",
        "0",
    ]
    # Newest first, as the list.
    expected = sorted([pl, de], key=lambda lead: (lead.created_at, lead.pk), reverse=True)
    assert [row["reference"] for row in rows] == [lead.reference for lead in expected]
    # Nothing of the sealed snapshot or of an outcome's update.
    for sealed in (POLAND_TIP, GERMANY_TIP, AUTHORITY_NOTE, ANSWER_TEXT, NOTE_TEXT, UPDATE, "Długa"):
        assert sealed not in body
    assert _recorded("leads.export", staff["analyst"]) == {
        "export": "leads",
        "filters": {},
        "count": 2,
        "until": max(pl.pk, de.pk),
        "format": "csv",
    }


def test_the_lead_csv_honours_the_lists_filter(staff_client: Any, loop: Loop) -> None:
    client = staff_client("publisher")
    pl, de = loop.leads["PL"], loop.leads["DE"]
    Lead.objects.filter(pk=pl.pk).update(state=LeadState.SENT, sent_at=timezone.now() - timedelta(days=30))
    assert [row["reference"] for row in csv_dicts(client.get(LEAD_CSV, {"state": "ready"}))] == [de.reference]
    assert [row["reference"] for row in csv_dicts(client.get(LEAD_CSV, {"state": "sent"}))] == [pl.reference]
    late = csv_dicts(client.get(LEAD_CSV, {"unacknowledged": "on"}))
    assert [row["reference"] for row in late] == [pl.reference]
    assert [row["reference"] for row in csv_dicts(client.get(LEAD_CSV, {"state": "closed"}))] == []
    filters = [e.details["filters"] for e in AuditEvent.objects.filter(action="leads.export").order_by("pk")]
    assert filters == [{"state": "ready"}, {"state": "sent"}, {"unacknowledged": "on"}, {"state": "closed"}]
    # A filter the list refuses exports nothing.
    assert client.get(LEAD_CSV, {"state": "bogus"}).status_code == 400
    assert AuditEvent.objects.filter(action="leads.export").count() == 4


@pytest.mark.parametrize(
    ("query", "href"),
    [
        ("", LEAD_CSV),
        ("?state=ready", f"{LEAD_CSV}?state=ready"),
        ("?unacknowledged=on&state=", f"{LEAD_CSV}?unacknowledged=on"),
    ],
)
def test_the_lead_list_links_to_its_csv_with_the_filter(
    staff_client: Any, loop: Loop, query: str, href: str
) -> None:
    Lead.objects.filter(pk=loop.leads["PL"].pk).update(
        state=LeadState.SENT, sent_at=timezone.now() - timedelta(days=30)
    )
    html = staff_client("auditor").get(reverse("staff:lead_list") + query).content.decode()
    [link] = [a for a in find_all(html, "a") if a.attrs.get("id") == "lead-export"]
    assert link.attrs["href"] == href


def test_the_lead_csv_defuses_formulas(staff_client: Any, loop: Loop) -> None:
    Object.objects.filter(pk=loop.obj.pk).update(title='=HYPERLINK("http://x","bag")')
    Authority.objects.filter(country="PL").update(name="@SUM(A1)")
    Authority.objects.filter(country="DE").update(name="\tunit")
    rows = {row["country"]: row for row in csv_dicts(staff_client("analyst").get(LEAD_CSV))}
    assert rows["PL"]["object_title"] == '\'=HYPERLINK("http://x","bag")'
    assert rows["PL"]["authority"] == "'@SUM(A1)"
    assert rows["DE"]["authority"] == "'\tunit"


def test_the_lead_csv_streams_every_lead_in_batches_with_flat_queries(
    staff_client: Any, loop: Loop, more_leads: Any, count_queries: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the page's limit, across keyset batches, each lead once, and no query per row."""
    from traceobject.core import csv_export
    from traceobject.leads import staff_views

    monkeypatch.setattr(staff_views, "LEADS_SHOWN", 2)
    monkeypatch.setattr(csv_export, "EXPORT_BATCH", 3)
    client = staff_client("analyst")
    client.get(LEAD_CSV)
    few = count_queries(lambda: drain(client.get(LEAD_CSV)))
    many = more_leads(8)
    more = count_queries(lambda: drain(client.get(LEAD_CSV)))
    # Three more batches of three (10 leads: 4 batches instead of 1): one query each, never one a lead.
    assert more == few + 3
    references = [row["reference"] for row in csv_dicts(client.get(LEAD_CSV))]
    everything = [*loop.leads.values(), *many]
    assert sorted(references) == sorted(lead.reference for lead in everything)
    assert len(references) == len(set(references)) == 10


DETERMINATION_CSV_HEADER = (
    "id,object_code,object_title,kind,state,countries,proposed_by,proposed_utc,decided_by,decided_utc,"
    "rationale,decision_reason"
)


@pytest.fixture
def decisions(staff: Any, loop: Loop) -> dict[str, Determination]:
    """The loop's confirmed determination, one rejected and one waiting, each on its own object."""
    from tests.factories import ObjectFactory

    def widespread(code: str, title: str, rationale: str) -> Determination:
        obj = ObjectFactory(code=code, title=title)
        return determination_propose(
            actor=staff["analyst"], obj=obj, kind="widespread", rationale=rationale, countries=[]
        )

    rejected = widespread("R01-2026", "-Red lamp", "Sold everywhere.")
    determination_reject(actor=staff["publisher"], determination=rejected, reason="+Too early to say.")
    pending = widespread("P01-2026", "Plain mug", "=Sold in every supermarket.")
    return {"confirmed": loop.determination, "rejected": rejected, "pending": pending}


def test_the_determination_csv_lists_every_determination(
    staff_client: Any, staff: Any, decisions: dict[str, Determination]
) -> None:
    body, rows = _export(
        staff_client("auditor"), DETERMINATION_CSV, "determinations", DETERMINATION_CSV_HEADER
    )
    by_code = {row["object_code"]: row for row in rows}
    confirmed = Determination.objects.get(pk=decisions["confirmed"].pk)
    assert by_code["B17-2026"] == {
        "id": str(confirmed.pk),
        "object_code": "B17-2026",
        "object_title": "Blue canvas bag",
        "kind": "identified",
        "state": "confirmed",
        "countries": "PL:likely;DE:possible",
        "proposed_by": "analyst",
        "proposed_utc": utc_iso(confirmed.proposed_at),
        "decided_by": "publisher",
        "decided_utc": utc_iso(confirmed.decided_at),
        "rationale": "Placed by independent tips.",
        "decision_reason": "",
    }
    rejected = by_code["R01-2026"]
    assert (rejected["object_title"], rejected["state"], rejected["countries"]) == (
        "'-Red lamp",
        "rejected",
        "",
    )
    assert rejected["decision_reason"] == "'+Too early to say."
    pending = by_code["P01-2026"]
    assert (pending["state"], pending["decided_by"], pending["decided_utc"]) == ("proposed", "", "")
    assert pending["rationale"] == "'=Sold in every supermarket."
    # Newest proposal first; no tip text, no country's rationale (those stay on the page).
    expected = sorted(decisions.values(), key=lambda d: (d.proposed_at, d.pk), reverse=True)
    assert [row["id"] for row in rows] == [str(d.pk) for d in expected]
    for hidden in (POLAND_TIP, GERMANY_TIP, NOTE_TEXT):
        assert hidden not in body
    assert _recorded("determinations.export", staff["auditor"]) == {
        "export": "determinations",
        "filters": {},
        "count": 3,
        "until": max(d.pk for d in decisions.values()),
        "format": "csv",
    }


def test_the_determination_list_links_to_its_csv(staff_client: Any, proposal: Determination) -> None:
    html = staff_client("analyst").get(reverse("staff:determination_list")).content.decode()
    [link] = [a for a in find_all(html, "a") if a.attrs.get("id") == "determination-export"]
    assert link.attrs["href"] == DETERMINATION_CSV


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("analyst", True),
        ("auditor", True),
        ("administrator", False),
        ("partner_b", False),
        ("outsider", False),
    ],
)
@pytest.mark.parametrize(
    ("page", "export", "action"),
    [
        ("staff:lead_list", LEAD_CSV, "leads.export"),
        ("staff:determination_list", DETERMINATION_CSV, "determinations.export"),
    ],
)
def test_a_csv_is_for_whoever_reads_its_list(
    staff_client: Any, loop: Loop, name: str, allowed: bool, page: str, export: str, action: str
) -> None:
    client = staff_client(name)
    status = 200 if allowed else 403
    assert client.get(reverse(page)).status_code == status
    response = client.get(export)
    assert response.status_code == status
    drain(response)
    assert AuditEvent.objects.filter(action=action).count() == (1 if allowed else 0)
