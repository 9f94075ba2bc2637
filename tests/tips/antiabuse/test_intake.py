"""The tip intake with the anti-abuse screening, through the real middleware, views and database."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client

from tests.utils import field_errors, find_by_id, tip_form_data
from traceobject.tips.antiabuse.pow import solve
from traceobject.tips.antiabuse.ratelimit import LIMITS
from traceobject.tips.models import Receipt, Tip, TipStatus

OBJECT_URL = "/objects/B17-2026/"
TIP_URL = "/objects/B17-2026/tip/"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_object", "antiabuse_backend")]


@pytest.fixture(autouse=True)
def _easy(settings: Any) -> None:
    settings.TRACEOBJECT_POW_DIFFICULTY = 8


def _challenge(client: Client) -> str:
    html = client.get(OBJECT_URL).content.decode()
    match = re.search(r'name="pow_challenge" value="([^"]+)"', html)
    assert match, "the form carries a challenge"
    return unescape(match.group(1))


def _solved(client: Client, **overrides: str) -> dict[str, str]:
    challenge = _challenge(client)
    return tip_form_data(pow_challenge=challenge, pow_nonce=solve(challenge), **overrides)


def _stored() -> tuple[int, int]:
    return Tip.objects.count(), Receipt.objects.count()


def test_the_page_loads_our_own_script_and_a_hidden_honeypot(client: Client) -> None:
    html = client.get(OBJECT_URL).content.decode()
    assert re.search(r'<script src="/static/public/pow[^"]*\.js" defer></script>', html)
    assert 'name="pow_nonce"' in html
    assert re.search(r'<div class="field hp" aria-hidden="true">\s*<label for="id_leave_empty">', html)
    assert "<script>" not in html  # nothing inline (CSP script-src 'self')


def test_solved_tip_is_verified(client: Client) -> None:
    response = client.post(TIP_URL, _solved(client))
    assert response.status_code == 200
    tip = Tip.objects.get()
    assert not tip.unverified
    assert tip.status == TipStatus.NEW


def test_tip_without_javascript_is_accepted_unverified(client: Client) -> None:
    response = client.post(TIP_URL, tip_form_data())
    assert response.status_code == 200
    assert Tip.objects.get().unverified


def test_replayed_or_wrong_solution_is_unverified_not_an_error(client: Client) -> None:
    data = _solved(client)
    assert client.post(TIP_URL, data).status_code == 200
    assert client.post(TIP_URL, data).status_code == 200  # the same solution again
    bad = _solved(client)
    bad["pow_nonce"] = "x"
    assert client.post(TIP_URL, bad).status_code == 200
    assert list(Tip.objects.order_by("pk").values_list("unverified", flat=True)) == [False, True, True]


def test_invalid_form_gets_a_fresh_challenge_and_uses_up_nothing(client: Client) -> None:
    data = _solved(client, text="short")
    response = client.post(TIP_URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    fresh = unescape(re.search(r'name="pow_challenge" value="([^"]+)"', html).group(1))  # type: ignore[union-attr]
    assert fresh != data["pow_challenge"]
    assert 'name="pow_nonce" value=""' in html or 'name="pow_nonce" id="id_pow_nonce"' in html
    # The first challenge was not used up by the refused post.
    data["text"] = tip_form_data()["text"]
    assert client.post(TIP_URL, data).status_code == 200
    assert not Tip.objects.get().unverified


def test_honeypot_stores_nothing_and_says_so(client: Client) -> None:
    response = client.post(TIP_URL, _solved(client, leave_empty="http://spam.example"))
    assert response.status_code == 400
    assert _stored() == (0, 0)
    html = unescape(response.content.decode())
    assert "Please empty the field “Leave this field empty”" in html
    assert "spam.example" not in html


def test_too_many_links_in_the_text(client: Client) -> None:
    text = "Seen here: " + " ".join(f"https://shop{n}.example/bag" for n in range(6))
    response = client.post(TIP_URL, tip_form_data(text=text))
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "text")
    assert _stored() == (0, 0)


def test_unverified_limit_gives_a_clear_429_and_stores_nothing(client: Client) -> None:
    limit = LIMITS["tip-unverified"]
    allowed = limit.per_minute + limit.burst
    for _ in range(allowed):
        assert client.post(TIP_URL, tip_form_data()).status_code == 200
    response = refused = client.post(TIP_URL, tip_form_data())
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response["Cache-Control"] == "no-store"
    html = unescape(response.content.decode())
    assert "this one was not stored yet" in html
    assert "please send it again in a minute." in html
    # Nothing the tipster wrote is lost: the form comes back filled in, with a fresh challenge, on a
    # small page (not the whole object page: a flood gets thousands of these).
    assert tip_form_data()["text"] in html
    assert 'name="pow_challenge"' in html
    assert "Share this object" not in html
    # Every field rides along, so "Send it again" sends the same tip once the wait is over.
    for name in ("text", "country", "place", "shop_brand", "time_period", "links", "contact"):
        assert f'name="{name}"' in html
    assert "<option" not in html
    assert _stored() == (allowed, allowed)
    # The same address with proof of work still gets through, and another address too.
    assert client.post(TIP_URL, _solved(client)).status_code == 200
    other = Client(REMOTE_ADDR="198.51.100.77")
    assert other.post(TIP_URL, tip_form_data()).status_code == 200
    # "Send it again" sends the same fields (here from another address, the wait being over).
    html_raw = refused.content.decode()
    resent = {
        name: unescape(value)
        for name, value in re.findall(r'<textarea name="([a-z_]+)" hidden>\n(.*?)</textarea>', html_raw, re.S)
    }
    resent["csrfmiddlewaretoken"] = ""
    assert resent["text"] == tip_form_data()["text"]
    stored = _stored()
    assert Client(REMOTE_ADDR="198.51.100.78").post(TIP_URL, resent).status_code == 200
    assert _stored() == (stored[0] + 1, stored[1] + 1)


def test_limits_off(client: Client, settings: Any) -> None:
    """With the limits off, one address sends more than an hour's allowance, and every tip is stored and
    answered with its own receipt (a limited answer would be the small "send it again" page)."""
    settings.TRACEOBJECT_RATE_LIMITS = False
    sent = LIMITS["tip-unverified"].per_hour + 1
    receipts = set()
    for _ in range(sent):
        response = client.post(TIP_URL, tip_form_data())
        assert response.status_code == 200
        code = find_by_id(response.content.decode(), "receipt-code")
        assert code is not None, "no receipt on the answer"
        receipts.add(code.text)
    assert len(receipts) == sent
    assert _stored() == (sent, sent)


def test_a_surge_holds_new_tips_out_of_the_main_queue(client: Client, settings: Any) -> None:
    settings.TRACEOBJECT_SURGE_FLOOR = 3
    for number in range(6):
        sender = Client(REMOTE_ADDR=f"192.0.2.{number + 1}")
        assert sender.post(TIP_URL, tip_form_data()).status_code == 200
    statuses = list(Tip.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [TipStatus.NEW] * 3 + [TipStatus.SURGE] * 3


def test_an_unreachable_cache_costs_the_limits_not_the_tip(
    client: Client, settings: Any, caplog: Any
) -> None:
    """Redis down (nothing listens on port 1): the tip is still stored, unverified, and a warning says
    the limits were not applied; the warning never names the client."""
    from django.test import override_settings

    from traceobject.tips.antiabuse import ratelimit

    unreachable = {
        **settings.CACHES,
        "antiabuse": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        },
    }
    ratelimit.forget_memo()
    with override_settings(CACHES=unreachable), caplog.at_level("WARNING", logger=ratelimit.__name__):
        response = client.post(TIP_URL, tip_form_data(), REMOTE_ADDR="203.0.113.9")
    ratelimit.forget_memo()
    assert response.status_code == 200
    assert _stored() == (1, 1)
    assert Tip.objects.get().unverified
    assert "anti-abuse cache unavailable" in caplog.text
    assert "203.0.113" not in caplog.text
