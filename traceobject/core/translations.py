"""Which messages each language must translate, and the tools that fill and check the catalogs.

The public side speaks 36 languages, the partner portal the 24 EU ones, the staff side three
(settings.LANGUAGES, PARTNER_LANGUAGES, STAFF_LANGUAGES). One catalog per language holds every message;
a message belongs to an area's scope when one of its source references is a file that area renders
(PUBLIC_SOURCES, PARTNER_SOURCES; tests/test_translation_scopes.py proves them at run time). A language is
complete when every message in the scopes it serves is in its catalog, translated, not fuzzy, keeps the
original's placeholders and passes Babel's format checkers; when its catalog's header lets it be compiled;
and when Django's own messages its pages show (form errors, month names) are translated by Django or by
the project's small catalog of them under ``locale_django/``. ``make test`` checks that for every language
(tests/test_i18n.py), and a translator works with

    python -m traceobject.core.translations todo pl [--scope partner] > todo.json
    python -m traceobject.core.translations fill pl done.json
    python -m traceobject.core.translations check [pl ...]
    python -m traceobject.core.translations gaps      # after a Django upgrade: rewrite locale_django

See docs/translations.md.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import gettext
import importlib
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import django.conf.locale as django_locale
from babel import Locale
from babel.messages.catalog import Catalog, Message, TranslationError
from babel.messages.checkers import num_plurals, python_format
from babel.messages.pofile import read_po, write_po

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = PACKAGE_DIR / "locale"
# Django's own messages that the public or a partner sees, for the languages whose Django catalog lacks
# them (Maltese has none at all): a second entry of LOCALE_PATHS, one small catalog per such language.
DJANGO_GAPS_DIR = PACKAGE_DIR / "locale_django"
DJANGO_LOCALE_DIR = Path(next(iter(django_locale.__path__)))

# Source files (relative to the package, as the catalogs' references name them) whose messages a visitor
# of the public pages can see. A message referenced by any of them is in the public scope.
PUBLIC_SOURCES = (
    "templates/public/*",
    "templates/500.html",
    "core/views.py",
    "core/forms.py",
    "core/widgets.py",
    "core/context_processors.py",
    "gallery/categories.py",
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
# What a national partner sees: the portal, its login and second factor, its dossier and its mail, the
# names of the standard categories, and the refusals of the services behind them (a whole file: the
# runtime test found some of their messages on partner pages, and a file's other refusals may show there
# too).
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
    "gallery/categories.py",
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
# The catalog every other is compared with for messages it lacks: French translates every message, and
# tests/test_i18n.py keeps it complete against the sources.
REFERENCE_LANGUAGE = "fr"

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


def _read(path: Path) -> Catalog:
    # Babel prints its warnings (an empty catalog's two msgstr[] where the language has one plural form)
    # to standard output, where they would corrupt the JSON of ``todo``.
    with path.open("rb") as handle, contextlib.redirect_stdout(io.StringIO()):
        return read_po(handle, locale=None)


def load(language: str) -> Catalog:
    return _read(po_path(language))


def save(language: str, catalog: Catalog, path: Path | None = None) -> None:
    # A catalog someone has written translations into is a real one: its header says its language and is
    # no longer fuzzy (a fuzzy header makes ``pybabel compile`` skip the whole file: the pages would stay
    # English with every message translated).
    catalog.fuzzy = False
    if catalog.locale_identifier != _locale_name(language):
        catalog.locale = Locale.parse(_locale_name(language))
    with (path or po_path(language)).open("wb") as handle:
        write_po(handle, catalog, width=110, omit_header=False)


def _locale_name(language: str) -> str:
    from django.utils.translation import to_locale

    return to_locale(language)


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
    return tuple(message.string) if isinstance(message.string, tuple | list) else (message.string or "",)


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


def _message_problem(catalog: Catalog, message: Message) -> str | None:
    """What is wrong with one message of ``catalog``, or None: missing, fuzzy, the wrong number of plural
    forms, placeholders that differ, or a format string Babel's own checkers refuse (``python_format``:
    what ``msgfmt --check-format`` checks; ``num_plurals``)."""
    ids, strings = _ids(message), _strings(message)
    if message.fuzzy:
        return "fuzzy"
    if not all(strings):
        return "untranslated"
    if len(ids) > 1 and len(strings) != catalog.num_plurals:
        return "wrong number of plural forms"
    # The singular form may drop a number it implies ("one tip"); every form keeps the names.
    expected = placeholders(ids[-1])
    for form in strings:
        if {p for p in placeholders(form) if "(" in p} != {p for p in expected if "(" in p}:
            return f"placeholders differ: {form[:60]!r}"
    for checker in (python_format, num_plurals):
        try:
            checker(catalog, message)
        except TranslationError as error:
            return f"format check: {error}"
    if message.python_format:
        for form in strings:
            problem = _formatting_problem(ids[-1], form)
            if problem:
                return f"format check: {problem}"
    return None


_SAMPLES = {"d": 2, "i": 2, "o": 2, "u": 2, "x": 2, "X": 2, "e": 2.5, "E": 2.5, "f": 2.5, "F": 2.5, "g": 2.5}


def _formatting_problem(msgid: str, form: str) -> str | None:
    """Format the translation as Django will (``%`` with the msgid's values) and say what breaks: Babel's
    checker misses a stray "%" before a letter that is no conversion ("50 % des"), which Python refuses."""
    named = {match.group(1): match.group(0)[-1] for match in _PLACEHOLDER.finditer(msgid) if match.group(1)}
    positional = [p for p in placeholders(msgid) if "(" not in p and not p.startswith("{")]
    values: dict[str, object] | tuple[object, ...]
    if positional and not named:
        values = tuple(_SAMPLES.get(p[-1], "x") for p in positional)
    else:
        values = {name: _SAMPLES.get(kind, "x") for name, kind in named.items()}
    try:
        form % values  # only whether it formats matters
    except (ValueError, TypeError, KeyError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def _shown(path: Path) -> str:
    return str(path.relative_to(PACKAGE_DIR)) if path.is_relative_to(PACKAGE_DIR) else str(path)


def header_problems(language: str, catalog: Catalog, path: Path) -> Iterator[Problem]:
    """A header that would keep the catalog from being used: fuzzy (``pybabel compile`` skips the file),
    another language, or a plural rule that picks a form the catalog does not have."""
    where = f"(header of {_shown(path)})"
    if catalog.fuzzy:
        yield Problem(language, where, "the header is fuzzy, so the catalog is never compiled")
    if catalog.locale_identifier != _locale_name(language):
        yield Problem(
            language, where, f"Language is {catalog.locale_identifier!r}, not {_locale_name(language)!r}"
        )
    try:
        rule = gettext.c2py(catalog.plural_expr)
        picks = {rule(n) for n in range(1001)}
    except (ValueError, SyntaxError):
        yield Problem(language, where, f"the plural rule {catalog.plural_expr!r} does not parse")
    else:
        if not picks <= set(range(catalog.num_plurals)):
            yield Problem(
                language, where, f"the plural rule picks forms {sorted(picks)} of {catalog.num_plurals}"
            )


def problems(language: str) -> Iterator[Problem]:
    """Every in-scope message that is missing, fuzzy, or whose placeholders differ from the original; a
    header that keeps the catalog from being used; and every message of Django's that the language's
    pages show and neither Django's catalog nor the project's ``locale_django`` one translates."""
    scopes = scopes_of(language)
    catalog = load(language)
    yield from header_problems(language, catalog, po_path(language))
    if language != REFERENCE_LANGUAGE:
        # A message the sources gained since this catalog was last updated is not in it at all.
        for message in load(REFERENCE_LANGUAGE):
            wanted = message.id and any(in_scope(message, scope) for scope in scopes)
            if wanted and catalog.get(message.id, context=message.context) is None:
                yield Problem(language, _ids(message)[0], "missing from the catalog (run makemessages)")
    for message in catalog:
        if not message.id or not any(in_scope(message, scope) for scope in scopes):
            continue
        problem = _message_problem(catalog, message)
        if problem:
            yield Problem(language, _ids(message)[0], problem)
    yield from django_problems(language)


# --- Django's own messages ---------------------------------------------------------------------------------


def date_format(language: str, name: str) -> str:
    """A named date format of a language, read from the format modules as Django would (the project's
    first, then Django's), but without Django's condition that a compiled catalog exist."""
    from django.conf import settings

    paths = settings.FORMAT_MODULE_PATH
    paths = [paths] if isinstance(paths, str) else list(paths or [])
    locale = _locale_name(language)
    for module_name in [
        *(f"{path}.{locale}.formats" for path in paths),
        f"django.conf.locale.{locale}.formats",
    ]:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        value = getattr(module, name, None)
        if value is not None:
            return str(value)
    return str(getattr(settings, name))


def django_messages_of(language: str) -> list[Key]:
    """Django's messages that the pages of this language show: the form messages of each area it serves
    (both, for a staff language), and the month and time words of its own date formats."""
    areas = {"public"} if scopes_of(language) == ["public"] else {"public", "partner"}
    lists = {"public": DJANGO_PUBLIC_MESSAGES, "partner": DJANGO_PARTNER_MESSAGES}
    dates = set(_DATE_MESSAGES)
    wanted: dict[Key, None] = {}
    for area in sorted(areas):
        wanted.update(dict.fromkeys(key for key in lists[area] if key not in dates))
        for name in AREA_DATE_FORMATS[area]:
            for char in re.sub(r"\\.", "", date_format(language, name)):
                wanted.update(dict.fromkeys(DATE_FORMAT_MESSAGES.get(char, ())))
    return list(wanted)


@cache
def _django_catalog(language: str) -> dict[object, str]:
    """Django's own compiled catalog of a language (msgid, or "context\x04msgid", or (msgid, form) → text)."""
    path = DJANGO_LOCALE_DIR / _locale_name(language) / "LC_MESSAGES" / "django.mo"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def _django_translates(language: str, key: Key, plural: bool) -> bool:
    context, msgid = key
    lookup = f"{context}\x04{msgid}" if context else msgid
    catalog = _django_catalog(language)
    return bool(catalog.get((lookup, 0)) if plural else catalog.get(lookup))


def gaps_path(language: str) -> Path:
    return DJANGO_GAPS_DIR / _locale_name(language) / "LC_MESSAGES" / "django.po"


def load_gaps(language: str) -> Catalog | None:
    path = gaps_path(language)
    return _read(path) if path.exists() else None


def django_gaps(language: str) -> list[Key]:
    """Django's messages of ``django_messages_of`` that Django's own catalog does not translate."""
    source = _django_source()
    return [
        key
        for key in django_messages_of(language)
        if not _django_translates(language, key, source[key].pluralizable)
    ]


def django_problems(language: str) -> Iterator[Problem]:
    gaps = django_gaps(language)
    if not gaps:
        return
    catalog = load_gaps(language)
    if catalog is None:
        for _context, msgid in gaps:
            yield Problem(
                language,
                msgid,
                f"Django does not translate it: no {_shown(gaps_path(language))}",
            )
        return
    yield from header_problems(language, catalog, gaps_path(language))
    for context, msgid in gaps:
        message = catalog.get(msgid, context=context)
        problem = (
            "Django does not translate it, and locale_django lacks it"
            if message is None
            else (_message_problem(catalog, message))
        )
        if problem:
            yield Problem(language, msgid, problem)


def _entry(message: Message, catalog: Catalog, where: list[str]) -> dict[str, object]:
    entry: dict[str, object] = {"msgid": _key(message), "where": where}
    if len(_ids(message)) > 1:
        entry["msgid_plural"] = _ids(message)[1]
        entry["plural_forms"] = catalog.plural_forms
    if message.context:
        entry["context"] = message.context
    return entry


def todo(language: str, scopes: Iterable[str]) -> list[dict[str, object]]:
    """The messages a translator still has to write, with where they appear; Django's messages that
    Django does not translate for this language last, "where" naming the catalog they go to."""
    wanted = []
    bad = {problem.msgid for problem in problems(language)}
    catalog = load(language)
    for message in catalog:
        if not message.id or _ids(message)[0] not in bad:
            continue
        if not any(in_scope(message, scope) for scope in scopes):
            continue
        wanted.append(_entry(message, catalog, sorted({p for p, _ in message.locations})))
    gaps = load_gaps(language)
    if gaps is not None:
        where = [_shown(gaps_path(language))]
        wanted.extend(
            _entry(message, gaps, where) for message in gaps if message.id and _ids(message)[0] in bad
        )
    return wanted


def _key(message: Message) -> str:
    """gettext's own key: the context and the msgid joined by EOT, or the msgid alone."""
    msgid = _ids(message)[0]
    return f"{message.context}\x04{msgid}" if message.context else msgid


def _fill_catalog(
    language: str, catalog: Catalog, translations: dict[str, str | list[str]], *, scoped: bool = True
) -> int:
    """Keys are msgids, or ``context + "\\x04" + msgid`` for a message with a context (as `todo` gives
    them): a plain msgid never fills a message with a context, whose meaning may differ. In the project's
    catalog only the messages of the scopes the language serves are written."""
    scopes = scopes_of(language)
    filled = 0
    for message in catalog:
        if not message.id or (scoped and not any(in_scope(message, scope) for scope in scopes)):
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
    return filled


def fill(language: str, translations: dict[str, str | list[str]]) -> int:
    """Write translations (msgid → text, or → list of plural forms) into the catalog, and into the
    language's catalog of Django's messages (``locale_django``) for the msgids it holds; clears fuzzy,
    and makes the header say the language and drop its fuzzy mark (see ``save``)."""
    catalog = load(language)
    filled = _fill_catalog(language, catalog, translations)
    save(language, catalog)
    gaps = load_gaps(language)
    if gaps is not None:
        filled += _fill_catalog(language, gaps, translations, scoped=False)
        save(language, gaps, gaps_path(language))
    return filled


@cache
def _django_source() -> dict[Key, Message]:
    """Django's English catalog: the msgids (with plural and flags) of its messages."""
    catalog = _read(DJANGO_LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po")
    return {(message.context, _ids(message)[0]): message for message in catalog if message.id}


GAPS_COMMENT = "Django's own message, which Django's catalog for this language does not translate."


def gaps_update(language: str) -> int:
    """(Re)write ``locale_django/<locale>/LC_MESSAGES/django.po``: the messages of ``django_gaps``, with
    any translation it already held, and the plural rule of the project's catalog of the language (the
    one Django's own catalogs use). Returns how many messages it holds; a language without gaps gets no
    file (an old one is removed)."""
    gaps = django_gaps(language)
    path = gaps_path(language)
    old = load_gaps(language)
    if not gaps:
        if path.exists():
            path.unlink()
        return 0
    main = load(language)
    catalog = Catalog(
        locale=_locale_name(language),
        project="Trace an Object (Django's messages)",
        fuzzy=False,
        header_comment=(
            "# Django's own messages that the pages of this language show and that Django's catalog\n"
            "# does not translate. Written by `python -m traceobject.core.translations gaps`; translate\n"
            "# them with `todo` and `fill` like the project's own (docs/translations.md)."
        ),
    )
    catalog.mime_headers = [(name, value) for name, value in main.mime_headers if name == "Plural-Forms"]
    catalog.locale = Locale.parse(_locale_name(language))
    for key in gaps:
        source = _django_source()[key]
        previous = (
            old.get(source.id if isinstance(source.id, str) else source.id[0], context=key[0])
            if old
            else None
        )
        if previous is not None and previous.string and _ids(previous) == _ids(source):
            string = previous.string
        else:
            string = ("",) * catalog.num_plurals if source.pluralizable else ""
        catalog.add(
            source.id,
            string=string,
            context=key[0],
            flags=set(source.flags) - {"fuzzy"},
            auto_comments=[GAPS_COMMENT],
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=110, omit_header=False)
    return len(gaps)


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
    gaps_command = commands.add_parser(
        "gaps",
        help="(re)write the catalogs of Django's messages that Django does not translate (locale_django)",
    )
    gaps_command.add_argument("language", nargs="*")
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

    if args.command == "gaps":
        for language in args.language or [code for code, _ in settings.LANGUAGES if code != "en"]:
            count = gaps_update(language)
            if count:
                sys.stdout.write(f"{count} of Django's messages to translate in {gaps_path(language)}\n")
        return 0
    found = 0
    for language in args.language or [code for code, _ in settings.LANGUAGES if code != "en"]:
        for problem in problems(language):
            sys.stdout.write(f"{problem}\n")
            found += 1
    sys.stdout.write(f"{found} problems\n")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
