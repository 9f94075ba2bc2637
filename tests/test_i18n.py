"""The catalogs: French and German complete and consistent with the source; every enabled language complete
for the scopes it serves (the gate of ``make test``, core.translations); all of them actually served.

The Makefile compiles the catalogs before pytest; this module also compiles any missing or stale ``.mo``
file itself, at import time (that is, during collection, before any test can load a catalog), so that
``pytest tests/test_i18n.py`` works on its own. Like ``pybabel compile``, it skips a catalog whose header is
fuzzy: the gate reports that header, and the page test then finds the language unserved.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import pgettext, trim_whitespace

from traceobject.core import translations

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "traceobject"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
LANGUAGES = ("fr", "de")
PO_FILES = {lang: PACKAGE_DIR / "locale" / lang / "LC_MESSAGES" / "django.po" for lang in LANGUAGES}
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "de": "nplurals=2; plural=(n != 1);"}

# %(name)s-style placeholders, with optional flags, width and precision; "%%" is a literal percent sign.
PLACEHOLDER_RE = re.compile(r"%(?:%|\((?P<name>\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa])")
HTML_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")
TRANSLATE_RE = re.compile(
    r"{%\s*(?:translate|trans)\s+(?P<quote>[\"'])(?P<msgid>.*?)(?P=quote)(?P<options>[^%]*)%}", re.DOTALL
)
BLOCKTRANSLATE_RE = re.compile(
    r"{%\s*(?:blocktranslate|blocktrans)\b(?P<options>[^%]*)%}(?P<body>.*?)"
    r"{%\s*(?:endblocktranslate|endblocktrans)\s*%}",
    re.DOTALL,
)
CONTEXT_RE = re.compile(r"\bcontext\s+(?P<quote>[\"'])(?P<context>.*?)(?P=quote)")
PLURAL_TAG_RE = re.compile(r"{%\s*plural\s*%}")
VARIABLE_RE = re.compile(r"{{\s*(\w+)\s*}}")
# Django's makemessages keywords, as xgettext sees them (message argument positions, "c" for context).
PYTHON_KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}

MAKEMESSAGES_HINT = (
    "update the catalogs with `cd traceobject && TRACEOBJECT_ENV=test ../.venv/bin/traceobject makemessages "
    "-l fr -l de --no-obsolete`, then translate; missing from the catalogs:\n"
)

MessageKey = tuple[str | tuple[str, ...], str | None]  # (msgid or (msgid, msgid_plural), context)


def _compile_stale_catalogs() -> None:
    """Compile each catalog (the project's, and its catalogs of Django's messages) to its standard ``.mo``
    location if that file is missing or older, unless its header is fuzzy."""
    for po_path in sorted(
        [
            *PACKAGE_DIR.glob("locale/*/LC_MESSAGES/django.po"),
            *PACKAGE_DIR.glob("locale_django/*/LC_MESSAGES/django.po"),
        ]
    ):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file, contextlib.redirect_stdout(io.StringIO()):
            catalog = read_po(po_file)
        if catalog.fuzzy:
            continue
        # Write beside the target and rename, so that a concurrent reader never sees half a file.
        partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}.tmp")
        with partial.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        partial.replace(mo_path)


_compile_stale_catalogs()


def _read_catalog(lang: str) -> Catalog:
    with PO_FILES[lang].open("rb") as po_file:
        return read_po(po_file, abort_invalid=True)


def _placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER_RE.finditer(text) if match.group(0) != "%%")


def _messages(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _describe(message: Message) -> str:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return f"{msgid!r}" + (f" (context {message.context!r})" if message.context else "")


def _template_messages(path: Path) -> set[MessageKey]:
    """The msgids that makemessages takes from one template's translate and blocktranslate tags."""
    source = path.read_text("utf-8")
    found: set[MessageKey] = set()
    for match in TRANSLATE_RE.finditer(source):
        context = CONTEXT_RE.search(match.group("options"))
        # As Django's templatize does for a translate tag: a literal "%" becomes "%%" in the catalog.
        found.add((match.group("msgid").replace("%", "%%"), context.group("context") if context else None))
    for match in BLOCKTRANSLATE_RE.finditer(source):
        options = match.group("options")
        context = CONTEXT_RE.search(options)
        forms = []
        for form in PLURAL_TAG_RE.split(match.group("body")):
            if re.search(r"\btrimmed\b", options):
                form = trim_whitespace(form)
            forms.append(VARIABLE_RE.sub(r"%(\1)s", form.replace("%", "%%")))
        msgid: str | tuple[str, ...] = forms[0] if len(forms) == 1 else tuple(forms)
        found.add((msgid, context.group("context") if context else None))
    return found


