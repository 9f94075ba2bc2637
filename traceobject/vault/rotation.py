"""The rotation of the deployment's tip key: every record sealed to the old key re-sealed to a new one.

It walks every column sealed to the tip key (``fields.sealed_columns()``, derived from the models'
``SealedField`` declarations), in primary-key batches, and re-seals the records sealed to the old key.
Progress is the last primary key done per column, saved after each batch, so a run that stops (crash,
deploy, expired cache entry) resumes where it was, and a second run is harmless: a record already
sealed to the new key is skipped by its key id.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from nacl.public import PrivateKey

from traceobject import vault
from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.core.errors import ApplicationError
from traceobject.core.permissions import Permission, permission_require
from traceobject.vault import keyring
from traceobject.vault.fields import SealedColumn, sealed_columns
from traceobject.vault.models import KeyRotation, VaultKey

BATCH = 500
# The cache entry that holds a rotation's one-off private key (see ``KeyRotation``); a day is ample
# for any database this project expects, and an administrator can resume after it expires.
ROTATION_CACHE_KEY = "traceobject:vault:rotation:{pk}"
ROTATION_CACHE_SECONDS = 24 * 3600


def batches(
    model: type[models.Model], field: str, *, after: int = 0, **filters: Any
) -> Iterator[list[tuple[int, bytes]]]:
    """(pk, sealed value) of the rows with a value in ``field``, in primary-key batches after ``after``."""
    while True:
        rows = list(
            model._default_manager.filter(pk__gt=after, **{f"{field}__isnull": False}, **filters)
            .order_by("pk")
            .values_list("pk", field)[:BATCH]
        )
        if not rows:
            return
        yield [(pk, bytes(value)) for pk, value in rows]
        after = rows[-1][0]


def reseal_column(
    column: SealedColumn,
    *,
    old: PrivateKey,
    new_public: bytes,
    after: int,
    on_batch: Callable[[int, int], None],
) -> int:
    """Re-seal this column's records sealed to ``old`` to ``new_public``; returns how many."""
    old_id = vault.key_id(old.public_key)
    done = 0
    for rows in batches(column.model, column.name, after=after):
        # One UPDATE per record: Django's bulk_update (one CASE per batch) measured slower here
        # (5,000 against 6,000 records/s, docs/benchmarks.md).
        with transaction.atomic():
            for pk, sealed in rows:
                if not sealed or vault.record_key_id(sealed) != old_id:
                    continue
                value = vault.seal_to(new_public, vault.open_with(old, sealed))
                column.model._default_manager.filter(pk=pk).update(**{column.name: value})
                done += 1
            on_batch(rows[-1][0], done)
    return done


def rotation_current() -> KeyRotation | None:
    return KeyRotation.objects.filter(finished_at__isnull=True).select_related("old_key", "new_key").first()


def _rotation_hand_over(rotation: KeyRotation, old: PrivateKey) -> None:
    """Give the task the old key: sealed in the row to a one-off key whose private half goes to the cache."""
    one_off = PrivateKey.generate()
    rotation.sealed_old_private = vault.seal_to(bytes(one_off.public_key), bytes(old))
    rotation.save(update_fields=["sealed_old_private"])
    cache.set(
        ROTATION_CACHE_KEY.format(pk=rotation.pk),
        base64.b64encode(bytes(one_off)).decode(),
        ROTATION_CACHE_SECONDS,
    )


def rotation_start(*, actor: Any) -> KeyRotation:
    """An administrator replaces the tip key: a new key pair, granted at once to everyone who holds the
    old one (so nobody loses access), new records sealed to it, old ones re-sealed by ``rotation_run``."""
    permission_require(actor, Permission.ACCOUNTS_USER_MANAGE)
    if rotation_current() is not None:
        raise ApplicationError(_("A rotation is already under way: resume it instead."))
    old_key = VaultKey.objects.filter(authority__isnull=True, retired_at__isnull=True).first()
    if old_key is None:
        raise ApplicationError(_("There is no tip key in escrow yet: run “traceobject vault escrow” first."))
    old = vault.held_keys().get(bytes.fromhex(old_key.key_id))
    if old is None:
        raise ApplicationError(
            _("Your session does not hold the tip key. Log out and in again with your password.")
        )
    new = PrivateKey.generate()
    with transaction.atomic():
        new_key = VaultKey.objects.create(
            key_id=keyring.key_id_of(new), public_key=bytes(new.public_key), created_at=timezone.now()
        )
        holders = [grant.user for grant in old_key.grants.select_related("user")]
        keyring.grant(key=new_key, private=new, users=holders, granted_by=actor)
        rotation = KeyRotation.objects.create(old_key=old_key, new_key=new_key, started_by=actor)
        _rotation_hand_over(rotation, old)
        audit_record(
            actor=actor,
            action=AuditAction.VAULT_ROTATION_START,
            target=rotation,
            details={"old": old_key.key_id, "new": new_key.key_id, "granted": [u.pk for u in holders]},
        )
    vault.active_key_forget()
    transaction.on_commit(lambda: rotation_run.enqueue(rotation_id=rotation.pk))
    return rotation


