"""The audit tables are append-only in the database: UPDATE and DELETE are refused by triggers, on
SQLite and on PostgreSQL, through the ORM and through raw SQL; only lifting the triggers as the owner
of the database lets a change through, which is what the test harness does to empty the tables."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone

from tests.audit.triggers import APPEND_ONLY_TABLES, audit_trigger_names, audit_triggers_lifted
from traceobject.audit.actions import AuditAction
from traceobject.audit.models import AuditAnchor, AuditCheck, AuditEvent, AuditHead
from traceobject.audit.services import audit_record


def _rows(*, anchor: bool = True) -> dict[str, models.Model]:
    """One row in each append-only table (the anchor is left out on request: its PROTECT foreign key
    would refuse an ORM delete of the event in Python, before the database sees it)."""
    with transaction.atomic():
        event = audit_record(actor=None, actor_label="system:test", action=AuditAction.OBJECT_EDIT)
        rows: dict[str, models.Model] = {"audit_auditevent": event}
        if anchor:
            rows["audit_auditanchor"] = AuditAnchor.objects.create(
                created_at=event.created_at, count=1, event=event, hash=event.hash, actor_label="system:test"
            )
        rows["audit_auditcheck"] = AuditCheck.objects.create(
            created_at=timezone.now(), ok=True, count=1, head_hash=event.hash
        )
    return rows


# A text column of each table, and a value to write into it.
TEXT_COLUMN = {
    "audit_auditevent": "actor_label",
    "audit_auditanchor": "actor_label",
    "audit_auditcheck": "message",
}


def _orm_update(row: models.Model, column: str) -> None:
    type(row)._default_manager.filter(pk=row.pk).update(**{column: "mallory"})


def _orm_save(row: models.Model, column: str) -> None:
    setattr(row, column, "mallory")
    row.save(update_fields=[column])


def _raw_update(row: models.Model, column: str) -> None:
    table = row._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", ["mallory", row.pk])  # noqa: S608


def _orm_delete(row: models.Model, column: str) -> None:
    type(row)._default_manager.filter(pk=row.pk).delete()


def _instance_delete(row: models.Model, column: str) -> None:
    row.delete()


def _raw_delete(row: models.Model, column: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {row._meta.db_table} WHERE id = %s", [row.pk])  # noqa: S608


CHANGES: dict[str, Callable[[models.Model, str], None]] = {
    "orm-update": _orm_update,
    "orm-save": _orm_save,
    "raw-update": _raw_update,
    "orm-delete": _orm_delete,
    "instance-delete": _instance_delete,
    "raw-delete": _raw_delete,
}


def _snapshot() -> list[tuple[str, list[tuple[object, ...]]]]:
    snapshot = []
    with connection.cursor() as cursor:
        for table in APPEND_ONLY_TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608
            snapshot.append((table, cursor.fetchall()))
    return snapshot


@pytest.mark.django_db
@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
@pytest.mark.parametrize("change", list(CHANGES))
def test_updates_and_deletes_are_refused_by_the_database(table: str, change: str) -> None:
    rows = _rows(anchor=not (table == "audit_auditevent" and change in ("orm-delete", "instance-delete")))
    before = _snapshot()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        CHANGES[change](rows[table], TEXT_COLUMN[table])
    assert _snapshot() == before


@pytest.mark.django_db
def test_appending_and_moving_the_head_still_work() -> None:
    """INSERT is the trail's only write; the head row, updated on every append, is not append-only
    (the chain and the anchors show a head that lies)."""
    _rows()
    with transaction.atomic():
        audit_record(actor=None, actor_label="system:test", action=AuditAction.OBJECT_SUBMIT)
    assert AuditEvent.objects.count() == 2
    assert AuditHead.objects.get(pk=1).count == 2


@pytest.mark.django_db
def test_the_triggers_are_installed_by_the_migrations() -> None:
    names = audit_trigger_names()
    if connection.vendor == "postgresql":
        expected = {
            f"{table}_{kind}" for table in APPEND_ONLY_TABLES for kind in ("append_only", "no_truncate")
        }
    else:
        expected = {f"{table}_no_{kind}" for table in APPEND_ONLY_TABLES for kind in ("update", "delete")}
    assert expected <= names


@pytest.mark.django_db(transaction=True)  # TRUNCATE waits for no deferred check of the rows' keys
def test_truncate_is_refused_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE: its DELETE without WHERE is refused by the DELETE trigger")
    _rows()
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {', '.join(APPEND_ONLY_TABLES)}")
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_lifting_the_triggers_is_explicit_and_undone() -> None:
    """What an owner of the database can do (and the tamper tests do): the change goes through, and
    the triggers are back afterwards."""
    event = _rows()["audit_auditevent"]
    triggers = audit_trigger_names()
    with audit_triggers_lifted():
        assert audit_trigger_names().isdisjoint(triggers)
        assert AuditEvent.objects.filter(pk=event.pk).update(actor_label="mallory") == 1
    assert audit_trigger_names() == triggers
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="eve")
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "mallory"


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trail_only_with_the_triggers_lifted() -> None:
    """Django's flush (after every transactional test) deletes on SQLite and truncates on PostgreSQL:
    the triggers refuse both; the harness lifts them around it (``tests/conftest.py``) and they stay."""
    _rows()
    triggers = audit_trigger_names()
    flush_sql = connection.ops.sql_flush(no_style(), list(APPEND_ONLY_TABLES))
    unwrapped = BaseDatabaseOperations.execute_sql_flush.__wrapped__  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError, match="append-only"):
        unwrapped(connection.ops, flush_sql)
    assert AuditEvent.objects.count() == 1

    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    assert not AuditAnchor.objects.exists()
    assert audit_trigger_names() == triggers
    _rows()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditCheck.objects.all().delete()
