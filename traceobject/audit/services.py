"""``audit_record``: the one way to write the trail, inside the caller's transaction.

The chain
---------
Each event's ``hash`` is SHA-256 over a canonical JSON document of its fields and ``prev_hash`` (the hash
of the event before it; the first event points at ``GENESIS``). ``AuditHead`` (one row, pk 1) holds the
newest hash and the number of events. Appending locks that row, so appends are serialized on every
database: ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite ``select_for_update`` is a no-op, but the
project opens every transaction ``IMMEDIATE`` (settings), so the write lock is held from ``BEGIN`` and
no two writers can read the same head. Should that setting ever be lost, a deferred SQLite transaction
that read an outdated head fails with "database is locked" on its first write instead of forking the
chain, and the unique constraint on ``prev_hash`` refuses a fork on any database.

Canonical form
--------------
The digest must come out the same when ``traceobject audit verify`` recomputes it from what the
database hands back, on SQLite and on PostgreSQL:

* the time is written as UTC with microseconds (``2026-11-21T20:48:25.000000Z``) whatever the tzinfo
  object the driver returns (``datetime.timezone.utc``, ``zoneinfo.ZoneInfo("UTC")``, another offset);
* ``details`` must be JSON (string keys; str, int, finite float, bool, None, lists, dicts). PostgreSQL's
  ``jsonb`` reorders keys (sorted away here) and gives a float such as ``1.5e300`` back as the integer
  that its decimal text denotes, so an integral float is hashed as that integer; NUL characters and
  lone surrogates, which PostgreSQL refuses, are refused here on every database;
* the document starts with a format version, so that a later change of form can verify old events.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from traceobject.audit.actions import AuditAction
from traceobject.audit.models import AuditEvent, AuditHead
from traceobject.core.csv_export import export_bounds
from traceobject.core.permissions import Permission, permission_require

GENESIS = "0" * 64
DIGEST_VERSION = 1
HEAD_PK = 1

# The fields a digest covers, in the order ``values_list`` reads them for verification.
DIGEST_FIELDS = (
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "details",
    "prev_hash",
)


def canonical_time(value: datetime) -> str:
    if timezone.is_naive(value):
        raise ValueError("audit times are timezone-aware")
    # isoformat, not strftime: "%Y" does not zero-pad years before 1000 on every platform.
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _canonical_json_value(value: Any) -> Any:
    """``value`` as it will read back from either database, for hashing."""
    kind = type(value)  # exact types first: what the database hands back, on the verification path
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict:
        return {key: _canonical_json_value(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_canonical_json_value(item) for item in value]
    if isinstance(value, float):
        if value.is_integer():
            # The integer that jsonb gives back: it parses the decimal text ("1.5e+300") exactly.
            return int(Decimal(repr(float(value))))
        return float(value)
    if isinstance(value, Mapping):
        return {key: _canonical_json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical_json_value(item) for item in value]
    return value


def compute_digest(
    *,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    target_label: str,
    details: Any,
    prev_hash: str,
) -> str:
    body = {
        "v": DIGEST_VERSION,
        "created_at": canonical_time(created_at),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "target_label": target_label,
        "details": _canonical_json_value(details),
        "prev_hash": prev_hash,
    }
    # ensure_ascii: the bytes hashed are plain ASCII, whatever the text; allow_nan=False: JSON only.
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def event_digest(event: AuditEvent) -> str:
    """The hash an event should carry: the canonical JSON of every field but ``id`` and ``hash``."""
    return compute_digest(**{name: getattr(event, name) for name in DIGEST_FIELDS})


def _check_text(value: str, where: str) -> None:
    if "\x00" in value:
        raise ValueError(f"audit {where} contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"audit {where} is not valid Unicode text") from error


def _check_details(value: Any, where: str = "details") -> None:
    """Refuse what a JSON column would not give back unchanged on both databases."""
    if value is None or isinstance(value, bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"audit {where} holds a non-finite number")
        return
    if isinstance(value, str):
        _check_text(value, where)
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_details(item, f"{where}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"audit {where} has a non-string key {key!r}")
            _check_text(key, f"{where} key")
            _check_details(item, f"{where}[{key!r}]")
        return
    raise TypeError(f"audit {where} holds a {type(value).__name__}, which is not JSON")


def _field_limit(name: str) -> int:
    return int(getattr(AuditEvent._meta.get_field(name), "max_length", 0) or 0)


def audit_record(
    *,
    actor: Any,
    action: AuditAction,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append an event to the trail.

    Call it inside the transaction of the action it records (never alone), so that the action and
    its record commit or vanish together; a rolled-back savepoint takes its event and the head update
    with it. Make it the last write of the transaction: it holds the lock on the head until commit,
    so every other audited action waits for that long, and a service that locked other rows after it
    could deadlock with one that locked them before.

    ``actor`` is the acting staff user; for a command or the system, pass ``actor=None`` and a
    ``actor_label`` such as ``"system:demo"``. ``target`` must be saved; its label is its
    ``audit_label()`` when the model has one (object codes rather than ids), else ``str(target)``.
    ``details`` must be JSON (see the module docstring) and must never identify a tipster.
    ``action`` is a member of ``AuditAction``, never a string, even one equal to a member's value: a
    free string is how a misspelt action would reach the trail unlabelled.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record() must be called inside the transaction of the audited action")
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit action must be an AuditAction member, not {type(action).__name__} {action!r}")
    if target is not None and target.pk is None:
        raise ValueError("audit target must be saved before it is recorded")
    details = dict(details or {})
    _check_details(details)
    # What the JSON column will give back: tuples become lists, and so on.
    details = json.loads(json.dumps(details, allow_nan=False))

    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    label = actor_label or (actor.get_username() if authenticated else "")
    target_type = target._meta.label_lower if target is not None else ""
    target_id = str(target.pk) if target is not None else ""
    target_label = ""
    if target is not None:
        # A model may name itself for the trail by public codes (audit_label) where its str() shows
        # internal ids of related rows; the audit app cannot import those models, hence the hook.
        audit_label = getattr(target, "audit_label", None)
        shown = audit_label() if callable(audit_label) else str(target)
        target_label = str(shown).replace("\x00", "")[: _field_limit("target_label")]
    for name, value in (("actor_label", label), ("target_type", target_type), ("target_id", target_id)):
        _check_text(value, name)
        if len(value) > _field_limit(name):
            raise ValueError(f"audit {name} is longer than {_field_limit(name)} characters")

    # The lock is taken before the time is read, so times never go backwards along the chain (as far
    # as the clock allows). On PostgreSQL, two first-ever appends race to create the head: the loser's
    # INSERT waits, fails on the primary key inside get_or_create's savepoint, and it then reads and
    # locks the winner's row.
    head, _created = AuditHead.objects.select_for_update().get_or_create(
        pk=HEAD_PK, defaults={"last_hash": GENESIS, "count": 0}
    )
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor if authenticated else None,
        actor_label=label,
        action=action.value,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        details=details,
        prev_hash=head.last_hash,
    )
    event.hash = event_digest(event)
    event.save(force_insert=True)
    head.last_hash = event.hash
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    return event


@dataclass(frozen=True)
class CsvExport:
    """What a CSV export is, for its audit event: the name its event gives it, its action, and the
    permission of the page it exports (checked again when it is recorded)."""

    name: str
    action: AuditAction
    permission: Permission


AUDIT_CSV = CsvExport("audit", AuditAction.AUDIT_EXPORT, Permission.AUDIT_EVENT_EXPORT)


def export_record(
    *,
    actor: Any,
    export: CsvExport,
    filters: Mapping[str, str],
    count: int,
    target: models.Model | None = None,
    until_id: int | None = None,
) -> AuditEvent:
    """Record that ``actor`` downloaded ``export`` (with which filters, how many rows, up to which id),
    before the first byte is streamed: an export that is cut off half-way was still taken. The event
    names the export and its filters, never what the rows hold."""
    permission_require(actor, export.permission)
    details: dict[str, Any] = {
        "export": export.name,
        "filters": dict(filters),
        "count": count,
        "format": "csv",
    }
    if until_id is not None:
        details["until"] = until_id
    with transaction.atomic():
        return audit_record(actor=actor, action=export.action, target=target, details=details)


def export_start(
    *, actor: Any, export: CsvExport, filters: Mapping[str, str], rows: QuerySet[Any, Any]
) -> int:
    """Record ``export`` of the rows of ``rows`` (``export_record``) and return the newest id among
    them: the export streams the rows up to that id, so the file holds what the event counts, even
    while new rows arrive during a long download."""
    count, until_id = export_bounds(rows)
    export_record(actor=actor, export=export, filters=filters, count=count, until_id=until_id)
    return until_id
