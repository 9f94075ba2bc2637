"""Single-use submission tokens: a tip form posted twice (a reload, a double click) stores one tip.

Each rendering of the tip form carries a fresh random token in a hidden field. The intake stores a
keyed hash of it with the tip under a unique constraint, so a second post of the same form fails at the
database, race-free across processes, and the tipster is told that the tip was already received. The
token says nothing about the visitor (no address, no cookie), and without the pepper the stored hash
cannot be matched to a token seen elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings

TOKEN_BYTES = 16
# token_urlsafe(16) gives 22 characters; accept a little slack, nothing else.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def submission_token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def submission_token_valid(token: str) -> bool:
    return bool(TOKEN_RE.match(token))


def submission_digest(token: str) -> str:
    """HMAC-SHA256 under the receipt pepper, domain-separated so it can never equal a receipt digest."""
    key = settings.RECEIPT_PEPPER.encode()
    return hmac.new(key, b"submission:" + token.encode(), hashlib.sha256).hexdigest()
