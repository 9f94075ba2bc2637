"""Wrong receipts from one address (an onion service, a NAT) do not lock out the genuine tipsters behind it,
and guesses around one receipt still wait between tries. On the shared file and on Redis."""

from __future__ import annotations

import random

import pytest
from django.test import Client

from tests.factories import TipFactory
from tests.tips.antiabuse.conftest import Clock
from traceobject.tips.followup_cookie import COOKIE_NAME
from traceobject.tips.models import Tip
from traceobject.tips.payload import TipPayload
from traceobject.tips.receipts import ALPHABET, LENGTH

pytestmark = pytest.mark.django_db

ENTRY = "/follow-up/"
THREAD = "/follow-up/thread/"
# Every test client comes from 127.0.0.1: the attacker and the tipster share one address, as behind an
# onion service, and so one client tag.


@pytest.fixture
def tip() -> Tip:
    return TipFactory(payload=TipPayload(text="Bought at a market in Gdansk."))


def _random_receipt(rng: random.Random) -> str:
    raw = "".join(rng.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def test_a_correct_receipt_opens_while_someone_on_the_same_address_sends_1000_wrong_ones_a_minute(
    antiabuse_backend: str, clock: Clock, tip: Tip
) -> None:
    attacker, tipster = Client(), Client()
    rng = random.Random(13)
    opened_after = []
    for sent in range(1, 1001):
        response = attacker.post(ENTRY, {"receipt": _random_receipt(rng)})
        assert response.status_code in {400, 429}
        clock.advance(0.06)  # 1,000 a minute
        if sent % 250 == 0:
            # The tipster comes in the middle of the flood, and gets in at the first try.
            response = tipster.post(ENTRY, {"receipt": tip.receipt_code})
            assert response.status_code == 303, f"locked out after {sent} wrong receipts from the address"
            assert tipster.get(THREAD).status_code == 200
            opened_after.append(sent)
            tipster.cookies.pop(COOKIE_NAME)
    assert opened_after == [250, 500, 750, 1000]


def test_guesses_around_one_receipt_wait_between_tries_even_with_the_right_one(
    antiabuse_backend: str, clock: Clock, tip: Tip
) -> None:
    """Someone who read three groups of a receipt and tries the fourth gets about a dozen tries in an hour,
    not 60,000: once those groups are in back-off, no attempt sharing them is looked at, right or wrong."""
    known = tip.receipt_code[:-4]
    attacker = Client()
    rng = random.Random(7)
    guesses = ("".join(rng.choice(ALPHABET) for _ in range(4)) for _ in range(200))
    wrong = [guess for guess in guesses if guess != tip.receipt_code[-4:]]
    checked = 0
    elapsed = 0.0
    for guess in wrong:
        response = attacker.post(ENTRY, {"receipt": known + guess})
        if response.status_code == 429:
            assert Client().post(ENTRY, {"receipt": tip.receipt_code}).status_code == 429, (
                "during the wait the right last group is not looked at either: the answer says nothing"
            )
            wait = int(response["Retry-After"])
            clock.advance(wait)
            elapsed += wait
            if elapsed >= 3600:
                break
            continue
        assert response.status_code == 400
        checked += 1
    assert elapsed >= 3600, "the guesser ran for an hour"
    assert 3 <= checked < 20, f"{checked} guesses were checked in an hour"

    # Other receipts from the same address are not held up by these guesses.
    other = TipFactory(payload=TipPayload(text="Another tip."))
    assert Client().post(ENTRY, {"receipt": other.receipt_code}).status_code == 303
