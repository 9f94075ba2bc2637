"""axe-core on every public page in four languages (one right to left), and on the main staff and partner
pages: 0 violations.

axe-core comes from the ``axe-playwright-python`` package (its bundled axe.min.js): nothing is
downloaded at run time. Contexts bypass the CSP only so that the axe script can be injected; the
pages themselves are those the production server sends.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import Server

pytestmark = pytest.mark.browser

# English, French and German (the staff languages, fully translated), and Arabic: right to left.
LANGUAGES = ["", "fr/", "de/", "ar/"]


def _axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _violations(page: Any) -> list[str]:
    results = _axe().run(page)
    # A run that checked nothing (the script not injected, an empty page) must not pass as "0 violations".
    assert results.response["passes"], f"{page.url}: axe checked nothing"
    found = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
        found.append(
            f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']} at {targets}"
        )
    return found


@pytest.fixture
def browser_page(chromium: Any) -> Any:
    context = chromium.new_context(
        java_script_enabled=True, bypass_csp=True, locale="en-GB", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    yield page
    context.close()


def _first_object_path(page: Any, server: Server) -> str:
    page.goto(f"{server.url}/")
    href = page.locator(".card a").first.get_attribute("href")
    assert href
    return href


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_axe_violations(
    browser_page: Any, production_server: Server, language: str
) -> None:
    server = production_server
    page = browser_page
    base = f"{server.url}/{language}"
    object_path = _first_object_path(page, server).lstrip("/")
    problems: list[str] = []
    for path in [
        "",
        "?category=",
        "identified/",
        "results/",
        "about/",
        "privacy/",
        "report-something-else/",
        "accessibility/",
        "accessibility/report/",
        "accessibility/report/thanks/",
        "follow-up/",
        "no-such-page/",
        object_path,
    ]:
        page.goto(base + path)
        problems += _violations(page)
    # The tip form with errors, the receipt, and the repeat of the same form.
    page.goto(base + object_path)
    page.wait_for_selector("#tip form[data-pow=done]", state="attached", timeout=30_000)
    page.fill("#id_text", "short")
    page.click("#tip button[type=submit]")
    page.wait_for_selector("#id_text_errors")
    problems += _violations(page)
    page.wait_for_selector("#tip form[data-pow=done]", state="attached", timeout=30_000)
    page.fill("#id_text", "Sold in a supermarket in Linz around 2015, I am fairly sure of it.")
    page.click("#tip button[type=submit]")
    receipt = page.locator("#receipt-code").inner_text(timeout=30_000).strip()
    problems += _violations(page)
    page.reload()
    page.wait_for_selector("h1")
    problems += _violations(page)
    # The follow-up thread, entered with the receipt.
    page.goto(base + "follow-up/")
    page.fill("input[name=receipt]", receipt)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    problems += _violations(page)
    assert problems == [], "\n".join(problems)


def test_the_receipt_code_does_not_wrap_on_a_phone(browser_page: Any, production_server: Server) -> None:
    """390 px wide: the receipt and the object code stay on one line each (screenshot under var/)."""
    server = production_server
    page = browser_page
    page.goto(server.url + _first_object_path(page, server))
    code = page.locator(".object-code").first
    assert code.evaluate("e => e.getClientRects().length") == 1
    page.wait_for_selector("#tip form[data-pow=done]", state="attached", timeout=30_000)
    page.fill("#id_text", "Seen in a Kaufland in Cottbus in 2019, the same one in a basket.")
    page.click("#tip button[type=submit]")
    receipt = page.locator("#receipt-code")
    receipt.wait_for(timeout=30_000)
    height = receipt.evaluate("e => e.getBoundingClientRect().height")
    line = receipt.evaluate(
        "e => parseFloat(getComputedStyle(e).lineHeight) || parseFloat(getComputedStyle(e).fontSize) * 1.5"
    )
    padding = receipt.evaluate(
        "e => parseFloat(getComputedStyle(e).paddingTop) + parseFloat(getComputedStyle(e).paddingBottom) + 4"
    )
    assert height <= line + padding + 1, "the receipt code wraps"
    width = receipt.evaluate("e => e.getBoundingClientRect().right")
    assert width <= 390
    from pathlib import Path

    out = Path("var")
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / "receipt-390.png"), full_page=False)
    assert re.match(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$", receipt.inner_text().strip())


def test_axe_finds_a_known_violation(browser_page: Any) -> None:
    """The check itself works: a page with an unlabelled field and an image without text fails it."""
    browser_page.set_content('<html><body><main><input type="text"><img src="x.png"></main></body></html>')
    found = " ".join(_violations(browser_page))
    assert "image-alt" in found
    assert "label" in found


# --- The staff and partner areas ------------------------------------------------------------------

# A published public object with tips and no determination yet (the last by code, away from the pages
# the other browser tests pick), and a demo country whose authority has no vault key yet: its partner,
# made before the lead, is granted the key the lead creates. Printed as JSON for the test.
PICK = """
import json
from traceobject.gallery.models import Object
from traceobject.leads.demo import leads_demo_load
from traceobject.leads.models import Determination
from traceobject.vault.models import VaultKey
authorities = leads_demo_load()
keyed = set(VaultKey.objects.filter(authority__isnull=False).values_list("authority__country", flat=True))
country = next(a.country for a in authorities if a.active and a.country not in keyed)
determined = Determination.objects.values_list("object_id", flat=True)
obj = (Object.objects.filter(status="published", audience="public", tips__isnull=False)
       .exclude(pk__in=determined).distinct().order_by("-code").first())