def _python_messages(path: Path) -> set[MessageKey]:
    found: set[MessageKey] = set()
    with path.open("rb") as source:
        for _lineno, message, _comments, context in extract_from_file(
            "python", source.name, keywords=PYTHON_KEYWORDS, strip_comment_tags=True
        ):
            msgid = message if isinstance(message, str) else tuple(message)
            if msgid:
                found.add((msgid, context))
    return found


def _missing_from_catalogs(wanted: set[MessageKey]) -> list[str]:
    problems = []
    for lang in LANGUAGES:
        catalog = _read_catalog(lang)
        for msgid, context in sorted(wanted, key=repr):
            message = catalog.get(msgid if isinstance(msgid, str) else msgid[0], context=context)
            if message is None or (isinstance(msgid, tuple) and tuple(message.id) != msgid):
                problems.append(f"{lang}: {msgid!r}" + (f" (context {context!r})" if context else ""))
    return problems


TEMPLATES = sorted(TEMPLATES_DIR.rglob("*.html"))
PYTHON_SOURCES = sorted(
    path for path in PACKAGE_DIR.rglob("*.py") if "migrations" not in path.relative_to(PACKAGE_DIR).parts
)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_header(lang: str) -> None:
    catalog = _read_catalog(lang)
    headers = dict(catalog.mime_headers)
    assert not catalog.fuzzy, "the header is marked fuzzy: pybabel compile would skip the whole catalog"
    assert headers["Language"] == lang
    # Babel lower-cases the charset when it parses the header; the file itself says UTF-8.
    assert headers["Content-Type"].lower() == "text/plain; charset=utf-8"
    assert headers["Plural-Forms"] == PLURAL_FORMS[lang]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_and_not_fuzzy(lang: str) -> None:
    catalog = _read_catalog(lang)
    problems = []
    for message in _messages(catalog):
        forms = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        expected = catalog.num_plurals if message.pluralizable else 1
        if len(forms) != expected or not all(forms):
            problems.append(f"untranslated: {_describe(message)}")
        if message.fuzzy:
            problems.append(f"fuzzy: {_describe(message)}")
    assert not problems, f"{lang}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_placeholders_and_add_no_markup(lang: str) -> None:
    catalog = _read_catalog(lang)
    problems = []
    for message in _messages(catalog):
        msgids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        msgstrs = (message.string,) if isinstance(message.string, str) else tuple(message.string or ())
        expected = sorted(set().union(*(_placeholders(msgid) for msgid in msgids)))
        for index, msgstr in enumerate(msgstrs):
            if msgstr and sorted(set(_placeholders(msgstr))) != expected:
                problems.append(f"{_describe(message)} [{index}]: {_placeholders(msgstr)} != {expected}")
            if HTML_TAG_RE.search(msgstr or "") and not any(HTML_TAG_RE.search(msgid) for msgid in msgids):
                problems.append(f"{_describe(message)} [{index}]: markup in the translation only")
    # Babel's own checks: python-format compatibility and the number of plural forms.
    for message, errors in catalog.check():
        problems.extend(f"{_describe(message)}: {error}" for error in errors)
    assert not problems, f"{lang}:\n" + "\n".join(problems)


# French typography: a no-break space (U+00A0, or the narrow U+202F) before ":", ";", "!" and "?", and
# inside « ». Placeholders, template tags, markup (with what <kbd> and <code> hold), URLs, entities and
# times such as 12:30 are not prose, so they are masked before the check.
NO_BREAK_SPACES = "\u00a0\u202f"
NOT_PROSE_RE = re.compile(
    r"<(kbd|code)>.*?</\1>|</?[a-zA-Z][^>]*>"
    r"|%(?:%|\(\w+\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|[sd])|{{.*?}}|{%.*?%}|{\w*}"
    r"|\b[a-z][a-z0-9+.-]*://\S*|\bmailto:\S+|&#?\w+;|\d:\d",
    re.DOTALL,
)


def french_typography_problems(text: str) -> list[str]:
    """Each place in ``text`` where French wants a no-break space and has none (shown with context)."""
    prose = NOT_PROSE_RE.sub(lambda match: "x" * len(match.group(0)), text)
    problems = []
    for at, sign in enumerate(prose):
        before = prose[at - 1] if at else "\n"
        after = prose[at + 1] if at + 1 < len(prose) else "\n"
        if sign in ":;!?":
            wrong = before != "\n" and before not in NO_BREAK_SPACES and not (sign in "!?" and before in "!?")
        elif sign == "«":
            wrong = after not in NO_BREAK_SPACES
        elif sign == "»":
            wrong = before not in NO_BREAK_SPACES
        else:
            continue
        if wrong:
            problems.append(repr(text[max(0, at - 25) : at + 10]))
    return problems


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("Pays\u00a0: %(country)s", 0),
        ("Pays : %(country)s", 1),
        ("Pays: %(country)s", 1),
        ("%(field)s\u00a0: %(error)s", 0),
        ("Vu à 12:30 sur https://example.org/?a=1;b=2", 0),
        ('Appuyez sur <kbd>?</kbd>, ou <a href="/x?y">ici</a>\u00a0!', 0),
        ("Vraiment\u00a0?!", 0),
        ("cliquez sur « Quitter »", 2),
        ("cliquez sur «\u00a0Quitter\u00a0»", 0),
        ("{% url 'x' %} &amp; {{ a:b }}", 0),
    ],
)
def test_the_french_typography_check(text: str, problems: int) -> None:
    assert len(french_typography_problems(text)) == problems


