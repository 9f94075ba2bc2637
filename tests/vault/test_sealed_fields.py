"""Every vault record lives in a ``SealedField``, and every list of sealed columns comes from the models.

Three checks, each of which fails when a model holds a vault record outside that type:

* statically, every ``BinaryField`` that is not a ``SealedField`` is on a short allowlist written here,
  each entry with the reason it holds no vault record;
* the sealed columns, with the key each is sealed to, are pinned here by name (not read from the code):
  a column dropped from the type, or one added without a look at rotation, escrow and retention, fails;
* dynamically, with every kind of sealed value stored through the real services and a rotation under
  way, every column of every table is scanned for the vault header: any column holding one that is not
  a ``SealedField`` fails, and so does a ``SealedField`` the content left empty (the content is complete).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models

from tests.vault.content import every_sealed_kind
from tests.vault.helpers import keys_of
from traceobject import vault
from traceobject.vault.fields import SealedField, SealedTo, sealed_columns, sealed_fields
from traceobject.vault.rotation import rotation_start

# Binary columns that hold no vault record, and why.
NOT_SEALED = {
    "tips.tip.tipster_public_key": "the tipster's public key: follow-ups are sealed to it",
    "vault.vaultkey.public_key": "a vault key's public half",
    "vault.staffkey.public_key": "a staff member's public key: grants are sealed to it",
    "vault.staffkey.wrapped_private": "a secretbox under Argon2id(password), opened at login, no TV1 header",
    "vault.staffkey.salt": "the Argon2id salt of that wrapping",
    "triage.fingerprint.signature": "a MinHash signature of keyed shingle hashes, not tip text",
    "accounts.apitoken.secret_hash": "SHA-256 of an API token's 256-bit secret, compared at each request",
    "accounts.apitoken.salt": "the salt of the key derived from that secret",
    "accounts.apitoken.wrapped_keys": "vault keys in a secretbox under a key derived from the token's "
    "secret, which is stored nowhere (docs/security.md, API tokens)",
}

# Every sealed column, by ``app.model.field``, with the key its records are sealed to.
SEALED = {
    "tips.tip.sealed": SealedTo.TIP_KEY,  # the tip
    "tips.tip.sealed_contact": SealedTo.TIP_KEY,  # its contact details
    "tips.tip.sealed_tipster": SealedTo.TIPSTER,  # the tipster's copy
    "tips.followup.sealed": SealedTo.TIP_KEY,  # follow-ups
    "tips.followup.sealed_tipster": SealedTo.TIPSTER,  # their tipster's copies
    "tips.barrierreport.sealed": SealedTo.TIP_KEY,  # accessibility barrier reports
    "triage.tipnote.sealed": SealedTo.TIP_KEY,  # analysts' notes
    "triage.term.sealed": SealedTo.TIP_KEY,  # shop and domain terms
    "leads.lead.sealed": SealedTo.TIP_KEY,  # leads
    "leads.lead.sealed_partner": SealedTo.AUTHORITY,  # the authority's copy
    "leads.outcome.sealed_update": SealedTo.TIP_KEY,  # outcomes
    "leads.outcome.sealed_partner_update": SealedTo.AUTHORITY,  # the authority's copy
    "vault.keygrant.sealed_private": SealedTo.STAFF,  # a vault key granted to one member
    "vault.keyrotation.sealed_old_private": SealedTo.ONE_OFF,  # a rotation's hand-over of the old key
}


def _label(model: type[models.Model], field: models.Field[Any, Any]) -> str:
    return f"{model._meta.label_lower}.{field.name}"


def test_every_binary_column_is_sealed_or_on_the_allowlist() -> None:
    plain = {
        _label(model, field)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if isinstance(field, models.BinaryField) and not isinstance(field, SealedField)
    }
    assert plain == set(NOT_SEALED)


def test_the_sealed_columns_are_the_pinned_ones() -> None:
    assert {column.label: column.field.sealed_to for column in sealed_fields()} == SEALED
    assert {column.label for column in sealed_columns()} == {
        label for label, kind in SEALED.items() if kind == SealedTo.TIP_KEY
    }


def test_a_sealed_field_must_say_what_it_is_sealed_to() -> None:
    with pytest.raises(ValueError, match="sealed_to"):
        SealedField()
    with pytest.raises(ValueError, match="authority"):
        SealedField(sealed_to=SealedTo.AUTHORITY)


def _is_record_text(token: str) -> bool:
    if token.startswith(vault.MAGIC.decode()):
        return True
    for decode in (base64.b64decode, base64.urlsafe_b64decode, binascii.unhexlify):
        try:
            if decode(token[:16]).startswith(vault.MAGIC):
                return True
        except (ValueError, binascii.Error):
            continue
    return False


def _holds_a_record(value: Any) -> bool:
    """A vault record as stored raw, or written out as base64 or hex text (in a JSON detail, say)."""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.startswith(vault.MAGIC)
    if not isinstance(value, str):
        return False
    tokens = value.replace('"', " ").replace(",", " ").replace(":", " ").split()
    return any(_is_record_text(token) for token in (value, *tokens))


def _columns_with_records() -> set[tuple[str, str]]:
    found = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own names
            names = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                found |= {
                    (table, name) for name, value in zip(names, row, strict=True) if _holds_a_record(value)
                }
    return found


@pytest.mark.django_db
def test_vault_records_are_found_only_in_sealed_fields(settings, published_object) -> None:
    content = every_sealed_kind(settings, published_object)
    with vault.unlocked(keys_of(content.admin)):
        rotation_start(actor=content.admin)  # the hand-over row; its task is not run in this test
    columns = {
        (model._meta.db_table, field.column): field
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
    }
    found = _columns_with_records()
    outside = sorted(
        f"{table}.{column}"
        for table, column in found
        if not isinstance(columns.get((table, column)), SealedField)
    )
    assert outside == []
    empty = sorted(
        column.label
        for column in sealed_fields()
        if (column.model._meta.db_table, column.field.column) not in found
    )
    assert empty == []
