"""Helpers shared by the test modules: form data, HTML inspection, raw database and file dumps."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

VALID_TIP_TEXT = "I have seen this bag in a supermarket in Poznan around 2016."


def tip_form_data(**overrides: str) -> dict[str, str]:
    data = {
        "text": VALID_TIP_TEXT,
        "country": "",
        "place": "",
        "shop_brand": "",
        "time_period": "",
        "links": "",
        "contact": "",
    }
    data.update(overrides)
    return data


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "the page has no CSRF token field"
    return match.group(1)


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.text = ""


class _Collector(HTMLParser):
    """Collects every element with its attributes, the text inside each element, and <style>/<script>."""

    _VOID = frozenset(
        "area base br col embed hr img input link meta param source track wbr".split()  # noqa: SIM905
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag not in self._VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data


def parse_html(html: str) -> list[Element]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


def find_by_id(html: str, element_id: str) -> Element | None:
    return next((e for e in parse_html(html) if e.attrs.get("id") == element_id), None)


def find_all(html: str, tag: str, **attrs: str) -> list[Element]:
    return [
        e
        for e in parse_html(html)
        if e.tag == tag and all(e.attrs.get(name.rstrip("_")) == value for name, value in attrs.items())
    ]


def field_errors(html: str, field: str) -> str:
    """The text of the error list rendered next to a tip form field, or "" when there is none."""
    element = find_by_id(html, f"id_{field}_errors")
    return " ".join(element.text.split()) if element else ""


def all_table_rows() -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Every row of every table in the database, read with plain SQL (models or not)."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                yield table, row


def value_contains(value: Any, needle: str) -> bool:
    """True when ``needle`` appears in a database value, as text or as bytes (bytea, BLOB, JSON)."""
    if value is None:
        return False
    if isinstance(value, memoryview | bytes | bytearray):
        return needle.encode() in bytes(value)
    return needle in str(value)


def sqlite_database_bytes(tmp_dir: Path) -> bytes:
    """The raw bytes of the SQLite database, as a copy of the file would show them.

    The test database is often in memory; the backup API then writes it out page by page. A file
    database is read directly, with its write-ahead log.
    """
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite":
        raise RuntimeError("only for SQLite")
    if name and not connection.is_in_memory_db() and Path(name).exists():
        return b"".join(Path(path).read_bytes() for path in (name, f"{name}-wal") if Path(path).exists())
    if connection.in_atomic_block:
        # The backup waits forever for a write transaction of its own connection to end.
        raise RuntimeError("copy the database only from a transactional_db test")
    connection.ensure_connection()
    copy_path = tmp_dir / "database-copy.sqlite3"
    target = sqlite3.connect(copy_path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return copy_path.read_bytes()


def data_dir_files() -> Iterator[Path]:
    """Every file the application wrote: the data directory, media and private uploads."""
    roots = {Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)}
    seen: set[Path] = set()
    for root in roots:
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if path.is_file() and path not in seen:
                seen.add(path)
                yield path


def drain(response) -> bytes:
    """Read a response to the end. For a file response this also closes the file, inside the test
    client's guard: calling ``close()`` directly would fire ``request_finished`` unguarded, and
    Django would then close the database connection of the test's transaction (on PostgreSQL)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response) -> list[list[str]]:
    """A streamed CSV export read back as ``csv.reader`` reads it (the header first)."""
    assert response.status_code == 200, response.status_code
    assert response.streaming, "a CSV export streams"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(drain(response).decode())))


def csv_dicts(response) -> list[dict[str, str]]:
    """The rows of a CSV export as dicts by header, after checking that every row has every column."""
    header, *rows = csv_rows(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def utc_iso(when: Any) -> str:
    """A time as an export must write it (ISO 8601, UTC, microseconds only when there are some), spelt
    out here rather than taken from the code under test."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00").replace(".000000+", "+")