review = Object.objects.filter(status="in_review").order_by("code").first() or obj
tip = obj.tips.order_by("id").first()
print(json.dumps({"country": country, "code": obj.code, "review": review.code, "tip": tip.pk}))
"""

# An analyst proposes, a publisher confirms, the analyst sends: one lead, through the services.
LEAD = """
import json
from traceobject.accounts.models import User
from traceobject.gallery.models import Object
from traceobject.leads.services import CountryClaim, determination_confirm, determination_propose, lead_send
analyst = User.objects.get(username="e2e-a11y-analyst")
publisher = User.objects.get(username="e2e-a11y-publisher")
obj = Object.objects.get(code=CODE)
claim = CountryClaim(country=COUNTRY, confidence="likely", rationale="Tips agree on the shop chain.",
                     tip_ids=[obj.tips.order_by("id").first().pk])
determination = determination_propose(actor=analyst, obj=obj, kind="identified",
                                      rationale="Several tips name the same chain.", countries=[claim])
leads = determination_confirm(actor=publisher, determination=determination)
lead_send(actor=analyst, lead=leads[0])
print(json.dumps({"reference": leads[0].reference}))
"""


def _manage_json(server: Server, script: str) -> dict[str, Any]:
    import json

    return dict(json.loads(server.manage("shell", "-c", script).strip().splitlines()[-1]))


def _login_checked(context: Any, server: Server, area: str, username: str, problems: list[str]) -> Any:
    """Log in through the pages (password, then enrolment of the authenticator), with axe on each step."""
    import base64

    from django_otp.oath import TOTP

    from tests.e2e.staff_login import PASSWORD

    page = context.new_page()
    page.goto(f"{server.url}/{area}/")
    assert f"/{area}/login/" in page.url
    problems += _violations(page)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    assert f"/{area}/otp/" in page.url
    problems += _violations(page)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_token", f"{TOTP(key, step=30, digits=6).token():06d}")
    page.click("main form button[type=submit]")
    assert page.url.rstrip("/").endswith(f"/{area}"), page.url
    problems += _violations(page)
    return page


def _check(page: Any, url: str, problems: list[str]) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, f"{url}: {response.status}"
    problems += _violations(page)


def test_staff_and_partner_pages_have_no_axe_violations(
    chromium: Any, production_server: Server, tmp_path: Any
) -> None:
    """The main pages of each staff role and of a partner, logged in with real accounts, and a lead sent
    to the partner's country; the barrier report form on the way (error, thanks) and the staff's list."""
    from tests.e2e.staff_login import PASSWORD, create_staff

    server = production_server
    picked = _manage_json(server, PICK)
    for username, role in (
        ("e2e-a11y-publisher", "publisher"),
        ("e2e-a11y-analyst", "analyst"),
        ("e2e-a11y-admin", "administrator"),
    ):
        create_staff(server, username, role, tmp_path)
    (tmp_path / "partner.pw").write_text(PASSWORD)
    server.manage(
        "createstaff", "--role", "partner", "--country", picked["country"], "--username", "e2e-a11y-partner",
        "--password-file", str(tmp_path / "partner.pw"), "--own-password",
    )  # fmt: skip
    script = LEAD.replace("CODE", repr(picked["code"])).replace("COUNTRY", repr(picked["country"]))
    reference = _manage_json(server, script)["reference"]

    problems: list[str] = []
    options = {"bypass_csp": True, "locale": "en-GB", "viewport": {"width": 1280, "height": 900}}
    # JavaScript on only for axe itself: the form page has no script of its own (tests/tips/test_barriers.py).
    public = chromium.new_context(**options)
    publisher_context = chromium.new_context(**options)
    admin_context = chromium.new_context(**options)
    partner_context = chromium.new_context(**options)
    try:
        # A barrier reported without JavaScript: the error first, then the thank-you page.
        form = public.new_page()
        form.goto(f"{server.url}/accessibility/")
        form.click("main a[href='/accessibility/report/']")
        problems += _violations(form)
        form.click("main form button[type=submit]")
        assert form.locator("#id_text_errors").count() == 1
        problems += _violations(form)
        form.fill("#id_text", "The dashboard chart has no text for screen readers (axe e2e).")
        form.fill("#id_page", "/results/")
        form.click("main form button[type=submit]")
        assert form.url.endswith("/accessibility/report/thanks/")
        problems += _violations(form)

        base = f"{server.url}/staff"
        publisher = _login_checked(publisher_context, server, "staff", "e2e-a11y-publisher", problems)
        for path in (
            "/objects/",
            f"/objects/{picked['code']}/",
            f"/objects/{picked['review']}/review/",
            "/triage/",
            f"/triage/tips/{picked['tip']}/",
            f"/triage/objects/{picked['code']}/",
            "/leads/",
            f"/leads/{reference}/",
            "/dashboard/",
            "/barrier-reports/",
        ):
            _check(publisher, base + path, problems)
        assert "The dashboard chart has no text for screen readers (axe e2e)." in publisher.content()

        admin = _login_checked(admin_context, server, "staff", "e2e-a11y-admin", problems)
        for path in ("/audit/", "/accounts/"):
            _check(admin, base + path, problems)

        partner = _login_checked(partner_context, server, "partner", "e2e-a11y-partner", problems)
        assert reference in partner.content()
        _check(partner, f"{server.url}/partner/leads/{reference}/", problems)
    finally:
        for context in (public, publisher_context, admin_context, partner_context):
            context.close()
    assert problems == [], "\n".join(problems)
