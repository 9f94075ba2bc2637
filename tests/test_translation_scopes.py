"""The scopes of core.translations are right at run time: every message a public page asks gettext for
is in the public scope, and every message a partner page asks for is in the partner scope.

A translator of a public-only language translates the public scope and nothing more; a message a public
page shows that lies outside it would appear in English on that language's pages, and no static check
would notice. So this test renders every public page (the error pages too, and the forms with their
errors) and every partner page, while recording each msgid that Django's translation object is asked
for, and compares the record with the scopes.

Messages that are not ours are Django's (a form's "This field is required."): Django's catalogs translate
them, and ``core.translations.DJANGO_PUBLIC_MESSAGES`` / ``DJANGO_PARTNER_MESSAGES`` must list each of
them, since for a language Django has no catalog for (Maltese) the project carries them itself
(``traceobject/locale_django``), and the completeness gate checks them in every language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any

import django
import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.cache import caches
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation.trans_real import CONTEXT_SEPARATOR, DjangoTranslation
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import totp_code
from tests.leads import conftest as leads_fixtures
from tests.leads.conftest import Loop
from tests.staff_fixtures import STAFF_PASSWORD, login_verified
from tests.utils import csrf_token_from, tip_form_data
from traceobject.core import translations
from traceobject.core.views import server_error
from traceobject.gallery.models import Audience, Object, ObjectStatus
from traceobject.leads.services import outcome_report
from traceobject.tips.antiabuse import ratelimit

pytestmark = pytest.mark.django_db

# The leads tests' fixtures (a confirmed determination, sent leads, a tipster's question and answer).
authorities = leads_fixtures.authorities
tips = leads_fixtures.tips
tip_receipts = leads_fixtures.tip_receipts
proposal = leads_fixtures.proposal
loop = leads_fixtures.loop
dispatched = leads_fixtures.dispatched

Key = tuple[str | None, str]  # (context, msgid)
DJANGO_DIR = Path(django.__file__).resolve().parent


def _key(message: str) -> Key:
    context, separator, msgid = message.partition(CONTEXT_SEPARATOR)
    return (context, msgid) if separator else (None, message)


@contextmanager
def recording() -> Iterator[set[Key]]:
    """Every (context, msgid) that gettext, pgettext, ngettext or npgettext is asked to translate, in
    any language: all four end in the active translation object's ``gettext`` or ``ngettext``."""
    asked: set[Key] = set()
    original_gettext = DjangoTranslation.gettext
    original_ngettext = DjangoTranslation.ngettext

    def gettext(self: DjangoTranslation, message: str) -> str:
        asked.add(_key(message))
        return original_gettext(self, message)

    def ngettext(self: DjangoTranslation, singular: str, plural: str, number: int) -> str:
        asked.add(_key(singular))
        return original_ngettext(self, singular, plural, number)

    DjangoTranslation.gettext = gettext  # type: ignore[method-assign]
    DjangoTranslation.ngettext = ngettext  # type: ignore[method-assign]
    try:
        yield asked
    finally:
        DjangoTranslation.gettext = original_gettext  # type: ignore[method-assign]
        DjangoTranslation.ngettext = original_ngettext  # type: ignore[method-assign]


def test_the_recording_sees_every_kind_of_call() -> None:
    """Guards the recorder: the four functions, lazy or not, in a language with and one without a
    catalog of ours."""
    for language in ("fr", "mt"):
        with recording() as asked, translation.override(language):
            translation.gettext("Objects")
            translation.pgettext("some context", "a message")
            translation.ngettext("%(counter)s object", "%(counter)s objects", 3)
            translation.npgettext("ctx", "one thing", "%(n)s things", 2)
            str(translation.gettext_lazy("Privacy"))
        assert asked == {
            (None, "Objects"),
            ("some context", "a message"),
            (None, "%(counter)s object"),
            ("ctx", "one thing"),
            # npgettext tries the message without its context when no catalog has it with one.
            (None, "one thing"),
            (None, "Privacy"),
        }


