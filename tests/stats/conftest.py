"""A small world for the figures, made by the real services: objects in every state that matters to
"objects published", tips through the public intake (so the triage tallies are the ones intake keeps),
and one turn of the loop through the leads services: an object identified to Poland and Germany, another
found widespread, both leads sent, Poland's acknowledged with one victim identified."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import AuthorityFactory, ObjectFactory, ReleaseFactory
from traceobject.gallery.models import Audience, Object, ObjectStatus
from traceobject.leads.models import DeterminationKind, Lead, OutcomeKind
from traceobject.leads.services import (
    CountryClaim,
    determination_confirm,
    determination_propose,
    lead_acknowledge,
    lead_send,
    outcome_report,
)
from traceobject.tips.models import Tip
from traceobject.tips.payload import TipPayload
from traceobject.tips.services import tip_submit

POLAND_TIP = "Widziałem tę torbę w sklepie Biedronka w Gdańsku, około 2016 roku."
GERMANY_TIP = "Diese Tasche gab es bei Aldi in Hamburg, ungefähr 2015."
LAMP_TIP = "This lamp was sold everywhere, I think IKEA had it in many countries."


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def published(code: str, when: datetime, **fields: Any) -> Object:
    obj = ObjectFactory(code=code, **fields)
    Object.objects.filter(pk=obj.pk).update(published_at=when)
    obj.refresh_from_db()
    return obj


def submit(obj: Object, text: str, when: datetime | None = None) -> Tip:
    return tip_submit(obj=obj, payload=TipPayload(text=text), received_at=when).tip


@dataclass
class Catalogue:
    """Objects and tips only: four objects count as published, three do not; four tips in three months."""

    bag: Object
    lamp: Object
    tips: list[Tip]


@pytest.fixture
def catalogue(db: None) -> Catalogue:
    bag = published("BAG-2026", at(2026, 1, 10, 0))
    lamp = published("LAMP-2026", at(2026, 2, 1, 0))
    published("PARTNERS-2026", at(2026, 2, 1, 0), audience=Audience.PARTNERS)
    published("ARCHIVED-2026", at(2025, 6, 1, 0), status=ObjectStatus.ARCHIVED)
    # Not published (yet, or any more): none of these counts.
    ObjectFactory(code="DRAFT-2026", status=ObjectStatus.DRAFT)
    ObjectFactory(code="GONE-2026", status=ObjectStatus.WITHDRAWN)
    ObjectFactory(code="LATER-2026", release=ReleaseFactory(publish_at=timezone.now() + timedelta(days=2)))
    tips = [
        submit(bag, POLAND_TIP, at(2026, 1, 15)),
        submit(bag, GERMANY_TIP, at(2026, 1, 20)),
        submit(lamp, LAMP_TIP, at(2026, 2, 2)),
        submit(bag, POLAND_TIP + " Naprawdę.", at(2026, 3, 3)),
    ]
    return Catalogue(bag=bag, lamp=lamp, tips=tips)


@dataclass
class Loop:
    catalogue: Catalogue
    leads: dict[str, Lead]


@pytest.fixture
def loop(staff: dict[str, Any], catalogue: Catalogue) -> Loop:
    for country in ("PL", "DE"):
        AuthorityFactory(country=country)
    pl_tip, de_tip = catalogue.tips[0], catalogue.tips[1]
    proposal = determination_propose(
        actor=staff["analyst"],
        obj=catalogue.bag,
        kind=DeterminationKind.IDENTIFIED,
        rationale="Placed by independent tips.",
        countries=[
            CountryClaim("PL", "likely", "Gdansk shops named twice.", [pl_tip.pk]),
            CountryClaim("DE", "possible", "A Hamburg discounter.", [de_tip.pk]),
        ],
    )
    leads = {
        lead.country: lead for lead in determination_confirm(actor=staff["publisher"], determination=proposal)
    }
    widespread = determination_propose(
        actor=staff["analyst"],
        obj=catalogue.lamp,
        kind=DeterminationKind.WIDESPREAD,
        rationale="Sold worldwide.",
    )
    determination_confirm(actor=staff["publisher"], determination=widespread)
    for lead in leads.values():
        lead_send(actor=staff["analyst"], lead=lead)
    lead_acknowledge(actor=staff["partner_a"], lead=leads["PL"])
    outcome_report(
        actor=staff["partner_a"],
        lead=leads["PL"],
        kind=OutcomeKind.VICTIM_IDENTIFIED,
        count=1,
        update="One child.",
    )
    return Loop(catalogue=catalogue, leads=leads)
