from __future__ import annotations

import base64

import pytest
from django.conf import settings
from django.test import override_settings
from nacl.public import PrivateKey

from traceobject.tips import vault
from traceobject.tips.vault import KEY_ID_BYTES, MAGIC, VaultError

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
    public = vault._public_key(settings.VAULT_PUBLIC_KEY)
    assert sealed[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES] == vault.key_id(public)


def test_another_key_pair_cannot_open() -> None:
    sealed = vault.seal(PLAINTEXT)
    public, private = _keypair()
    with override_settings(VAULT_PUBLIC_KEY=public, VAULT_PRIVATE_KEY=private):
        with pytest.raises(VaultError, match="another key"):
            vault.open(sealed)
        # Even with the other key's id forged into the record, the box itself does not open.
        other_id = vault.key_id(vault._public_key(public))
        forged = MAGIC + other_id + sealed[len(MAGIC) + KEY_ID_BYTES :]
        with pytest.raises(VaultError, match="damaged"):
            vault.open(forged)


def test_records_sealed_to_the_other_key_open_with_it() -> None:
    public, private = _keypair()
    with override_settings(VAULT_PUBLIC_KEY=public, VAULT_PRIVATE_KEY=private):
        sealed = vault.seal(PLAINTEXT)
        assert vault.open(sealed) == PLAINTEXT
    with pytest.raises(VaultError):
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
    with override_settings(VAULT_PRIVATE_KEY=""), pytest.raises(VaultError, match="no vault private key"):
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
    with override_settings(VAULT_PUBLIC_KEY=value), pytest.raises(VaultError, match=message):
        vault.seal(PLAINTEXT)
    sealed = vault.seal(PLAINTEXT)
    with override_settings(VAULT_PRIVATE_KEY=value), pytest.raises(VaultError, match=message):
        vault.open(sealed)
