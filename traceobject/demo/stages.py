"""The demo's determinations, leads and outcomes, walked through the real services.

``leads_demo_stages`` does what the demo team would have done over the months (ask a tipster, propose,
confirm, send, acknowledge, report, correct), each step by the demo account whose role does it and
through the same service as the staff pages, so every step is checked and audited as it would be. The
services stamp today's time; the demo then moves the rows' own time columns back with ``update`` so that
the stages fall where the story puts them (the lead sent 200 days ago, the outcomes in an earlier
quarter). The audit events keep today's time: they are chained by their times and are never rewritten,
so ``traceobject audit verify`` still passes and the trail shows honestly when the demo was loaded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from nacl.public import PrivateKey

from traceobject import vault
from traceobject.accounts.services import demo_password
from traceobject.demo.content import DemoDetermination, DemoFollowUp, DemoObject
from traceobject.gallery.models import Object
from traceobject.leads.models import Confidence, Determination, Lead, Outcome
from traceobject.leads.services import (
    CountryClaim,
    determination_confirm,
    determination_propose,
    lead_acknowledge,
    lead_send,
    outcome_correct,
    outcome_report,
)
from traceobject.tips.followups import followup_ask, followup_reply
from traceobject.tips.models import FollowUp, Tip
from traceobject.tips.payload import TipPayload
from traceobject.tips.receipts import receipt_private_key
from traceobject.triage.services import tip_open
from traceobject.vault import keyring
from traceobject.vault.models import StaffKey

# Who does what in the demo's story: one analyst proposes, asks and sends; a second one confirms.
PROPOSER = "demo-analyst"
CONFIRMER = "demo-analyst-2"
# How many tips of the determination's country an analyst selects for each lead.
TIPS_PER_COUNTRY = 4


@dataclass(frozen=True)
class SubmittedTip:
    """A demo tip as stored, with what the loader knows and the server does not keep (the receipt)."""

    tip: Tip
    payload: TipPayload
    receipt: str


def partner_username(country: str) -> str:
    return f"demo-partner-{country.lower()}"


def _session_keys(user: Any) -> dict[bytes, PrivateKey]:
    """The vault keys a login of ``user`` with the demo password would unlock (none if it was changed)."""
    staff_key = StaffKey.objects.filter(user=user).first()
    own = keyring.staff_key_unwrap(staff_key, demo_password(user.username)) if staff_key else None
    return keyring.grants_open(user=user, staff_private=own) if own is not None else {}


def _ago(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def _follow_up_tip(tips: Sequence[SubmittedTip], country: str, before: datetime) -> SubmittedTip | None:
    """The tip an analyst would ask about: the earliest from the trail's country sent before the
    question, else the earliest sent before it."""
    earlier = [entry for entry in tips if entry.tip.created_at < before]
    pointing = [entry for entry in earlier if entry.payload.country == country]
    return min(pointing or earlier, key=lambda entry: entry.tip.created_at, default=None)


def _thread(*, story: DemoFollowUp, entry: SubmittedTip, analyst: Any, now: datetime, seen: bool) -> None:
    """Question, answer and (``seen``) the analyst reading the answer: the follow-up services in order."""
    tip = entry.tip
    tip_open(actor=analyst, tip=tip)
    question = followup_ask(actor=analyst, tip=tip, text=story.question)
    FollowUp.objects.filter(pk=question.pk).update(created_at=_ago(now, story.asked_days_ago))
    answer = followup_reply(
        tip=tip, receipt_private_key=receipt_private_key(entry.receipt), text=story.answer
    )
    FollowUp.objects.filter(pk=answer.pk).update(created_at=_ago(now, story.answered_days_ago))
    if seen:
        tip_open(actor=analyst, tip=tip)  # lowers the "new reply" flag, as reading the tip does


def _claims(
    story: DemoDetermination, tips: Sequence[SubmittedTip], must: SubmittedTip | None
) -> list[CountryClaim]:
    claims = []
    for country in story.countries:
        chosen = [entry.tip.pk for entry in tips if entry.payload.country == country][:TIPS_PER_COUNTRY]
        if must is not None and must.tip.pk not in chosen:
            chosen.append(must.tip.pk)
        claims.append(CountryClaim(country, Confidence.LIKELY, story.rationale, tuple(chosen)))
    return claims


def _lead_after_confirmation(
    *, story: DemoDetermination, lead: Lead, team: Mapping[str, Any], now: datetime
) -> None:
    """Send, acknowledge and report on one lead, as far as the story goes, each step dated back."""
    if story.sent_days_ago is None:
        return
    lead_send(actor=team[PROPOSER], lead=lead, note_for_authority=story.note_for_authority)
    Lead.objects.filter(pk=lead.pk).update(sent_at=_ago(now, story.sent_days_ago))
    partner = team[partner_username(lead.country)]
    if story.acknowledged_days_ago is not None:
        lead_acknowledge(actor=partner, lead=lead)
        Lead.objects.filter(pk=lead.pk).update(acknowledged_at=_ago(now, story.acknowledged_days_ago))
    for reported in story.outcomes:
        outcome = outcome_report(
            actor=partner, lead=lead, kind=reported.kind, count=reported.count, update=reported.update
        )
        Outcome.objects.filter(pk=outcome.pk).update(reported_at=_ago(now, reported.days_ago))
        if reported.corrected is not None:
            count, days_ago, update = reported.corrected
            correction = outcome_correct(
                actor=partner, outcome=outcome, kind=reported.kind, count=count, update=update
            )
            Outcome.objects.filter(pk=correction.pk).update(reported_at=_ago(now, days_ago))


def _determine(
    *, item: DemoObject, obj: Object, tips: Sequence[SubmittedTip], team: Mapping[str, Any], now: datetime
) -> None:
    story = item.determination
    if story is None:
        return
    asked = None
    if item.follow_up is not None:
        asked = _follow_up_tip(tips, item.trail, _ago(now, item.follow_up.asked_days_ago))
        if asked is not None:
            # Seen by the analysts if they went on to confirm; otherwise a reply waits in the inbox.
            seen = story.confirmed_days_ago is not None
            _thread(story=item.follow_up, entry=asked, analyst=team[PROPOSER], now=now, seen=seen)
    determination = determination_propose(
        actor=team[PROPOSER],
        obj=obj,
        kind=story.kind,
        rationale=story.rationale,
        countries=_claims(story, tips, asked),
    )
    Determination.objects.filter(pk=determination.pk).update(proposed_at=_ago(now, story.proposed_days_ago))
    if story.confirmed_days_ago is None:
        return
    leads = determination_confirm(actor=team[CONFIRMER], determination=determination)
    confirmed_at = _ago(now, story.confirmed_days_ago)
    Determination.objects.filter(pk=determination.pk).update(decided_at=confirmed_at)
    Object.objects.filter(pk=obj.pk).update(located_at=confirmed_at)
    for lead in leads:
        Lead.objects.filter(pk=lead.pk).update(created_at=confirmed_at)
        _lead_after_confirmation(story=story, lead=lead, team=team, now=now)


def leads_demo_stages(
    *,
    items: Sequence[DemoObject],
    objects: Mapping[str, Object],
    tips: Mapping[str, Sequence[SubmittedTip]],
    team: Mapping[str, Any],
    now: datetime,
) -> None:
    """Walk every demo determination through the services, oldest first, as the demo team.

    Needs the demo authorities (``leads_demo_load``) and the demo team (their partners must exist when
    an authority's key is made, at the first confirmation, to be granted it). The tips are read with the
    keys the two analysts' logins would unlock, so this works after the key escrow too.
    """
    keys = {**_session_keys(team[PROPOSER]), **_session_keys(team[CONFIRMER])}
    stories = sorted(
        (item for item in items if item.determination is not None),
        key=lambda item: -item.determination.proposed_days_ago if item.determination else 0,
    )
    with vault.unlocked(keys):
        for item in stories:
            _determine(item=item, obj=objects[item.code], tips=tips.get(item.code, ()), team=team, now=now)
