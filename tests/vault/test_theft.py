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

from tests.vault.content import MARKERS, every_sealed_kind
from tests.vault.helpers import keys_of, login
from traceobject import vault
from traceobject.tips.models import Tip
from traceobject.vault.fields import sealed_fields

pytestmark = pytest.mark.django_db


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
    content = every_sealed_kind(settings, published_object)
    client = login("ana")  # a live session in the session table
    assert "Quokka-lamp sold at the" in client.get(f"/staff/triage/tips/{content.tip.pk}/").content.decode()
    return {"tip": content.tip, "analyst": content.analyst, "partner": content.partner, "lead": content.lead}


def _sealed_columns_values() -> dict[str, list[bytes]]:
    """The records of every sealed column, by ``app.model.field``: the list comes from the models."""
    return {
        column.label: [
            bytes(value)
            for value in column.model._default_manager.filter(**{f"{column.name}__isnull": False})
            .values_list(column.name, flat=True)
            .iterator()
        ]
        for column in sealed_fields()
    }


def test_a_copy_of_the_database_and_data_folder_reads_no_tip(stolen: dict[str, Any]) -> None:
    values = [_as_bytes(value) for value in _rows() if value is not None]
    files = list(_files())
    everything = b"\n".join(values + files)
    for name, marker in MARKERS.items():
        assert marker.encode() not in everything, f"{name} readable in the copy"
        assert marker.lower().encode() not in everything.lower(), f"{name} readable in the copy"

    sealed = [value for value in values if value.startswith(vault.MAGIC)]
    # Every sealed column the models declare holds records in the copy (but a rotation's hand-over,
    # which exists only while one runs), and the thief tries every key on each of them.
    by_column = _sealed_columns_values()
    assert [label for label, records in by_column.items() if not records] == [
        "vault.keyrotation.sealed_old_private"
    ]
    assert {record for records in by_column.values() for record in records} <= set(sealed)
    assert len(sealed) >= 17
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
