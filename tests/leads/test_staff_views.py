"""The staff pages of leads: the determination form from the consensus panel, four-eyes confirmation,
the lead list and detail with sending and downloads, and the directory of authorities."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.leads.conftest import GERMANY_TIP, POLAND_TIP, Loop
from traceobject.audit.models import AuditEvent
from traceobject.gallery.models import Object, ObjectStatus
from traceobject.leads.models import Authority, Determination, DeterminationState, Lead, LeadState
from traceobject.leads.selectors import lead_snapshot
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
