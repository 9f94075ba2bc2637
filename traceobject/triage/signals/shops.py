# ruff: noqa: RUF001, RUF003 - non-ASCII letters and punctuation are the point of these strings
"""The shop or brand field, normalised so that the same shop counts once across tips.

"IKEA", "Ikea GmbH" and " ikea. " are one shop for the "top shops" of an object; "Biedronka Sp. z o.o."
is Biedronka. Only the legal form is dropped, never a word of the name itself. The pages show the
tipster's spelling (``display_shop``), never the folded key.
"""

from __future__ import annotations

import re
from functools import cache

from traceobject.triage.signals.normalise import fold_key, is_unspaced

# Legal forms, folded; longest first so that "gmbh & co kg" goes before "kg".
LEGAL_FORMS = (
    "gmbh & co. kg", "gmbh & co kg", "gmbh", "mbh", "ag", "kg", "ohg", "e.k.", "ug", "ltd.", "ltd", "limited",
    "plc", "llc", "l.l.c.", "inc.", "inc", "corp.", "corp", "corporation", "co.", "co", "company", "pty ltd",
    "pty", "s.a.", "sa", "s.a.s.", "sas", "sarl", "s.a.r.l.", "s.r.l.", "srl", "s.p.a.", "spa", "s.l.", "sl",
    "s.l.u.", "slu", "s.a. de c.v.", "sa de cv", "ltda.", "ltda", "b.v.", "bv", "n.v.", "nv", "a/s", "as",
    "aps", "ab", "oy", "oyj", "asa", "sp. z o.o.", "sp. z o. o.", "sp z oo", "sp.j.", "s.c.", "s.r.o.", "sro",
    "a.s.", "d.o.o.", "doo", "kft.", "kft", "zrt.", "zrt", "nyrt", "ooo", "ооо", "оао", "зао", "пао", "тов",
    "a.ş.", "a.s", "ltd. şti.", "ltd şti", "şti.", "sti", "pte ltd", "pte. ltd.", "sdn bhd", "bhd", "k.k.",
    "kk", "株式会社", "有限公司",
)  # fmt: skip
# Forms written before the name: ООО «Ромашка», 株式会社ニトリ.
PREFIX_FORMS = ("ooo", "ооо", "оао", "зао", "пао", "тов", "株式会社", "有限会社")
_PUNCTUATION = " \t\n.,;:!?\"'`«»“”„‚‘’()[]{}<>*/\\|-_–—·•"


@cache
def _legal_forms() -> tuple[str, ...]:
    """Folded, with and without a final full stop (trailing punctuation is trimmed first)."""
    forms = {fold_key(form) for form in LEGAL_FORMS}
    forms |= {form.rstrip(".") for form in forms}
    return tuple(sorted(forms, key=len, reverse=True))


@cache
def _prefix_forms() -> tuple[str, ...]:
    return tuple(fold_key(form) for form in PREFIX_FORMS)


def _strip_legal_form(name: str) -> str:
    changed = True
    while changed and name:
        changed = False
        for form in _legal_forms():
            if name == form:
                break
            glued = is_unspaced(form[0]) and name.endswith(form)  # ニトリ株式会社
            if glued or name.endswith((" " + form, "," + form)):
                name = name[: -len(form)].rstrip(_PUNCTUATION)
                changed = True
                break
        for form in _prefix_forms():
            if not name.startswith(form) or name == form:
                continue
            if is_unspaced(form[0]) or not name[len(form)].isalnum():
                name = name[len(form) :].lstrip(_PUNCTUATION)
                changed = True
                break
    return name


def normalise_shop(value: str) -> str:
    """Case and diacritics folded, whitespace collapsed, punctuation and legal form trimmed."""
    name = re.sub(r"\s+", " ", fold_key(value or "")).strip(_PUNCTUATION)
    return _strip_legal_form(name).strip(_PUNCTUATION)


def display_shop(value: str) -> str:
    """The shop as the tipster wrote it, for the analysts' pages: whitespace collapsed and outer
    punctuation trimmed, case and letters kept ("Biedronka", not "biedronka"). Tips are grouped by
    ``normalise_shop``; the first spelling seen of a shop is the one shown."""
    return re.sub(r"\s+", " ", value or "").strip(_PUNCTUATION)
