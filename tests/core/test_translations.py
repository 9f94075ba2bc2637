"""core.translations' tools as translators use them: todo, fill and gaps, on copies of the real catalogs.

(The gate itself, per language, is in tests/test_i18n.py; the scopes at run time in
tests/test_translation_scopes.py.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po, write_po
from django.test import Client

from traceobject.core import translations

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@pytest.fixture
def maltese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Copies of the Maltese catalogs (the project's, and Django's messages) that the tools work on."""
    main = tmp_path / "main.po"
    gaps = tmp_path / "gaps.po"
    # As makemessages leaves a new language's catalogs: nothing translated, the header fuzzy.
    for source, copy in ((translations.po_path("mt"), main), (translations.gaps_path("mt"), gaps)):
        with source.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if message.id:
                message.string = ("",) * catalog.num_plurals if message.pluralizable else ""
        catalog.fuzzy = True
        with copy.open("wb") as handle:
            write_po(handle, catalog, width=110)
    po_path, gaps_path = translations.po_path, translations.gaps_path
    monkeypatch.setattr(
        translations, "po_path", lambda language: main if language == "mt" else po_path(language)
    )
    monkeypatch.setattr(
        translations, "gaps_path", lambda language: gaps if language == "mt" else gaps_path(language)
    )
    return {"main": main, "gaps": gaps}


def test_maltese_pages_need_djangos_form_messages_and_month_names() -> None:
    """Django has no Maltese catalog: the messages Maltese pages show of Django's are the project's to
    translate. Its dates spell the month out ("7 ta' Diċembru 2026"), so the twelve month names."""
    wanted = translations.django_gaps("mt")
    assert (None, "This field is required.") in wanted
    assert (None, "Select a valid choice. %(value)s is not one of the available choices.") in wanted
    assert [(None, month) for month in MONTHS] == [key for key in wanted if key[1] in MONTHS]
    # Polish writes the genitive month ("7 grudnia 2026"), which Django's Polish catalog has.
    assert ("alt. month", "December") in translations.django_messages_of("pl")
    assert translations.django_gaps("pl") == []
    # French and German: everything Django's.
    assert translations.django_gaps("fr") == translations.django_gaps("de") == []


def test_todo_lists_djangos_messages_with_the_catalog_they_go_to(maltese: dict[str, Path]) -> None:
    entries = translations.todo("mt", ["public", "partner"])
    django = [entry for entry in entries if entry["where"] == [str(maltese["gaps"])]]
    assert {entry["msgid"] for entry in django} >= {"This field is required.", *MONTHS}
    plural = next(entry for entry in django if entry.get("msgid_plural"))
    assert plural["msgid"].startswith("Ensure this value has at most")
    assert "nplurals=4" in str(plural["plural_forms"])
    ours = next(entry for entry in entries if entry["msgid"] == "What do you know about this object?")
    assert "templates/public/_tip_form.html" in ours["where"] or "tips/forms.py" in ours["where"]


def test_fill_writes_both_catalogs_and_makes_the_header_compile(maltese: dict[str, Path]) -> None:
    assert translations.load("mt").fuzzy  # as makemessages left it: pybabel compile skips it
    count = translations.fill(
        "mt",
        {
            "What do you know about this object?": "X'taf dwar dan l-oġġett?",
            "This field is required.": "Dan il-qasam huwa meħtieġ.",
            "December": "Diċembru",
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).": [
                "Ikteb mhux aktar minn %(limit_value)d karattru (ktibt %(show_value)d).",
                "Ikteb mhux aktar minn %(limit_value)d karattri (ktibt %(show_value)d).",
                "Ikteb mhux aktar minn %(limit_value)d karattru (ktibt %(show_value)d).",
                "Ikteb mhux aktar minn %(limit_value)d karattru (ktibt %(show_value)d).",
            ],
        },
    )
    assert count == 4
    main, gaps = translations.load("mt"), translations.load_gaps("mt")
    assert gaps is not None
    assert not main.fuzzy
    assert main.locale_identifier == "mt"
    assert main.get("What do you know about this object?").string == "X'taf dwar dan l-oġġett?"
    assert gaps.get("December").string == "Diċembru"
    assert gaps.get("This field is required.").string == "Dan il-qasam huwa meħtieġ."
    problems = {problem.msgid for problem in translations.problems("mt")}
    assert "December" not in problems
    assert "What do you know about this object?" not in problems
    assert "November" in problems
    assert not [msgid for msgid in problems if msgid.startswith("(header")]


def test_gaps_keeps_what_was_translated(maltese: dict[str, Path]) -> None:
    translations.fill("mt", {"December": "Diċembru"})
    assert translations.gaps_update("mt") == 20
    gaps = translations.load_gaps("mt")
    assert gaps is not None
    assert gaps.get("December").string == "Diċembru"
    assert gaps.get("January").string == ""
    assert not gaps.fuzzy


def test_the_command_line_prints_valid_json_for_a_one_plural_language() -> None:
    """Babel prints warnings about an empty catalog's second plural form on standard output; ``todo``
    must still print JSON alone (Japanese has one plural form)."""
    env = {**os.environ, "TRACEOBJECT_ENV": "test", "DJANGO_SETTINGS_MODULE": "traceobject.settings"}
    result = subprocess.run(
        [sys.executable, "-m", "traceobject.core.translations", "todo", "ja"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    entries: list[dict[str, Any]] = json.loads(result.stdout)
    # The Japanese catalog is complete now: nothing to do, and still JSON alone on standard output.
    assert isinstance(entries, list)
    assert all("msgid" in entry for entry in entries)


@pytest.mark.django_db
def test_maltese_dates_have_the_maltese_form(client: Client) -> None:
    """Django has no Maltese formats: the project's (core/formats/mt) give "7 ta' <month> 2026", not the
    American "Dec. 7, 2026"."""
    html = client.get("/mt/accessibility/").content.decode()
    assert "7 ta\u2019 " in html
    assert "Dec. 7, 2026" not in html
