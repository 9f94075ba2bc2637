"""Proof of work for the tip form: a signed, expiring, single-use challenge that ``pow.js`` solves.

The challenge is ``<difficulty>.<object code>.<random token>`` signed with Django's ``TimestampSigner``
(an HMAC under a key derived from SECRET_KEY and this module's salt), so the server keeps no state until
a solution comes back. The browser looks for a nonce such that ``sha256(challenge ":" nonce)`` starts
with ``difficulty`` zero bits: 2**difficulty hashes on average for the sender, one HMAC check and one
SHA-256 for the server. The token is remembered in the ``antiabuse`` cache until the challenge expires,
so that one solution buys one tip. A missing, wrong, stale or replayed solution is not an error: the tip
is simply taken as unverified (``tips.antiabuse.services``).
"""

from __future__ import annotations

import hashlib
import re
import secrets

from django.conf import settings
from django.core import signing

from traceobject.tips.antiabuse.ratelimit import antiabuse_cache, fail_open

SALT = "traceobject.tips.antiabuse.pow"
CHALLENGE_MAX = 200
_NONCE_RE = re.compile(r"^[0-9]{1,16}$")


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def difficulty() -> int:
    return int(settings.TRACEOBJECT_POW_DIFFICULTY)


def challenge_new(*, code: str) -> str:
    """A fresh challenge for the tip form of object ``code``: a new one on every page view."""
    token = secrets.token_urlsafe(12)
    return _signer().sign(f"{difficulty()}.{code}.{token}")


def leading_zero_bits(digest: bytes) -> int:
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def solution_valid(challenge: str, nonce: str) -> bool:
    """Whether ``nonce`` solves ``challenge`` at the difficulty written in it, and the signature holds.
    Stateless: the single-use check is :func:`pow_verify`'s."""
    return _parse(challenge, nonce) is not None


def _parse(challenge: str, nonce: str) -> tuple[int, str, str] | None:
    if not challenge or len(challenge) > CHALLENGE_MAX or not _NONCE_RE.match(nonce or ""):
        return None
    try:
        value = _signer().unsign(challenge, max_age=int(settings.TRACEOBJECT_POW_MAX_AGE))
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    level, _sep, rest = value.partition(".")
    code, _sep, token = rest.rpartition(".")
    if not level.isdigit() or not token:
        return None
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if leading_zero_bits(digest) < int(level):
        return None
    return int(level), code, token


@fail_open(False)  # a proof that cannot be marked used counts as none: the tip is unverified
def pow_verify(*, challenge: str, nonce: str, code: str) -> bool:
    """True when the solution is right, for this object, at today's difficulty or harder, and its
    challenge has not been used before; the challenge is used up by this call."""
    parsed = _parse(challenge, nonce)
    if parsed is None:
        return False
    level, challenge_code, token = parsed
    if challenge_code != code or level < difficulty():
        return False
    # ``add`` is atomic: of two posts racing with one solution, exactly one wins.
    timeout = int(settings.TRACEOBJECT_POW_MAX_AGE) + 60
    return bool(antiabuse_cache().add(f"aa:pow:{token}", 1, timeout=timeout))


def solve(challenge: str, level: int | None = None) -> str:
    """Find a nonce as ``pow.js`` does (for the benchmark, the tests and well-behaved scripts)."""
    if level is None:
        level = int(challenge.split(".", 1)[0])
    prefix = f"{challenge}:".encode()
    nonce = 0
    while True:
        digest = hashlib.sha256(prefix + str(nonce).encode()).digest()
        if leading_zero_bits(digest) >= level:
            return str(nonce)
        nonce += 1
