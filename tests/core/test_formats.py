"""Dates on pages follow the reader's language, with English written day-first and the month spelled out.

Exports (the PDF dossier, CSV, JSON) and the audit trail keep ISO 8601; every other template uses one of
Django's named formats, so a new hard-coded ``date:"Y-m-d"`` on a page fails here.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.template import engines
from django.utils import translation

import traceobject

TEMPLATES = Path(traceobject.__file__).parent
NAMED = {"DATE_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT"}
# Machine values: ISO 8601 for <time datetime="…">, the zone's name, a Unix time.
MACHINE = {"c", "e", "U"}
# On purpose: the audit trail shows UTC times to the second and says so; the dossier is an export.
EXCEPTIONS = {
    "templates/staff/audit/list.html",
    "templates/staff/audit/detail.html",
    "templates/leads/dossier.html",
}
DATE_FILTER = re.compile(r"""\|(?:date|time)(?::(?:"([^"]*)"|'([^']*)'))?""")

MOMENT = datetime(2026, 7, 12, 15, 17, tzinfo=UTC)


def test_no_page_template_hard_codes_a_date_format() -> None:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt")):
        relative = path.relative_to(TEMPLATES).as_posix()
        if relative in EXCEPTIONS:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for match in DATE_FILTER.finditer(line):
                argument = match.group(1) or match.group(2) or ""
                if argument not in NAMED | MACHINE:
                    found.append(f"{relative}:{number}: {match.group(0)}")
    assert not found, "use a named format (DATE_FORMAT, SHORT_DATETIME_FORMAT…):\n" + "\n".join(found)


def test_the_check_sees_a_hard_coded_format() -> None:
    # The pattern the test above relies on, tried on the kinds of lines it must catch and let through.
    def arguments(line: str) -> list[str]:
        return [m.group(1) or m.group(2) or "" for m in DATE_FILTER.finditer(line)]

    assert arguments('{{ when|date:"Y-m-d H:i" }}') == ["Y-m-d H:i"]
    assert arguments("{{ when|date:'Y' }}") == ["Y"]
    assert arguments("{{ when|date }}") == [""]
    assert arguments('<time datetime="{{ when|date:\'c\' }}">{{ when|date:"SHORT_DATE_FORMAT" }}') == [
        "c",
        "SHORT_DATE_FORMAT",
    ]


@pytest.mark.parametrize(
    ("language", "long", "short", "day"),
    [
        ("en", "12 July 2026, 15:17", "12 Jul 2026, 15:17", "12 July 2026"),
        ("fr", "12 juillet 2026 15:17", "12/07/2026 15:17", "12 juillet 2026"),
        ("de", "12. Juli 2026 15:17", "12.07.2026 15:17", "12. Juli 2026"),
    ],
)
def test_named_formats_in_each_language(language: str, long: str, short: str, day: str) -> None:
    template = engines["django"].from_string(
        '{{ when|date:"DATETIME_FORMAT" }}|{{ when|date:"SHORT_DATETIME_FORMAT" }}'
        '|{{ day|date:"DATE_FORMAT" }}'
    )
    with translation.override(language):
        assert template.render({"when": MOMENT, "day": date(2026, 7, 12)}) == f"{long}|{short}|{day}"


def test_english_is_never_month_first() -> None:
    # Django's own English formats would give "07/12/2026" (read as 7 December in Europe) and "3:17 p.m.".
    template = engines["django"].from_string(
        '{{ when|date:"SHORT_DATE_FORMAT" }} {{ when|date:"TIME_FORMAT" }}'
    )
    with translation.override("en"):
        assert template.render({"when": MOMENT}) == "12 Jul 2026 15:17"
