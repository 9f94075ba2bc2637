"""Reads of the audit trail for the auditor's pages. The whole-chain walk lives in ``verify.py``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from traceobject.audit.actions import action_label
from traceobject.audit.models import AuditCheck, AuditEvent, AuditHead
from traceobject.audit.services import GENESIS, HEAD_PK, event_digest
from traceobject.core.csv_export import keyset_batches
from traceobject.core.permissions import Permission, permission_require, user_has_permission

PAGE_SIZE = 50

# The columns the list shows; ``details`` can be large and stays on the detail page.
LIST_FIELDS = ("id", "created_at", "actor_label", "action", "target_type", "target_id", "target_label")


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""  # the username as it was recorded at the time of the event
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def audit_events(*, filters: AuditFilter) -> QuerySet[AuditEvent]:
    queryset = AuditEvent.objects.all()
    if filters.actor:
        queryset = queryset.filter(actor_label=filters.actor)
    if filters.action:
        queryset = queryset.filter(action=filters.action)
    if filters.target_type:
        queryset = queryset.filter(target_type=filters.target_type)
    if filters.target_id:
        queryset = queryset.filter(target_id=filters.target_id)
    if filters.since is not None:
        queryset = queryset.filter(created_at__gte=filters.since)
    if filters.until is not None:
        queryset = queryset.filter(created_at__lt=filters.until)
    return queryset


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    older: int | None  # pass as ``before`` for the next (older) page
    newer: int | None  # pass as ``after`` for the previous (newer) page


def audit_event_page(
    *,
    user: Any,
    filters: AuditFilter,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> AuditPage:
    """One page, newest first, by keyset on the id: one query whatever the page's depth.

    ``before`` pages towards older events (ids below it), ``after`` towards newer ones (ids above it).
    One row more than a page is read, to know whether another page follows.
    """
    permission_require(user, Permission.AUDIT_EVENT_READ)
    if before is not None and after is not None:
        raise ValueError("a page is either before or after an event, not both")
    queryset = audit_events(filters=filters).only(*LIST_FIELDS)
    if after is not None:
        rows = list(queryset.filter(id__gt=after).order_by("id")[: size + 1])
        more_newer = len(rows) > size
        events = rows[:size][::-1]
        # The event ``after`` points at matched the filters when its page was shown: older ones exist.
        older: int | None = events[-1].id if events else after + 1
        return AuditPage(events=events, older=older, newer=events[0].id if more_newer else None)
    if before is not None:
        queryset = queryset.filter(id__lt=before)
    rows = list(queryset.order_by("-id")[: size + 1])
    events = rows[:size]
    older = events[-1].id if len(rows) > size else None
    # Coming from a newer page means that newer events exist (the ``before`` event was on it).
    newer: int | None = None
    if before is not None:
        newer = events[0].id if events else before - 1
    return AuditPage(events=events, older=older, newer=newer)


# Targets shown by a public code instead of their internal id. Strings, not imports: the audit app sits
# below the apps whose rows it records.
TARGET_CODE_FIELDS = {"gallery.object": "code", "leads.lead": "reference"}


def audit_target_codes(events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """(target_type, target_id) → the target's current code, one query per target type present."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.target_type in TARGET_CODE_FIELDS and event.target_id:
            wanted.setdefault(event.target_type, set()).add(event.target_id)
    codes: dict[tuple[str, str], str] = {}
    for target_type, ids in wanted.items():
        model = apps.get_model(target_type)
        field = TARGET_CODE_FIELDS[target_type]
        for pk, code in model._default_manager.filter(pk__in=ids).values_list("pk", field):
            codes[(target_type, str(pk))] = code
    return codes


def audit_events_labelled(events: list[AuditEvent]) -> list[AuditEvent]:
    """Each event with ``action_display`` (translated) and ``target_code`` (or "" when it has none)."""
    codes = audit_target_codes(events)
    for event in events:
        event.action_display = action_label(event.action)  # type: ignore[attr-defined]
        event.target_code = codes.get((event.target_type, event.target_id), "")  # type: ignore[attr-defined]
    return events


EXPORT_BATCH = 2000
EXPORT_COLUMNS = (
    "id",
    "time_utc",
    "actor",
    "action",
    "action_label",
    "target_type",
    "target_id",
    "target_code",
    "target_label",
    "details",
    "prev_hash",
    "hash",
)


