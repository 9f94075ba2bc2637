"""The vault: every piece of tip content is sealed here before it touches the database.

The interface is two functions, ``seal`` and ``open``, so that a later change of how the private key
is held (wrapped per staff member) stays inside this module. Sealing needs only the public key, so
the public intake can run on a machine that could never read a tip back.

Format: ``b"TV1" + key id (8 bytes) + libsodium sealed box``. The key id lets a rotation find the
tips still sealed to an old key.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from django.conf import settings
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from traceobject.core.errors import ApplicationError

MAGIC = b"TV1"
KEY_ID_BYTES = 8


class VaultError(ApplicationError):
    pass


def _decode_key(value: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise VaultError(f"{name} is not valid base64.") from exc
    if len(raw) != 32:
        raise VaultError(f"{name} must be 32 bytes, base64-encoded.")
    return raw


def key_id(public_key: PublicKey) -> bytes:
    return hashlib.sha256(bytes(public_key)).digest()[:KEY_ID_BYTES]


@cache
def _public_key(value: str) -> PublicKey:
    return PublicKey(_decode_key(value, "TRACEOBJECT_VAULT_PUBLIC_KEY"))


@cache
def _private_key(value: str) -> PrivateKey:
    return PrivateKey(_decode_key(value, "TRACEOBJECT_VAULT_PRIVATE_KEY"))


def seal(plaintext: bytes) -> bytes:
    public = _public_key(settings.VAULT_PUBLIC_KEY)
    return MAGIC + key_id(public) + SealedBox(public).encrypt(plaintext)


def open(sealed: bytes) -> bytes:  # noqa: A001 - the vault's verb, used as ``vault.open``
    if not settings.VAULT_PRIVATE_KEY:
        raise VaultError("This server holds no vault private key, so it cannot read tips.")
    if not sealed.startswith(MAGIC) or len(sealed) < len(MAGIC) + KEY_ID_BYTES:
        raise VaultError("This is not a sealed vault record.")
    private = _private_key(settings.VAULT_PRIVATE_KEY)
    if sealed[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES] != key_id(private.public_key):
        raise VaultError("This record was sealed to another key.")
    try:
        return SealedBox(private).decrypt(bytes(sealed[len(MAGIC) + KEY_ID_BYTES :]))
    except CryptoError as exc:
        raise VaultError("The sealed record is damaged.") from exc
