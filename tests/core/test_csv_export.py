"""The shared CSV code: cells a spreadsheet will not run, UTC times, keyset batches, the streamed file."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from tests.factories import ObjectFactory
from traceobject.core import csv_export
from traceobject.core.csv_export import (
    csv_cell,
    csv_filename,
    csv_response,
    csv_time,
    export_bounds,
    keyset_batches,
    values_rows,
)
from traceobject.gallery.models import Object


def _read(response: Any) -> list[list[str]]:
    assert response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+49 30 1234", "'+49 30 1234"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("\r=x", "'\r=x"),
        ("shop.pl", "shop.pl"),
        ("a=b", "a=b"),  # only the first character counts
        (" =x", " =x"),
        ("", ""),
    ],
)
def test_text_cells_are_defused(value: str, safe: str) -> None:
    assert csv_cell(value) == safe


def test_other_values_become_plain_text() -> None:
    assert csv_cell(None) == ""
    assert csv_cell(True) == "true"
    assert csv_cell(False) == "false"
    assert csv_cell(-3) == "-3"  # a number is never a formula
    assert csv_cell(0.5) == "0.5"
    assert csv_cell(Decimal("-1.25")) == "-1.25"


def test_times_are_iso_8601_in_utc() -> None:
    paris = timezone(timedelta(hours=2))
    assert csv_time(datetime(2026, 5, 8, 14, 0, tzinfo=paris)) == "2026-05-08T12:00:00+00:00"
    assert csv_cell(datetime(2026, 5, 8, 12, 0, 1, 500, tzinfo=UTC)) == "2026-05-08T12:00:01.000500+00:00"
    assert csv_time(datetime(2026, 5, 8, 12, 0)) == "2026-05-08T12:00:00+00:00"  # naive: taken as UTC
    assert csv_time(None) == ""


def test_the_round_trip_gives_the_text_back_with_a_leading_quote() -> None:
    dangerous = ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", 'say "hi", twice\nand again']
    response = csv_response([["text"], *([value] for value in dangerous)], filename="x.csv")
    rows = _read(response)
    assert rows[0] == ["text"]
    assert [row[0] for row in rows[1:]] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@A1",
        "'\tx",
        "'\rx",
        'say "hi", twice\nand again',
    ]


def test_the_response_is_a_streamed_attachment_never_cached() -> None:
    response = csv_response(iter([["a", "b"], [1, "é"]]), filename="leads-20260508T120000Z.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="leads-20260508T120000Z.csv"'
    assert response["Cache-Control"] == "no-store"
    assert _read(response) == [["a", "b"], ["1", "é"]]


def test_the_filename_carries_the_utc_time(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = datetime(2026, 5, 8, 14, 3, 9, tzinfo=timezone(timedelta(hours=2)))
    monkeypatch.setattr(csv_export.timezone, "now", lambda: moment)
    assert csv_filename("leads") == "leads-20260508T120309Z.csv"


@pytest.mark.django_db
def test_keyset_batches_read_every_row_once_in_order_across_ties() -> None:
    # Titles repeat, so the second key (the id) decides inside a title, across batch boundaries.
    made = [ObjectFactory(title=title) for title in ["b", "a", "b", "c", "a", "b", "a"]]
    queryset = Object.objects.filter(pk__in=[obj.pk for obj in made]).order_by("title", "-id")
    expected = list(queryset.values_list("pk", flat=True))
    batches = list(keyset_batches(queryset, batch_size=2))
    assert [len(batch) for batch in batches] == [2, 2, 2, 1]
    assert [obj.pk for batch in batches for obj in batch] == expected
    descending = Object.objects.filter(pk__in=[obj.pk for obj in made])
    got = [
        obj.pk for batch in keyset_batches(descending, order=("-title", "id"), batch_size=3) for obj in batch
    ]
    assert got == list(descending.order_by("-title", "id").values_list("pk", flat=True))


@pytest.mark.django_db
def test_keyset_batches_cost_one_query_a_batch(django_assert_num_queries: Any) -> None:
    made = [ObjectFactory() for _ in range(5)]
    queryset = Object.objects.filter(pk__in=[obj.pk for obj in made]).order_by("id")
    # Two full batches and a short one: the short one ends the walk without another query.
    with django_assert_num_queries(3):
        assert sum(len(batch) for batch in keyset_batches(queryset, batch_size=2)) == 5


def test_a_keyset_needs_the_id_last() -> None:
    with pytest.raises(ValueError, match="ends with the id"):
        next(keyset_batches(Object.objects.order_by("title"), batch_size=2))


@pytest.mark.django_db
def test_values_rows_reads_only_the_named_values_and_bounds_count_them(
    django_assert_num_queries: Any,
) -> None:
    made = [ObjectFactory(title=f"=Bag {n}") for n in range(3)]
    queryset = Object.objects.filter(pk__in=[obj.pk for obj in made]).order_by("-id")
    count, until = export_bounds(queryset)
    assert (count, until) == (3, made[-1].pk)
    with django_assert_num_queries(1):
        rows = list(values_rows(queryset, columns=(("code", "code"), ("title", "title")), batch_size=10))
    assert rows == [["code", "title"], *([obj.code, obj.title] for obj in reversed(made))]
    # The values are raw here; the response defuses them.
    assert [row[1] for row in _read(csv_response(rows, filename="x.csv"))[1:]] == [
        f"'=Bag {n}" for n in (2, 1, 0)
    ]
    assert export_bounds(Object.objects.none()) == (0, 0)