def audit_export_rows(*, user: Any, filters: AuditFilter, until_id: int) -> Iterator[list[object]]:
    """The filtered trail up to event ``until_id``, oldest first, as CSV rows (the header first).

    Read by keyset in batches, so a trail of millions streams in constant memory; details are their
    canonical JSON. ``core.csv_export.csv_response`` writes times as ISO 8601 in UTC and defuses
    spreadsheet formulas.
    """
    permission_require(user, Permission.AUDIT_EVENT_READ)
    yield list(EXPORT_COLUMNS)
    queryset = audit_events(filters=filters).filter(id__lte=until_id)
    for batch in keyset_batches(queryset, order=("id",), batch_size=EXPORT_BATCH):
        for event in audit_events_labelled(batch):
            yield [
                event.id,
                event.created_at,
                event.actor_label,
                event.action,
                event.action_display,  # type: ignore[attr-defined]
                event.target_type,
                event.target_id,
                event.target_code,  # type: ignore[attr-defined]
                event.target_label,
                json.dumps(event.details, sort_keys=True, ensure_ascii=False),
                event.prev_hash,
                event.hash,
            ]


def audit_event_get(*, user: Any, pk: int) -> AuditEvent:
    permission_require(user, Permission.AUDIT_EVENT_READ)
    event = AuditEvent.objects.filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


@dataclass(frozen=True)
class EventCheck:
    """What one event's page can say about it without walking the chain."""

    hash_matches: bool
    predecessor: AuditEvent | None  # the event its prev_hash names, if it still exists
    starts_chain: bool  # prev_hash is the genesis
    successor: AuditEvent | None


def audit_event_check(*, event: AuditEvent) -> EventCheck:
    linked = AuditEvent.objects.filter(hash=event.prev_hash) | AuditEvent.objects.filter(prev_hash=event.hash)
    predecessor = successor = None
    for other in linked.only("id", "hash", "prev_hash", "created_at", "action"):
        if other.hash == event.prev_hash:
            predecessor = other
        if other.prev_hash == event.hash:
            successor = other
    return EventCheck(
        hash_matches=event_digest(event) == event.hash,
        predecessor=predecessor,
        starts_chain=event.prev_hash == GENESIS,
        successor=successor,
    )


class ChainState(StrEnum):
    EMPTY = "empty"
    CONSISTENT = "consistent"
    INCONSISTENT = "inconsistent"


@dataclass(frozen=True)
class ChainStatus:
    state: ChainState
    count: int  # as the head records it
    newest: AuditEvent | None

    @property
    def ok(self) -> bool:
        return self.state != ChainState.INCONSISTENT


def _chain_status_once() -> ChainStatus:
    head = AuditHead.objects.filter(pk=HEAD_PK).first()
    newest = AuditEvent.objects.order_by("-id").first()
    if newest is None:
        empty = head is None or (head.count == 0 and head.last_hash == GENESIS)
        state = ChainState.EMPTY if empty else ChainState.INCONSISTENT
        return ChainStatus(state, head.count if head else 0, None)
    consistent = (
        head is not None
        and head.count > 0
        and head.last_hash == newest.hash
        and event_digest(newest) == newest.hash
    )
    return ChainStatus(
        ChainState.CONSISTENT if consistent else ChainState.INCONSISTENT, head.count if head else 0, newest
    )


def audit_chain_status() -> ChainStatus:
    """A quick look at the end of the chain: the head matches the newest event, which matches its hash.

    Two queries, whatever the length of the chain; the whole walk is ``traceobject audit verify``. An
    append committed between the two reads looks like a mismatch, so a mismatch is read again once.
    """
    status = _chain_status_once()
    if status.state == ChainState.INCONSISTENT:
        status = _chain_status_once()
    return status


# The daily check runs once per UTC day; two days without one means the scheduler or its worker stopped.
CHECK_STALE_AFTER = timedelta(hours=48)


@dataclass(frozen=True)
class IntegrityAlert:
    """What the staff home says about the daily check of the chain, when it has something to say."""

    check: AuditCheck
    failed: bool  # the newest check found a broken link; otherwise no check has run for too long


def audit_integrity_alert(*, user: Any, now: datetime | None = None) -> IntegrityAlert | None:
    """An alert for those who can act on it (readers of the trail: auditors, administrators), or None.

    A failed check stays on the home page until a later check passes: the alert is the newest check's
    state, not a message that someone dismisses. One query.
    """
    if not user_has_permission(user, Permission.AUDIT_EVENT_READ):
        return None
    check = AuditCheck.objects.order_by("-id").first()
    if check is None:
        return None
    if not check.ok:
        return IntegrityAlert(check=check, failed=True)
    if (now or timezone.now()) - check.created_at > CHECK_STALE_AFTER:
        return IntegrityAlert(check=check, failed=False)
    return None
