"""The key escrow: from the deployment's configured private key to grants held by the staff.

``traceobject vault escrow`` records the configured tip key, grants it to every member whose role
warrants it, brings older records up to date, and in embedded mode deletes the key file. What "up to
date" means is derived from the models: every authority's copy (a ``SealedField`` sealed to an
authority, ``copy_of`` another column) that is still missing is sealed now; and each app above the vault
runs the steps it registered (``hooks``), such as tips splitting old tips' contact details apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from nacl.public import PrivateKey

from traceobject import vault
from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.core.errors import ApplicationError
from traceobject.vault import hooks, keyring
from traceobject.vault.fields import SealedColumn, SealedTo, sealed_fields
from traceobject.vault.models import VaultKey


@dataclass(frozen=True)
class EscrowReport:
    key_id: str
    granted: list[str]
    # Per registered step (``hooks.escrow_step_register``), how many records it changed.
    steps: dict[str, int] = field(default_factory=dict)
    # Per authority's copy (``app.model.field``), how many missing copies were sealed.
    copies_sealed: dict[str, int] = field(default_factory=dict)
    key_file_removed: bool = False


def _authority_of(row: Any, path: str) -> Any:
    return reduce(getattr, path.split("__"), row)


def authority_copies_missing() -> list[SealedColumn]:
    """The authorities' copies, each the copy of another column of its row (``SealedField.copy_of``)."""
    return [column for column in sealed_fields(SealedTo.AUTHORITY) if column.field.copy_of]


def seal_authority_copies(private: PrivateKey) -> dict[str, int]:
    """Rows from before the authorities had keys: seal the authority's copy from the tip-key column."""
    done: dict[str, int] = {}
    for column in authority_copies_missing():
        source, path = column.field.copy_of, column.field.authority
        rows = (
            column.model._default_manager.filter(
                **{f"{column.name}__isnull": True, f"{source}__isnull": False}
            )
            .select_related(path)
            .order_by("pk")
        )
        count = 0
        for row in rows.iterator():
            public = keyring.authority_public_key(authority=_authority_of(row, path))
            value = vault.seal_to(public, vault.open_with(private, bytes(getattr(row, source))))
            column.model._default_manager.filter(pk=row.pk).update(**{column.name: value})
            count += 1
        done[column.label] = count
    return done


def escrow(*, private: PrivateKey, remove_key_file: bool) -> EscrowReport:
    """Put the deployment's configured tip key in escrow: recorded, granted to every member whose role
    warrants it and who has a key pair, older records brought up to date; then, in embedded mode, the
    key file is deleted. Idempotent: run it again after more members have logged in."""
    active = VaultKey.objects.filter(authority__isnull=True, retired_at__isnull=True).first()
    wanted = keyring.key_id_of(private)
    if active is not None and active.key_id != wanted:
        raise ApplicationError(
            f"This is not the active tip key ({active.key_id}); the key given is {wanted}."
        )
    if active is None and vault.key_id(vault.configured_public_key()).hex() != wanted:
        raise ApplicationError("This private key does not belong to TRACEOBJECT_VAULT_PUBLIC_KEY.")
    key = keyring.vault_key_register(private=private)
    vault.active_key_forget()
    users = get_user_model()._default_manager.filter(is_active=True)
    holders = [user for user in users if keyring.role_holds_tip_key(user.role)]
    granted = keyring.grant(key=key, private=private, users=holders)
    steps = {name: step(private) for name, step in hooks.escrow_steps().items()}
    copies = seal_authority_copies(private)
    removed = False
    if remove_key_file:
        path = Path(settings.DATA_DIR) / "keys" / "vault-private.key"
        if path.exists():
            path.unlink()
            removed = True
    with transaction.atomic():
        audit_record(
            actor=None,
            actor_label="cli",
            action=AuditAction.VAULT_ESCROW,
            details={
                "key": key.key_id,
                "granted": [user.pk for user in granted],
                **steps,
                "copies_sealed": copies,
                "key_file_removed": removed,
            },
        )
    return EscrowReport(key.key_id, [u.username for u in granted], steps, copies, removed)


def private_key_read(path: Path | None) -> PrivateKey:
    """The private key for the escrow: from a file (base64) or the configuration."""
    value = path.read_text(encoding="utf-8").strip() if path is not None else settings.VAULT_PRIVATE_KEY
    if not value:
        raise ApplicationError(
            "No private key: give --private-key-file, "
            "or set TRACEOBJECT_VAULT_PRIVATE_KEY for the escrow run."
        )
    return vault.private_key_decode(value, "The private key")