def _django_msgids() -> set[Key]:
    """Every message of Django's own English catalogs (the framework and its contrib apps)."""
    found: set[Key] = set()
    for po_path in DJANGO_DIR.glob("**/locale/en/LC_MESSAGES/django.po"):
        with po_path.open("rb") as handle:
            for message in read_po(handle):
                if message.id:
                    msgid = message.id if isinstance(message.id, str) else message.id[0]
                    found.add((message.context, msgid))
    return found


def _check(asked: set[Key], scope: str, django_messages: tuple[Key, ...]) -> list[str]:
    catalog = translations.load("fr")  # every catalog has every message; French is kept complete
    ours = {(message.context, translations.ids_of(message)[0]): message for message in catalog if message.id}
    theirs = _django_msgids()
    problems = []
    for key in sorted(asked, key=repr):
        message = ours.get(key)
        if message is not None:
            if not translations.in_scope(message, scope):
                where = sorted({path for path, _line in message.locations})
                problems.append(f"outside the {scope} scope: {key[1]!r} (from {', '.join(where)})")
        elif key in theirs:
            if key not in django_messages:
                problems.append(f"a Django message missing from the {scope} list: {key!r}")
        elif key[1].strip():
            problems.append(f"neither ours nor Django's: {key!r}")
    return problems


def _post_with_token(client: Client, url: str, data: dict[str, str], **extra: Any) -> Any:
    page = client.get(url, **extra)
    return client.post(url, {**data, "csrfmiddlewaretoken": csrf_token_from(page.content.decode())}, **extra)


@pytest.fixture
def public_site(published_object: Object, object_factory: Any, object_image_factory: Any) -> Object:
    located = object_factory(code="F01-2026", title="Found lamp", status=ObjectStatus.IDENTIFIED)
    object_image_factory(obj=located)
    return published_object


