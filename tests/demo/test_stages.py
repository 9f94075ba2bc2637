"""The demo's lifecycle stages: built by the demo team through the real services, dated back, audited.

Each test loads the whole demo (images drawn and scanned), so the stages are checked in few tests.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from traceobject import vault
from traceobject.accounts.models import User
from traceobject.accounts.services import demo_password
from traceobject.core.errors import ApplicationError
from traceobject.gallery.models import REVIEW_CHECKLIST, ImageStatus, Object, ObjectStatus
from traceobject.gallery.services import object_approve
from traceobject.imaging.selectors import object_safety_report
from traceobject.leads.models import Determination, DeterminationState, Lead, LeadState, Outcome
from traceobject.leads.selectors import lead_for_partner, lead_snapshot, outcomes_current
from traceobject.leads.services import determination_confirm
from traceobject.tips.models import FollowUp, Tip
from traceobject.vault import keyring
from traceobject.vault.models import StaffKey

pytestmark = pytest.mark.django_db

# Days are compared with a margin: the services ran a moment after the loader took its "now".
DAY = timedelta(days=1)


def _days_ago(when: datetime) -> float:
    return (timezone.now() - when) / DAY


def _keys(username: str) -> dict[bytes, Any]:
    """What a login of this demo account with its printed password unlocks."""
    user = User.objects.get(username=username)
    own = keyring.staff_key_unwrap(StaffKey.objects.get(user=user), demo_password(username))
    assert own is not None
    return keyring.grants_open(user=user, staff_private=own)


def _quarter_end(when: datetime) -> datetime:
    first_month_next = ((when.month - 1) // 3 + 1) * 3 + 1
    year = when.year + (first_month_next > 12)
    return when.replace(year=year, month=(first_month_next - 1) % 12 + 1, day=1, hour=0, minute=0, second=0)


def _determination(code: str) -> Determination:
    return Determination.objects.select_related("proposed_by", "decided_by", "object").get(object__code=code)


def test_make_run_order_builds_every_stage_through_the_services(settings: Any) -> None:
    """`demostaff --if-missing`, `demo --if-empty`, `vault escrow --if-configured`, as `make run` does,
    then with no key configured any more (the restart)."""
    call_command("demostaff", "--if-missing", stdout=io.StringIO())
    team = set(User.objects.values_list("pk", flat=True))
    call_command("demo", "--if-empty", stdout=io.StringIO())
    assert set(User.objects.values_list("pk", flat=True)) == team  # the demo acted as the existing team
    call_command("vault", "escrow", "--if-configured", stdout=io.StringIO())
    settings.VAULT_PRIVATE_KEY = ""
    vault.active_key_forget()

    # 1. In review, written and submitted by demo-publisher, images processed and passing the scan.
    review = Object.objects.get(code="M13-2026")
    assert review.status == ObjectStatus.IN_REVIEW
    assert review.author.username == "demo-publisher"
    assert review.is_demo
    assert list(review.images.values_list("status", flat=True)) == [ImageStatus.READY]
    assert not object_safety_report(obj=review).blocking
    with pytest.raises(ApplicationError):
        object_approve(actor=review.author, obj=review, checklist=REVIEW_CHECKLIST)
    object_approve(
        actor=User.objects.get(username="demo-publisher-2"), obj=review, checklist=REVIEW_CHECKLIST
    )
    assert Object.objects.get(pk=review.pk).status == ObjectStatus.APPROVED

    # 2. A proposal by demo-analyst waiting for a second person.
    proposal = _determination("L03-2026")
    assert proposal.state == DeterminationState.PROPOSED
    assert proposal.proposed_by.username == "demo-analyst"
    assert proposal.decided_by is None
    assert proposal.object.status == ObjectStatus.PUBLISHED
    assert list(proposal.countries.values_list("country", flat=True)) == ["NL"]
    with pytest.raises(ApplicationError):
        determination_confirm(actor=proposal.proposed_by, determination=proposal)

    # 3. Identified long ago: lead sent ~200 days ago, acknowledged, outcomes in a published quarter.
    old = _determination("K01-2026")
    assert (old.state, old.kind, old.object.status) == ("confirmed", "identified", ObjectStatus.IDENTIFIED)
    assert old.decided_by.username == "demo-analyst-2"
    assert old.object.published_at is not None
    assert old.object.published_at < old.proposed_at < old.decided_at
    assert 209 < _days_ago(old.decided_at) < 211
    assert old.object.located_at == old.decided_at
    assert not Tip.objects.filter(object=old.object, created_at__gt=old.proposed_at).exists()
    lead = Lead.objects.get(determination=old)
    assert (lead.country, lead.state) == ("FR", LeadState.ACKNOWLEDGED)
    assert 199 < _days_ago(lead.sent_at) < 201
    assert lead.acknowledged_at is not None
    assert lead.sent_at < lead.acknowledged_at
    assert lead.acknowledged_by.username == "demo-partner-fr"
    current = {(o.kind, o.count) for o in outcomes_current().filter(lead=lead)}
    assert current == {("investigation_opened", 0), ("victim_identified", 1), ("offender_arrested", 1)}
    corrections = Outcome.objects.filter(lead=lead, corrects__isnull=False)
    assert corrections.count() == 1
    assert corrections.get().corrects.count == 2
    now = timezone.now()
    for outcome in Outcome.objects.filter(lead=lead):
        assert lead.acknowledged_at < outcome.reported_at
        # In a quarter that ended more than the 30 days' publication delay ago.
        assert _quarter_end(outcome.reported_at) + timedelta(days=30) < now

    # The tipster's answer travels with the lead; its partner opens it, another partner gets 404.
    with vault.unlocked(_keys("demo-partner-fr")):
        reader = User.objects.get(username="demo-partner-fr")
        snapshot = lead_snapshot(lead_for_partner(user=reader, reference=lead.reference))
    threads = [tip["follow_ups"] for tip in snapshot["tips"] if tip.get("follow_ups")]
    assert len(threads) == 1
    texts = " ".join(message["text"] for message in threads[0])
    assert "which shop" in texts
    assert "main square" in texts
    assert snapshot["note_for_authority"]["text"].startswith("The wallpaper was sold in France")
    with pytest.raises(Http404):
        lead_for_partner(user=User.objects.get(username="demo-partner-de"), reference=lead.reference)
    with vault.unlocked(_keys("demo-partner-de")), pytest.raises(vault.VaultError):
        vault.open(bytes(lead.sealed_partner))

    # 4. Identified just now: lead sent two days ago, not acknowledged.
    recent = Lead.objects.select_related("determination__object").get(determination__object__code="K09-2026")
    assert (recent.country, recent.state, recent.acknowledged_at) == ("DE", LeadState.SENT, None)
    assert 1.9 < _days_ago(recent.sent_at) < 2.1
    assert recent.determination.object.status == ObjectStatus.IDENTIFIED
    lead_for_partner(user=User.objects.get(username="demo-partner-de"), reference=recent.reference)

    # 5. Widespread, confirmed long ago, no lead.
    widespread = _determination("K04-2026")
    assert (widespread.state, widespread.kind) == ("confirmed", "widespread")
    assert 299 < _days_ago(widespread.decided_at) < 301
    assert widespread.object.status == ObjectStatus.WIDESPREAD
    assert not Lead.objects.filter(determination=widespread).exists()

    # 6. Follow-ups: a question and the tipster's answer on two tips; the newer reply is still unread.
    pairs = {
        tip.object.code: list(FollowUp.objects.filter(tip=tip).values_list("kind", flat=True))
        for tip in Tip.objects.filter(follow_ups__isnull=False).distinct().select_related("object")
    }
    assert pairs == {"K01-2026": ["question", "reply"], "L03-2026": ["question", "reply"]}
    waiting = Tip.objects.filter(reply_waiting=True).select_related("object")
    assert [tip.object.code for tip in waiting] == ["L03-2026"]

    # The audit chain holds, and a second run changes nothing.
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("OK:")
    counts = [model.objects.count() for model in (Object, Tip, Determination, Lead, Outcome, FollowUp, User)]
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "no demo content loaded" in out.getvalue()
    assert [m.objects.count() for m in (Object, Tip, Determination, Lead, Outcome, FollowUp, User)] == counts


def test_without_a_configured_key_the_analysts_grants_read_the_tips(settings: Any) -> None:
    """After the escrow (a later `make run` on a database emptied of objects): the confirmation, which
    reads the selected tips, works with the keys the demo analysts hold, and the demo is still whole."""
    call_command("demostaff", "--if-missing", stdout=io.StringIO())
    call_command("vault", "escrow", "--if-configured", stdout=io.StringIO())
    settings.VAULT_PRIVATE_KEY = ""
    vault.active_key_forget()
    with pytest.raises(vault.VaultLockedError):  # nothing configured or held: the vault is shut
        vault.open(vault.seal(b"x"))
    call_command("demo", "--if-empty", "--tips", "60", stdout=io.StringIO())
    states = dict(Determination.objects.values_list("object__code", "state"))
    assert states == {
        "K01-2026": "confirmed",
        "K04-2026": "confirmed",
        "K09-2026": "confirmed",
        "L05-2026": "confirmed",
        "L03-2026": "proposed",
    }
    assert set(Lead.objects.values_list("country", "state")) == {("FR", "acknowledged"), ("DE", "sent")}
    call_command("audit", "verify", stdout=io.StringIO())
