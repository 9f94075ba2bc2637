"""Barrier reports: the accessibility statement's public form and the staff list (``tips.barriers``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.core.cache import caches
from django.http import HttpResponse
from django.test import Client, override_settings

from tests.utils import all_table_rows, field_errors, find_all, value_contains
from traceobject import vault
from traceobject.audit.models import AuditEvent
from traceobject.tips.antiabuse import ratelimit
from traceobject.tips.barriers import REPORTS_PER_PAGE, BarrierPayload, barrier_report_submit
from traceobject.tips.models import BarrierReport

pytestmark = pytest.mark.django_db

FORM = "/accessibility/report/"
THANKS = "/accessibility/report/thanks/"
LIST = "/staff/barrier-reports/"
CLIENT_ADDRESS = "203.0.113.58"
TEXT = "The zoom at 400% hides the send button of the tip form under the footer."
PAGE = "https://trace.example/objects/B17-2026/"
CONTACT = "lena.barrier@example.org"


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    caches[ratelimit.CACHE_ALIAS].clear()
    ratelimit.forget_memo()
    yield
    caches[ratelimit.CACHE_ALIAS].clear()


def _post(client: Client, **data: str) -> HttpResponse:
    return client.post(
        FORM, {"text": TEXT, "page": PAGE, "contact": CONTACT} | data, REMOTE_ADDR=CLIENT_ADDRESS
    )


# --- The public form ------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/fr", "/de"])
def test_the_form_is_a_plain_html_form_in_every_language(client: Client, prefix: str) -> None:
    response = client.get(prefix + FORM)
    assert response.status_code == 200
    html = response.content.decode()
    forms = find_all(html, "form", method="post", action=prefix + FORM)
    assert len(forms) == 1
    assert 'name="csrfmiddlewaretoken"' in html
    assert "<script" not in html
    # A per-visitor CSRF token: no shared cache may keep the page.
    assert response["Cache-Control"] == "private, no-cache"
    for name in ("text", "page", "contact"):
        assert f'name="{name}"' in html


def test_the_statement_links_to_the_form_and_keeps_the_mailbox(client: Client) -> None:
    with override_settings(ACCESSIBILITY_CONTACT="access@agency.example"):
        html = client.get("/accessibility/").content.decode()
    assert find_all(html, "a", href=FORM)
    assert "mailto:access@agency.example" in html


def test_the_statement_names_exactly_the_languages_the_axe_test_covers(client: Client) -> None:
    """The statement's promise follows tests/e2e/test_accessibility.py: a language added to (or dropped
    from) the browser test must be named (or no longer named) on /accessibility/."""
    from babel import Locale
    from django.conf import settings
    from django.utils.translation import to_locale

    from tests.e2e.test_accessibility import LANGUAGES

    covered = {prefix.strip("/") or "en" for prefix in LANGUAGES}
    names = {
        code: str(Locale.parse(to_locale(code)).get_display_name("en")) for code, _name in settings.LANGUAGES
    }
    html = client.get("/accessibility/").content.decode()
    sentence = next(p.text for p in find_all(html, "p") if "axe-core tool" in p.text)
    assert {code for code, name in names.items() if name in sentence} == covered
    # It says that a right-to-left language is among them exactly when one is.
    assert ("right to left" in sentence) == bool(covered & set(settings.LANGUAGES_BIDI))


def test_a_report_is_stored_sealed_and_thanked_after_a_redirect(enforce_csrf_client: Client) -> None:
    client = enforce_csrf_client
    client.get(FORM)
    token = client.cookies["to_csrf"].value
    response = client.post(
        FORM,
        {"text": TEXT, "page": PAGE, "contact": CONTACT, "csrfmiddlewaretoken": token},
        REMOTE_ADDR=CLIENT_ADDRESS,
    )
    assert response.status_code == 303
    assert response["Location"] == THANKS
    thanks = client.get(THANKS)
    assert thanks.status_code == 200
    assert "Thank you for your report" in thanks.content.decode()

    report = BarrierReport.objects.get()
    assert BarrierPayload.from_bytes(vault.open(bytes(report.sealed))) == BarrierPayload(
        text=TEXT, page=PAGE, contact=CONTACT
    )
    # Nothing readable anywhere in the database: not the words, not the contact, not the address.
    for table, row in all_table_rows():
        for value in row:
            for needle in (TEXT[:30], "lena.barrier", "objects/B17-2026", CLIENT_ADDRESS):
                assert not value_contains(value, needle), f"{needle!r} readable in {table}"
    # The public side writes no audit event: none may identify a sender.
    assert not AuditEvent.objects.exists()


def test_the_optional_fields_may_stay_empty(client: Client) -> None:
    response = _post(client, page="", contact="")
    assert response.status_code == 303
    payload = BarrierPayload.from_bytes(vault.open(bytes(BarrierReport.objects.get().sealed)))
    assert payload == BarrierPayload(text=TEXT)


def test_an_empty_form_says_what_is_missing_and_stores_nothing(client: Client) -> None:
    response = client.post(FORM, {"text": "  ", "page": "", "contact": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert field_errors(html, "text") == "Please describe the barrier you met."
    # The summary names the field and links to it.
    assert find_all(html, "a", href="#id_text")
    assert 'aria-describedby="id_text_helptext id_text_errors"' in html
    assert not BarrierReport.objects.exists()


def test_a_filled_honeypot_stores_nothing_and_says_so(client: Client) -> None:
    response = _post(client, leave_empty="http://spam.example")
    assert response.status_code == 400
    assert "Please empty the field" in response.content.decode()
    assert not BarrierReport.objects.exists()


@override_settings(TRACEOBJECT_RATE_LIMITS=True)
def test_reports_are_rate_limited_and_a_refused_one_keeps_the_text(client: Client) -> None:
    limit = ratelimit.limit_for("barrier")
    allowed = limit.per_minute + limit.burst
    with time_machine.travel("2026-11-22 10:00:05+00:00", tick=False):
        for _number in range(allowed):
            assert _post(client).status_code == 303
        response = _post(client, text="One report too many, kept in the form.")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    html = response.content.decode()
    assert "One report too many, kept in the form." in html
    assert BarrierReport.objects.count() == allowed


def test_get_only_on_the_thank_you_page(client: Client) -> None:
    assert client.post(THANKS).status_code == 405
    assert not BarrierReport.objects.exists()


# --- The staff list ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["analyst", "publisher", "administrator"])
def test_staff_who_hold_the_tip_key_read_the_reports_and_the_reading_is_audited(
    staff_client, role: str
) -> None:
    first = barrier_report_submit(payload=BarrierPayload(text=TEXT, page=PAGE, contact=CONTACT))
    second = barrier_report_submit(payload=BarrierPayload(text="The captcha-free form is great, but tiny."))
    response = staff_client(role).get(LIST)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert TEXT in html
    assert PAGE in html
    assert CONTACT in html
    assert "The captcha-free form is great, but tiny." in html
    # Newest first; the page address is shown as text, never as a link a click would follow.
    assert html.index(f'id="barrier-report-{second.pk}"') < html.index(f'id="barrier-report-{first.pk}"')
    assert not find_all(html, "a", href=PAGE)
    event = AuditEvent.objects.get(action="barriers.view")
    assert event.actor.role == role
    assert event.details == {"reports": [second.pk, first.pk]}
    # A link in the staff navigation.
    assert find_all(html, "a", href=LIST)


def test_an_empty_list_opens_nothing_and_records_nothing(staff_client) -> None:
    response = staff_client("analyst").get(LIST)
    assert response.status_code == 200
    assert "No barrier has been reported yet." in response.content.decode()
    assert not AuditEvent.objects.filter(action="barriers.view").exists()


@pytest.mark.parametrize("role", ["auditor", "partner_a", "partner_b", "outsider"])
def test_other_roles_are_refused(staff_client, role: str) -> None:
    barrier_report_submit(payload=BarrierPayload(text=TEXT))
    response = staff_client(role).get(LIST)
    assert response.status_code == 403
    assert TEXT not in response.content.decode()
    assert not AuditEvent.objects.filter(action="barriers.view").exists()


def test_anonymous_visitors_are_sent_to_the_staff_login(client: Client) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=")


def test_the_list_is_paginated_with_a_constant_number_of_queries(staff_client, count_queries) -> None:
    client = staff_client("analyst")
    barrier_report_submit(payload=BarrierPayload(text="The only report so far."))
    client.get(LIST)  # the session's first page loads the keys and the second factor once
    few = count_queries(lambda: client.get(LIST))
    for number in range(REPORTS_PER_PAGE):
        barrier_report_submit(payload=BarrierPayload(text=f"Report number {number:02d} of many."))
    many = count_queries(lambda: client.get(LIST))
    assert many == few
    first = client.get(LIST).content.decode()
    assert first.count('class="barrier-report"') == REPORTS_PER_PAGE
    assert "The only report so far." not in first
    assert find_all(first, "a", rel="next")
    second = client.get(LIST + "?page=2").content.decode()
    assert second.count('class="barrier-report"') == 1
    assert "The only report so far." in second


def test_a_key_rotation_re_seals_the_reports_and_an_escrowed_administrator_reads_them(
    settings, django_capture_on_commit_callbacks
) -> None:
    """They are sealed to the tip key, so a rotation must move them too: else the old key's retirement
    would lose them. After the escrow (no configured private key), through the real login."""
    from tests.utils import csrf_token_from
    from tests.vault.helpers import account, login
    from traceobject.vault.models import KeyRotation

    settings.VAULT_PRIVATE_KEY = ""
    vault.active_key_forget()
    account("root", "administrator")
    admin = login("root")
    report = barrier_report_submit(payload=BarrierPayload(text=TEXT, contact=CONTACT))
    token = csrf_token_from(admin.get("/staff/vault/").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        admin.post("/staff/vault/rotate/", {"csrfmiddlewaretoken": token})
    rotation = KeyRotation.objects.get()
    assert rotation.finished_at is not None
    report.refresh_from_db()
    assert vault.record_key_id(bytes(report.sealed)).hex() == rotation.new_key.key_id
    assert rotation.old_key.key_id != rotation.new_key.key_id
    html = login("root").get(LIST).content.decode()
    assert TEXT in html
    assert CONTACT in html