def test_french_puts_a_no_break_space_before_double_signs() -> None:
    problems = []
    for message in _messages(_read_catalog("fr")):
        forms = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        for form in forms:
            problems.extend(
                f"{_describe(message)}: {where}" for where in french_typography_problems(form or "")
            )
    assert not problems, "use U+00A0 before : ; ! ? and inside « »:\n" + "\n".join(problems)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(TEMPLATES_DIR)))
def test_template_strings_are_in_both_catalogs(template: Path) -> None:
    missing = _missing_from_catalogs(_template_messages(template))
    assert not missing, MAKEMESSAGES_HINT + "\n".join(missing)


def test_template_extraction_finds_strings() -> None:
    """Guard the regexes above: they must keep finding both kinds of tag."""
    home = _template_messages(TEMPLATES_DIR / "public" / "home.html")
    assert ("Help us trace these objects", None) in home
    assert (("%(counter)s object", "%(counter)s objects"), None) in home
    assert any(isinstance(msgid, str) and msgid.startswith("Each object on this page") for msgid, _ in home)


@pytest.mark.parametrize("source", PYTHON_SOURCES, ids=lambda path: str(path.relative_to(PACKAGE_DIR)))
def test_python_strings_are_in_both_catalogs(source: Path) -> None:
    missing = _missing_from_catalogs(_python_messages(source))
    assert not missing, MAKEMESSAGES_HINT + "\n".join(missing)


# English words that name different things (an object's status, a lead's state, a tip's status, a column
# heading, a link): languages whose adjectives agree with a noun need one message per use, so each use
# carries a context (docs/translations.md, "One English word, several uses").
AMBIGUOUS = {"Identified", "New", "Sent", "Acknowledged", "Confirmed", "Ready", "Published", "Created"}


def test_ambiguous_words_are_never_used_without_a_context() -> None:
    found = set().union(
        *(_template_messages(path) for path in TEMPLATES),
        *(_python_messages(path) for path in PYTHON_SOURCES),
    )
    uses = {(msgid, context) for msgid, context in found if msgid in AMBIGUOUS}
    assert {msgid for msgid, _context in uses} == AMBIGUOUS, "the guard no longer sees these words"
    assert not [msgid for msgid, context in uses if context is None]


