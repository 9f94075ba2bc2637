"""The vault: every piece of tip content is sealed here before it touches the database.

This package's top level is the sealing API (``from traceobject import vault``; ``vault.seal``,
``vault.open``); ``keyring`` holds who holds which key, ``rotation`` and ``escrow`` move records between
keys, ``fields.SealedField`` is the column type of every sealed value. The vault sits above ``core`` and
``audit`` and below every app whose data it seals: it imports none of them (see ``hooks``).

Sealing needs only a public key, so the public intake can run on a machine that could never read a
tip back. Opening needs a private key, and since the second stage (see ``docs/security.md``) the
server holds none in readable form: each staff member's copy is unwrapped at login from their
password (``vault.keyring``) and held for one request at a time through ``unlocked``. The only other
source is ``TRACEOBJECT_VAULT_PRIVATE_KEY``, kept for the transition to escrow (and for the test suite):
the system check warns about it in production.

Format: ``b"TV1" + key id (8 bytes) + libsodium sealed box``. The key id says which private key opens
a record, so the staff's held keys, the authorities' keys and a rotation's old key can coexist.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from django.conf import settings
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from traceobject.core.errors import ApplicationError

MAGIC = b"TV1"
KEY_ID_BYTES = 8
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES
# How long a process keeps the active tip key before asking the database again: a rotation reaches
# every process within this time, and the rotation task waits for it before it retires the old key.
ACTIVE_KEY_SECONDS = 30.0


class VaultError(ApplicationError):
    pass


class VaultLockedError(VaultError):
    """No private key that opens this record is held: not logged in with the password, or not granted."""


# The private keys this request may use, by key id; set by ``unlocked`` (the session middleware).
_held: ContextVar[Mapping[bytes, PrivateKey] | None] = ContextVar("traceobject_vault_held", default=None)
_active: dict[str, tuple[float, bytes]] = {}


def _decode_key(value: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise VaultError(f"{name} is not valid base64.") from exc
    if len(raw) != 32:
        raise VaultError(f"{name} must be 32 bytes, base64-encoded.")
    return raw


def key_id(public_key: PublicKey | bytes) -> bytes:
    return hashlib.sha256(bytes(public_key)).digest()[:KEY_ID_BYTES]


def record_key_id(sealed: bytes) -> bytes:
    """The key id a record was sealed to."""
    if not sealed.startswith(MAGIC) or len(sealed) < HEADER_BYTES:
        raise VaultError("This is not a sealed vault record.")
    return bytes(sealed[len(MAGIC) : HEADER_BYTES])


@cache
def _settings_public_key(value: str) -> bytes:
    return _decode_key(value, "TRACEOBJECT_VAULT_PUBLIC_KEY")


def configured_public_key() -> bytes:
    return _settings_public_key(settings.VAULT_PUBLIC_KEY)


def private_key_decode(value: str, name: str = "TRACEOBJECT_VAULT_PRIVATE_KEY") -> PrivateKey:
    """A base64 private key, as the configuration or a key file holds it; a clear error otherwise."""
    return PrivateKey(_decode_key(value, name))


@cache
def _settings_private_key(value: str) -> PrivateKey:
    return private_key_decode(value)


def configured_private_key() -> PrivateKey | None:
    """The private key still given in the configuration (the move to escrow, and the test suite)."""
    return _settings_private_key(settings.VAULT_PRIVATE_KEY) if settings.VAULT_PRIVATE_KEY else None


def active_public_key() -> bytes:
    """The tip key new records are sealed to: the newest unretired deployment key in the database, or,
    before the first key was put in escrow, the configured one."""
    now = time.monotonic()
    cached = _active.get("tip")
    if cached is not None and now - cached[0] < ACTIVE_KEY_SECONDS:
        return cached[1]
    # The models cannot load with the package itself (Django imports it before the app registry is ready).
    from traceobject.vault.models import VaultKey

    row = (
        VaultKey.objects.filter(authority__isnull=True, retired_at__isnull=True)
        .order_by("-created_at", "-id")
        .values_list("public_key", flat=True)
        .first()
    )
    public = bytes(row) if row is not None else configured_public_key()
    _active["tip"] = (now, public)
    return public


def active_key_forget() -> None:
    _active.clear()


def seal_to(public_key: bytes, plaintext: bytes) -> bytes:
    return MAGIC + key_id(public_key) + SealedBox(PublicKey(public_key)).encrypt(plaintext)


def seal(plaintext: bytes) -> bytes:
    """Seal to the deployment's tip key: readable by the staff who hold it."""
    return seal_to(active_public_key(), plaintext)


def open_with(private_key: PrivateKey, sealed: bytes) -> bytes:
    if record_key_id(sealed) != key_id(private_key.public_key):
        raise VaultError("This record was sealed to another key.")
    try:
        return SealedBox(private_key).decrypt(bytes(sealed[HEADER_BYTES:]))
    except CryptoError as exc:
        raise VaultError("The sealed record is damaged.") from exc


def _private_key_for(wanted: bytes) -> PrivateKey | None:
    held = _held.get()
    if held is not None and wanted in held:
        return held[wanted]
    configured = configured_private_key()
    if configured is not None and key_id(configured.public_key) == wanted:
        return configured
    return None


def can_open(sealed: bytes) -> bool:
    return _private_key_for(record_key_id(sealed)) is not None


def open(sealed: bytes) -> bytes:  # noqa: A001 - the vault's verb, used as ``vault.open``
    sealed = bytes(sealed)
    private = _private_key_for(record_key_id(sealed))
    if private is None:
        raise VaultLockedError(
            "This server holds no key that opens this record: log in again with your password, or ask an "
            "administrator to grant you access to the vault."
        )
    return open_with(private, sealed)


@contextmanager
def unlocked(keys: Mapping[bytes, PrivateKey]) -> Iterator[None]:
    """Hold these private keys (by key id) for the block: one request, or one task step."""
    merged = dict(_held.get() or {})
    merged.update(keys)
    token = _held.set(merged)
    try:
        yield
    finally:
        _held.reset(token)


def held_keys() -> dict[bytes, PrivateKey]:
    """The keys held right now (an administrator's grant seals these to a new member)."""
    keys = dict(_held.get() or {})
    configured = configured_private_key()
    if configured is not None:
        keys.setdefault(key_id(configured.public_key), configured)
    return keys
