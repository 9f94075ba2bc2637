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

from traceobject.tips import vault
from traceobject.triage.models import Term


@cache
def _key(pepper: str) -> bytes:
    return hmac.new(pepper.encode(), b"traceobject triage term v1", hashlib.sha256).digest()


def term_digest(kind: str, text: str) -> str:
    message = f"{kind}\x00{text}".encode()
    return hmac.new(_key(settings.RECEIPT_PEPPER), message, hashlib.sha256).hexdigest()[:32]


def terms_store(terms: Iterable[tuple[str, str, str]]) -> None:
    """Keep the sealed text of (kind, digest, text) terms not seen before."""
    rows = {(kind, digest): text for kind, digest, text in terms}
    if not rows:
        return
    known = set(
        Term.objects.filter(kind__in={k for k, _d in rows}, digest__in={d for _k, d in rows}).values_list(
            "kind", "digest"
        )
    )
    Term.objects.bulk_create(
        [
            Term(kind=kind, digest=digest, sealed=vault.seal(text.encode()))
            for (kind, digest), text in rows.items()
            if (kind, digest) not in known
        ],
        ignore_conflicts=True,
    )


def terms_open(kind: str, digests: Iterable[str]) -> dict[str, str]:
    """The text of the given terms (staff side: needs the vault's private key)."""
    return {
        digest: vault.open(bytes(sealed)).decode()
        for digest, sealed in Term.objects.filter(kind=kind, digest__in=list(digests)).values_list(
            "digest", "sealed"
        )
    }
