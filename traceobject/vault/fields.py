"""``SealedField``: the one column type that holds a vault record, and the lists derived from it.

Every column that stores a ``TV1`` record (see ``traceobject.vault``) is a ``SealedField`` and says to
which kind of key its records are sealed. Key rotation, the escrow, retention and the stolen-database
test take their lists of columns from the model registry through ``sealed_fields()``, never from a
hand-kept list: a sealed column added later is rotated, escrowed and tested the day it is declared.
A test (``tests/vault/test_sealed_fields.py``) fails when a vault record sits in any other column.

The field stores bytes exactly like Django's ``BinaryField`` (the same database type, so turning a
``BinaryField`` into a ``SealedField`` is a migration with no SQL).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models


class SealedTo(enum.StrEnum):
    """The key a column's records are sealed to, which decides who can open them and what moves them."""

    # The deployment's tip key, held by the staff through their grants: rotated, escrowed.
    TIP_KEY = "tip_key"
    # The tipster's receipt-derived key: only the tipster's receipt opens it; no rotation touches it.
    TIPSTER = "tipster"
    # One authority's key, held by its partners: the partner's copy of a lead or an outcome.
    AUTHORITY = "authority"
    # One staff member's own key pair: a grant of a vault key (``KeyGrant``).
    STAFF = "staff"
    # A one-off key whose private half lives only in the cache (a rotation's hand-over).
    ONE_OFF = "one_off"


class SealedField(models.BinaryField):
    """A column of vault records sealed to ``sealed_to``.

    ``copy_of`` names the field of the same row this column is another sealing of (the tipster's or
    the authority's copy), and for an authority's copy ``authority`` is the lookup path from the row to
    its ``leads.Authority`` (``"authority"``, ``"lead__authority"``): the escrow seals missing copies
    from these alone. They live in the migrations' state so that a change to them is reviewed there,
    though none of them changes the database.
    """

    description = "A vault record (TV1 sealed box)"
    # What a column is sealed to changes no SQL: a change to these is a state-only migration.
    non_db_attrs = (*models.BinaryField.non_db_attrs, "sealed_to", "copy_of", "authority")

    def __init__(
        self, *args: Any, sealed_to: str = "", copy_of: str = "", authority: str = "", **kwargs: Any
    ) -> None:
        if sealed_to not in {kind.value for kind in SealedTo}:
            raise ValueError(f"SealedField needs sealed_to, one of {[kind.value for kind in SealedTo]}.")
        if (sealed_to == SealedTo.AUTHORITY) != bool(authority):
            raise ValueError("An authority's copy names the path to its authority, and only it does.")
        self.sealed_to = SealedTo(sealed_to)
        self.copy_of = copy_of
        self.authority = authority
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        kwargs["sealed_to"] = self.sealed_to.value
        if self.copy_of:
            kwargs["copy_of"] = self.copy_of
        if self.authority:
            kwargs["authority"] = self.authority
        return name, "traceobject.vault.fields.SealedField", args, kwargs


@dataclass(frozen=True)
class SealedColumn:
    """One sealed column of one model, as the rotation, the escrow and the tests walk it."""

    model: type[models.Model]
    field: SealedField

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def label(self) -> str:
        """``app.model.field``: the rotation keeps its progress under it."""
        return f"{self.model._meta.label_lower}.{self.field.name}"


def sealed_fields(*kinds: SealedTo) -> list[SealedColumn]:
    """Every ``SealedField`` of every installed concrete model (of these kinds, when given)."""
    columns = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, SealedField) and (not kinds or field.sealed_to in kinds):
                columns.append(SealedColumn(model, field))
    return sorted(columns, key=lambda column: column.label)


def sealed_columns() -> list[SealedColumn]:
    """Every column sealed to the deployment's tip key: what a rotation re-seals."""
    return sealed_fields(SealedTo.TIP_KEY)
