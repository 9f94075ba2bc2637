"""Multi-row INSERTs for the intake's hot path, on SQLite and PostgreSQL alike.

One tip writes a dozen kinds of rows; through the ORM that cost ~30 model instances and ~4 ms of Python
per tip, more than the database's own work. These build the same statements by hand, from the models'
own table and column names, so that a renamed field still fails loudly rather than silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection, models


def column(model: type[models.Model], name: str) -> str:
    return _quoted(connection.vendor, model, name)


def table(model: type[models.Model]) -> str:
    return _quoted(connection.vendor, model, None)


@cache
def _quoted(vendor: str, model: type[models.Model], name: str | None) -> str:
    """Quoted names, computed once per process: the intake asks for them ~60 times per tip."""
    raw = model._meta.db_table if name is None else model._meta.get_field(name).column  # type: ignore[union-attr]
    return str(connection.ops.quote_name(str(raw)))


def placeholders(values: Sequence[Any]) -> str:
    """``%s, %s, ...`` for an ``IN (...)`` of ``values``."""
    return ", ".join(["%s"] * len(values))


def insert(
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    *,
    conflict: Sequence[str] = (),
    add: Sequence[str] = (),
    greatest: Sequence[str] = (),
) -> None:
    """INSERT ``rows`` (dicts with the same field names) in one statement.

    With ``conflict`` (the fields of a unique constraint): on a clash, add the ``add`` columns to the
    stored ones and keep the larger of the ``greatest`` columns, atomically, or do nothing when neither
    is given. Django's ``bulk_create(update_conflicts=True)`` can only overwrite.
    """
    if not rows:
        return
    names = list(rows[0])
    name = table(model)
    placeholder = "(" + ", ".join(["%s"] * len(names)) + ")"
    sql = (
        f"INSERT INTO {name} ({', '.join(column(model, n) for n in names)}) "  # noqa: S608
        f"VALUES {', '.join([placeholder] * len(rows))}"
    )
    if conflict:
        maximum = "GREATEST" if connection.vendor == "postgresql" else "MAX"
        updates = [f"{c} = {name}.{c} + excluded.{c}" for c in (column(model, n) for n in add)]
        updates += [
            f"{c} = {maximum}({name}.{c}, excluded.{c})" for c in (column(model, n) for n in greatest)
        ]
        keys = ", ".join(column(model, n) for n in conflict)
        sql += f" ON CONFLICT ({keys}) " + (
            f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [row[n] for row in rows for n in names])
