"""The one way the project writes a CSV export: cells a spreadsheet will not run, times in UTC, rows
read by keyset and streamed.

Every export (the audit trail, the consensus, the leads lists, the determinations) builds its rows from
plain values and hands them to ``csv_response``, which defuses every text cell on the way out: an export
cannot forget it, since no other code writes CSV. Rows are read in batches by keyset
(``keyset_batches``), never with OFFSET and never all at once, so a file of millions of rows streams in
constant memory and each batch costs the same index lookup.

Exports are audited by their views (an event naming the export and its filters, never the rows), before
the first byte, so that a download cut off half-way was still taken.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Count, Max, Model, Q, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection"); a
# leading quote makes it text, shown as written.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows read per query: large enough that a query's cost is spread, small enough to stay in memory.
EXPORT_BATCH = 2000

Row = TypeVar("Row", bound=Model | dict[str, Any])


def csv_cell(value: object) -> str:
    """One cell as text: ``None`` is empty, a time is ISO 8601 in UTC, a number its digits, a boolean
    ``true``/``false``, and text that a spreadsheet would run as a formula gets a leading quote.

    Numbers are never quoted (a count of ``-1`` stays a number); text always goes through the check,
    whatever its source, since a username, a title or a shop name is typed by someone.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return csv_time(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_time(value: datetime | None) -> str:
    """ISO 8601 in UTC (``2026-05-08T12:00:00+00:00``), or empty; a naive time is taken as UTC."""
    if value is None:
        return ""
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


class Echo:
    """A file-like object whose ``write`` hands the line back, so that ``csv.writer`` feeds a stream
    instead of a buffer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Each row as one CSV line, every cell through ``csv_cell``."""
    writer = csv.writer(Echo())
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_filename(stem: str) -> str:
    """``<stem>-<UTC time>.csv``: two downloads of the same list never share a name."""
    return f"{stem}-{timezone.now().astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}.csv"


def csv_response(rows: Iterable[Sequence[object]], *, filename: str) -> StreamingHttpResponse:
    """A streamed ``text/csv`` download of ``rows`` (the header first), never cached.

    ``rows`` is consumed as the client reads, after the view has returned: build it from a generator
    that reads the database by keyset (``keyset_batches``), not from a list of every row.
    """
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response


def _after(order: Sequence[str], last: Row) -> Q:
    """The rows that come after ``last`` in ``order`` (each field ascending, or descending with "-")."""
    condition = Q()
    equal: dict[str, Any] = {}
    for term in order:
        field = term.lstrip("-")
        value = last[field] if isinstance(last, dict) else getattr(last, field)
        if value is None:
            raise ValueError(f"keyset ordering by {field!r}, which is empty on a row")
        lookup = "lt" if term.startswith("-") else "gt"
        condition |= Q(**equal, **{f"{field}__{lookup}": value})
        equal[field] = value
    return condition


def _order_of(queryset: QuerySet[Any, Any]) -> tuple[str, ...]:
    """The field names of the queryset's ``order_by`` (a keyset needs fields, not expressions)."""
    order = tuple(queryset.query.order_by)
    if not all(isinstance(term, str) for term in order):
        raise ValueError(f"a keyset ordering names fields, not expressions: {order!r}")
    return tuple(str(term) for term in order)


def keyset_batches(
    queryset: QuerySet[Any, Row], *, order: Sequence[str] = (), batch_size: int | None = None
) -> Iterator[list[Row]]:
    """The rows of ``queryset`` in ``order`` (by default the queryset's own ``order_by``), one batch (a
    list) at a time, each read by keyset: the next batch starts after the last row of this one, so no
    row is read twice or skipped, and the query costs the same on the thousandth batch as on the first.

    ``order`` names fields of the rows (model attributes, or keys of ``values()`` dicts) whose values
    are never empty, the last one unique (``"id"`` or ``"-id"``); ``select_related`` and
    ``prefetch_related`` of the queryset apply batch by batch.
    """
    order = tuple(order or _order_of(queryset))
    if not order or order[-1].lstrip("-") not in {"id", "pk"}:
        raise ValueError(f"a keyset ordering ends with the id, so that it is unique, not {order!r}")
    size = batch_size or EXPORT_BATCH
    ordered = queryset.order_by(*order)
    condition = Q()
    while True:
        batch = list(ordered.filter(condition)[:size])
        if not batch:
            return
        yield batch
        if len(batch) < size:
            return
        condition = _after(order, batch[-1])


def values_rows(
    queryset: QuerySet[Any, Any], *, columns: Sequence[tuple[str, str]], batch_size: int | None = None
) -> Iterator[list[object]]:
    """CSV rows of ``queryset``: the header (the first name of each pair of ``columns``), then each row's
    values of the fields or annotations the second names, in the queryset's order, read by keyset.

    Only the named values are read (``values()``), never whole rows: a sealed column never leaves the
    database for an export that does not name it.
    """
    yield [header for header, _field in columns]
    fields = [field for _header, field in columns]
    order = _order_of(queryset)
    keys = [term.lstrip("-") for term in order]
    rows = queryset.values(*dict.fromkeys([*fields, *keys]))
    for batch in keyset_batches(rows, order=order, batch_size=batch_size):
        for row in batch:
            yield [row[field] for field in fields]


def export_bounds(queryset: QuerySet[Any, Any]) -> tuple[int, int]:
    """How many rows ``queryset`` holds and its newest id, in one query: the export streams the rows up
    to that id (``id__lte``), so that what its audit event counts is what the file holds, even while new
    rows arrive during a long download."""
    bounds = queryset.order_by().aggregate(count=Count("id"), until=Max("id"))
    return int(bounds["count"]), int(bounds["until"] or 0)
