from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import ObjectFactory
from tests.utils import all_table_rows, value_contains
from traceobject.core.errors import ApplicationError
from traceobject.gallery.models import Audience, Object, ObjectStatus
from traceobject.tips import services
from traceobject.tips.forms import TipForm
from traceobject.tips.models import Receipt, Tip, TipStatus
from traceobject.tips.receipts import receipt_digest
from traceobject.tips.services import TipPayload, tip_accepts, tip_read, tip_submit

RECEIPT_FORMAT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")

FULL_PAYLOAD = TipPayload(
    text="Ce sac était vendu chez Carrefour à Lille vers 2014 — ich bin mir sicher. 🙂",
    country="FR",
    place="Lille, rue Nationale",
    shop_brand="Carrefour",
    time_period="2013 bis 2015",
    links=["https://example.fr/sac?ref=1", "http://example.org/catalogue"],
    contact="Signal: +33 6 00 00 00 00",
)


def test_tip_submit_stores_a_sealed_tip_and_a_receipt(published_object: Object) -> None:
    submitted = tip_submit(obj=published_object, payload=FULL_PAYLOAD)
    tip = Tip.objects.get()
    assert submitted.tip == tip
    assert tip.object == published_object
    assert tip.status == TipStatus.NEW
    assert tip.is_demo is False
    assert tip.created_at is not None
    receipt = Receipt.objects.get()
    assert receipt.tip == tip
    assert RECEIPT_FORMAT.match(submitted.receipt)


def test_receipt_digest_is_the_hmac_not_the_code(published_object: Object) -> None:
    submitted = tip_submit(obj=published_object, payload=FULL_PAYLOAD)
    receipt = Receipt.objects.get()
    assert receipt.digest == receipt_digest(submitted.receipt)
    assert receipt.digest == receipt_digest(submitted.receipt.lower().replace("-", ""))
    plain = submitted.receipt.replace("-", "")
    assert plain not in receipt.digest.upper()


def test_receipt_code_is_stored_nowhere(published_object: Object) -> None:
    submitted = tip_submit(obj=published_object, payload=FULL_PAYLOAD)
    code = submitted.receipt
    forms = {code, code.replace("-", ""), code.lower(), code.replace("-", "").lower()}
    for table, row in all_table_rows():
        for value in row:
            for form in forms:
                assert not value_contains(value, form), f"{form!r} found in {table}"


def test_tip_read_round_trips_every_field(published_object: Object) -> None:
    submitted = tip_submit(obj=published_object, payload=FULL_PAYLOAD)
    assert tip_read(tip=Tip.objects.get(pk=submitted.tip.pk)) == FULL_PAYLOAD


def test_sealed_column_holds_no_plaintext(published_object: Object) -> None:
    tip_submit(obj=published_object, payload=FULL_PAYLOAD)
    sealed = bytes(Tip.objects.get().sealed)
    for fragment in ("Carrefour", "Lille", "example.fr", "+33 6", "2013", "sicher"):
        assert fragment.encode() not in sealed


def test_demo_flag_is_kept(published_object: Object) -> None:
    tip_submit(obj=published_object, payload=FULL_PAYLOAD, is_demo=True)
    assert Tip.objects.get().is_demo is True


@pytest.mark.parametrize(
    "changes",
    [
        {"status": ObjectStatus.DRAFT},
        {"status": ObjectStatus.IN_REVIEW},
        {"status": ObjectStatus.APPROVED},
        {"status": ObjectStatus.WITHDRAWN},
        {"status": ObjectStatus.ARCHIVED},
        {"audience": Audience.PARTNERS},
    ],
    ids=lambda changes: next(iter(changes.values())),
)
def test_tip_submit_refuses_objects_not_taking_tips(object_factory, changes: dict[str, str]) -> None:
    obj = object_factory(**changes)
    assert not tip_accepts(obj)
    with pytest.raises(ApplicationError, match="no longer takes tips"):
        tip_submit(obj=obj, payload=FULL_PAYLOAD)
    assert Tip.objects.count() == 0
    assert Receipt.objects.count() == 0


@pytest.mark.parametrize("kind", [ObjectStatus.IDENTIFIED, ObjectStatus.WIDESPREAD])
def test_tip_submit_follows_the_disclosure_rule(object_factory, kind: str) -> None:
    """A located object takes tips, silently, until it shows as identified; then it refuses them."""
    from tests.disclosure import locate

    quiet = object_factory()
    locate(quiet, kind=kind, disclosed=False)
    assert tip_accepts(quiet)
    tip_submit(obj=quiet, payload=FULL_PAYLOAD)
    disclosed = object_factory()
    locate(disclosed, kind=kind)
    assert not tip_accepts(disclosed)
    with pytest.raises(ApplicationError, match="no longer takes tips"):
        tip_submit(obj=disclosed, payload=FULL_PAYLOAD)
    assert Tip.objects.count() == 1


