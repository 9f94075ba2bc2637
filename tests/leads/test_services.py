"""The leads services: validation, four eyes, object status, frozen snapshots, sending, partner reports."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import IntegrityError, transaction

from tests.factories import ObjectFactory
from tests.leads.conftest import (
    DE_RATIONALE,
    GERMANY_TIP,
    NOTE_TEXT,
    POLAND_TIP,
    Loop,
    identified_claims,
)
from traceobject import vault
from traceobject.audit.models import AuditEvent
from traceobject.core.errors import ApplicationError, NotFoundError
from traceobject.gallery.models import Object, ObjectStatus
from traceobject.leads.models import (
    Authority,
    Determination,
    DeterminationKind,
    DeterminationState,
    Lead,
    LeadState,
    Outcome,
    OutcomeKind,
)
from traceobject.leads.selectors import lead_figures, lead_outcomes, lead_snapshot, outcomes_current
from traceobject.leads.services import (
    CountryClaim,
    NoReaderError,
    authority_save,
    determination_confirm,
    determination_propose,
    determination_reject,
    lead_acknowledge,
    lead_send,
    outcome_correct,
    outcome_report,
)
from traceobject.stats.selectors import headline_figures
from traceobject.tips.models import Tip

pytestmark = pytest.mark.django_db


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


# --- propose -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "auditor", "partner_a", "administrator"])
def test_propose_needs_the_permission(staff: dict[str, Any], published_object: Object, who: str) -> None:
    with pytest.raises(ApplicationError):
        determination_propose(
            actor=staff[who],
            obj=published_object,
            kind=DeterminationKind.WIDESPREAD,
            rationale="Sold everywhere.",
        )
    assert not Determination.objects.exists()


@pytest.mark.parametrize(
    ("kind", "rationale", "countries", "field"),
    [
        ("lost", "r", [], "kind"),
        (DeterminationKind.WIDESPREAD, "  ", [], "rationale"),
        (DeterminationKind.WIDESPREAD, "r", [CountryClaim("PL", "likely", "r", [])], "countries"),
        (DeterminationKind.IDENTIFIED, "r", [], "countries"),
        (DeterminationKind.IDENTIFIED, "r", [CountryClaim("QQ", "likely", "r", [])], "countries"),
        (
            DeterminationKind.IDENTIFIED,
            "r",
            [CountryClaim("PL", "likely", "r", []), CountryClaim("pl", "possible", "r", [])],
            "countries",
        ),
        (DeterminationKind.IDENTIFIED, "r", [CountryClaim("PL", "sure", "r", [])], "countries"),
        (DeterminationKind.IDENTIFIED, "r", [CountryClaim("PL", "likely", " ", [])], "countries"),
        (
            DeterminationKind.IDENTIFIED,
            "r",
            [CountryClaim(c, "possible", "r", []) for c in ("PL", "DE", "FR", "NL", "ES", "IT")],
            "countries",
        ),
    ],
)
def test_propose_validates(
    staff: dict[str, Any], published_object: Object, kind: str, rationale: str, countries: Any, field: str
) -> None:
    with pytest.raises(ApplicationError) as caught:
        determination_propose(
            actor=staff["analyst"], obj=published_object, kind=kind, rationale=rationale, countries=countries
        )
    assert caught.value.field == field
    assert not Determination.objects.exists()


def test_propose_refuses_tips_of_another_object(
    staff: dict[str, Any], published_object: Object, tips: tuple[Tip, Tip]
) -> None:
    other = ObjectFactory()
    from traceobject.tips.payload import TipPayload
    from traceobject.tips.services import tip_submit

    foreign = tip_submit(obj=other, payload=TipPayload(text="Elsewhere entirely.")).tip
    with pytest.raises(ApplicationError, match="not about this object"):
        determination_propose(
            actor=staff["analyst"],
            obj=published_object,
            kind=DeterminationKind.IDENTIFIED,
            rationale="r",
            countries=[CountryClaim("PL", "likely", "r", [tips[0].pk, foreign.pk])],
        )


def test_propose_needs_a_published_object(staff: dict[str, Any]) -> None:
    draft = ObjectFactory(status=ObjectStatus.DRAFT)
    with pytest.raises(ApplicationError, match="published"):
        determination_propose(
            actor=staff["analyst"], obj=draft, kind=DeterminationKind.WIDESPREAD, rationale="Sold everywhere."
        )


def test_propose_stores_countries_and_tips_and_audits(
    staff: dict[str, Any], proposal: Determination, tips: tuple[Tip, Tip]
) -> None:
    assert proposal.state == DeterminationState.PROPOSED
    assert proposal.proposed_by == staff["analyst"]
    rows = {row.country: row for row in proposal.countries.all()}
    assert set(rows) == {"PL", "DE"}
    assert list(rows["PL"].tips.all()) == [tips[0]]
    assert rows["DE"].rationale == DE_RATIONALE
    assert _actions()[-1] == "determination.propose"


def test_the_trail_names_the_object_by_its_code(
    proposal: Determination, published_object: Object, tips: tuple[Tip, Tip]
) -> None:
    # Internal ids mean nothing to an auditor ("determination 1 of 33"); the object's code does.
    event = AuditEvent.objects.get(action="determination.propose")
    expected = f"determination {proposal.pk} of {published_object.code} (identified, proposed)"
    assert event.target_label == expected
    # The internal note on the Polish tip (the fixture) names the tip's object the same way.
    note = AuditEvent.objects.get(action="tip.note_add")
    assert note.target_label == f"tip {tips[0].pk} on {published_object.code}"
    assert published_object.code != str(published_object.pk)


def test_one_live_determination_per_object(staff: dict[str, Any], proposal: Determination) -> None:
    with pytest.raises(ApplicationError, match="already has a determination"):
        determination_propose(
            actor=staff["publisher"], obj=proposal.object, kind=DeterminationKind.WIDESPREAD, rationale="r"
        )
    # The database keeps it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Determination.objects.create(
            object=proposal.object,
            kind=DeterminationKind.WIDESPREAD,
            rationale="r",
            proposed_by=staff["publisher"],
        )


# --- confirm / reject --------------------------------------------------------------------------------


def test_the_proposer_cannot_confirm(
    staff: dict[str, Any], authorities: dict[str, Authority], proposal: Determination
) -> None:
    with pytest.raises(ApplicationError, match="second person"):
        determination_confirm(actor=staff["analyst"], determination=proposal)
    with pytest.raises(ApplicationError, match="second person"):
        determination_reject(actor=staff["analyst"], determination=proposal, reason="no")
    proposal.refresh_from_db()
    assert proposal.state == DeterminationState.PROPOSED


def test_four_eyes_is_a_database_constraint(staff: dict[str, Any], proposal: Determination) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Determination.objects.filter(pk=proposal.pk).update(decided_by=staff["analyst"])


@pytest.mark.parametrize("who", ["outsider", "auditor", "partner_a", "administrator"])
def test_confirm_needs_the_permission(
    staff: dict[str, Any], authorities: dict[str, Authority], proposal: Determination, who: str
) -> None:
    with pytest.raises(ApplicationError):
        determination_confirm(actor=staff[who], determination=proposal)
    assert not Lead.objects.exists()


def test_confirm_without_an_authority_stores_nothing(staff: dict[str, Any], proposal: Determination) -> None:
    Authority.objects.create(country="PL", name="Unit PL", email="pl@example.org")
    Authority.objects.create(country="DE", name="Unit DE", email="de@example.org", active=False)
    count = AuditEvent.objects.count()
    with pytest.raises(ApplicationError, match="DE"):
        determination_confirm(actor=staff["publisher"], determination=proposal)
    proposal.refresh_from_db()
    proposal.object.refresh_from_db()
    assert proposal.state == DeterminationState.PROPOSED
    assert proposal.object.status == ObjectStatus.PUBLISHED
    assert not Lead.objects.exists()
    assert AuditEvent.objects.count() == count


def test_confirm_identified_moves_the_object_and_freezes_one_lead_per_country(
    staff: dict[str, Any], loop: Loop, django_capture_on_commit_callbacks: Any
) -> None:
    loop.determination.refresh_from_db()
    assert loop.determination.state == DeterminationState.CONFIRMED
    assert loop.determination.decided_by == staff["publisher"]
    assert loop.obj.status == ObjectStatus.IDENTIFIED
    assert loop.obj.located_at is not None
    assert set(loop.leads) == {"PL", "DE"}
    pl = loop.leads["PL"]
    assert pl.state == LeadState.READY
    assert pl.reference.startswith("L-")
    assert len(pl.reference) == len("L-2026-00001")
    assert pl.authority.country == "PL"

    snapshot = lead_snapshot(pl)
    assert snapshot["format"] == 2
    assert snapshot["reference"] == pl.reference
    assert snapshot["country"] == "PL"
    assert snapshot["object"]["code"] == "B17-2026"
    assert snapshot["determination"]["proposed_by"] == "analyst"
    assert snapshot["determination"]["decided_by"] == "publisher"
    # Only its own country: an authority is not told which other countries were named.
    assert [c["country"] for c in snapshot["determination"]["countries"]] == ["PL"]
    assert [c["country"] for c in lead_snapshot(loop.leads["DE"])["determination"]["countries"]] == ["DE"]
    # Each lead holds the tips selected for its own country, with their signals; never the analysts'
    # internal notes (the note for the authority is written when the lead is sent).
    assert [tip["text"] for tip in snapshot["tips"]] == [POLAND_TIP]
    assert any(s["kind"] == "country" and s["value"] == "PL" for s in snapshot["tips"][0]["signals"])
    assert "notes" not in snapshot
    assert NOTE_TEXT not in json.dumps(snapshot, ensure_ascii=False)
    assert snapshot["note_for_authority"] is None
    assert [tip["text"] for tip in lead_snapshot(loop.leads["DE"])["tips"]] == [GERMANY_TIP]
    # The image is the public derivative, embedded with its checksum.
    assert len(snapshot["images"]) == 1
    assert len(snapshot["images"][0]["sha256"]) == 64
    assert snapshot["images"][0]["data_base64"]

    # The stored row holds no tip text in the clear, and its checksum is that of the sealed JSON.
    raw = bytes(Lead.objects.get(pk=pl.pk).sealed)
    assert POLAND_TIP.encode() not in raw
    assert b"Gda" not in raw
    import hashlib

    opened = vault.open(raw)
    assert hashlib.sha256(opened).hexdigest() == pl.snapshot_sha256
    assert json.loads(opened) == snapshot
    assert _actions()[-1] == "determination.confirm"


def test_confirm_forgets_the_headline_figures(
    staff: dict[str, Any],
    authorities: dict[str, Authority],
    proposal: Determination,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from traceobject.stats.selectors import dashboard_figures

    assert headline_figures().objects_identified == 0
    assert dashboard_figures().objects_placed == 0
    with django_capture_on_commit_callbacks(execute=True):
        determination_confirm(actor=staff["publisher"], determination=proposal)
    # The staff's figures move at once; the public one waits for the disclosure rule (tests/stats).
    assert dashboard_figures().objects_placed == 1
    assert headline_figures().objects_identified == 0
    cache.clear()


def test_confirm_widespread_makes_no_lead(staff: dict[str, Any], published_object: Object) -> None:
    determination = determination_propose(
        actor=staff["publisher"],
        obj=published_object,
        kind=DeterminationKind.WIDESPREAD,
        rationale="Sold by IKEA.",
    )
    assert determination_confirm(actor=staff["analyst"], determination=determination) == []
    published_object.refresh_from_db()
    assert published_object.status == ObjectStatus.WIDESPREAD
    assert published_object.located_at is not None
    with pytest.raises(ApplicationError, match="already confirmed"):
        determination_confirm(actor=staff["publisher_two"], determination=determination)


def test_reject_needs_a_reason_and_frees_the_object(
    staff: dict[str, Any], proposal: Determination, tips: tuple[Tip, Tip]
) -> None:
    with pytest.raises(ApplicationError) as caught:
        determination_reject(actor=staff["publisher"], determination=proposal, reason=" ")
    assert caught.value.field == "reason"
    determination_reject(actor=staff["publisher"], determination=proposal, reason="Only one real tip.")
    proposal.refresh_from_db()
    assert proposal.state == DeterminationState.REJECTED
    assert proposal.decision_reason == "Only one real tip."
    assert _actions()[-1] == "determination.reject"
    proposal.object.refresh_from_db()
    assert proposal.object.status == ObjectStatus.PUBLISHED
    again = determination_propose(
        actor=staff["analyst"],
        obj=proposal.object,
        kind=DeterminationKind.IDENTIFIED,
        rationale="Second try.",
        countries=identified_claims(*tips),
    )
    assert again.state == DeterminationState.PROPOSED


# --- authorities -------------------------------------------------------------------------------------


def test_authority_save_creates_updates_and_audits(staff: dict[str, Any]) -> None:
    created = authority_save(
        actor=staff["administrator"], country="pl", name="CBZC", email="cbzc@example.org"
    )
    assert created.country == "PL"
    updated = authority_save(
        actor=staff["publisher"], country="PL", name="CBZC unit 2", email="unit2@example.org", active=False
    )
    assert updated.pk == created.pk
    assert (updated.name, updated.email, updated.active) == ("CBZC unit 2", "unit2@example.org", False)
    assert _actions()[-2:] == ["authority.save", "authority.save"]


@pytest.mark.parametrize(
    ("country", "name", "email", "field"),
    [
        ("QQ", "n", "a@example.org", "country"),
        ("PL", " ", "a@example.org", "name"),
        ("PL", "n", "nope", "email"),
    ],
)
def test_authority_save_validates(
    staff: dict[str, Any], country: str, name: str, email: str, field: str
) -> None:
    with pytest.raises(ApplicationError) as caught:
        authority_save(actor=staff["administrator"], country=country, name=name, email=email)
    assert caught.value.field == field


@pytest.mark.parametrize("who", ["outsider", "analyst", "auditor", "partner_a"])
def test_authority_save_needs_the_permission(staff: dict[str, Any], who: str) -> None:
    with pytest.raises(ApplicationError):
        authority_save(actor=staff[who], country="PL", name="n", email="a@example.org")


# --- sending -----------------------------------------------------------------------------------------


def test_send_marks_sent_notifies_after_commit_and_resends(
    staff: dict[str, Any], loop: Loop, django_capture_on_commit_callbacks: Any
) -> None:
    lead = loop.leads["PL"]
    with django_capture_on_commit_callbacks(execute=True):
        lead_send(actor=staff["analyst"], lead=lead)
    assert lead.state == LeadState.SENT
    assert lead.sent_by == staff["analyst"]
    assert lead.sent_at is not None
    assert len(mail.outbox) == 1
    assert _actions()[-1] == "lead.send"
    sent_at = lead.sent_at
    with django_capture_on_commit_callbacks(execute=True):
        lead_send(actor=staff["publisher"], lead=lead)
    lead.refresh_from_db()
    assert lead.sent_at == sent_at  # a resend only repeats the notice
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="lead.send").last().details["resend"] is True


def test_send_without_a_partner_account_needs_the_confirmation(staff: dict[str, Any], loop: Loop) -> None:
    staff["partner_b"].delete()  # Germany's only partner account
    lead = loop.leads["DE"]
    with pytest.raises(NoReaderError, match="Nobody at Germany can read this lead yet"):
        lead_send(actor=staff["analyst"], lead=lead)
    lead.refresh_from_db()
    assert lead.state == LeadState.READY
    lead_send(actor=staff["analyst"], lead=lead, without_reader=True)
    assert lead.state == LeadState.SENT
    # Poland has its partner: no confirmation needed.
    lead_send(actor=staff["analyst"], lead=loop.leads["PL"])
    assert loop.leads["PL"].state == LeadState.SENT


def test_the_note_is_frozen_once_sent(staff: dict[str, Any], loop: Loop) -> None:
    lead = loop.leads["PL"]
    with pytest.raises(ApplicationError, match="under 5000"):
        lead_send(actor=staff["analyst"], lead=lead, note_for_authority="x" * 5001)
    lead_send(actor=staff["analyst"], lead=lead, note_for_authority="First word.")
    checksum = lead.snapshot_sha256
    with pytest.raises(ApplicationError, match="can no longer change"):
        lead_send(actor=staff["analyst"], lead=lead, note_for_authority="Second thoughts.")
    lead.refresh_from_db()
    assert lead.snapshot_sha256 == checksum
    assert lead_snapshot(lead)["note_for_authority"]["text"] == "First word."
    assert b"First word." not in bytes(lead.sealed) + bytes(lead.sealed_partner)


def test_send_refuses_an_inactive_authority_and_other_roles(staff: dict[str, Any], loop: Loop) -> None:
    lead = loop.leads["DE"]
    for who in ("outsider", "auditor", "partner_b", "administrator"):
        with pytest.raises(ApplicationError):
            lead_send(actor=staff[who], lead=lead)
    Authority.objects.filter(country="DE").update(active=False)
    with pytest.raises(ApplicationError, match="inactive"):
        lead_send(actor=staff["analyst"], lead=lead)
    lead.refresh_from_db()
    assert lead.state == LeadState.READY


def test_a_mail_failure_keeps_the_lead_sent(
    staff: dict[str, Any], loop: Loop, django_capture_on_commit_callbacks: Any, settings: Any, caplog: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard: nothing listens, the connection is refused
    settings.EMAIL_TIMEOUT = 2
    lead = loop.leads["PL"]
    with django_capture_on_commit_callbacks(execute=True):
        lead_send(actor=staff["analyst"], lead=lead)
    lead.refresh_from_db()
    assert lead.state == LeadState.SENT
    assert "could not send the notice" in caplog.text


# --- partners ----------------------------------------------------------------------------------------


def _sent(staff: dict[str, Any], lead: Lead) -> Lead:
    return lead_send(actor=staff["analyst"], lead=lead)


def test_acknowledge_by_the_partner_of_the_country_only(staff: dict[str, Any], loop: Loop) -> None:
    lead = loop.leads["PL"]
    with pytest.raises(NotFoundError):  # not sent yet: partners do not see it
        lead_acknowledge(actor=staff["partner_a"], lead=lead)
    _sent(staff, lead)
    with pytest.raises(NotFoundError):
        lead_acknowledge(actor=staff["partner_b"], lead=lead)
    for who in ("outsider", "analyst", "publisher"):
        with pytest.raises(ApplicationError):
            lead_acknowledge(actor=staff[who], lead=lead)
    lead_acknowledge(actor=staff["partner_a"], lead=lead)
    assert lead.state == LeadState.ACKNOWLEDGED
    assert lead.acknowledged_by == staff["partner_a"]
    assert _actions()[-1] == "lead.acknowledge"
    with pytest.raises(ApplicationError, match="already"):
        lead_acknowledge(actor=staff["partner_a"], lead=lead)


@pytest.mark.parametrize(
    ("kind", "count", "update", "field"),
    [
        ("arrest", 1, "u", "kind"),
        (OutcomeKind.VICTIM_IDENTIFIED, 0, "u", "count"),
        (OutcomeKind.OFFENDER_ARRESTED, -1, "u", "count"),
        (OutcomeKind.INVESTIGATION_OPENED, 2, "u", "count"),
        (OutcomeKind.INVESTIGATION_OPENED, 0, "  ", "update"),
    ],
)
def test_outcome_validates(
    staff: dict[str, Any], loop: Loop, kind: str, count: int, update: str, field: str
) -> None:
    lead = _sent(staff, loop.leads["PL"])
    with pytest.raises(ApplicationError) as caught:
        outcome_report(actor=staff["partner_a"], lead=lead, kind=kind, count=count, update=update)
    assert caught.value.field == field
    assert not Outcome.objects.exists()


def test_outcome_acknowledges_seals_and_closes(staff: dict[str, Any], loop: Loop) -> None:
    lead = _sent(staff, loop.leads["PL"])
    with pytest.raises(NotFoundError):
        outcome_report(
            actor=staff["partner_b"], lead=lead, kind=OutcomeKind.VICTIM_IDENTIFIED, count=1, update="Found."
        )
    outcome = outcome_report(
        actor=staff["partner_a"],
        lead=lead,
        kind=OutcomeKind.VICTIM_IDENTIFIED,
        count=1,
        update="A child was safeguarded in Gdańsk.",
    )
    assert lead.state == LeadState.ACKNOWLEDGED  # reporting proves receipt
    assert outcome.count == 1
    assert b"safeguarded" not in bytes(outcome.sealed_update)
    assert vault.open(bytes(outcome.sealed_update)).decode() == "A child was safeguarded in Gdańsk."
    assert AuditEvent.objects.filter(action="lead.outcome").get().details["acknowledged"] is True
    outcome_report(
        actor=staff["partner_a"],
        lead=lead,
        kind=OutcomeKind.CLOSED_NO_RESULT,
        count=0,
        update="Nothing more.",
    )
    assert lead.state == LeadState.CLOSED
    with pytest.raises(ApplicationError, match="closed"):
        outcome_report(
            actor=staff["partner_a"],
            lead=lead,
            kind=OutcomeKind.OFFENDER_ARRESTED,
            count=1,
            update="Late news.",
        )


# --- correcting an outcome ---------------------------------------------------------------------------


def test_a_correction_keeps_the_history_and_only_the_current_version_counts(
    staff: dict[str, Any], loop: Loop
) -> None:
    lead = _sent(staff, loop.leads["PL"])
    first = outcome_report(
        actor=staff["partner_a"], lead=lead, kind=OutcomeKind.VICTIM_IDENTIFIED, count=1, update="One child."
    )
    assert lead_figures().victims_identified == 1
    correction = outcome_correct(
        actor=staff["partner_a"],
        outcome=first,
        kind=OutcomeKind.VICTIM_IDENTIFIED,
        count=3,
        update="Three children, siblings.",
    )
    assert correction.corrects == first
    assert b"siblings" not in bytes(correction.sealed_update) + bytes(correction.sealed_partner_update)
    # Both versions stay, readable; only the correction is in force and counted.
    first.refresh_from_db()
    assert (first.count, vault.open(bytes(first.sealed_update)).decode()) == (1, "One child.")
    views = lead_outcomes(lead)
    assert [(v.count, v.current, v.corrects_id) for v in views] == [(1, False, None), (3, True, first.pk)]
    assert list(outcomes_current()) == [correction]
    assert lead_figures().victims_identified == 3  # not 4
    assert lead_figures().leads_with_outcome == 1
    event = AuditEvent.objects.get(action="lead.outcome_correct")
    assert event.actor == staff["partner_a"]
    assert event.details["corrects"] == first.pk
    assert event.details["before"] == {"kind": "victim_identified", "count": 1}
    assert event.details["after"] == {"kind": "victim_identified", "count": 3}
    # The corrected version cannot be corrected a second time: the newer one can.
    with pytest.raises(ApplicationError, match="already been corrected"):
        outcome_correct(
            actor=staff["partner_a"], outcome=first, kind="victim_identified", count=2, update="x"
        )
    outcome_correct(
        actor=staff["partner_a"], outcome=correction, kind="victim_identified", count=2, update="x"
    )
    assert lead_figures().victims_identified == 2


def test_only_the_partner_of_the_country_corrects(staff: dict[str, Any], loop: Loop) -> None:
    lead = _sent(staff, loop.leads["PL"])
    first = outcome_report(
        actor=staff["partner_a"], lead=lead, kind=OutcomeKind.OFFENDER_ARRESTED, count=1, update="One."
    )
    with pytest.raises(NotFoundError):
        outcome_correct(
            actor=staff["partner_b"], outcome=first, kind="offender_arrested", count=2, update="x"
        )
    for who in ("outsider", "analyst", "auditor"):
        with pytest.raises(ApplicationError):
            outcome_correct(actor=staff[who], outcome=first, kind="offender_arrested", count=2, update="x")
    with pytest.raises(ApplicationError) as caught:
        outcome_correct(
            actor=staff["partner_a"], outcome=first, kind="offender_arrested", count=0, update="x"
        )
    assert caught.value.field == "count"
    assert list(outcomes_current()) == [first]
    assert not AuditEvent.objects.filter(action="lead.outcome_correct").exists()


def test_correcting_a_mistaken_closure_reopens_the_lead(staff: dict[str, Any], loop: Loop) -> None:
    lead = _sent(staff, loop.leads["PL"])
    closed = outcome_report(
        actor=staff["partner_a"], lead=lead, kind=OutcomeKind.CLOSED_NO_RESULT, count=0, update="Wrong lead."
    )
    assert lead.state == LeadState.CLOSED
    outcome_correct(
        actor=staff["partner_a"],
        outcome=closed,
        kind=OutcomeKind.INVESTIGATION_OPENED,
        count=0,
        update="Open.",
    )
    lead.refresh_from_db()
    assert lead.state == LeadState.ACKNOWLEDGED
    # And the lead takes reports again.
    outcome_report(actor=staff["partner_a"], lead=lead, kind="offender_arrested", count=1, update="Arrest.")


def test_demo_authorities_load_once() -> None:
    from traceobject.leads.demo import DEMO_COUNTRIES, leads_demo_load

    first = leads_demo_load()
    assert [a.country for a in first] == list(DEMO_COUNTRIES)
    assert first[0].name == "Demo unit, Poland"
    assert first[0].email == "leads-pl@example.org"
    Authority.objects.filter(country="PL").update(name="Edited")
    leads_demo_load()
    assert Authority.objects.count() == len(DEMO_COUNTRIES)
    assert Authority.objects.get(country="PL").name == "Edited"
    assert AuditEvent.objects.filter(action="authority.demo_load").count() == 1