@pytest.mark.parametrize(
    ("language", "context", "msgid", "expected"),
    [
        # Polish: a lead (trop) is masculine, a tip (zgłoszenie) neuter; a date column reads impersonally.
        ("pl", "lead state", "Sent", "Wysłany"),
        ("pl", "heading of the date a lead was sent", "Sent", "Wysłano"),
        ("pl", "tip status", "New", "Nowe"),
        ("pl", "badge of a newly published object", "New", "Nowy"),
        # French: a lead (piste) and a determination are feminine, an object masculine.
        ("fr", "determination state", "Confirmed", "Confirmée"),
        ("fr", "confidence in a country", "Confirmed", "Confirmé"),
        ("fr", "object status", "Published", "Publié"),
        ("fr", "image status", "Ready", "Prête"),
        # Italian: a tip (segnalazione) is feminine, an object masculine.
        ("it", "tip status", "New", "Nuova"),
        ("it", "badge of a newly published object", "New", "Nuovo"),
        # Russian: a tip (сообщение) is neuter, an object (предмет) masculine.
        ("ru", "tip status", "New", "Новое"),
        ("ru", "badge of a newly published object", "New", "Новый"),
    ],
)
def test_each_use_of_an_ambiguous_word_has_its_own_translation(
    language: str, context: str, msgid: str, expected: str
) -> None:
    with translation.override(language):
        assert pgettext(context, msgid) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "lang", "expected", "absent"),
    [
        ("/", "en", "Help us trace these objects", "Aidez-nous à retrouver l'origine de ces objets"),
        ("/fr/", "fr", "Aidez-nous à retrouver l'origine de ces objets", "Help us trace these objects"),
        (
            "/fr/",
            "fr",
            "Il n'y a aucun objet à afficher pour le moment.",
            "There are no objects to show at the moment.",
        ),
        (
            "/de/",
            "de",
            "Helfen Sie uns, die Herkunft dieser Gegenstände zu ermitteln",
            "Help us trace these objects",
        ),
        ("/de/", "de", "Zurzeit gibt es keine Gegenstände zu sehen.", "There are no objects to show"),
        ("/fr/about/", "fr", "Comment vous pouvez aider", "How you can help"),
        ("/de/about/", "de", "So können Sie helfen", "How you can help"),
    ],
)
def test_pages_are_served_in_the_language_of_their_prefix(
    client: Client, url: str, lang: str, expected: str, absent: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{lang}" dir="ltr">' in page
    # Compare with the text a reader sees, whether or not an apostrophe was written as an entity.
    text = unescape(page)
    assert expected in text
    assert absent not in text


# --- The gate: every enabled language complete for the scopes it serves ----------------------------------

# Every language the site serves besides English, the source: the public 36, of which the partner portal
# serves the EU 24 and the staff side en, fr, de (settings.LANGUAGES, PARTNER_LANGUAGES, STAFF_LANGUAGES).
GATED = [code for code, _name in settings.LANGUAGES if code != "en"]
RIGHT_TO_LEFT = {"ar", "fa"}
SHOWN_PROBLEMS = 60


@pytest.mark.parametrize("lang", GATED)
def test_language_is_complete_for_the_scopes_it_serves(lang: str) -> None:
    """No untranslated, fuzzy or missing in-scope message, placeholders kept and Babel's format checks
    passed, a header that compiles, and Django's own messages of its pages translated."""
    found = [str(problem) for problem in translations.problems(lang)]
    shown = "\n".join(found[:SHOWN_PROBLEMS]) + (
        f"\n… and {len(found) - SHOWN_PROBLEMS} more" if len(found) > SHOWN_PROBLEMS else ""
    )
    assert not found, (
        f"{lang} is not complete for {', '.join(translations.scopes_of(lang))}: {len(found)} problems. "
        f"`python -m traceobject.core.translations todo {lang}` lists what to write "
        f"(docs/translations.md):\n{shown}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("lang", GATED)
def test_the_tip_form_is_served_in_the_language(client: Client, published_object: object, lang: str) -> None:
    """/xx/ answers with <html lang dir> right and the tip form in that language: the catalog is not
    only complete but compiled and used."""
    question = "What do you know about this object?"
    message = translations.load(lang).get(question)
    assert message is not None, f"{lang}: the catalog lacks the tip form's question"
    assert message.string, f"{lang}: the tip form's question is not translated"
    response = client.get(f"/{lang}/objects/B17-2026/")
    assert response.status_code == 200
    page = unescape(response.content.decode())
    direction = "rtl" if lang in RIGHT_TO_LEFT else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in page
    assert message.string in page, f"{lang}: the page does not show the catalog's translation"
    assert question not in page


BROKEN_CATALOG = r"""# A Polish catalog broken in every way the gate knows.
#, fuzzy
msgid ""
msgstr ""
"Language: pl\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"

#: templates/public/home.html:1
msgid "Objects"
msgstr ""

#: templates/public/home.html:2
#, fuzzy
msgid "About"
msgstr "O nas"

#: templates/public/home.html:3
#, python-format
msgid "Object %(code)s"
msgstr "Obiekt"

#: templates/public/home.html:4
#, python-format
msgid "%(count)s%% done"
msgstr "%(count)s % zrobione"

#: templates/public/home.html:5
#, python-format
msgid "%(n)s tip"
msgid_plural "%(n)s tips"
msgstr[0] "%(n)s wskazówka"
msgstr[1] "%(n)s wskazówki"

#: templates/public/home.html:7
msgid "Privacy"
msgstr "Prywatność"

#: templates/staff/home.html:1
msgid "Dashboard"
msgstr ""
"""


def test_the_gate_finds_each_kind_of_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each problem of a broken catalog is reported, and a message outside the language's scopes (a
    staff page's, for Polish) is not."""
    broken = tmp_path / "pl.po"
    broken.write_text(BROKEN_CATALOG, encoding="utf-8")
    reference = translations.po_path
    monkeypatch.setattr(
        translations, "po_path", lambda language: broken if language == "pl" else reference(language)
    )
    found = {(problem.msgid, problem.problem.split(":")[0]) for problem in translations.problems("pl")}
    assert ("Objects", "untranslated") in found
    assert ("About", "fuzzy") in found
    assert ("Object %(code)s", "placeholders differ") in found
    assert ("%(count)s%% done", "format check") in found
    assert ("%(n)s tip", "untranslated") in found  # two of the three plural forms
    assert (f"(header of {broken})", "the header is fuzzy, so the catalog is never compiled") in found
    # Every public message of the sources that this catalog lacks ("Identified", the link, among many).
    assert ("Identified", "missing from the catalog (run makemessages)") in found
    assert not [msgid for msgid, _problem in found if msgid in {"Privacy", "Dashboard"}]
