"""Fixtures of the leads tests: a published object with an image, tips sent through the real intake
(so they carry signals), an analyst's note, two authorities, and a determination confirmed by a
second person, which yields one lead for Poland and one for Germany."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.factories import AuthorityFactory
from traceobject.gallery.models import Object
from traceobject.leads.models import Authority, Determination, DeterminationKind, Lead
from traceobject.leads.services import (
    CountryClaim,
    determination_confirm,
    determination_propose,
    lead_send,
)
from traceobject.tips.followups import followup_ask, followup_reply
from traceobject.tips.models import Tip
from traceobject.tips.payload import TipPayload
from traceobject.tips.receipts import receipt_private_key
from traceobject.tips.services import tip_submit
from traceobject.triage.services import tip_note_add

POLAND_TIP = "Widziałem tę torbę w sklepie Biedronka w Gdańsku, około 2016 roku."
GERMANY_TIP = "Diese Tasche gab es bei Aldi in Hamburg, ungefähr 2015."
NOTE_TEXT = "Checked the Biedronka catalogue of 2016: the zip matches."
QUESTION_TEXT = "Which street was the shop on?"
ANSWER_TEXT = "On ulica Długa, opposite the Neptune fountain."
AUTHORITY_NOTE = "Ask the Długa store for its 2016 delivery records; the tipster answered our question."
PL_RATIONALE = "Three independent tips name Gdansk shops; the zip matches a Biedronka catalogue."
DE_RATIONALE = "One tip names a Hamburg discounter; the label font is German."


@dataclass
class Loop:
    obj: Object
    pl_tip: Tip
    de_tip: Tip
    determination: Determination
    leads: dict[str, Lead]


@pytest.fixture
def authorities(db: None) -> dict[str, Authority]:
    return {code: AuthorityFactory(country=code) for code in ("PL", "DE")}


@pytest.fixture
def tip_receipts() -> dict[int, str]:
    """The receipt of each tip of ``tips``, by tip id: the tipster's way back to answer questions."""
    return {}


@pytest.fixture
def tips(published_object: Object, tip_receipts: dict[int, str]) -> tuple[Tip, Tip]:
    pl = tip_submit(obj=published_object, payload=TipPayload(text=POLAND_TIP, place="Gdańsk"))
    de = tip_submit(obj=published_object, payload=TipPayload(text=GERMANY_TIP, shop_brand="Aldi"))
    tip_receipts.update({pl.tip.pk: pl.receipt, de.tip.pk: de.receipt})
    return pl.tip, de.tip


def identified_claims(pl: Tip, de: Tip) -> list[CountryClaim]:
    return [
        CountryClaim("PL", "likely", PL_RATIONALE, [pl.pk]),
        CountryClaim("DE", "possible", DE_RATIONALE, [de.pk]),
    ]


@pytest.fixture
def proposal(staff: dict[str, Any], published_object: Object, tips: tuple[Tip, Tip]) -> Determination:
    pl, de = tips
    tip_note_add(actor=staff["analyst"], tip=pl, text=NOTE_TEXT)
    return determination_propose(
        actor=staff["analyst"],
        obj=published_object,
        kind=DeterminationKind.IDENTIFIED,
        rationale="Placed by independent tips.",
        countries=identified_claims(pl, de),
    )


@pytest.fixture
def loop(
    staff: dict[str, Any],
    authorities: dict[str, Authority],
    proposal: Determination,
    published_object: Object,
    tips: tuple[Tip, Tip],
) -> Loop:
    leads = determination_confirm(actor=staff["publisher"], determination=proposal)
    published_object.refresh_from_db()
    return Loop(
        obj=published_object,
        pl_tip=tips[0],
        de_tip=tips[1],
        determination=proposal,
        leads={lead.country: lead for lead in leads},
    )


@pytest.fixture
def dispatched(staff: dict[str, Any], loop: Loop, tip_receipts: dict[int, str]) -> Loop:
    """The loop after an analyst asked the Polish tipster a question, the tipster answered (both after
    the confirmation, so the send must pick them up), and both leads were sent, the Polish one with a
    note for the authority. The Polish tip also carries an internal note (``proposal``)."""
    followup_ask(actor=staff["analyst"], tip=loop.pl_tip, text=QUESTION_TEXT)
    key = receipt_private_key(tip_receipts[loop.pl_tip.pk])
    followup_reply(tip=loop.pl_tip, receipt_private_key=key, text=ANSWER_TEXT)
    lead_send(actor=staff["analyst"], lead=loop.leads["PL"], note_for_authority=AUTHORITY_NOTE)
    lead_send(actor=staff["analyst"], lead=loop.leads["DE"])
    return loop


@pytest.fixture
def more_leads(staff: dict[str, Any], authorities: dict[str, Authority]) -> Any:
    """``more_leads(count, sent=True, outcome=True)``: ``count`` more leads for Poland, each from its own
    object, tip and confirmed determination (through the services), sent, with an outcome reported by
    the Polish partner: the rows that a query-count test adds to see whether queries grow with them."""
    from tests.factories import ObjectFactory
    from traceobject.leads.services import outcome_report

    made: list[Lead] = []

    def build(count: int, *, sent: bool = True, outcome: bool = True) -> list[Lead]:
        leads = []
        for _ in range(count):
            obj = ObjectFactory()
            tip = tip_submit(obj=obj, payload=TipPayload(text=POLAND_TIP, place="Gdańsk")).tip
            determination = determination_propose(
                actor=staff["analyst"],
                obj=obj,
                kind=DeterminationKind.IDENTIFIED,
                rationale="Placed by a tip.",
                countries=[CountryClaim("PL", "likely", PL_RATIONALE, [tip.pk])],
            )
            [lead] = determination_confirm(actor=staff["publisher"], determination=determination)
            if sent:
                lead = lead_send(actor=staff["analyst"], lead=lead)
                if outcome:
                    outcome_report(
                        actor=staff["partner_a"],
                        lead=lead,
                        kind="investigation_opened",
                        count=0,
                        update="Opened.",
                    )
            leads.append(lead)
        made.extend(leads)
        return leads

    return build
