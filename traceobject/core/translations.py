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
import contextlib
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
    "tips/antiabuse/*",
)
# What a national partner sees: the portal, its login and second factor, its dossier and its mail.
PARTNER_SOURCES = (
    "templates/partner/*",
    "templates/accounts/*",
    "templates/leads/dossier.html",
    "templates/leads/mail/*",
    "templates/500.html",
    "core/views.py",
    "core/forms.py",
    "core/widgets.py",
    "accounts/forms.py",
    "accounts/views.py",
    "accounts/middleware.py",
    "leads/partner_forms.py",
    "leads/partner_views.py",
    "leads/models.py",
    "leads/exports.py",
)
SCOPES = {"public": PUBLIC_SOURCES, "partner": PARTNER_SOURCES}

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
    from django.utils.translation import to_locale

    # Babel reports a malformed entry by printing to stdout, which would corrupt `todo`'s JSON.
    with po_path(language).open("rb") as handle, contextlib.redirect_stdout(sys.stderr):
        return read_po(handle, locale=to_locale(language))


def save(language: str, catalog: Catalog) -> None:
    with po_path(language).open("wb") as handle:
        write_po(handle, catalog, width=110, omit_header=False)


def in_scope(message: Message, scope: str) -> bool:
    if scope == "staff":
        return True  # the staff languages translate every message
    patterns = SCOPES[scope]
    return any(fnmatch.fnmatch(path, pattern) for path, _line in message.locations for pattern in patterns)


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
    if catalog.fuzzy:
        # pybabel compile skips a catalog whose header is fuzzy: not one message would be served.
        yield Problem(language, "", "the catalog's header is marked fuzzy")
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


def _key(message: Message) -> str:
    """gettext's own key: the context and the msgid joined by EOT, or the msgid alone."""
    msgid = _ids(message)[0]
    return f"{message.context}\x04{msgid}" if message.context else msgid


def fill(language: str, translations: dict[str, str | list[str]]) -> int:
    """Write translations into the catalog and clear their fuzzy flags.

    Keys are msgids, or ``context + "\\x04" + msgid`` for a message with a context (as `todo` gives them):
    a plain msgid never fills a message that has a context, whose meaning may differ. Only messages in
    the scopes the language serves are written.
    """
    catalog = load(language)
    scopes = scopes_of(language)
    filled = 0
    for message in catalog:
        if not message.id or not any(in_scope(message, scope) for scope in scopes):
            continue
        key = _key(message)
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
    catalog.fuzzy = False  # a translated catalog, no longer a template
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
