from __future__ import annotations

import base64

import pytest
from django.test import override_settings
from nacl.public import PrivateKey

from traceobject import vault
from traceobject.vault import KEY_ID_BYTES, MAGIC, VaultError

pytestmark = pytest.mark.django_db  # the active key is looked up in the database

PLAINTEXT = "Le sac bleu vient d'un marché à Lyon, vers 2014. Kontakt: anna@example.org".encode()


def _keypair() -> tuple[str, str]:
    key = PrivateKey.generate()
    return base64.b64encode(bytes(key.public_key)).decode(), base64.b64encode(bytes(key)).decode()


def test_round_trip() -> None:
    assert vault.open(vault.seal(PLAINTEXT)) == PLAINTEXT


def test_empty_and_large_payloads_round_trip() -> None:
    assert vault.open(vault.seal(b"")) == b""
    large = bytes(range(256)) * 400
    assert vault.open(vault.seal(large)) == large


def test_sealed_bytes_hide_the_plaintext() -> None:
    sealed = vault.seal(PLAINTEXT)
    assert sealed.startswith(MAGIC)
    for fragment in (b"sac bleu", b"Lyon", b"anna@example.org", b"2014"):
        assert fragment not in sealed


def test_sealing_is_randomised() -> None:
    """The same tip sealed twice gives different bytes: equal tips cannot be spotted in the database."""
    assert vault.seal(PLAINTEXT) != vault.seal(PLAINTEXT)


def test_sealing_needs_only_the_public_key() -> None:
    with override_settings(VAULT_PRIVATE_KEY=""):
        sealed = vault.seal(PLAINTEXT)
    assert vault.open(sealed) == PLAINTEXT


def test_record_names_its_key() -> None:
    sealed = vault.seal(PLAINTEXT)
    public = vault.configured_public_key()
    assert sealed[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES] == vault.key_id(public)


def test_another_key_pair_cannot_open() -> None:
    sealed = vault.seal(PLAINTEXT)
    public, private = _keypair()
    with override_settings(VAULT_PUBLIC_KEY=public, VAULT_PRIVATE_KEY=private):
        with pytest.raises(vault.VaultLockedError):
            vault.open(sealed)
        # Even with the other key's id forged into the record, the box itself does not open.
        other_id = vault.key_id(vault.configured_public_key())
        forged = MAGIC + other_id + sealed[len(MAGIC) + KEY_ID_BYTES :]
        with pytest.raises(VaultError, match="damaged"):
            vault.open(forged)


def test_records_sealed_to_the_other_key_open_with_it() -> None:
    public, private = _keypair()
    with override_settings(VAULT_PUBLIC_KEY=public, VAULT_PRIVATE_KEY=private):
        vault.active_key_forget()
        sealed = vault.seal(PLAINTEXT)
        assert vault.open(sealed) == PLAINTEXT
    vault.active_key_forget()
    with pytest.raises(vault.VaultLockedError):
        vault.open(sealed)


@pytest.mark.parametrize("position", [len(MAGIC) + KEY_ID_BYTES, len(MAGIC) + KEY_ID_BYTES + 40, -1])
def test_tampered_ciphertext_fails(position: int) -> None:
    sealed = bytearray(vault.seal(PLAINTEXT))
    sealed[position] ^= 0x01
    with pytest.raises(VaultError, match="damaged"):
        vault.open(bytes(sealed))


def test_truncated_record_fails() -> None:
    sealed = vault.seal(PLAINTEXT)
    with pytest.raises(VaultError):
        vault.open(sealed[:-1])
    with pytest.raises(VaultError):
        vault.open(sealed[: len(MAGIC) + KEY_ID_BYTES])
    with pytest.raises(VaultError):
        vault.open(sealed[: len(MAGIC) + 2])


@pytest.mark.parametrize("record", [b"", b"TV2" + b"\x00" * 80, PLAINTEXT])
def test_not_a_vault_record(record: bytes) -> None:
    with pytest.raises(VaultError, match="not a sealed vault record"):
        vault.open(record)


def test_missing_private_key_is_a_clear_error() -> None:
    sealed = vault.seal(PLAINTEXT)
    with override_settings(VAULT_PRIVATE_KEY=""), pytest.raises(vault.VaultLockedError, match="holds no key"):
        vault.open(sealed)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not base64!", "not valid base64"),
        (base64.b64encode(b"too short").decode(), "32 bytes"),
        (base64.b64encode(b"x" * 33).decode(), "32 bytes"),
    ],
)
def test_malformed_keys_are_clear_errors(value: str, message: str) -> None:
    vault.active_key_forget()
    with override_settings(VAULT_PUBLIC_KEY=value), pytest.raises(VaultError, match=message):
        vault.seal(PLAINTEXT)
    vault.active_key_forget()
    sealed = vault.seal(PLAINTEXT)
    with override_settings(VAULT_PRIVATE_KEY=value), pytest.raises(VaultError, match=message):
        vault.open(sealed)


def test_held_keys_open_only_inside_the_block() -> None:
    """The keys a login unlocked are held for one request (a context), never beyond it."""
    other = PrivateKey.generate()
    sealed = vault.seal_to(bytes(other.public_key), PLAINTEXT)
    with pytest.raises(vault.VaultLockedError):
        vault.open(sealed)
    with vault.unlocked({vault.key_id(other.public_key): other}):
        assert vault.can_open(sealed)
        assert vault.open(sealed) == PLAINTEXT
    assert not vault.can_open(sealed)
    with pytest.raises(vault.VaultLockedError):
        vault.open(sealed)


def test_the_active_key_comes_from_the_database_once_one_is_recorded() -> None:
    from traceobject.vault.models import VaultKey

    assert vault.active_public_key() == vault.configured_public_key()
    new = PrivateKey.generate()
    VaultKey.objects.create(key_id=vault.key_id(new.public_key).hex(), public_key=bytes(new.public_key))
    # Kept per process for a while: a rotation reaches other processes within ACTIVE_KEY_SECONDS.
    assert vault.active_public_key() == vault.configured_public_key()
    vault.active_key_forget()
    assert vault.active_public_key() == bytes(new.public_key)
    assert vault.record_key_id(vault.seal(PLAINTEXT)) == vault.key_id(new.public_key)
