"""Fixtures of the triage page tests: published objects and tips sent through the real intake
(``tip_submit``), so that the signals, clusters and aggregates the pages read are the ones the
application makes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from tests.factories import ObjectFactory
from traceobject.gallery.models import Object
from traceobject.tips.models import Tip
from traceobject.tips.payload import TipPayload
from traceobject.tips.services import tip_submit

POLAND_TEXT = "Diese Tasche gibt es in Polen bei Biedronka, Warszawa"
FRANCE_TEXT = "I bought this bag in France, at a Carrefour near Lyon, around 2015. See the listing."
LAMP_TEXT = "Diese Lampe hatten wir in Österreich, gekauft in Wien bei Kika, vielleicht 2010."
TIPSTER_LINK = "https://www.leboncoin.fr/sacs/1234567.htm"
TIPSTER_CONTACT = "tipster-secret@example.org"

Submit = Callable[..., Tip]


@pytest.fixture
def submit(db: None) -> Submit:
    """``submit(obj, text, **fields)``: a tip through the public intake, read back from the database."""

    def run(obj: Object, text: str, *, received_at: datetime | None = None, **fields: Any) -> Tip:
        tip = tip_submit(obj=obj, payload=TipPayload(text=text, **fields), received_at=received_at).tip
        tip.refresh_from_db()
        return tip

    return run


@pytest.fixture
def bag(db: None) -> Object:
    return ObjectFactory(code="B17-2026", title="Blue canvas bag")


@pytest.fixture
def lamp(db: None) -> Object:
    return ObjectFactory(code="L20-2026", title="Green lamp")


@dataclass(frozen=True)
class Tips:
    poland_1: Tip
    poland_2: Tip  # a near-duplicate of poland_1: the same cluster
    france: Tip  # with a link, contact details, a shop and the country field
    lamp: Tip  # another object

    def all(self) -> list[Tip]:
        return [self.poland_1, self.poland_2, self.france, self.lamp]


@pytest.fixture
def tips(bag: Object, lamp: Object, submit: Submit) -> Tips:
    return Tips(
        poland_1=submit(bag, POLAND_TEXT),
        poland_2=submit(bag, POLAND_TEXT + "!"),
        france=submit(
            bag,
            FRANCE_TEXT,
            country="FR",
            place="Lyon",
            shop_brand="Carrefour",
            links=[TIPSTER_LINK],
            contact=TIPSTER_CONTACT,
        ),
        lamp=submit(lamp, LAMP_TEXT),
    )