def _public_pages(client: Client, dispatched: Loop, receipts: dict[int, str]) -> list[tuple[str, int]]:
    """Every public page in Polish, each state of its forms included; (label, status) of each."""
    seen: list[tuple[str, int]] = []

    def get(url: str, **extra: Any) -> Any:
        response = client.get(url, **extra)
        seen.append((f"GET {url}", response.status_code))
        return response

    def post(url: str, data: dict[str, str], label: str = "", **extra: Any) -> Any:
        response = client.post(url, data, **extra)
        seen.append((f"POST {url} {label}".strip(), response.status_code))
        return response

    category = dispatched.obj.category.slug
    for url in (
        "/pl/",
        "/pl/?q=bag",
        "/pl/?q=nothing-matches-this",
        f"/pl/?category={category}",
        "/pl/?page=2",
        "/pl/objects/B17-2026/",
        "/pl/objects/F01-2026/",
        "/pl/identified/",
        "/pl/results/",
        "/pl/about/",
        "/pl/privacy/",
        "/pl/report-something-else/",
        "/pl/accessibility/",
        "/pl/accessibility/report/",
        "/pl/accessibility/report/thanks/",
        "/pl/follow-up/",
        "/pl/follow-up/?from=left",
        "/pl/follow-up/?from=expired",
        "/pl/no-such-page/",
        "/pl/objects/NO-SUCH-1/",
        "/pl/?q=%ff",
    ):
        get(url)
    tip_url = "/pl/objects/B17-2026/tip/"
    # The tip form with each kind of error: missing, too short, too long, a bad choice, bad links,
    # too long a place, the honeypot filled in.
    post(tip_url, {}, "empty")
    post(tip_url, tip_form_data(text="short"), "short")
    post(tip_url, tip_form_data(text="x" * 20000), "long")
    post(tip_url, tip_form_data(country="XX"), "country")
    post(tip_url, tip_form_data(links="not a link\nftp://x"), "links")
    post(tip_url, tip_form_data(links="\n".join(f"https://e{n}.example/" for n in range(30))), "many links")
    post(
        tip_url,
        tip_form_data(text="See " + " ".join(f"https://s{n}.example/" for n in range(8))),
        "text links",
    )
    post(tip_url, tip_form_data(place="p" * 300, time_period="t" * 300), "place")
    post(tip_url, tip_form_data(contact="c" * 5000), "contact")
    post(tip_url, tip_form_data(leave_empty="http://spam.example"), "honeypot")
    post(tip_url, tip_form_data(place="a\x00b"), "nul")
    # The receipt, then the same form again (a reload of the receipt page).
    page = get("/pl/objects/B17-2026/").content.decode()
    submission = re.search(r'name="submission" value="([^"]*)"', page)
    data = tip_form_data(**({"submission": unescape(submission.group(1))} if submission else {}))
    assert post(tip_url, data, "receipt").status_code == 200
    post(tip_url, data, "again")
    # The tip refused by the rate limit.
    with override_settings(
        TRACEOBJECT_RATE_LIMITS=True,
        TRACEOBJECT_RATE_LIMIT_RULES="tip-unverified=1/0/1;follow-up=1/0/1;receipt=1/0/1;barrier=1/0/1",
    ):
        caches[ratelimit.CACHE_ALIAS].clear()
        ratelimit.forget_memo()
        post(tip_url, tip_form_data(), "limit 1")
        assert post(tip_url, tip_form_data(), "limit 2").status_code == 429
        caches[ratelimit.CACHE_ALIAS].clear()
    # The follow-up: a wrong receipt, an empty one, the right one, the thread, a reply and its errors.
    post("/pl/follow-up/", {"receipt": ""}, "empty")
    post("/pl/follow-up/", {"receipt": "AAAA-BBBB-CCCC-DDDD"}, "wrong")
    post("/pl/follow-up/", {"receipt": "not a receipt at all!"}, "malformed")
    post("/pl/follow-up/", {"receipt": "r" * 100}, "long")
    with override_settings(TRACEOBJECT_RATE_LIMITS=True, TRACEOBJECT_RATE_LIMIT_RULES="receipt=1/0/1"):
        caches[ratelimit.CACHE_ALIAS].clear()
        for _attempt in range(4):
            post("/pl/follow-up/", {"receipt": "AAAA-BBBB-CCCC-DDDE"}, "back-off")
        caches[ratelimit.CACHE_ALIAS].clear()
    receipt = receipts[dispatched.pl_tip.pk]
    assert post("/pl/follow-up/", {"receipt": receipt}, "right").status_code == 303
    get("/pl/follow-up/")
    get("/pl/follow-up/thread/")
    post("/pl/follow-up/thread/", {"text": ""}, "empty reply")
    post("/pl/follow-up/thread/", {"text": "r" * 20000}, "long reply")
    post("/pl/follow-up/thread/", {"text": "It was the shop on ulica Długa."}, "reply")
    get("/pl/follow-up/thread/?sent=1")
    with override_settings(TRACEOBJECT_RATE_LIMITS=True, TRACEOBJECT_RATE_LIMIT_RULES="follow-up=1/0/1"):
        caches[ratelimit.CACHE_ALIAS].clear()
        post("/pl/follow-up/thread/", {"text": "one more"}, "reply 2")
        post("/pl/follow-up/thread/", {"text": "and another"}, "reply limited")
        caches[ratelimit.CACHE_ALIAS].clear()
    # The thread of a tip whose object has left the gallery (no longer asking for tips).
    Object.objects.filter(pk=dispatched.obj.pk).update(status=ObjectStatus.WITHDRAWN)
    get("/pl/follow-up/thread/")
    post("/pl/follow-up/leave/", {}, "leave")
    get("/pl/follow-up/thread/")
    # The barrier report: its errors, then a report.
    post("/pl/accessibility/report/", {}, "empty")
    post("/pl/accessibility/report/", {"text": "x" * 20000, "page": "p" * 500}, "long")
    post("/pl/accessibility/report/", {"text": "The picker is hard to use.", "page": "/pl/"}, "sent")
    # Malformed requests and a body too large: the 400 and 413 pages.
    post("/pl/follow-up/", {}, "400", CONTENT_TYPE="application/x-www-form-urlencoded; charset=latin-1")
    response = client.generic("POST", "/pl/follow-up/", b"a=b", "text/plain", CONTENT_LENGTH="9" * 20)
    seen.append(("POST 413", response.status_code))
    # CSRF failure: the public 403.
    csrf = Client(enforce_csrf_checks=True)
    response = csrf.post(tip_url, tip_form_data())
    seen.append(("POST csrf", response.status_code))
    return seen


