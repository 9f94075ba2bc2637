"""Which messages each language must translate, and the tools that fill and check the catalogs.

The public side speaks 36 languages, the partner portal the 24 EU ones, the staff side three
(settings.LANGUAGES, PARTNER_LANGUAGES, STAFF_LANGUAGES). One catalog per language holds every message;
a message belongs to an area's scope when one of its source references is a file that area renders.
A language is complete when every message in the scopes it serves is translated, not fuzzy, and keeps
the original's placeholders: ``make test`` checks that (tests/test_i18n.py), and a translator works with

    python -m traceobject.core.translations todo pl [--scope partner] > todo.json
    python -m traceobject.core.translations fill pl done.json
    python -m traceobject.core.translations check
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = PACKAGE_DIR / "locale"

# Source files (relative to the package, as the catalogs' references name them) whose messages a visitor
# of the public pages can see. A message referenced by any of them is in the public scope.
PUBLIC_SOURCES = (
    "templates/public/*",
    "templates/500.html",
    "core/views.py",
    "core/forms.py",
    "core/widgets.py",
    "core/context_processors.py",
    "gallery/views.py",
    "gallery/templatetags/*",
    "stats/views.py",
    "stats/templatetags/*",
    "tips/views.py",
    "tips/forms.py",
    "tips/followup_forms.py",
    "tips/followup_views.py",
    "tips/followups.py",
    "tips/barrier_views.py",
    "tips/barriers.py",
    "tips/models.py",
    "tips/services.py",
    "tips/antiabuse/*",
)
# What a national partner sees: the portal, its login and second factor, its dossier and its mail, and
# the refusals of the services behind them (a whole file: the runtime test found some of their messages on
# partner pages, and a file's other refusals may show there too).
PARTNER_SOURCES = (
    "templates/partner/*",
    "templates/accounts/*",
    "templates/staff/_field.html",
    "templates/staff/_form_errors.html",
    "templates/leads/dossier.html",
    "templates/leads/mail/*",
    "templates/500.html",
    "core/views.py",
    "core/forms.py",
    "core/widgets.py",
    "accounts/forms.py",
    "accounts/views.py",
    "accounts/middleware.py",
    "accounts/selectors.py",
    "accounts/services.py",
    "leads/partner_forms.py",
    "leads/services.py",
    "leads/partner_views.py",
    "leads/models.py",
    "leads/exports.py",
)
SCOPES = {"public": PUBLIC_SOURCES, "partner": PARTNER_SOURCES}

# Django's own messages that a visitor of the public pages (resp. a partner) can see, as (context, msgid):
# form errors, the label suffix, and the month names and times of dates. Django's catalogs translate
# them, except where Django has no catalog (Maltese) or a gap, where the project's own small catalogs
# under ``locale_django/`` do (``django_problems``). tests/test_translation_scopes.py fails when a page
# asks for one that is not listed here.
Key = tuple[str | None, str]
DJANGO_FORM_MESSAGES: tuple[Key, ...] = (
    (None, ":"),
    (None, "This field is required."),
    (None, "Null characters are not allowed."),
    (None, "Select a valid choice. %(value)s is not one of the available choices."),
    (None, "Ensure this value has at most %(limit_value)d character (it has %(show_value)d)."),
)
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTHS_AP = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
# The messages each character of a date format asks for (django.utils.dateformat, django.utils.dates).
DATE_FORMAT_MESSAGES: dict[str, tuple[Key, ...]] = {
    "F": tuple((None, month) for month in _MONTHS),
    "E": tuple(("alt. month", month) for month in _MONTHS),
    "N": tuple(("abbrev. month", month) for month in _MONTHS_AP),
    "M": tuple((None, month[:3].lower()) for month in _MONTHS),
    "b": tuple((None, month[:3].lower()) for month in _MONTHS),
    "a": ((None, "a.m."), (None, "p.m.")),
    "A": ((None, "AM"), (None, "PM")),
    "P": ((None, "a.m."), (None, "p.m."), (None, "noon"), (None, "midnight")),
    "D": tuple((None, day) for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")),
    "l": tuple(
        (None, day) for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    ),
}
# The named formats each area's pages use (``|date:"..."``).
AREA_DATE_FORMATS = {
    "public": ("DATE_FORMAT", "SHORT_DATETIME_FORMAT"),
    "partner": ("DATE_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"),
}
_DATE_MESSAGES = tuple(dict.fromkeys(key for keys in DATE_FORMAT_MESSAGES.values() for key in keys))
DJANGO_PUBLIC_MESSAGES: tuple[Key, ...] = (*DJANGO_FORM_MESSAGES, *_DATE_MESSAGES)
DJANGO_PARTNER_MESSAGES: tuple[Key, ...] = (
    *DJANGO_FORM_MESSAGES,
    (None, "Enter a whole number."),
    (None, "Ensure this value is greater than or equal to %(limit_value)s."),
    # Truncator (the truncatechars filter)
    ("String to return when truncating text", "%(truncated_text)s…"),
    *_DATE_MESSAGES,
)


# printf-style and brace placeholders, as Python's % and str.format read them.
_PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[diouxXeEfFgGcrsa%]|\{(\w*)\}")


def languages_of(scope: str) -> tuple[str, ...]:
    from django.conf import settings

    if scope == "public":
        return tuple(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
    if scope == "partner":
        return tuple(code for code in settings.PARTNER_LANGUAGES if code != settings.LANGUAGE_CODE)
    if scope == "staff":
        return tuple(code for code in settings.STAFF_LANGUAGES if code != settings.LANGUAGE_CODE)
    raise ValueError(scope)


def po_path(language: str) -> Path:
    from django.utils.translation import to_locale

    return LOCALE_DIR / to_locale(language) / "LC_MESSAGES" / "django.po"


def load(language: str) -> Catalog:
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=None)


def save(language: str, catalog: Catalog) -> None:
    with po_path(language).open("wb") as handle:
        write_po(handle, catalog, width=110, omit_header=False)


def in_scope(message: Message, scope: str) -> bool:
    if scope == "staff":
        return True  # the staff languages translate every message
    patterns = SCOPES[scope]
    return any(fnmatch.fnmatch(path, pattern) for path, _line in message.locations for pattern in patterns)


def ids_of(message: Message) -> tuple[str, ...]:
    """A message's msgid, and its plural msgid if it has one."""
    return _ids(message)


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)


