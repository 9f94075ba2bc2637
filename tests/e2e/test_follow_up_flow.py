"""Issue 6's acceptance, in real Chromium against the production server: a tipster sends a tip with
JavaScript on (the proof of work runs), keeps the receipt and comes back; an analyst asks a question from
the triage tip page; the tipster answers with JavaScript off; the analyst sees the reply, and the tip is
marked "new reply" in the inbox. A wrong receipt gets the one neutral message."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Server
from tests.e2e.staff_login import create_staff, login_with_enrolment

pytestmark = pytest.mark.browser

RECEIPT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")
NEUTRAL = "We could not open a tip with this receipt. Check it and try again."
TIP_TEXT = "I saw this exact pattern on a bag in a shop in Gdańsk around 2016, near the station."
QUESTION = "Do you remember the name of the shop, and whether it is still open?"
REPLY = "It was a Pepco, on the ground floor. It closed in 2019."


def _latest_tip(server: Server) -> dict[str, Any]:
    out = server.manage(
        "shell",
        "--no-imports",
        "-c",
        "import json; from traceobject.tips.models import Tip; t = Tip.objects.latest('id'); "
        "print(json.dumps({'id': t.pk, 'unverified': t.unverified, 'status': t.status, "
        "'reply_waiting': t.reply_waiting}))",
    )
    return dict(json.loads(out.strip().splitlines()[-1]))


def _foreign(page: Any, server: Server) -> list[str]:
    return [url for url in page.requested if not url.startswith(server.url)]


def _tracked_page(context: Any) -> Any:
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.requested = requested
    return page


def _send_tip_with_javascript(chromium: Any, server: Server) -> str:
    context = chromium.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    try:
        page = _tracked_page(context)
        page.goto(f"{server.url}/")
        page.locator(".card a").first.click()
        assert page.locator("#tip form").count() == 1
        page.fill("#id_text", TIP_TEXT)
        # pow.js fills the hidden nonce once it has found one (about a second; allow a slow VM).
        page.wait_for_function(
            "() => { const f = document.querySelector('input[name=pow_nonce]'); "
            "return f && f.value !== ''; }",
            timeout=60_000,
        )
        page.click("#tip button[type=submit]")
        receipt = page.locator("#receipt-code").inner_text().strip()
        assert RECEIPT.match(receipt), receipt
        # The receipt page leads back to the follow-up page.
        page.click("#follow-up-link")
        assert page.url.rstrip("/").endswith("/follow-up")
        page.fill("#id_receipt", receipt)
        page.click("main form button[type=submit]")
        assert page.url.endswith("/follow-up/thread/")
        assert TIP_TEXT in page.locator("#your-tip").inner_text()
        cookies = {c["name"]: c for c in context.cookies()}
        follow_up = cookies["to_followup"]
        assert follow_up["path"] == "/follow-up/"
        assert follow_up["httpOnly"] is True
        assert follow_up["sameSite"] == "Strict"
        assert follow_up["expires"] == -1, "a browser-session cookie"
        assert _foreign(page, server) == []
        return receipt
    finally:
        context.close()


def test_tipster_and_analyst_talk_through_the_follow_up_page(
    chromium: Any, production_server: Server, tmp_path: Path
) -> None:
    server = production_server
    receipt = _send_tip_with_javascript(chromium, server)
    tip = _latest_tip(server)
    assert tip["unverified"] is False, "the proof of work ran, so the tip is verified"
    assert tip["reply_waiting"] is False

    # An analyst asks a question from the triage tip page.
    create_staff(server, "e2e-followup-analyst", "analyst", tmp_path)
    staff_context = chromium.new_context()
    try:
        staff = login_with_enrolment(staff_context, server, "e2e-followup-analyst")
        staff.goto(f"{server.url}/staff/triage/tips/{tip['id']}/")
        # The tip reads as the tipster wrote it once the signal notes ("city → PL") that the page
        # sets beside the words they explain are taken out, and the note for Gdańsk is there.
        tip_text = staff.locator(".tip-text")
        assert "city → PL" in tip_text.locator(".signal-note").all_inner_texts()
        bare = tip_text.evaluate(
            "node => { const copy = node.cloneNode(true);"
            " copy.querySelectorAll('.signal-note').forEach(n => n.remove());"
            " return copy.textContent; }"
        )
        assert TIP_TEXT in bare
        staff.fill("#id_question", QUESTION)
        staff.click("#follow-up form button[type=submit]")
        assert staff.url.endswith(f"/staff/triage/tips/{tip['id']}/#follow-up")
        assert QUESTION in staff.locator("#follow-up").inner_text()

        # The tipster comes back with JavaScript off, as on Tor Browser's "Safest" level.
        tipster_context = chromium.new_context(java_script_enabled=False, locale="en-GB")
        try:
            tipster = _tracked_page(tipster_context)
            tipster.goto(f"{server.url}/follow-up/")
            # A wrong receipt first: one neutral message, no cookie.
            tipster.fill("#id_receipt", "0000-0000-0000-0000")
            tipster.click("main form button[type=submit]")
            assert tipster.locator("#follow-up-errors").inner_text().strip() == NEUTRAL
            assert "to_followup" not in {c["name"] for c in tipster_context.cookies()}

            tipster.fill("#id_receipt", receipt.lower().replace("-", " "))
            tipster.click("main form button[type=submit]")
            assert tipster.url.endswith("/follow-up/thread/")
            assert TIP_TEXT in tipster.locator("#your-tip").inner_text()
            assert QUESTION in tipster.locator("#thread").inner_text()
            # An empty reply is refused and nothing is sent.
            tipster.click("form[aria-labelledby=reply-heading] button[type=submit]")
            assert "Write a message first." in tipster.locator("#id_text_errors").inner_text()
            tipster.fill("#id_text", REPLY)
            tipster.click("form[aria-labelledby=reply-heading] button[type=submit]")
            assert "Your reply has been sent" in tipster.locator("#reply-sent").inner_text()
            thread = tipster.locator("#thread").inner_text()
            assert thread.index(QUESTION) < thread.index(REPLY), "the thread reads in order"
            assert _foreign(tipster, server) == []

            # Leaving forgets the visit.
            tipster.click("form.follow-up-leave button[type=submit]")
            assert "to_followup" not in {c["name"] for c in tipster_context.cookies()}
            assert "You have left" in tipster.locator("main").inner_text()
            tipster.goto(f"{server.url}/follow-up/thread/")
            assert tipster.url.endswith("/follow-up/"), "without the cookie, the receipt is needed again"
        finally:
            tipster_context.close()

        assert _latest_tip(server)["reply_waiting"] is True
        # The reply raises the tip in the inbox ...
        staff.goto(f"{server.url}/staff/triage/")
        row = staff.locator("tr", has=staff.locator(f"a[href='/staff/triage/tips/{tip['id']}/']")).first
        assert "new reply" in row.inner_text().lower()
        # ... and the analyst reads it on the tip page, which lowers the mark.
        staff.goto(f"{server.url}/staff/triage/tips/{tip['id']}/")
        follow_up = staff.locator("#follow-up").inner_text()
        assert REPLY in follow_up
        assert "new reply" in follow_up.lower()
        assert _latest_tip(server)["reply_waiting"] is False
    finally:
        staff_context.close()
