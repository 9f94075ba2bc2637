"""Rotation, escrow and retention reach every sealed column: the columns are pinned here by name.

Each test fills every sealed column through the real services (``tests.vault.content``), runs the real
rotation, escrow or purge, and checks each row. The pinned lists are written here, not read from the
code; the code's lists (derived from ``SealedField``) must equal them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone
from nacl.public import PrivateKey

from tests.vault.content import Content, every_sealed_kind
from tests.vault.helpers import keys_of
from traceobject import vault
from traceobject.gallery.models import ObjectStatus
from traceobject.tips.models import Tip
from traceobject.tips.payload import TipPayload
from traceobject.triage.retention import retention_purge
from traceobject.vault import escrow
from traceobject.vault.fields import sealed_columns, sealed_fields
from traceobject.vault.models import KeyRotation
from traceobject.vault.rotation import rotation_start

pytestmark = pytest.mark.django_db

# What a rotation of the tip key must re-seal: the tip, its contact, follow-ups, notes, terms, leads,
# outcomes, and barrier reports.
TIP_KEY_COLUMNS = {
    "tips.tip.sealed",
    "tips.tip.sealed_contact",
    "tips.followup.sealed",
    "triage.tipnote.sealed",
    "triage.term.sealed",
    "leads.lead.sealed",
    "leads.outcome.sealed_update",
    "tips.barrierreport.sealed",
}
# Sealed to other keys, which a rotation of the tip key must leave as they are.
TIPSTER_COLUMNS = {"tips.tip.sealed_tipster", "tips.followup.sealed_tipster"}
AUTHORITY_COPIES = {
    "leads.lead.sealed_partner": "sealed",
    "leads.outcome.sealed_partner_update": "sealed_update",
}
# What the withdrawn-object purge must delete with a tip.
TIP_BOUND_COLUMNS = {
    "tips.tip.sealed",
    "tips.tip.sealed_contact",
    "tips.tip.sealed_tipster",
    "tips.followup.sealed",
    "tips.followup.sealed_tipster",
    "triage.tipnote.sealed",
}


def _column(label: str) -> tuple[type[models.Model], str]:
    app_label, model_name, field = label.split(".")
    return apps.get_model(app_label, model_name), field


def _values(label: str) -> dict[int, bytes]:
    model, field = _column(label)
    rows = model._default_manager.filter(**{f"{field}__isnull": False}).values_list("pk", field)
    return {pk: bytes(value) for pk, value in rows}


def _authority_key(content: Content) -> PrivateKey:
    [key] = [
        private
        for kid, private in keys_of(content.partner).items()
        if kid != vault.key_id(content.tip_key.public_key)
    ]
    return key


def test_rotation_reseals_every_tip_key_column_and_leaves_the_others(
    settings, published_object, django_capture_on_commit_callbacks
) -> None:
    content = every_sealed_kind(settings, published_object)
    assert {column.label for column in sealed_columns()} == TIP_KEY_COLUMNS
    before = {label: _values(label) for label in TIP_KEY_COLUMNS | TIPSTER_COLUMNS | set(AUTHORITY_COPIES)}
    assert [label for label, rows in before.items() if not rows] == []
    old = content.tip_key

    with vault.unlocked(keys_of(content.admin)), django_capture_on_commit_callbacks(execute=True):
        rotation = rotation_start(actor=content.admin)
    rotation = KeyRotation.objects.get(pk=rotation.pk)
    assert rotation.finished_at is not None
    new = keys_of(content.admin)[bytes.fromhex(rotation.new_key.key_id)]
    assert new.public_key != old.public_key

    for label in TIP_KEY_COLUMNS:
        after = _values(label)
        assert after.keys() == before[label].keys(), label
        for pk, value in after.items():
            assert vault.open_with(new, value) == vault.open_with(old, before[label][pk]), label
            with pytest.raises(vault.VaultError):
                vault.open_with(old, value)
    assert rotation.resealed == sum(len(before[label]) for label in TIP_KEY_COLUMNS)

    authority = _authority_key(content)
    for label, key in [(label, content.tipster_key) for label in TIPSTER_COLUMNS] + [
        (label, authority) for label in AUTHORITY_COPIES
    ]:
        assert _values(label) == before[label], label
        for value in before[label].values():
            vault.open_with(key, value)  # still opens with its own key


def test_escrow_seals_every_missing_authority_copy(settings, published_object) -> None:
    content = every_sealed_kind(settings, published_object)
    assert {
        column.label: column.field.copy_of for column in escrow.authority_copies_missing()
    } == AUTHORITY_COPIES
    for label in AUTHORITY_COPIES:  # as before the authorities had keys
        model, field = _column(label)
        model._default_manager.update(**{field: None})
    # And a tip from before the contact details had a column of their own: the tips app's escrow step.
    legacy = TipPayload(text="An older tip", contact="+48 600 000 000")
    Tip.objects.filter(pk=content.tip.pk).update(
        sealed=vault.seal_to(bytes(content.tip_key.public_key), legacy.to_bytes()), sealed_contact=None
    )

    report = escrow.escrow(private=content.tip_key, remove_key_file=False)

    assert report.copies_sealed == dict.fromkeys(AUTHORITY_COPIES, 1)
    assert report.steps == {"contacts_split": 1}
    authority = _authority_key(content)
    for label, source in AUTHORITY_COPIES.items():
        model, field = _column(label)
        for copy, original in model._default_manager.values_list(field, source):
            assert vault.open_with(authority, bytes(copy)) == vault.open_with(
                content.tip_key, bytes(original)
            )
    tip = Tip.objects.get(pk=content.tip.pk)
    assert vault.open_with(content.tip_key, bytes(tip.sealed_contact)) == b"+48 600 000 000"
    # A second run finds nothing more to do.
    again = escrow.escrow(private=content.tip_key, remove_key_file=False)
    assert again.copies_sealed == dict.fromkeys(AUTHORITY_COPIES, 0)
    assert again.steps == {"contacts_split": 0}


def _tip_bound(model: type[models.Model]) -> str | None:
    """The lookup from a row of ``model`` to its tip, if it has one."""
    if model is Tip:
        return "pk"
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and field.related_model is Tip:
            return field.name
    return None


def test_the_withdrawn_object_purge_leaves_no_sealed_record_of_its_tips(settings, published_object) -> None:
    content = every_sealed_kind(settings, published_object)
    bound = {column.label: _tip_bound(column.model) for column in sealed_fields()}
    assert {label for label, lookup in bound.items() if lookup} == TIP_BOUND_COLUMNS
    now = timezone.now()
    days: Any = settings.TRACEOBJECT_WITHDRAWN_RETENTION_DAYS
    type(published_object).objects.filter(pk=published_object.pk).update(
        status=ObjectStatus.WITHDRAWN, withdrawn_at=now - timedelta(days=int(days) + 1)
    )
    for label in TIP_BOUND_COLUMNS:
        model, field = _column(label)
        assert model._default_manager.filter(
            **{bound[label]: content.tip.pk, f"{field}__isnull": False}
        ).exists()

    report = retention_purge(now=now)

    assert report.tips_deleted == 1
    for label in TIP_BOUND_COLUMNS:
        model, _field = _column(label)
        assert not model._default_manager.filter(**{bound[label]: content.tip.pk}).exists(), label
