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


def _form_token(html: str) -> str:
    element = find_by_id(html, "id_submission")
    assert element, "the tip form carries no submission token"
    assert element.attrs["type"] == "hidden"
    token = element.attrs["value"]
    assert token
    return token


def test_each_rendering_of_the_form_carries_a_new_token(client) -> None:
    first = _form_token(client.get("/objects/B17-2026/").content.decode())
    second = _form_token(client.get("/objects/B17-2026/").content.decode())
    assert first != second


def test_the_same_form_posted_twice_stores_one_tip_and_shows_no_second_receipt(client) -> None:
    token = _form_token(client.get("/objects/B17-2026/").content.decode())
    data = tip_form_data(submission=token)
    first = client.post(TIP_URL, data)
    assert first.status_code == 200
    receipt = find_by_id(first.content.decode(), "receipt-code")
    assert receipt
    code = receipt.text.strip()

    again = client.post(TIP_URL, data)  # what a reload of the receipt page sends
    assert again.status_code == 200
    assert again["Cache-Control"] == "no-store"
    html = again.content.decode()
    assert "Your tip was already received" in html
    assert "It was not stored a second time." in html
    assert find_by_id(html, "receipt-code") is None
    assert code not in html
    assert not re.search(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", html)
    assert _stored() == (1, 1)


def test_a_form_shown_again_after_an_error_keeps_its_token_and_stores_once(client) -> None:
    token = _form_token(client.get("/objects/B17-2026/").content.decode())
    refused = client.post(TIP_URL, tip_form_data(text="short", submission=token))
    assert refused.status_code == 400
    assert _form_token(refused.content.decode()) == token  # nothing was stored under it yet
    assert client.post(TIP_URL, tip_form_data(submission=token)).status_code == 200
    assert "already received" in client.post(TIP_URL, tip_form_data(submission=token)).content.decode()
    assert _stored() == (1, 1)


def test_a_malformed_token_is_ignored_not_refused(client) -> None:
    for _ in range(2):
        assert client.post(TIP_URL, tip_form_data(submission="<bad token>")).status_code == 200
    assert _stored() == (2, 2)


def _described_by_resolves(html: str, field_id: str) -> list[str]:
    field = find_by_id(html, field_id)
    assert field, field_id
    ids = (field.attrs.get("aria-describedby") or "").split()
    for described in ids:
        assert find_by_id(html, described), f"{field_id} points aria-describedby at a missing #{described}"
    return ids


def test_tip_form_fields_are_described_by_their_help_and_errors(client) -> None:
    html = client.get("/objects/B17-2026/").content.decode()
    assert _described_by_resolves(html, "id_text") == ["id_text_helptext"]
    assert _described_by_resolves(html, "id_links") == ["id_links_helptext"]
    assert _described_by_resolves(html, "id_place") == []
    refused = client.post(TIP_URL, tip_form_data(text="short", links="nope")).content.decode()
    assert _described_by_resolves(refused, "id_text") == ["id_text_helptext", "id_text_errors"]
    assert _described_by_resolves(refused, "id_links") == ["id_links_helptext", "id_links_errors"]


def test_follow_up_form_fields_are_described_by_their_help(client) -> None:
    html = client.get("/follow-up/").content.decode()
    described = [
        element.attrs["id"]
        for element in find_all(html, "input") + find_all(html, "textarea")
        if element.attrs.get("aria-describedby")
    ]
    assert described, "the follow-up form has a field with help text"
    for field_id in described:
        _described_by_resolves(html, field_id)


def test_error_summary_names_and_links_every_field_in_error(client) -> None:
    html = client.post(TIP_URL, tip_form_data(text="short", links="nope")).content.decode()
    summary = find_all(html, "ul", class_="error-summary-list")
    assert len(summary) == 1
    links = [
        element for element in find_all(html, "a") if (element.attrs.get("href") or "").startswith("#id_")
    ]
    assert [link.attrs["href"] for link in links] == ["#id_text", "#id_links"]
    assert links[0].text.startswith("What do you know about this object?: Please write at least 10")
    assert links[1].text.startswith("Links: Line 1")
    for link in links:
        assert find_by_id(html, link.attrs["href"][1:])


def test_favicon_is_linked_and_answers(client) -> None:
    html = client.get("/about/").content.decode()
    icons = [link for link in find_all(html, "link") if link.attrs.get("rel") == "icon"]
    assert {link.attrs["type"] for link in icons if link.attrs.get("type")} == {"image/svg+xml"}
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].startswith("/static/favicon")
    assert response["Location"].endswith(".ico")
