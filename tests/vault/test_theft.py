"""A stolen database and data folder, without any password, give away nothing a tipster wrote.

The thief gets every row of every table (sessions included, with a logged-in analyst's session), every
file under the data directory (the embedded secrets, the media, the cache), and tries every 32-byte
value found there as a private key on every sealed record. A positive control shows the same records
do open with a password, so the test would fail if the data were missing rather than sealed.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from nacl.public import PrivateKey

from tests.factories import AuthorityFactory
from tests.vault.helpers import account, keys_of, login
from traceobject import vault
from traceobject.leads.models import DeterminationKind, LeadState
from traceobject.leads.services import (
    CountryClaim,
    determination_confirm,
    determination_propose,
    outcome_report,
)
from traceobject.tips.models import FollowUp, FollowUpKind, Tip
from traceobject.tips.payload import TipPayload
from traceobject.tips.services import tip_submit
from traceobject.triage.services import tip_note_add
from traceobject.vault import keyring

pytestmark = pytest.mark.django_db

MARKERS = {
    "text": "Quokka-lamp sold at the Zebrahaus of Bremerhaven",
    "contact": "whistle.tipster@mailbox.example",
    "shop": "Zebrahaus Bremerhaven",
    "link": "zebrahaus-bremerhaven.example",
    "note": "Analyst note: call the Zebrahaus buyer",
    "question": "Which floor of the Zebrahaus was it?",
    "reply": "Second floor, next to the Quokka stand",
    "outcome": "Quokka suspect questioned in Gdynia",
}


def _rows() -> Iterator[Any]:
    """Every value of every table, as a database copy holds it."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own names
            for row in cursor.fetchall():
                yield from row


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, memoryview):
        return value.tobytes()
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "surrogatepass")


def _files() -> Iterator[bytes]:
    roots = {Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT)}
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                yield path.read_bytes()


def _candidatekeys_of(blobs: list[bytes]) -> set[bytes]:
    """Every 32-byte value a thief could find: raw, base64 (any line), or hex."""
    found: set[bytes] = set()
    for blob in blobs:
        if len(blob) == 32:
            found.add(blob)
        for token in blob.replace(b'"', b" ").replace(b",", b" ").split():
            for decode in (base64.b64decode, base64.urlsafe_b64decode, binascii.unhexlify):
                try:
                    raw = decode(token)
                except (ValueError, binascii.Error):
                    continue
                if len(raw) == 32:
                    found.add(raw)
    return found


@pytest.fixture
def stolen(settings, published_object) -> dict[str, Any]:
    """A deployment after the escrow, with every kind of sealed record, and a logged-in analyst."""
    settings.VAULT_PRIVATE_KEY = ""
    vault.active_key_forget()
    admin = account("root", "administrator")
    analyst = account("ana", "analyst")
    publisher = account("pub", "publisher")
    partner = account("pl-police", "partner", country="PL")
    AuthorityFactory(country="PL")
    [tip_key] = keys_of(admin).values()
    from traceobject.vault.models import VaultKey

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
    type(lead).objects.filter(pk=lead.pk).update(state=LeadState.SENT)
    lead.refresh_from_db()
    with vault.unlocked(keys_of(partner)):
        outcome_report(
            actor=partner, lead=lead, kind="investigation_opened", count=0, update=MARKERS["outcome"]
        )
    client = login("ana")  # a live session in the session table
    assert "Quokka-lamp sold at the" in client.get(f"/staff/triage/tips/{tip.pk}/").content.decode()
    return {"tip": tip, "analyst": analyst, "partner": partner, "lead": lead}


def test_a_copy_of_the_database_and_data_folder_reads_no_tip(stolen: dict[str, Any]) -> None:
    values = [_as_bytes(value) for value in _rows() if value is not None]
    files = list(_files())
    everything = b"\n".join(values + files)
    for name, marker in MARKERS.items():
        assert marker.encode() not in everything, f"{name} readable in the copy"
        assert marker.lower().encode() not in everything.lower(), f"{name} readable in the copy"

    sealed = [value for value in values if value.startswith(vault.MAGIC)]
    # tip, contact, tipster copy, two follow-ups twice, note, terms, lead twice, outcome twice
    assert len(sealed) >= 14
    candidates = _candidatekeys_of(values + files)
    assert len(candidates) >= 10  # the public keys, the embedded secrets, the salts: all tried
    opened = 0
    for record in sealed:
        for candidate in candidates:
            try:
                vault.open_with(PrivateKey(candidate), record)
            except vault.VaultError:
                continue
            opened += 1
    assert opened == 0
    with pytest.raises(vault.VaultLockedError):
        vault.open(bytes(Tip.objects.get(pk=stolen["tip"].pk).sealed))


def test_the_same_records_open_with_the_passwords(stolen: dict[str, Any]) -> None:
    """The positive control: every marker is in the copy, sealed, and the right logins open it."""
    sealed = [_as_bytes(value) for value in _rows() if value is not None]
    sealed = [value for value in sealed if value.startswith(vault.MAGIC)]
    found = set()
    for keys in (keys_of(stolen["analyst"]), keys_of(stolen["partner"])):
        with vault.unlocked(keys):
            for record in sealed:
                if vault.can_open(record):
                    text = vault.open(record).decode("utf-8", "replace")
                    found |= {name for name, marker in MARKERS.items() if marker in text}
    assert found == set(MARKERS)