def rotation_resume(*, actor: Any) -> KeyRotation:
    """After the cache lost the one-off key (restart, expiry): hand the old key over again from the
    administrator's session and queue the task."""
    permission_require(actor, Permission.ACCOUNTS_USER_MANAGE)
    rotation = rotation_current()
    if rotation is None:
        raise ApplicationError(_("No rotation is under way."))
    old = vault.held_keys().get(bytes.fromhex(rotation.old_key.key_id))
    if old is None:
        raise ApplicationError(_("Your session does not hold the old tip key. Log out and in again."))
    with transaction.atomic():
        _rotation_hand_over(rotation, old)
        audit_record(actor=actor, action=AuditAction.VAULT_ROTATION_RESUME, target=rotation)
    transaction.on_commit(lambda: rotation_run.enqueue(rotation_id=rotation.pk))
    return rotation


def rotation_has_key(rotation: KeyRotation) -> bool:
    """Whether the task can still find the old key (else an administrator resumes)."""
    return bool(cache.get(ROTATION_CACHE_KEY.format(pk=rotation.pk)))


def _rotation_old_key(rotation: KeyRotation) -> PrivateKey | None:
    one_off = cache.get(ROTATION_CACHE_KEY.format(pk=rotation.pk))
    if not one_off or rotation.sealed_old_private is None:
        return None
    return PrivateKey(
        vault.open_with(PrivateKey(base64.b64decode(one_off)), bytes(rotation.sealed_old_private))
    )


def _rotation_column(
    rotation: KeyRotation, column: SealedColumn, old: PrivateKey, new_public: bytes, progress: dict[str, int]
) -> int:
    def saved(last_pk: int, done: int) -> None:
        progress[column.label] = last_pk
        KeyRotation.objects.filter(pk=rotation.pk).update(
            progress=progress, resealed=rotation.resealed + done
        )

    return reseal_column(
        column, old=old, new_public=new_public, after=progress.get(column.label, 0), on_batch=saved
    )


@task()
def rotation_run(*, rotation_id: int) -> str:
    """Re-seal everything still sealed to the old key, then retire it and drop every copy of it.

    Resumable: progress is in the database (``KeyRotation.progress``) and done records are skipped by
    key id. Returns a word for the task's result: ``finished``, ``waiting`` (the cache lost the old key:
    an administrator resumes) or ``done`` (already finished).
    """
    rotation = KeyRotation.objects.filter(pk=rotation_id).select_related("old_key", "new_key").first()
    if rotation is None or rotation.finished_at is not None:
        return "done"
    old = _rotation_old_key(rotation)
    if old is None:
        return "waiting"
    progress: dict[str, int] = dict(rotation.progress or {})
    new_public = bytes(rotation.new_key.public_key)
    while progress.get("pass", 1) <= 2:
        for column in sealed_columns():
            rotation.resealed += _rotation_column(rotation, column, old, new_public, progress)
        if progress.get("pass", 1) == 1:
            # Other processes learn of the new key within vault.ACTIVE_KEY_SECONDS: wait that long
            # after the start, then walk once more for what they sealed to the old key meanwhile.
            elapsed = (timezone.now() - rotation.started_at).total_seconds()
            if elapsed < settings.VAULT_ROTATION_SETTLE_SECONDS:
                time.sleep(settings.VAULT_ROTATION_SETTLE_SECONDS - elapsed)
        progress = {"pass": progress.get("pass", 1) + 1}
        KeyRotation.objects.filter(pk=rotation_id).update(progress=progress)
    with transaction.atomic():
        now = timezone.now()
        VaultKey.objects.filter(pk=rotation.old_key_id).update(retired_at=now)
        rotation.old_key.grants.all().delete()
        KeyRotation.objects.filter(pk=rotation_id).update(finished_at=now, sealed_old_private=None)
        audit_record(
            actor=None,
            actor_label="system:vault",
            action=AuditAction.VAULT_ROTATION_FINISH,
            target=rotation,
            details={"resealed": rotation.resealed},
        )
    cache.delete(ROTATION_CACHE_KEY.format(pk=rotation.pk))
    return "finished"