def test_every_message_a_public_page_asks_for_is_in_the_public_scope(
    public_site: Object, dispatched: Loop, tip_receipts: dict[int, str]
) -> None:
    client = Client()
    with recording() as asked:
        seen = _public_pages(client, dispatched, tip_receipts)
        with translation.override("pl"):
            request = RequestFactory().get("/pl/objects/B17-2026/")
            assert server_error(request).status_code == 500
    statuses = {status for _label, status in seen}
    # Every kind of answer was rendered, so its messages are in the record.
    assert {200, 303, 400, 403, 404, 413, 429} <= statuses, seen
    assert len(asked) > 150
    problems = _check(asked, "public", translations.DJANGO_PUBLIC_MESSAGES)
    assert not problems, "widen core.translations' scopes or lists:\n" + "\n".join(problems)


def _partner_pages(staff: dict[str, Any], dispatched: Loop) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []
    extra = {"HTTP_ACCEPT_LANGUAGE": "pl"}
    anonymous = Client()

    def record(label: str, response: Any) -> Any:
        seen.append((label, response.status_code))
        return response

    record("home, anonymous", anonymous.get("/partner/", **extra))
    record("login", anonymous.get("/partner/login/", **extra))
    record(
        "login wrong",
        anonymous.post("/partner/login/", {"username": "partner_a", "password": "wrong"}, **extra),
    )
    record("login empty", anonymous.post("/partner/login/", {}, **extra))
    record(
        "login right",
        anonymous.post("/partner/login/", {"username": "partner_a", "password": STAFF_PASSWORD}, **extra),
    )
    record("otp", anonymous.get("/partner/otp/", **extra))
    record("otp wrong", anonymous.post("/partner/otp/", {"token": "000000"}, **extra))
    record("otp empty", anonymous.post("/partner/otp/", {"token": ""}, **extra))
    device = TOTPDevice.objects.get(user=staff["partner_a"])
    record("otp right", anonymous.post("/partner/otp/", {"token": totp_code(device)}, **extra))
    # A partner without a second factor yet: the enrolment page.
    newcomer = Client()
    TOTPDevice.objects.filter(user=staff["partner_b"]).delete()
    newcomer.post("/partner/login/", {"username": "partner_b", "password": STAFF_PASSWORD}, **extra)
    record("enrol", newcomer.get("/partner/otp/", **extra))
    record("enrol wrong", newcomer.post("/partner/otp/", {"token": "123456"}, **extra))

    client = login_verified(Client(), staff["partner_a"])
    client.cookies[settings.PARTNER_SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    lead = dispatched.leads["PL"]
    reference = lead.reference
    other = dispatched.leads["DE"].reference
    record("home", client.get("/partner/", **extra))
    record("lead", client.get(reverse("partner:lead_detail", args=[reference]), **extra))
    record("ack", client.post(reverse("partner:lead_acknowledge", args=[reference]), follow=True, **extra))
    outcome_url = reverse("partner:outcome_new", args=[reference])
    first = outcome_report(
        actor=staff["partner_a"], lead=lead, kind="investigation_opened", count=0, update="x"
    )
    for data in (
        {"kind": "victim_identified", "count": "", "update": "x"},
        {"kind": "investigation_opened", "count": "2", "update": "x"},
        {"kind": "victim_identified", "count": "1", "update": ""},
        {"kind": "nonsense", "update": "x"},
        {"kind": "victim_identified", "count": "-1", "update": "x"},
        {"kind": "victim_identified", "count": "lots", "update": "x"},
    ):
        record(f"outcome {data}", client.post(outcome_url, data, **extra))
    for kind, count in (
        ("investigation_opened", 0),
        ("victim_identified", 2),
        ("offender_arrested", 1),
        ("closed_no_result", 0),
    ):
        record(
            f"outcome {kind}",
            client.post(
                outcome_url, {"kind": kind, "count": str(count), "update": "Done."}, follow=True, **extra
            ),
        )
    correct = reverse("partner:outcome_correct", args=[reference, first.pk])
    record("correct", client.get(correct, **extra))
    record("correct bad", client.post(correct, {"kind": "victim_identified", "update": "y"}, **extra))
    record(
        "correct",
        client.post(correct, {"kind": "closed_no_result", "count": "0", "update": "z"}, follow=True, **extra),
    )
    record("lead after", client.get(reverse("partner:lead_detail", args=[reference]), **extra))
    record("pdf", client.get(reverse("partner:lead_pdf", args=[reference]), **extra))
    record("json", client.get(reverse("partner:lead_json", args=[reference]), **extra))
    record("other", client.get(reverse("partner:lead_detail", args=[other]), **extra))
    # Objects published for partners, and their report form.
    from tests.factories import ObjectFactory, ObjectImageFactory

    shared = ObjectFactory(code="PARTNERS-1", title="Only for partners", audience=Audience.PARTNERS)
    ObjectImageFactory(obj=shared)
    record("home with objects", client.get("/partner/", **extra))
    record("object", client.get(reverse("partner:object_detail", args=["PARTNERS-1"]), **extra))
    report = reverse("partner:object_report", args=["PARTNERS-1"])
    record("report empty", client.post(report, {}, **extra))
    record("report", client.post(report, {"text": "Seen at a market in Kraków."}, follow=True, **extra))
    record("password", client.get("/partner/account/password/", **extra))
    record("password bad", client.post("/partner/account/password/", {"old_password": "x"}, **extra))
    record(
        "password mismatch",
        client.post(
            "/partner/account/password/",
            {"old_password": STAFF_PASSWORD, "new_password1": "abc", "new_password2": "abd"},
            **extra,
        ),
    )
    record("404", client.get("/partner/no-such-page/", **extra))
    record("403", login_verified(Client(), staff["analyst"]).get("/partner/", **extra))
    record(
        "400",
        client.post(
            "/partner/account/password/",
            {},
            CONTENT_TYPE="application/x-www-form-urlencoded; charset=latin-1",
            **extra,
        ),
    )
    record(
        "413",
        client.generic("POST", "/partner/login/", b"a=b", "text/plain", CONTENT_LENGTH="9" * 20, **extra),
    )
    csrf = Client(enforce_csrf_checks=True)
    record("csrf", csrf.post("/partner/login/", {"username": "a", "password": "b"}, **extra))
    record("logout", client.post("/partner/logout/", **extra))
    return seen


def test_every_message_a_partner_page_asks_for_is_in_the_partner_scope(
    staff: dict[str, Any], dispatched: Loop
) -> None:
    with recording() as asked:
        seen = _partner_pages(staff, dispatched)
        with translation.override("pl"):
            assert server_error(RequestFactory().get("/partner/")).status_code == 500
    statuses = {status for _label, status in seen}
    assert {200, 302, 400, 403, 404, 413} <= statuses, seen
    assert len(asked) > 100
    problems = _check(asked, "partner", translations.DJANGO_PARTNER_MESSAGES)
    assert not problems, "widen core.translations' scopes or lists:\n" + "\n".join(problems)


def test_the_check_finds_a_message_outside_the_scope_and_an_unlisted_django_one() -> None:
    """Guards the comparison: a staff-only message, a Django message not listed, and a string that is
    nobody's message."""
    asked = {(None, "Hash"), (None, "Enter a valid email address."), (None, "Objects"), (None, "zzz")}
    assert _check(asked, "public", ()) == [
        "a Django message missing from the public list: (None, 'Enter a valid email address.')",
        "outside the public scope: 'Hash' (from templates/staff/audit/detail.html)",
        "neither ours nor Django's: (None, 'zzz')",
    ]
