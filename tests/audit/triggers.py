"""Lifting the audit trail's append-only triggers, explicitly, as the owner of the database can.

Two users, both outside the application: the test harness, which empties every table between
transactional tests (Django's flush), and the tamper tests, which play an attacker who owns the
database and has lifted the triggers before rewriting the trail. The application never does this: the
triggers themselves let nothing through (``audit/migrations/0003_append_only.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection as default_connection
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

APPEND_ONLY_TABLES = ("audit_auditevent", "audit_auditanchor", "audit_auditcheck")


@contextmanager
def audit_triggers_lifted(connection: BaseDatabaseWrapper = default_connection) -> Iterator[None]:
    """Inside: the audit tables take UPDATE, DELETE and TRUNCATE. After: the triggers are back.

    PostgreSQL disables the tables' user triggers (``ALTER TABLE … DISABLE TRIGGER USER``, which
    needs the owner); SQLite, which cannot disable a trigger, drops them and re-creates them from the
    SQL it kept. All in one transaction, so a failure half-way leaves the triggers as they were.
    """
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname = ANY(%s) "
                    "AND relnamespace = current_schema()::regnamespace",
                    [list(APPEND_ONLY_TABLES)],
                )
                tables = [row[0] for row in cursor.fetchall()]
                # PostgreSQL alters no table with foreign-key checks still deferred in this transaction
                # (Django's keys are INITIALLY DEFERRED): run them now, then defer again as before.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table in tables:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                saved: list[str] = ["SET CONSTRAINTS ALL IMMEDIATE"]
                saved += [f"ALTER TABLE {table} ENABLE TRIGGER USER" for table in tables]
                saved += ["SET CONSTRAINTS ALL DEFERRED"]
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'trigger'")
                triggers = [
                    (name, sql) for name, sql, table in cursor.fetchall() if table in APPEND_ONLY_TABLES
                ]
                for name, _sql in triggers:
                    cursor.execute(f'DROP TRIGGER "{name}"')
                saved = [sql for _name, sql in triggers]
            else:
                raise RuntimeError(f"no audit triggers known on {connection.vendor}")
        yield
        with connection.cursor() as cursor:
            for statement in saved:
                cursor.execute(statement)


def audit_trigger_names(connection: BaseDatabaseWrapper = default_connection) -> set[str]:
    """The append-only triggers that are in force now."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid "
                "WHERE relname = ANY(%s) AND NOT tgisinternal AND tgenabled <> 'D'",
                [list(APPEND_ONLY_TABLES)],
            )
        else:
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
            return {name for name, table in cursor.fetchall() if table in APPEND_ONLY_TABLES}
        return {row[0] for row in cursor.fetchall()}