def _strings(message: Message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, tuple | list) else (message.string,)


def placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in _PLACEHOLDER.finditer(text) if match.group(0) != "%%")


@dataclass(frozen=True)
class Problem:
    language: str
    msgid: str
    problem: str

    def __str__(self) -> str:
        return f"{self.language}: {self.problem}: {self.msgid[:80]!r}"


def scopes_of(language: str) -> list[str]:
    return [scope for scope in ("public", "partner", "staff") if language in languages_of(scope)]


def problems(language: str) -> Iterator[Problem]:
    """Every in-scope message that is missing, fuzzy, or whose placeholders differ from the original."""
    scopes = scopes_of(language)
    catalog = load(language)
    for message in catalog:
        if not message.id or not any(in_scope(message, scope) for scope in scopes):
            continue
        ids, strings = _ids(message), _strings(message)
        if message.fuzzy:
            yield Problem(language, ids[0], "fuzzy")
        elif not all(strings):
            yield Problem(language, ids[0], "untranslated")
        elif len(ids) > 1 and len(strings) != catalog.num_plurals:
            yield Problem(language, ids[0], "wrong number of plural forms")
        else:
            # The singular form may drop a number it implies ("one tip"); every form keeps the names.
            expected = placeholders(ids[-1])
            for form in strings:
                if {p for p in placeholders(form) if "(" in p} != {p for p in expected if "(" in p}:
                    yield Problem(language, ids[0], f"placeholders differ: {form[:60]!r}")
                    break


def todo(language: str, scopes: Iterable[str]) -> list[dict[str, object]]:
    """The messages a translator still has to write, with where they appear."""
    wanted = []
    bad = {problem.msgid for problem in problems(language)}
    for message in load(language):
        if not message.id or _ids(message)[0] not in bad:
            continue
        if not any(in_scope(message, scope) for scope in scopes):
            continue
        entry: dict[str, object] = {
            "msgid": _ids(message)[0],
            "where": sorted({p for p, _ in message.locations}),
        }
        if len(_ids(message)) > 1:
            entry["msgid_plural"] = _ids(message)[1]
            entry["plural_forms"] = load(language).plural_forms
        if message.context:
            entry["context"] = message.context
        wanted.append(entry)
    return wanted


def fill(language: str, translations: dict[str, str | list[str]]) -> int:
    """Write translations (msgid → text, or → list of plural forms) into the catalog; clears fuzzy."""
    catalog = load(language)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        key = _ids(message)[0]
        if key not in translations:
            continue
        value = translations[key]
        if isinstance(message.id, tuple | list):
            forms = [value] * catalog.num_plurals if isinstance(value, str) else list(value)
            if len(forms) != catalog.num_plurals:
                raise ValueError(f"{language}: {key!r} needs {catalog.num_plurals} plural forms")
            message.string = tuple(forms)
        else:
            if not isinstance(value, str):
                raise ValueError(f"{language}: {key!r} is not a plural message")
            message.string = value
        message.flags.discard("fuzzy")
        message.previous_id = []
        filled += 1
    save(language, catalog)
    return filled


def main(argv: list[str] | None = None) -> int:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traceobject.settings")
    django.setup()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    todo_command = commands.add_parser("todo", help="print the messages still to translate, as JSON")
    todo_command.add_argument("language")
    todo_command.add_argument("--scope", action="append", choices=[*SCOPES, "staff"])
    fill_command = commands.add_parser("fill", help="write translations from a JSON object msgid → text")
    fill_command.add_argument("language")
    fill_command.add_argument("file", type=Path)
    check_command = commands.add_parser("check", help="list every problem in every language")
    check_command.add_argument("language", nargs="*")
    args = parser.parse_args(argv)
    if args.command == "todo":
        scopes = args.scope or scopes_of(args.language)
        json.dump(todo(args.language, scopes), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    if args.command == "fill":
        count = fill(args.language, json.loads(args.file.read_text(encoding="utf-8")))
        sys.stdout.write(f"{count} messages filled in {po_path(args.language)}\n")
        return 0
    from django.conf import settings

    found = 0
    for language in args.language or [code for code, _ in settings.LANGUAGES if code != "en"]:
        for problem in problems(language):
            sys.stdout.write(f"{problem}\n")
            found += 1
    sys.stdout.write(f"{found} problems\n")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
