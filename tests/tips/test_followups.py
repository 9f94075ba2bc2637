"""The follow-up services: sealing for both sides, the tipster's access, replies, questions, legacy tips."""

from __future__ import annotations

import pytest

from tests.factories import TipFactory
from tests.staff_fixtures import make_staff
from traceobject import vault
from traceobject.audit.models import AuditEvent
from traceobject.core.errors import ApplicationError
from traceobject.tips.followups import (
    MESSAGE_MAX,
    followup_access,
    followup_ask,
    followup_reply,
    followup_thread_for_tipster,
    followups_for_staff,
)
from traceobject.tips.models import FollowUp, FollowUpKind, Tip
from traceobject.tips.payload import TipPayload
from traceobject.tips.receipts import receipt_private_key
from traceobject.triage.services import tip_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst():
    return make_staff("fu-analyst", "analyst")


@pytest.fixture
def tip():
    return TipFactory(payload=TipPayload(text="The bag was sold in Gdansk.", contact="me@example.org"))


def test_a_receipt_opens_its_tip_and_nothing_else(tip) -> None:
    other = TipFactory()
    access = followup_access(receipt=tip.receipt_code)
    assert access is not None
    assert access.tip_id == tip.pk
    # Typed from paper: lower case, no dashes, O for 0.
    sloppy = tip.receipt_code.replace("-", " ").lower().replace("0", "o")
    assert followup_access(receipt=sloppy) == access
    assert followup_access(receipt=other.receipt_code).tip_id == other.pk
    assert followup_access(receipt="0000-0000-0000-0000") is None
    assert followup_access(receipt="short") is None
    assert followup_access(receipt="") is None


def test_the_tipster_reads_their_tip_without_the_contact_details(tip) -> None:
    access = followup_access(receipt=tip.receipt_code)
    thread = followup_thread_for_tipster(access=access)
    assert thread is not None
    assert thread.payload is not None
    assert thread.payload.text == "The bag was sold in Gdansk."
    assert thread.payload.contact == ""
    assert thread.messages == []


def test_question_and_reply_are_sealed_for_both_sides_and_audited(tip, analyst) -> None:
    question = followup_ask(actor=analyst, tip=tip, text="  Which shop, and which year?  ")
    assert question.kind == FollowUpKind.QUESTION
    assert question.author == analyst
    # Neither copy is readable as stored.
    assert b"Which shop" not in bytes(question.sealed)
    assert b"Which shop" not in bytes(question.sealed_tipster)
    assert vault.open(bytes(question.sealed)) == b"Which shop, and which year?"
    event = AuditEvent.objects.get(action="tip.question")
    assert event.target_id == str(tip.pk)
    assert "Which shop" not in str(event.details)

    access = followup_access(receipt=tip.receipt_code)
    thread = followup_thread_for_tipster(access=access)
    assert [m.text for m in thread.messages] == ["Which shop, and which year?"]

    events_before = AuditEvent.objects.count()
    reply = followup_reply(tip=thread.tip, receipt_private_key=access.private_key, text="Pepco, 2016.")
    assert reply.author is None
    assert AuditEvent.objects.count() == events_before, "the tipster's side writes no audit event"
    tip.refresh_from_db()
    assert tip.reply_waiting is True

    thread = followup_thread_for_tipster(access=access)
    assert [(m.kind, m.text) for m in thread.messages] == [
        (FollowUpKind.QUESTION, "Which shop, and which year?"),
        (FollowUpKind.REPLY, "Pepco, 2016."),
    ]
    staff_side = followups_for_staff(actor=analyst, tip=tip)
    assert [m.text for m in staff_side] == ["Which shop, and which year?", "Pepco, 2016."]


def test_opening_the_tip_lowers_the_new_reply_flag_in_its_audit_event(tip, analyst) -> None:
    access = followup_access(receipt=tip.receipt_code)
    followup_reply(tip=tip, receipt_private_key=access.private_key, text="One more detail.")
    tip_open(actor=analyst, tip=tip)
    tip.refresh_from_db()
    assert tip.reply_waiting is False
    event = AuditEvent.objects.filter(action="tip.open").latest("id")
    assert event.details == {"reply_seen": True}
    tip_open(actor=analyst, tip=tip)
    assert AuditEvent.objects.filter(action="tip.open").latest("id").details == {}


@pytest.mark.parametrize("text", ["", "   \n ", "x" * (MESSAGE_MAX + 1)])
def test_empty_or_long_messages_are_refused_and_nothing_is_stored(tip, analyst, text) -> None:
    access = followup_access(receipt=tip.receipt_code)
    with pytest.raises(ApplicationError) as refused:
        followup_reply(tip=tip, receipt_private_key=access.private_key, text=text)
    assert refused.value.field == "text"
    with pytest.raises(ApplicationError):
        followup_ask(actor=analyst, tip=tip, text=text)
    assert not FollowUp.objects.exists()
    tip.refresh_from_db()
    assert tip.reply_waiting is False


def test_another_tips_key_cannot_reply(tip) -> None:
    other = TipFactory()
    wrong = receipt_private_key(other.receipt_code)
    with pytest.raises(ApplicationError):
        followup_reply(tip=tip, receipt_private_key=wrong, text="Injected.")
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("role", ["publisher", "auditor", "administrator", ""])
def test_only_analysts_ask(tip, role) -> None:
    user = make_staff(f"fu-{role or 'outsider'}", role)
    with pytest.raises(ApplicationError):
        followup_ask(actor=user, tip=tip, text="A question?")
    assert not FollowUp.objects.exists()
    assert not AuditEvent.objects.filter(action="tip.question").exists()


def test_a_legacy_tip_gets_its_key_on_return_and_waiting_questions_are_resealed(tip, analyst) -> None:
    # A tip from before follow-ups: no tipster key and no tipster copy.
    Tip.objects.filter(pk=tip.pk).update(tipster_public_key=None, sealed_tipster=None)
    tip.refresh_from_db()
    question = followup_ask(actor=analyst, tip=tip, text="Do you remember the price?")
    assert question.sealed_tipster is None
    assert AuditEvent.objects.get(action="tip.question").details["tipster_can_read"] is False

    access = followup_access(receipt=tip.receipt_code)
    assert access is not None
    tip.refresh_from_db()
    assert bytes(tip.tipster_public_key) == bytes(access.private_key.public_key)
    thread = followup_thread_for_tipster(access=access)
    assert thread.payload is None, "no copy of an old tip exists for the tipster"
    assert [m.text for m in thread.messages] == [None], "the question waits for an analyst to re-seal it"

    followups_for_staff(actor=analyst, tip=tip)
    event = AuditEvent.objects.get(action="tip.questions_resealed")
    assert event.details == {"follow_ups": [question.pk]}
    thread = followup_thread_for_tipster(access=access)
    assert [m.text for m in thread.messages] == ["Do you remember the price?"]
    # Once re-sealed, a later look changes nothing and records nothing more.
    followups_for_staff(actor=analyst, tip=tip)
    assert AuditEvent.objects.filter(action="tip.questions_resealed").count() == 1


def test_a_deleted_tip_has_no_thread(tip) -> None:
    access = followup_access(receipt=tip.receipt_code)
    Tip.objects.filter(pk=tip.pk).delete()
    assert followup_thread_for_tipster(access=access) is None
    assert followup_access(receipt=tip.receipt_code) is None
