from __future__ import annotations

import re
from datetime import timedelta
from html import escape

import pytest
from django.utils import timezone

from tests.utils import VALID_TIP_TEXT, field_errors, find_all, find_by_id, tip_form_data
from traceobject.gallery.models import Audience, Object, ObjectStatus
from traceobject.tips.forms import TipForm
from traceobject.tips.models import Receipt, Tip
from traceobject.tips.receipts import receipt_digest
from traceobject.tips.services import TipPayload, tip_read

TIP_URL = "/objects/B17-2026/tip/"
RECEIPT_FORMAT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")

pytestmark = pytest.mark.usefixtures("published_object")


def _stored() -> tuple[int, int]:
    return Tip.objects.count(), Receipt.objects.count()


def test_valid_tip_shows_the_receipt_once(client) -> None:
    data = tip_form_data(
        country="PL",
        place="Poznan",
        shop_brand="Pepco",
        time_period="2016",
        links="https://example.pl/torba\n",
        contact="anna@example.org",
    )
    response = client.post(TIP_URL, data)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    code_element = find_by_id(html, "receipt-code")
    assert code_element
    code = code_element.text.strip()
    assert RECEIPT_FORMAT.match(code)
    assert "B17-2026" in html
    tip = Tip.objects.get()
    assert tip.receipt.digest == receipt_digest(code)
    assert tip_read(tip=tip) == TipPayload(
        text=VALID_TIP_TEXT,
        country="PL",
        place="Poznan",
        shop_brand="Pepco",
        time_period="2016",
        links=["https://example.pl/torba"],
        contact="anna@example.org",
    )


def test_receipt_page_repeats_nothing_the_tipster_wrote(client) -> None:
    response = client.post(TIP_URL, tip_form_data(contact="anna@example.org"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "anna@example.org" not in html
    assert VALID_TIP_TEXT not in html


def test_lower_case_code_in_the_url_works(client) -> None:
    response = client.post(TIP_URL.lower(), tip_form_data())
    assert response.status_code == 200
    assert _stored() == (1, 1)


def test_get_on_the_tip_url_is_not_allowed(client) -> None:
    response = client.get(TIP_URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert _stored() == (0, 0)


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"text": ""}, "text", "required"),
        ({"text": "too short"}, "text", "min_length"),
        ({"text": "x" * 5001}, "text", "max_length"),
        ({"country": "XX"}, "country", "invalid_choice"),
        ({"country": "EU"}, "country", "invalid_choice"),
        ({"place": "p" * 201}, "place", "max_length"),
        ({"shop_brand": "s" * 201}, "shop_brand", "max_length"),
        ({"time_period": "t" * 101}, "time_period", "max_length"),
        ({"contact": "c" * 501}, "contact", "max_length"),
        ({"links": "\n".join(f"https://example.org/{n}" for n in range(6))}, "links", "too_many"),
        ({"links": "https://example.org/\njavascript:alert(1)"}, "links", "invalid_link"),
        ({"links": "ftp://example.org/x"}, "links", "invalid_link"),
        ({"links": "\n\nsomewhere"}, "links", "invalid_link"),
    ],
)
def test_invalid_tip_is_shown_again_with_the_error_next_to_the_field(
    client, data: dict[str, str], field: str, code: str
) -> None:
    form = TipForm(data=tip_form_data(**data))
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()[field]] == [code]
    response = client.post(TIP_URL, tip_form_data(**data))
    assert response.status_code == 400
    html = response.content.decode()
    shown = field_errors(html, field)
    for message in form.errors[field]:
        assert escape(message) in escape(shown)
    for other in ("text", "country", "place", "shop_brand", "time_period", "links", "contact"):
        if other != field:
            assert field_errors(html, other) == ""
    assert find_all(html, "div", class_="form-errors")
    # The field is marked, and the form comes back on the object's page.
    marked = find_all(html, "div", class_="field has-error")
    assert len(marked) == 1
    assert find_by_id(html, "tip")
    assert response["Cache-Control"] == "private, no-cache"
    assert _stored() == (0, 0)


def test_invalid_tip_keeps_what_was_typed(client) -> None:
    data = tip_form_data(text="short", place="Poznan, Stary Rynek", links="javascript:alert(1)")
    response = client.post(TIP_URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    place = find_by_id(html, "id_place")
    assert place
    assert place.attrs["value"] == "Poznan, Stary Rynek"
    # Re-rendered input is escaped, never active markup.
    assert "javascript:alert(1)</textarea>" in html


def test_markup_in_a_refused_tip_is_escaped(client) -> None:
    response = client.post(
        TIP_URL, tip_form_data(text="<script>x</script>", country="XX", place='"><img src=x>')
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>x</script>" not in html
    assert '"><img src=x>' not in html


@pytest.mark.parametrize("code", ["UNKNOWN-1", "DRAFT-1", "WITHDRAWN-1", "PARTNERS-1", "FUTURE-1"])
def test_tip_for_an_object_the_public_cannot_see_is_not_found(
    client, object_factory, release_factory, code
) -> None:
    object_factory(code="DRAFT-1", status=ObjectStatus.DRAFT)
    object_factory(code="WITHDRAWN-1", status=ObjectStatus.WITHDRAWN)
    object_factory(code="PARTNERS-1", audience=Audience.PARTNERS)
    object_factory(code="FUTURE-1", release=release_factory(publish_at=timezone.now() + timedelta(days=1)))
    response = client.post(f"/objects/{code}/tip/", tip_form_data())
    assert response.status_code == 404
    assert _stored() == (0, 0)


@pytest.mark.parametrize("status", [ObjectStatus.IDENTIFIED, ObjectStatus.WIDESPREAD])
def test_tip_for_a_located_object_is_refused_with_the_thank_you_notice(
    client, published_object: Object, status: str
) -> None:
    from tests.disclosure import locate

    locate(published_object, kind=status)  # and past its quiet period: disclosed
    response = client.post(TIP_URL, tip_form_data())
    assert response.status_code == 400
    html = response.content.decode()
    assert find_all(html, "p", class_="notice located")
    assert not find_all(html, "form", method="post")
    assert _stored() == (0, 0)


@pytest.mark.django_db
def test_language_links_after_a_post_point_to_the_object_page(client, published_object) -> None:
    response = client.post(f"/objects/{published_object.code}/tip/", {"text": "short"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'href="/fr/objects/{published_object.code}/"' in html
    assert f"/objects/{published_object.code}/tip/" not in html.split("<main")[0]
