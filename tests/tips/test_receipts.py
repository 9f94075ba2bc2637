from __future__ import annotations

import hashlib
import hmac
import math
import re

from django.conf import settings
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from traceobject.tips.receipts import ALPHABET, LENGTH, receipt_digest, receipt_generate, receipt_normalize

RECEIPT_FORMAT = re.compile(
    r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"
)


def test_alphabet_is_crockford_base32() -> None:
    assert len(set(ALPHABET)) == len(ALPHABET) == 32
    assert not set("ILOU") & set(ALPHABET)


def test_receipt_carries_at_least_64_bits() -> None:
    assert LENGTH * math.log2(len(ALPHABET)) >= 64


def test_receipt_format() -> None:
    for _ in range(200):
        assert RECEIPT_FORMAT.match(receipt_generate())


def test_receipts_do_not_repeat() -> None:
    codes = {receipt_generate() for _ in range(5000)}
    assert len(codes) == 5000


def test_receipts_use_the_whole_alphabet() -> None:
    """A generator stuck on a few characters would still match the format but be guessable."""
    seen = set("".join(receipt_generate() for _ in range(500)).replace("-", ""))
    assert seen == set(ALPHABET)


def test_digest_is_hmac_sha256_of_the_normalised_code_under_the_pepper() -> None:
    code = receipt_generate()
    expected = hmac.new(
        settings.RECEIPT_PEPPER.encode(), code.replace("-", "").encode(), hashlib.sha256
    ).hexdigest()
    assert receipt_digest(code) == expected
    assert len(receipt_digest(code)) == 64
    # Not a plain hash: without the pepper, the digest cannot be recomputed from a guess.
    assert receipt_digest(code) != hashlib.sha256(code.replace("-", "").encode()).hexdigest()


def test_digest_depends_on_the_pepper() -> None:
    code = receipt_generate()
    before = receipt_digest(code)
    with override_settings(RECEIPT_PEPPER="another-pepper"):
        assert receipt_digest(code) != before


def test_normalisation_accepts_what_people_type() -> None:
    assert receipt_normalize("ab12-cd34-ef56-gh78") == "AB12CD34EF56GH78"
    assert receipt_normalize(" AB12 CD34\tEF56 GH78 ") == "AB12CD34EF56GH78"
    assert receipt_normalize("AB12CD34EF56GH78") == "AB12CD34EF56GH78"
    # O is read as zero, I and L as one.
    assert receipt_normalize("OoIiLl") == "001111"


def test_all_typed_forms_give_the_same_digest() -> None:
    code = "0AB1-C2D3-E4F5-G6H7"
    digest = receipt_digest(code)
    for typed in (
        "0ab1-c2d3-e4f5-g6h7",
        "0AB1C2D3E4F5G6H7",
        "OAB1-C2D3-E4F5-G6H7",
        "oABI-C2D3-E4F5-G6H7",
        "0ABl-C2D3-E4F5-G6H7",
        "0AB1 C2D3 E4F5 G6H7",
        "0AB1.C2D3.E4F5.G6H7",
    ):
        assert receipt_digest(typed) == digest, typed
    assert receipt_digest("0AB1-C2D3-E4F5-G6H8") != digest


_CONFUSE = {"0": "0Oo", "1": "1IiLl"}


@st.composite
def typed_receipts(draw: st.DrawFn) -> tuple[str, str]:
    """A receipt, and the same receipt as someone might type it back from paper."""
    code = draw(st.text(alphabet=ALPHABET, min_size=LENGTH, max_size=LENGTH))
    typed = []
    for index, char in enumerate(code):
        if index and index % 4 == 0:
            typed.append(draw(st.sampled_from(["-", "", " ", " - "])))
        variant = draw(st.sampled_from(_CONFUSE.get(char, char)))
        typed.append(variant.lower() if draw(st.booleans()) else variant)
    return code, "".join(typed)


@given(typed_receipts())
def test_typed_receipt_matches_its_digest(pair: tuple[str, str]) -> None:
    code, typed = pair
    assert receipt_normalize(typed) == code
    assert receipt_digest(typed) == receipt_digest(code)


@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    once = receipt_normalize(text)
    assert receipt_normalize(once) == once


@given(st.text(alphabet=ALPHABET, min_size=LENGTH, max_size=LENGTH))
def test_normalised_receipts_stay_in_the_alphabet(code: str) -> None:
    assert set(receipt_normalize(code.lower())) <= set(ALPHABET)
