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


def receipt_private_key(code: str) -> PrivateKey:
    """The tipster's key pair, derived from the receipt alone (no pepper, nothing stored).

    Its public half is stored with the tip, so that analysts' questions can be sealed to the tipster;
    only someone holding the receipt can open them. The receipt's 80 random bits make a slow key
    derivation unnecessary: there is no password to guess, only a key space to search.
    """
    seed = hashlib.blake2b(receipt_normalize(code).encode(), digest_size=32, person=b"to-tipster-v1").digest()
    return PrivateKey.from_seed(seed)
