"""Receipts: the tipster's only way back to a tip, so the server keeps nothing that reveals one.

A receipt is 80 random bits written as 16 Crockford base32 characters (no I, L, O or U, so it can be
read aloud and typed from paper). The database stores an HMAC-SHA256 of it under a server-side
pepper: a stolen database alone cannot be used to test guesses offline.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from nacl.public import PrivateKey

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16  # 16 x 5 bits = 80 bits
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def receipt_generate() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def receipt_normalize(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(_CONFUSABLE)


def receipt_digest(code: str) -> str:
    key = settings.RECEIPT_PEPPER.encode()
    return hmac.new(key, receipt_normalize(code).encode(), hashlib.sha256).hexdigest()


GROUP = 4  # characters per group, as the receipt is written (7KQ4-M2XD-9TBA-H3PV)


def receipt_backoff_buckets(code: str) -> list[str]:
    """The back-off buckets of an attempted receipt: one per group of four characters, keyed with the
    pepper, so that the anti-abuse cache holds no part of any receipt in readable form. Empty for a code
    that is not receipt-shaped (it cannot open anything, so there is nothing to slow down).

    Wrong receipts that share a group with each other (guesses around a receipt partly read) fill the same
    buckets and get slower; a receipt's own groups are 20 random bits each, so someone else's guesses
    reach them only by chance (docs/security.md, "Receipts and guessing").
    """
    normalized = receipt_normalize(code)
    if len(normalized) != LENGTH:
        return []
    key = hashlib.blake2b(settings.RECEIPT_PEPPER.encode(), digest_size=32, person=b"to-backoff-v1").digest()
    return [
        hmac.new(
            key, f"{start // GROUP}:{normalized[start : start + GROUP]}".encode(), hashlib.sha256
        ).hexdigest()[:20]
        for start in range(0, LENGTH, GROUP)
    ]


def receipt_private_key(code: str) -> PrivateKey:
    """The tipster's key pair, derived from the receipt alone (no pepper, nothing stored).

    Its public half is stored with the tip, so that analysts' questions can be sealed to the tipster;
    only someone holding the receipt can open them. The receipt's 80 random bits make a slow key
    derivation unnecessary: there is no password to guess, only a key space to search.
    """
    seed = hashlib.blake2b(receipt_normalize(code).encode(), digest_size=32, person=b"to-tipster-v1").digest()
    return PrivateKey.from_seed(seed)