def test_tip_submit_refuses_too_many_links(published_object: Object) -> None:
    payload = TipPayload(text="Six links follow.", links=[f"https://example.org/{n}" for n in range(6)])
    with pytest.raises(ApplicationError) as excinfo:
        tip_submit(obj=published_object, payload=payload)
    assert excinfo.value.field == "links"
    assert Tip.objects.count() == 0


def test_receipts_are_unique_over_many_submissions(published_object: Object) -> None:
    payload = TipPayload(text="Same text every time.")
    codes = [tip_submit(obj=published_object, payload=payload).receipt for _ in range(200)]
    assert len(set(codes)) == 200
    digests = set(Receipt.objects.values_list("digest", flat=True))
    assert digests == {receipt_digest(code) for code in codes}


def test_receipt_collision_is_retried_never_shared(
    published_object: Object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An 80-bit collision cannot be produced for real, so the generator is made to repeat itself."""
    codes = iter(["AAAA-AAAA-AAAA-AAAA", "AAAA-AAAA-AAAA-AAAA", "BBBB-BBBB-BBBB-BBBB"])
    monkeypatch.setattr(services, "receipt_generate", lambda: next(codes))
    first = tip_submit(obj=published_object, payload=TipPayload(text="The first tip of two."))
    second = tip_submit(obj=published_object, payload=TipPayload(text="The second tip of two."))
    assert (first.receipt, second.receipt) == ("AAAA-AAAA-AAAA-AAAA", "BBBB-BBBB-BBBB-BBBB")
    # The failed attempt left no orphan tip behind.
    assert Tip.objects.count() == 2
    assert Receipt.objects.get(digest=receipt_digest(second.receipt)).tip == second.tip


def test_receipt_collisions_that_never_end_are_an_error(
    published_object: Object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "receipt_generate", lambda: "CCCC-CCCC-CCCC-CCCC")
    tip_submit(obj=published_object, payload=TipPayload(text="Takes the only receipt."))
    with pytest.raises(ApplicationError, match="could not issue a receipt"):
        tip_submit(obj=published_object, payload=TipPayload(text="Cannot get a receipt."))
    assert Tip.objects.count() == 1


def test_tip_payload_bytes_round_trip() -> None:
    assert TipPayload.from_bytes(FULL_PAYLOAD.to_bytes()) == FULL_PAYLOAD


_TEXT = st.text(
    alphabet=st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), min_size=10, max_size=5000
)


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=_TEXT.filter(lambda s: len(s.strip()) >= 10))
def test_any_text_round_trips_through_the_form_and_the_vault(text: str) -> None:
    obj = ObjectFactory()
    form = TipForm(data={"text": text})
    assert form.is_valid(), form.errors
    submitted = tip_submit(obj=obj, payload=form.payload())
    assert tip_read(tip=Tip.objects.get(pk=submitted.tip.pk)).text == text.strip()


def test_the_same_submission_token_stores_one_tip(published_object: Object) -> None:
    token = "k3Jd9sLq0pXw7vB2nM4tYa"
    first = tip_submit(obj=published_object, payload=FULL_PAYLOAD, submission=token)
    with pytest.raises(services.TipAlreadyReceived):
        tip_submit(obj=published_object, payload=FULL_PAYLOAD, submission=token)
    assert list(Tip.objects.all()) == [first.tip]
    assert Receipt.objects.count() == 1
    # Only a keyed hash is kept: the token itself appears nowhere in the database.
    stored = Tip.objects.get().submission_digest
    assert stored is not None
    assert len(stored) == 64
    assert token not in stored
    assert not [table for table, row in all_table_rows() if value_contains(row, token)]


def test_different_submission_tokens_store_different_tips(published_object: Object) -> None:
    tip_submit(obj=published_object, payload=FULL_PAYLOAD, submission="a" * 22)
    tip_submit(obj=published_object, payload=FULL_PAYLOAD, submission="b" * 22)
    tip_submit(obj=published_object, payload=FULL_PAYLOAD)  # no token: no protection, still stored
    tip_submit(obj=published_object, payload=FULL_PAYLOAD)
    assert Tip.objects.count() == 4


def test_a_receipt_collision_is_not_taken_for_a_repeat(
    published_object: Object, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = tip_submit(obj=published_object, payload=FULL_PAYLOAD, submission="c" * 22)
    codes = iter([first.receipt, "AAAA-BBBB-CCCC-DDDD"])
    monkeypatch.setattr(services, "receipt_generate", lambda: next(codes))
    second = tip_submit(obj=published_object, payload=FULL_PAYLOAD, submission="d" * 22)
    assert second.receipt == "AAAA-BBBB-CCCC-DDDD"
    assert Tip.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_tip_submit_is_the_outermost_transaction(published_object: Object) -> None:
    """No caller may wrap the intake and hold back the commit its receipt promises."""
    from django.db import transaction

    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        tip_submit(obj=published_object, payload=FULL_PAYLOAD)
    assert Tip.objects.count() == 0
