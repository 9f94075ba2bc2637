from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from traceobject.audit.actions import AuditAction
from traceobject.audit.models import AuditEvent
from traceobject.audit.services import audit_record

RecordMany = Callable[..., list[AuditEvent]]


@pytest.fixture
def record_events(db: None) -> RecordMany:
    """``record_events(3)``: that many events, each in a transaction of its own, oldest first."""

    def record(
        count: int, *, actor: Any = None, action: AuditAction = AuditAction.OBJECT_EDIT, **kwargs: Any
    ) -> list[AuditEvent]:
        events = []
        for index in range(count):
            with transaction.atomic():
                events.append(
                    audit_record(
                        actor=actor,
                        action=action,
                        actor_label="" if actor is not None else "system:test",
                        details={"index": index},
                        **kwargs,
                    )
                )
        return events

    return record


def raw_update(event_id: int, column: str, value: Any) -> None:
    """Change one column of one event behind the ORM's back, the way someone with database access would.

    The triggers refuse it unless the caller lifted them first (``tests.audit.triggers``)."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    placeholder = "%s"
    if column == "details" and connection.vendor == "postgresql":
        placeholder = "CAST(%s AS jsonb)"
    elif column == "created_at":
        value = connection.ops.adapt_datetimefield_value(value)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {connection.ops.quote_name(column)} = {placeholder} WHERE id = %s",  # noqa: S608
            [value, event_id],
        )
        assert cursor.rowcount == 1


def raw_delete(event_id: int) -> None:
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event_id])  # noqa: S608
        assert cursor.rowcount == 1


def in_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()  # type: ignore[attr-defined]
