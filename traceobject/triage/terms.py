"""Domains and shop names: counted in the clear, stored only as digests and sealed text.

The keyed digest (HMAC under a key derived from the receipt pepper) lets the aggregates group equal
terms without holding them; the sealed copy lets the analysts' pages show them. A stolen database
alone shows neither, nor lets anyone test guesses offline.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.db import connection

from traceobject import vault
from traceobject.triage import sql
from traceobject.triage.models import Term


@cache
def _key(pepper: str) -> bytes:
    return hmac.new(pepper.encode(), b"traceobject triage term v1", hashlib.sha256).digest()


def term_digest(kind: str, text: str) -> str:
    message = f"{kind}\x00{text}".encode()
    return hmac.new(_key(settings.RECEIPT_PEPPER), message, hashlib.sha256).hexdigest()[:32]


def terms_store(terms: Iterable[tuple[str, str, str]]) -> None:
    """Keep the sealed text of (kind, digest, text) terms not seen before (sealing only those)."""
    rows = {(kind, digest): text for kind, digest, text in terms}
    if not rows:
        return
    kinds = sorted({kind for kind, _digest in rows})
    digests = sorted({digest for _kind, digest in rows})
    kind, digest = sql.column(Term, "kind"), sql.column(Term, "digest")
    query = (
        f"SELECT {kind}, {digest} FROM {sql.table(Term)} "  # noqa: S608
        f"WHERE {kind} IN ({sql.placeholders(kinds)}) AND {digest} IN ({sql.placeholders(digests)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*kinds, *digests])
        known = set(cursor.fetchall())
    sql.insert(
        Term,
        [
            {"kind": k, "digest": d, "sealed": vault.seal(text.encode())}
            for (k, d), text in rows.items()
            if (k, d) not in known
        ],
        conflict=("kind", "digest"),
    )


def terms_open(kind: str, digests: Iterable[str]) -> dict[str, str]:
    """The text of the given terms (staff side: needs the vault's private key)."""
    return {
        digest: vault.open(bytes(sealed)).decode()
        for digest, sealed in Term.objects.filter(kind=kind, digest__in=list(digests)).values_list(
            "digest", "sealed"
        )
    }
