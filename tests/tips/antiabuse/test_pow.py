"""The proof-of-work challenge: signed, bound to its object, expiring, single use; verified cheaply."""

from __future__ import annotations

import hashlib
import time
from typing import Any

import pytest
from django.core import signing

from traceobject.tips.antiabuse import pow as pow_module
from traceobject.tips.antiabuse.pow import (
    challenge_new,
    leading_zero_bits,
    pow_verify,
    solution_valid,
    solve,
)


@pytest.fixture(autouse=True)
def _easy(settings: Any) -> None:
    settings.TRACEOBJECT_POW_DIFFICULTY = 8


def test_leading_zero_bits() -> None:
    assert leading_zero_bits(b"\x00\x00\xff") == 16
    assert leading_zero_bits(b"\x00\x01") == 15
    assert leading_zero_bits(b"\x80") == 0
    assert leading_zero_bits(b"\x00\x00") == 16


def test_a_solved_challenge_verifies_once(antiabuse_backend: str) -> None:
    challenge = challenge_new(code="B17-2026")
    assert challenge.startswith("8.B17-2026.")
    nonce = solve(challenge)
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    assert leading_zero_bits(digest) >= 8
    assert pow_verify(challenge=challenge, nonce=nonce, code="B17-2026")
    # Replayed: the same solution buys nothing more.
    assert not pow_verify(challenge=challenge, nonce=nonce, code="B17-2026")


def test_each_page_gets_its_own_challenge() -> None:
    assert challenge_new(code="A") != challenge_new(code="A")


def test_wrong_nonce_is_refused() -> None:
    challenge = challenge_new(code="B17-2026")
    nonce = solve(challenge)
    wrong = next(
        str(n)
        for n in range(10_000)
        if leading_zero_bits(hashlib.sha256(f"{challenge}:{n}".encode()).digest()) < 8
    )
    assert not pow_verify(challenge=challenge, nonce=wrong, code="B17-2026")
    # A refused attempt does not use the challenge up.
    assert pow_verify(challenge=challenge, nonce=nonce, code="B17-2026")


def test_challenge_for_another_object_is_refused() -> None:
    challenge = challenge_new(code="A1")
    assert not pow_verify(challenge=challenge, nonce=solve(challenge), code="B2")


@pytest.mark.parametrize("nonce", ["", "abc", "-1", "1" * 40, "\uff11\uff12"])
def test_malformed_nonces_are_refused(nonce: str) -> None:
    assert not solution_valid(challenge_new(code="A"), nonce)


def test_forged_or_easier_challenges_are_refused(settings: Any) -> None:
    # A challenge written by the client, with difficulty 0: the signature does not hold.
    forged = "0.B17-2026.token:1abcde:fakesignature"
    assert not pow_verify(challenge=forged, nonce="0", code="B17-2026")
    # A genuinely signed challenge at a lower difficulty than today's (issued before a raise).
    easy = challenge_new(code="B17-2026")
    settings.TRACEOBJECT_POW_DIFFICULTY = 10
    assert solution_valid(easy, solve(easy))
    assert not pow_verify(challenge=easy, nonce=solve(easy), code="B17-2026")


def test_expired_challenges_are_refused(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    challenge = challenge_new(code="B17-2026")
    nonce = solve(challenge)
    later = time.time() + settings.TRACEOBJECT_POW_MAX_AGE + 5
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert not pow_verify(challenge=challenge, nonce=nonce, code="B17-2026")


def test_too_long_challenges_are_not_even_parsed() -> None:
    assert not solution_valid("8." + "x" * pow_module.CHALLENGE_MAX, "1")


def test_js_and_python_agree_on_the_work(settings: Any) -> None:
    """The difficulty setting is what the challenge announces to pow.js (its first dot-separated part)."""
    settings.TRACEOBJECT_POW_DIFFICULTY = 12
    assert challenge_new(code="X").split(".")[0] == "12"
