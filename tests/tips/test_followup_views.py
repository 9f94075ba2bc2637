"""The follow-up pages: receipt entry, thread, replies, the cookie, throttling, the staff's question."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client, override_settings

from tests.factories import TipFactory
from tests.staff_fixtures import login_verified, make_staff
from tests.utils import field_errors, find_all, find_by_id
from traceobject.audit.models import AuditEvent
from traceobject.tips.antiabuse import ratelimit
from traceobject.tips.followup_cookie import (
    ABSOLUTE_SECONDS,
    COOKIE_NAME,
    access_dump,
    access_load,
    visit_new,
)
from traceobject.tips.followups import MESSAGE_MAX, followup_access, followup_ask
from traceobject.tips.models import EndedVisit, FollowUp, FollowUpKind, Tip
from traceobject.tips.payload import TipPayload
from traceobject.tips.receipts import receipt_backoff_buckets

pytestmark = pytest.mark.django_db

ENTRY = "/follow-up/"
THREAD = "/follow-up/thread/"
LEAVE = "/follow-up/leave/"
NEUTRAL = "We could not open a tip with this receipt. Check it and try again."


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    caches[ratelimit.CACHE_ALIAS].clear()
    ratelimit.forget_memo()
    yield
    caches[ratelimit.CACHE_ALIAS].clear()


@pytest.fixture
def tip():
    return TipFactory(payload=TipPayload(text="Sold at a market stall in Gdansk.", contact="me@example.org"))


def _enter(client: Client, receipt: str):
    return client.post(ENTRY, {"receipt": receipt})


def test_the_entry_page_works_without_javascript_and_is_not_cached(client) -> None:
    response = client.get(ENTRY)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert find_all(html, "script") == []
    assert find_all(html, "style") == []
    assert not [e for e in find_all(html, "input") if e.attrs.get("style")]
    assert COOKIE_NAME not in response.cookies


def test_a_correct_receipt_sets_one_short_cookie_and_shows_the_thread(client, tip) -> None:
    response = _enter(client, tip.receipt_code)
    assert response.status_code == 303
    assert response["Location"] == THREAD
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["path"] == "/follow-up/"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["max-age"] == "", "ends when the browser closes"
    assert cookie["expires"] == ""
    # Nothing readable in it: not the tip id as text, not the receipt.
    assert tip.receipt_code not in cookie.value
    assert set(response.cookies) <= {COOKIE_NAME, "to_csrf"}

    page = client.get(THREAD)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert "Sold at a market stall in Gdansk." in html
    assert "me@example.org" not in html, "the contact details are never shown back"
    assert find_all(html, "script") == []
    assert page.cookies[COOKIE_NAME]["path"] == "/follow-up/", "each visit renews the idle time"


def test_the_language_prefix_confines_the_cookie_to_that_languages_pages(client, tip) -> None:
    response = client.post("/fr/follow-up/", {"receipt": tip.receipt_code})
    assert response.status_code == 303
    assert response["Location"] == "/fr/follow-up/thread/"
    assert response.cookies[COOKIE_NAME]["path"] == "/fr/follow-up/"


@pytest.mark.parametrize("receipt", ["0000-0000-0000-0000", "not a receipt", "ZZZZ"])
def test_a_wrong_receipt_gets_one_neutral_message(client, tip, receipt) -> None:
    response = _enter(client, receipt)
    assert response.status_code == 400
    html = response.content.decode()
    assert NEUTRAL in find_by_id(html, "follow-up-errors").text
    assert COOKIE_NAME not in response.cookies


def test_the_thread_shows_questions_and_the_tipster_replies(client, tip) -> None:
    analyst = make_staff("fv-analyst", "analyst")
    followup_ask(actor=analyst, tip=tip, text="Which market, and which year?")
    _enter(client, tip.receipt_code)
    html = client.get(THREAD).content.decode()
    assert "Which market, and which year?" in find_by_id(html, "thread").text

    response = client.post(THREAD, {"text": "The Sunday market, in 2017."})
    assert response.status_code == 303
    assert response["Location"] == f"{THREAD}?sent=1"
    reply = FollowUp.objects.get(kind=FollowUpKind.REPLY)
    assert reply.tip_id == tip.pk
    tip.refresh_from_db()
    assert tip.reply_waiting is True
    html = client.get(response["Location"]).content.decode()
    assert find_by_id(html, "reply-sent") is not None
    texts = [li.text for li in find_all(html, "li", **{"class": "reply"})]
    assert any("The Sunday market, in 2017." in text for text in texts)


@pytest.mark.parametrize(
    ("text", "error"),
    [("", "Write a message first."), ("   ", "Write a message first."), ("x" * (MESSAGE_MAX + 1), "5000")],
)
def test_an_empty_or_long_reply_is_refused_and_nothing_is_stored(client, tip, text, error) -> None:
    _enter(client, tip.receipt_code)
    response = client.post(THREAD, {"text": text})
    assert response.status_code == 400
    assert error in field_errors(response.content.decode(), "text")
    assert not FollowUp.objects.exists()
    tip.refresh_from_db()
    assert tip.reply_waiting is False


def test_without_a_valid_cookie_the_thread_sends_back_to_the_receipt(client, tip) -> None:
    response = client.get(THREAD)
    assert response.status_code == 303
    assert response["Location"] == ENTRY, "no visit to end, no notice"
    client.cookies[COOKIE_NAME] = "forged" + "A" * 80
    response = client.post(THREAD, {"text": "Injected"})
    assert response.status_code == 303
    assert response.cookies[COOKIE_NAME].value == "", "a bad cookie is removed"
    assert not FollowUp.objects.exists()


def test_the_visit_expires_after_the_idle_time(client, tip) -> None:
    with time_machine.travel("2026-11-22 10:00:00+00:00", tick=False) as clock:
        _enter(client, tip.receipt_code)
        clock.shift(29 * 60)
        assert client.get(THREAD).status_code == 200, "activity renews the idle time"
        clock.shift(29 * 60)
        assert client.get(THREAD).status_code == 200
        clock.shift(31 * 60)
        response = client.get(THREAD)
        assert response.status_code == 303
        assert response["Location"] == f"{ENTRY}?from=expired"


def test_leave_deletes_the_cookie(client, tip) -> None:
    _enter(client, tip.receipt_code)
    assert client.get(LEAVE).status_code == 405, "leaving is a POST, never a link a page can trigger"
    response = client.post(LEAVE)
    assert response.status_code == 303
    assert response["Location"] == f"{ENTRY}?from=left"
    assert response.cookies[COOKIE_NAME].value == ""
    assert response.cookies[COOKIE_NAME]["path"] == "/follow-up/"
    assert "You have left the follow-up page." in client.get(response["Location"]).content.decode()
    assert client.get(THREAD).status_code == 303


def test_leave_ends_every_copy_of_the_cookie_on_the_server(client, tip) -> None:
    """A copy of the cookie saved before "Leave" (another tab's, a backup's, a thief's) opens nothing after
    it, in any browser: the server refuses the visit, not only this browser's cookie jar."""
    _enter(client, tip.receipt_code)
    saved = client.cookies[COOKIE_NAME].value
    copy = Client()
    copy.cookies[COOKIE_NAME] = saved
    assert copy.get(THREAD).status_code == 200, "before leaving, a copy works like the original"
    client.post(LEAVE)

    copy = Client()
    copy.cookies[COOKIE_NAME] = saved
    response = copy.get(THREAD)
    assert response.status_code == 303
    assert response["Location"] == f"{ENTRY}?from=expired"
    assert response.cookies[COOKIE_NAME].value == ""
    copy.cookies[COOKIE_NAME] = saved
    assert copy.post(THREAD, {"text": "Sent with a saved cookie"}).status_code == 303
    assert not FollowUp.objects.exists()
    copy.cookies[COOKIE_NAME] = saved
    assert copy.get(ENTRY).status_code == 200, "the receipt form, not a way round to the thread"

    # The receipt opens a new visit, which the ended one does not touch.
    assert _enter(client, tip.receipt_code).status_code == 303
    assert client.cookies[COOKIE_NAME].value != saved
    assert client.get(THREAD).status_code == 200


def test_leaving_one_visit_leaves_another_visit_of_the_same_tip_open(tip) -> None:
    phone, laptop = Client(), Client()
    _enter(phone, tip.receipt_code)
    _enter(laptop, tip.receipt_code)
    phone.post(LEAVE)
    assert phone.get(THREAD).status_code == 303
    assert laptop.get(THREAD).status_code == 200


def test_an_ended_visit_is_kept_only_as_long_as_its_cookie_could_live(client, tip) -> None:
    with time_machine.travel("2026-11-22 10:20:00+00:00", tick=False) as clock:
        _enter(client, tip.receipt_code)
        client.post(LEAVE)
        ended = EndedVisit.objects.get()
        # Refused anyway 8 hours after the receipt (18:20), kept to the hour after, and no longer.
        assert ended.expires_at == datetime(2026, 11, 22, 19, 0, tzinfo=UTC)
        clock.shift(9 * 3600)
        other = Client()
        _enter(other, tip.receipt_code)
        other.post(LEAVE)
        assert list(EndedVisit.objects.values_list("expires_at", flat=True)) == [
            datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
        ], "the next visit ended removes the records past their hour"


def test_the_tip_being_deleted_ends_the_visit(client, tip) -> None:
    _enter(client, tip.receipt_code)
    Tip.objects.filter(pk=tip.pk).delete()
    response = client.get(THREAD)
    assert response.status_code == 303
    assert response["Location"] == f"{ENTRY}?from=expired"


@override_settings(TRACEOBJECT_RATE_LIMITS=True)
def test_wrong_receipts_near_a_receipt_get_slower_and_the_wait_holds_for_it(client, tip) -> None:
    """Typos (or guesses) that keep three of the four groups: after a few, every attempt sharing those
    groups waits, the correct receipt included; once the wait is over it opens, and clears the slate."""
    near = tip.receipt_code[:-4] + ("0000" if tip.receipt_code[-4:] != "0000" else "1111")
    with time_machine.travel("2026-11-22 10:00:00+00:00", tick=False) as clock:
        for _attempt in range(ratelimit.BACKOFF_FREE_FAILURES - 1):
            assert _enter(client, near).status_code == 400
        assert _enter(client, near).status_code == 400  # this one starts the waiting
        response = _enter(client, tip.receipt_code)
        assert response.status_code == 429
        assert int(response["Retry-After"]) >= 1
        assert "Too many attempts" in response.content.decode()
        assert NEUTRAL not in response.content.decode()
        assert COOKIE_NAME not in response.cookies
        assert _enter(client, "ZZZZ-ZZZZ-ZZZZ-ZZZZ").status_code == 400, "unrelated receipts do not wait"

        clock.shift(int(response["Retry-After"]))
        _enter(client, near)
        wait = int(_enter(client, tip.receipt_code)["Retry-After"])
        assert wait > 2, "each further failure doubles the wait"
        clock.shift(wait)
        response = _enter(client, tip.receipt_code)
        assert response.status_code == 303, "after the wait the correct receipt opens the tip"
        assert ratelimit.backoff_wait(response.wsgi_request, "receipt", receipt_backoff_buckets(near)) == 0


def test_an_analyst_asks_from_the_tip_page(tip) -> None:
    analyst = make_staff("fv-asker", "analyst")
    staff = login_verified(Client(), analyst)
    page = staff.get(f"/staff/triage/tips/{tip.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert find_by_id(html, "follow-up") is not None
    assert find_all(html, "form", action=f"/staff/triage/tips/{tip.pk}/question/")

    response = staff.post(f"/staff/triage/tips/{tip.pk}/question/", {"question": "Which year?"})
    assert response.status_code == 302
    assert response["Location"] == f"/staff/triage/tips/{tip.pk}/#follow-up"
    question = FollowUp.objects.get()
    assert question.kind == FollowUpKind.QUESTION
    assert AuditEvent.objects.filter(action="tip.question", target_id=str(tip.pk)).count() == 1
    assert "Which year?" in staff.get(f"/staff/triage/tips/{tip.pk}/").content.decode()

    response = staff.post(f"/staff/triage/tips/{tip.pk}/question/", {"question": "  "})
    assert response.status_code == 302
    assert FollowUp.objects.count() == 1


def test_the_tip_page_marks_a_new_reply_once(tip) -> None:
    access = followup_access(receipt=tip.receipt_code)
    from traceobject.tips.followups import followup_reply

    followup_reply(tip=tip, receipt_private_key=access.private_key, text="I remembered more.")
    staff = login_verified(Client(), make_staff("fv-reader", "analyst"))
    html = staff.get(f"/staff/triage/tips/{tip.pk}/").content.decode()
    assert "I remembered more." in html
    assert find_all(html, "span", **{"class": "badge new-reply"})
    html = staff.get(f"/staff/triage/tips/{tip.pk}/").content.decode()
    assert not find_all(html, "span", **{"class": "badge new-reply"})
    tip.refresh_from_db()
    assert tip.reply_waiting is False


@pytest.mark.parametrize("role", ["publisher", "auditor"])
def test_roles_without_the_permission_cannot_ask(tip, role) -> None:
    user = make_staff(f"fv-{role}", role)
    staff = login_verified(Client(), user)
    response = staff.post(f"/staff/triage/tips/{tip.pk}/question/", {"question": "Which year?"})
    assert response.status_code == 403
    assert not FollowUp.objects.exists()
    if role == "publisher":  # may read the tip, sees the thread, but gets no question form
        html = staff.get(f"/staff/triage/tips/{tip.pk}/").content.decode()
        assert find_by_id(html, "follow-up") is not None
        assert not find_all(html, "form", action=f"/staff/triage/tips/{tip.pk}/question/")


def test_an_active_visit_still_ends_after_the_absolute_limit(client, tip) -> None:
    with time_machine.travel("2026-11-22 10:00:00+00:00", tick=False) as clock:
        _enter(client, tip.receipt_code)
        elapsed = 0
        while elapsed + 25 * 60 <= ABSOLUTE_SECONDS:
            clock.shift(25 * 60)
            elapsed += 25 * 60
            assert client.get(THREAD).status_code == 200
        clock.shift(25 * 60)
        response = client.get(THREAD)
        assert response.status_code == 303
        assert response["Location"] == f"{ENTRY}?from=expired"


def test_the_cookie_is_bound_to_the_secret_key(tip) -> None:
    access = followup_access(receipt=tip.receipt_code)
    visit = visit_new(access, now=time.time())
    value = access_dump(visit)
    loaded = access_load(value)
    assert loaded is not None
    assert loaded.access.tip_id == tip.pk
    assert bytes(loaded.access.private_key) == bytes(access.private_key)
    assert loaded.visit_id == visit.visit_id
    with override_settings(SECRET_KEY="another secret key, after a rotation, long enough"):
        assert access_load(value) is None
    assert access_load(value[:-4]) is None
    assert access_load("") is None


@override_settings(TRACEOBJECT_RATE_LIMITS=True)
def test_replies_are_rate_limited_and_a_refused_one_stores_nothing(client, tip) -> None:
    limit = ratelimit.LIMITS["follow-up"]
    with time_machine.travel("2026-11-22 10:00:05+00:00", tick=False):
        _enter(client, tip.receipt_code)
        for number in range(limit.per_minute + limit.burst):
            sent = client.post(THREAD, {"text": f"Detail {number}"})
            assert sent["Location"] == f"{THREAD}?sent=1"
        response = client.post(THREAD, {"text": "One too many"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "Too many attempts" in response.content.decode()
    assert FollowUp.objects.count() == limit.per_minute + limit.burst


def test_the_thread_names_the_country_in_the_pages_language(client) -> None:
    tip = TipFactory(payload=TipPayload(text="Seen in a shop near the station.", country="PL"))
    _enter(client, tip.receipt_code)
    english = find_by_id(client.get(THREAD).content.decode(), "your-tip").text
    assert "Poland" in english
    assert "PL" not in english.split()
    french = Client()
    french.post("/fr/follow-up/", {"receipt": tip.receipt_code})
    assert "Pologne" in find_by_id(french.get("/fr/follow-up/thread/").content.decode(), "your-tip").text


CALL_FOR_HELP = "come back in a few days"
NO_LONGER = "This object no longer needs tips. Thank you for your help."


def _thread_for(status: str) -> tuple[str, bool]:
    """The thread page of a tip about an object in ``status``, and whether the object's public page
    still takes tips (shows the tip form)."""
    tip = TipFactory(payload=TipPayload(text="Sold at a market stall in Gdansk."))
    type(tip.object).objects.filter(pk=tip.object_id).update(status=status)
    client = Client()
    _enter(client, tip.receipt_code)
    html = client.get(THREAD).content.decode()
    code = tip.object.code
    takes_tips = f"/objects/{code}/tip/" in client.get(f"/objects/{code}/").content.decode()
    return html, takes_tips


def test_a_published_object_still_asks_for_help() -> None:
    html, takes_tips = _thread_for("published")
    assert takes_tips
    assert CALL_FOR_HELP in html
    assert NO_LONGER not in html
    assert 'action="/follow-up/thread/"' in html


@pytest.mark.parametrize("status", ["withdrawn", "archived"])
def test_an_object_that_left_the_gallery_stops_asking(status: str) -> None:
    html, takes_tips = _thread_for(status)
    assert not takes_tips
    assert NO_LONGER in find_by_id(html, "no-longer-needed").text
    assert CALL_FOR_HELP not in html
    assert 'action="/follow-up/thread/"' not in html, "no reply form when no question waits"


def test_a_located_object_says_no_more_than_its_public_page_and_never_which_kind() -> None:
    pages = {}
    for status in ("identified", "widespread"):
        html, takes_tips = _thread_for(status)
        # As the object's public page: asking while it takes tips, the neutral notice once it does not.
        assert (NO_LONGER in html) is (not takes_tips), status
        assert (CALL_FOR_HELP in html) is takes_tips, status
        main = html[html.index("<main") : html.index("</main>")]
        assert "dentified" not in main, status
        assert "idespread" not in main, status
        pages[status] = re.sub(r'value="[^"]*"|T\d{4}-2026|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}[^<"]*', "", main)
    assert pages["identified"] == pages["widespread"], "the page cannot tell identified from widespread"


@pytest.mark.parametrize(
    ("prefix", "written"),
    [("", "12 Jul 2026, 15:17"), ("/fr", "12/07/2026 15:17"), ("/de", "12.07.2026 15:17")],
)
def test_the_thread_dates_messages_as_the_pages_language_writes_dates(client, tip, prefix, written) -> None:
    analyst = make_staff("fv-analyst", "analyst")
    question = followup_ask(actor=analyst, tip=tip, text="Which market?")
    FollowUp.objects.filter(pk=question.pk).update(created_at=datetime(2026, 7, 12, 15, 17, tzinfo=UTC))
    client.post(f"{prefix}{ENTRY}", {"receipt": tip.receipt_code})
    html = client.get(f"{prefix}{THREAD}").content.decode()
    times = [(e.attrs["datetime"], e.text) for e in find_all(html, "time")]
    assert ("2026-07-12T15:17:00+00:00", written) in times
