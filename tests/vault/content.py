"""A deployment after the escrow holding every kind of sealed value, made through the real services.

Shared by the stolen-database test, the rotation test and the test that finds vault records outside a
``SealedField``. Each value carries a marker, so a test can tell which plaintext it opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nacl.public import PrivateKey

from tests.factories import AuthorityFactory
from tests.vault.helpers import account, keys_of
from traceobject import vault
from traceobject.gallery.models import Object
from traceobject.leads.models import DeterminationKind, Lead, LeadState, Outcome
from traceobject.leads.services import (
    CountryClaim,
    determination_confirm,
    determination_propose,
    outcome_report,
)
from traceobject.tips.barriers import BarrierPayload, barrier_report_submit
from traceobject.tips.models import FollowUp, FollowUpKind, Tip
from traceobject.tips.payload import TipPayload
from traceobject.tips.receipts import receipt_private_key
from traceobject.tips.services import tip_submit
from traceobject.triage.services import tip_note_add
from traceobject.vault import keyring
from traceobject.vault.models import VaultKey

MARKERS = {
    "text": "Quokka-lamp sold at the Zebrahaus of Bremerhaven",
    "contact": "whistle.tipster@mailbox.example",
    "shop": "Zebrahaus Bremerhaven",
    "link": "zebrahaus-bremerhaven.example",
    "note": "Analyst note: call the Zebrahaus buyer",
    "question": "Which floor of the Zebrahaus was it?",
    "reply": "Second floor, next to the Quokka stand",
    "outcome": "Quokka suspect questioned in Gdynia",
    "barrier": "The Quokka form would not take my Zebrahaus photo",
}


@dataclass
class Content:
    tip: Tip
    lead: Lead
    outcome: Outcome
    admin: Any
    analyst: Any
    publisher: Any
    partner: Any
    tip_key: PrivateKey
    tipster_key: PrivateKey


def every_sealed_kind(settings: Any, published_object: Object) -> Content:
    """Escrowed keys (no configured private key), and one record at least in every sealed column but
    a rotation's hand-over (which exists only while a rotation runs: ``rotation_start`` makes it)."""
    settings.VAULT_PRIVATE_KEY = ""
    vault.active_key_forget()
    admin = account("root", "administrator")
    analyst = account("ana", "analyst")
    publisher = account("pub", "publisher")
    partner = account("pl-police", "partner", country="PL")
    AuthorityFactory(country="PL")
    [tip_key] = keys_of(admin).values()
    keyring.grant(key=VaultKey.objects.get(authority=None), private=tip_key, users=[analyst, publisher])
    submitted = tip_submit(
        obj=published_object,
        payload=TipPayload(
            text=MARKERS["text"],
            shop_brand=MARKERS["shop"],
            links=[f"https://{MARKERS['link']}/lamp"],
            contact=MARKERS["contact"],
        ),
    )
    tip = submitted.tip
    tipster_public = bytes(tip.tipster_public_key)
    for kind, text in ((FollowUpKind.QUESTION, MARKERS["question"]), (FollowUpKind.REPLY, MARKERS["reply"])):
        FollowUp.objects.create(
            tip=tip,
            kind=kind,
            sealed=vault.seal(text.encode()),
            sealed_tipster=vault.seal_to(tipster_public, text.encode()),
        )
    barrier_report_submit(payload=BarrierPayload(text=MARKERS["barrier"]))
    with vault.unlocked(keys_of(analyst)):
        tip_note_add(actor=analyst, tip=tip, text=MARKERS["note"])
        determination = determination_propose(
            actor=analyst,
            obj=published_object,
            kind=DeterminationKind.IDENTIFIED,
            rationale="Placed by the tip.",
            countries=[CountryClaim("PL", "likely", "Shop named.", [tip.pk])],
        )
    with vault.unlocked(keys_of(publisher)):
        [lead] = determination_confirm(actor=publisher, determination=determination)
    Lead.objects.filter(pk=lead.pk).update(state=LeadState.SENT)
    lead.refresh_from_db()
    with vault.unlocked(keys_of(partner)):
        outcome = outcome_report(
            actor=partner, lead=lead, kind="investigation_opened", count=0, update=MARKERS["outcome"]
        )
    return Content(
        tip=tip,
        lead=lead,
        outcome=outcome,
        admin=admin,
        analyst=analyst,
        publisher=publisher,
        partner=partner,
        tip_key=tip_key,
        tipster_key=receipt_private_key(submitted.receipt),
    )
