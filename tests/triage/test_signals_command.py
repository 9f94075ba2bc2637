"""``traceobject signals``: one answer per input line, in order."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

TEXTS = "Widziałam ten dywan w sklepie w Łodzi.\n\nSaw it on amazon.co.uk, a German brand\r\n"


def run(*args: str, text: str) -> list[str]:
    out = StringIO()
    call_command("signals", *args, stdin=StringIO(text), stdout=out)
    return out.getvalue().splitlines()


def test_json_lines_keep_the_input_alignment() -> None:
    lines = [json.loads(line) for line in run("--json", text=TEXTS)]
    assert len(lines) == 3
    assert lines[0]["language"] == "pl"
    assert lines[0]["countries"] == [{"code": "PL", "source": "city", "confidence": 0.7}]
    assert lines[1] == {"language": "", "countries": [], "links": [], "shop": ""}
    assert {country["code"] for country in lines[2]["countries"]} == {"GB", "DE"}
    assert lines[2]["links"] == [{"domain": "amazon.co.uk", "kind": "marketplace"}]


def test_json_keeps_non_ascii_letters() -> None:
    (line,) = run("--json", text="Сделано в России\n")
    assert "\\u" not in line
    assert json.loads(line)["language"] == "ru"


def test_readable_lines() -> None:
    lines = run(text=TEXTS)
    assert len(lines) == 3
    assert lines[0] == "pl | PL(city 0.70) | - | -"
    assert lines[1] == "- | - | - | -"
    assert lines[2].startswith("en | GB(domain 0.70) DE(demonym 0.80) | amazon.co.uk(marketplace)")


def test_no_input_no_output() -> None:
    assert run("--json", text="") == []


def test_prepare_reports_the_build() -> None:
    (line,) = run("--prepare", text="")
    assert line.startswith("language detector ")
    assert "keys" in line
