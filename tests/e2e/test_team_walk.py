"""Issue 12's acceptance: the whole loop, walked as a team in real Chromium, each person in their own
browser context, with nothing but the demo accounts that ``make run`` creates (the same steps, read from
the Makefile, and the passwords as ``demostaff`` prints them; the second factor from
``traceobject totp``, as the README says).

Publisher A authors an object with a photo, publisher B approves it and releases it; a tipster on a phone
with JavaScript off sends tips and keeps the receipt; an analyst triages (a bulk action and a key), notes
and asks; the tipster answers; an analyst proposes a determination and a second one confirms; the lead goes
to France with an internal note left behind and a note for the authority; France's partner reads it, with
the tipster's answer, acknowledges and reports an outcome, while Poland's partner gets a 404; the public
pages change only as the disclosure rule says; the auditor finds every step, and ``audit verify`` passes.
A screenshot of each step goes to ``var/team-walk/`` (not committed).
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from tests.e2e.conftest import Server

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "team-walk"
CODE = "WALK-2026"
TITLE = "Blue toy lorry with yellow wheels"
TIP_TEXT = "I am sure this lorry was sold at Monoprix in Lyon, France, around 2018. My niece had one."
SECOND_TIP = "Toy shops in France sold these, I saw one at a market in Marseille in 2019."
QUESTION = "Do you remember which Monoprix, and in which season?"
ANSWER = "The one on rue de la République in Lyon, before Christmas 2018."
INTERNAL_NOTE = "INTERNAL-ONLY: analyst hunch, do not forward"
NOTE_FOR_AUTHORITY = "Two independent tips name Monoprix in Lyon; the tipster confirmed the branch."
OUTCOME_UPDATE = "Investigation opened in Lyon."
RECEIPT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")
FIGURES = ("objects-identified", "victims-identified", "offenders-arrested", "countries-with-leads")


class Team:
    """The demo accounts as ``demostaff`` prints them, and a way in for each."""

    def __init__(self, server: Server, chromium: Any) -> None:
        self.server = server
        self.chromium = chromium
        self.passwords: dict[str, str] = {}
        self.contexts: list[Any] = []
        printed = server.manage("demostaff", "--if-missing")
        for line in printed.splitlines():
            match = re.match(r"^\s+(demo-[\w-]+)\s+.*?\s(\1-\d{4})\b", line)
            if match:
                self.passwords[match.group(1)] = match.group(2)
        assert {
            "demo-publisher",
            "demo-publisher-2",
            "demo-analyst",
            "demo-analyst-2",
            "demo-auditor",
        } <= set(self.passwords), printed
        assert {"demo-partner-fr", "demo-partner-pl"} <= set(self.passwords), printed

    def context(self, **options: Any) -> Any:
        context = self.chromium.new_context(**options)
        self.contexts.append(context)
        return context

    def login(self, username: str, area: str = "staff") -> Any:
        page = self.context(accept_downloads=True).new_page()
        page.goto(f"{self.server.url}/{area}/")
        assert f"/{area}/login/" in page.url
        page.fill("#id_username", username)
        page.fill("#id_password", self.passwords[username])
        page.click("main form button[type=submit]")
        assert f"/{area}/otp/" in page.url, page.locator("main").inner_text()
        # The command the README and `make run` print, for a demo account.
        code = self.server.manage("totp", username).strip().splitlines()[-1]
        assert re.fullmatch(r"\d{6}", code), code
        page.fill("#id_token", code)
        page.click("main form button[type=submit]")
        assert page.url.rstrip("/").endswith(f"/{area}"), page.url
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def _shot(page: Any, step: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{step}.png"), full_page=True)


def _photo(path: Path) -> Path:
    image = Image.new("RGB", (1200, 900), (230, 226, 214))
    draw = ImageDraw.Draw(image)
    draw.rectangle((200, 300, 1000, 600), fill=(40, 80, 170))
    for x in (320, 880):
        draw.ellipse((x - 90, 560, x + 90, 740), fill=(240, 200, 40))
    image.save(path, "JPEG", quality=90)
    return path


def _shell(server: Server, code: str) -> Any:
    return json.loads(server.manage("shell", "--no-imports", "-c", code).strip().splitlines()[-1])


def _tips(server: Server) -> list[dict[str, Any]]:
    return list(
        _shell(
            server,
            "import json; from traceobject.tips.models import Tip; "
            f"print(json.dumps([{{'id': t.pk, 'status': t.status}} for t in "
            f"Tip.objects.filter(object__code='{CODE}').order_by('pk')]))",
        )
    )


def _public_state(page: Any, server: Server) -> dict[str, Any]:
    """What an observer of the public site can see of the object and of the figures."""
    page.goto(f"{server.url}/?look={time.monotonic_ns()}")
    in_gallery = CODE in page.locator("main").inner_text()
    page.goto(f"{server.url}/identified/?look={time.monotonic_ns()}")
    identified = CODE in page.locator("main").inner_text()
    page.goto(f"{server.url}/results/?look={time.monotonic_ns()}")
    figures = {}
    for name in FIGURES:
        figure = page.locator(f"#figure-{name}")
        figures[name] = figure.inner_text().strip() if figure.count() else None
    page.goto(f"{server.url}/objects/{CODE}/?look={time.monotonic_ns()}")
    takes_tips = page.locator("#tip form").count() == 1
    return {"in_gallery": in_gallery, "identified": identified, "figures": figures, "takes_tips": takes_tips}


def _send_tip(page: Any, server: Server, text: str) -> str:
    page.goto(f"{server.url}/objects/{CODE}/")
    page.fill("#id_text", text)
    page.click("#tip button[type=submit]")
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert RECEIPT.match(receipt), receipt
    return str(receipt)


def test_the_team_walks_the_whole_loop(chromium: Any, team_server: Server, tmp_path: Path) -> None:
    server = team_server
    team = Team(server, chromium)
    try:
        _walk(team, server, tmp_path)
    finally:
        team.close()


def _walk(team: Team, server: Server, tmp_path: Path) -> None:
    observer = team.context(java_script_enabled=False).new_page()

    # --- Publisher A authors an object with a photo and submits it. ----------------------------------
    author = team.login("demo-publisher")
    author.goto(f"{server.url}/staff/objects/new/")
    author.fill("#id_code", CODE)
    author.fill("#id_title", TITLE)
    author.fill("#id_description", "A small plastic lorry seen on a shelf.")
    author.fill("#id_questions", "Which shop sold this toy?")
    author.fill("#id_hints", "circa 2018")
    author.click("main form button[type=submit]")
    assert f"/staff/objects/{CODE}/" in author.url, author.locator("main").inner_text()
    author.goto(f"{server.url}/staff/objects/{CODE}/images/")
    author.set_input_files("input[type=file]", str(_photo(tmp_path / "lorry.jpg")))
    author.click("form[enctype='multipart/form-data'] button[type=submit]")
    deadline = time.monotonic() + 90
    while author.locator("main img").count() < 1:
        assert time.monotonic() < deadline, "the task worker did not process the photo"
        time.sleep(1)
        author.goto(f"{server.url}/staff/objects/{CODE}/images/")
    author.goto(f"{server.url}/staff/objects/{CODE}/")
    author.click("text=Submit for review")
    assert "In review" in author.locator("main").inner_text()
    # The author cannot approve: the review page names who may, and offers no decision.
    author.goto(f"{server.url}/staff/objects/{CODE}/review/")
    assert "demo-publisher-2" in author.locator("#four-eyes").inner_text()
    assert author.locator("button[name=decision][value=approve]").count() == 0
    _shot(author, "01-author-waits-for-a-second-publisher")

    # --- Publisher B approves and releases it now, to the public. --------------------------------------
    reviewer = team.login("demo-publisher-2")
    reviewer.goto(f"{server.url}/staff/objects/{CODE}/review/")
    for box in reviewer.locator("input[name=checklist]").all():
        box.check()
    reviewer.click("button[name=decision][value=approve]")
    assert "Approved" in reviewer.locator("main").inner_text()
    reviewer.goto(f"{server.url}/staff/releases/new/")
    reviewer.fill("#id_name", "Team walk release")
    reviewer.fill("#id_publish_at", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"))
    reviewer.click("main form button[type=submit]")
    reviewer.locator("label", has_text=CODE).locator("input[name=objects]").check()
    reviewer.locator("input[name=audience][value=public]").check()
    reviewer.click("text=Publish in this release")
    _shot(reviewer, "02-second-publisher-released")
    response = observer.goto(f"{server.url}/objects/{CODE}/")
    assert response is not None
    assert response.status == 200
    before = _public_state(observer, server)
    assert before["in_gallery"]
    assert not before["identified"]

    # --- A tipster on a phone, JavaScript off, sends two tips and keeps the first receipt. -------------
    phone = team.context(java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="en-GB")
    tipster = phone.new_page()
    receipt = _send_tip(tipster, server, TIP_TEXT)
    _shot(tipster, "03-tipster-keeps-the-receipt")
    _send_tip(team.context(java_script_enabled=False).new_page(), server, SECOND_TIP)
    tips = _tips(server)
    assert len(tips) == 2, tips
    first, second = tips[0]["id"], tips[1]["id"]

    # --- The analyst triages: a bulk action on both, a key on one, an internal note and a question. -----
    analyst = team.login("demo-analyst")
    analyst.goto(f"{server.url}/staff/triage/?object={CODE}")
    for tip_id in (first, second):
        analyst.check(f"#triage-bulk input[name=tips][value='{tip_id}']")
    analyst.select_option("#triage-bulk select[name=action]", "status:needs_follow_up")
    analyst.click("#triage-bulk button[type=submit]")
    assert {t["status"] for t in _tips(server)} == {"needs_follow_up"}, _tips(server)
    analyst.goto(f"{server.url}/staff/triage/?object={CODE}")
    analyst.focus(f"#tip-{first} a[data-triage-open]")
    analyst.keyboard.press("r")
    analyst.wait_for_load_state()
    deadline = time.monotonic() + 10
    while {t["id"]: t["status"] for t in _tips(server)}[first] != "relevant":
        assert time.monotonic() < deadline, _tips(server)
        time.sleep(0.3)
    _shot(analyst, "04-analyst-triaged")
    analyst.goto(f"{server.url}/staff/triage/tips/{first}/")
    analyst.fill("form.note-form textarea[name=text]", INTERNAL_NOTE)
    analyst.click("form.note-form >> text=Add the note")
    assert INTERNAL_NOTE in analyst.locator("#notes").inner_text()
    analyst.fill("#id_question", QUESTION)
    analyst.click("#follow-up form button[type=submit]")
    assert QUESTION in analyst.locator("#follow-up").inner_text()
    _shot(analyst, "05-analyst-asked-the-tipster")

    # --- The tipster comes back with the receipt and answers. --------------------------------------------
    tipster.goto(f"{server.url}/follow-up/")
    tipster.fill("#id_receipt", receipt)
    tipster.click("main form button[type=submit]")
    assert QUESTION in tipster.locator("#thread").inner_text()
    tipster.fill("#id_text", ANSWER)
    tipster.click("form[aria-labelledby=reply-heading] button[type=submit]")
    assert ANSWER in tipster.locator("#thread").inner_text()
    _shot(tipster, "06-tipster-answered")

    # --- The analyst proposes France; a second analyst confirms. -----------------------------------------
    analyst.goto(f"{server.url}/staff/triage/objects/{CODE}/")
    analyst.click("text=Record a determination")
    assert f"/staff/leads/objects/{CODE}/determination/" in analyst.url
    analyst.check("input[name=kind][value=identified]")
    analyst.fill("#id_rationale", "Both tips and the tipster's answer point to a French chain.")
    hidden = analyst.locator("input[type=hidden][name$='-country'][value='FR']")
    if hidden.count():
        prefix = hidden.first.get_attribute("name").removesuffix("-country")
    else:
        select = next(s for s in analyst.locator("select[name$='-country']").all() if not s.input_value())
        prefix = select.get_attribute("name").removesuffix("-country")
        select.select_option("FR")
    analyst.check(f"#id_{prefix}-include")
    analyst.select_option(f"#id_{prefix}-confidence", "likely")
    analyst.fill(f"#id_{prefix}-rationale", "Monoprix is a French chain; Lyon named twice.")
    analyst.check(f"input[type=checkbox][name='{prefix}-tips'][value='{first}']")
    analyst.click("form.determination-form button[type=submit]")
    assert "/staff/leads/determinations/" in analyst.url, analyst.locator("main").inner_text()
    determination_url = analyst.url
    _shot(analyst, "07-analyst-proposed")
    confirmer = team.login("demo-analyst-2")
    confirmer.goto(determination_url)
    confirmer.click("button[name=confirm]")
    assert confirmer.locator("#determination-state").inner_text().strip() == "Confirmed"
    reference = confirmer.locator("ul.lead-links li a").first.inner_text().strip()
    _shot(confirmer, "08-second-analyst-confirmed")
    # Confirmed, but nothing public moved: no lead has even been sent.
    assert _public_state(observer, server) == before

    # --- The lead goes to France with a note for the authority. -------------------------------------------
    analyst.goto(f"{server.url}/staff/leads/{reference}/")
    analyst.fill("#id_note_for_authority", NOTE_FOR_AUTHORITY)
    analyst.click("#lead-send")
    assert analyst.locator("#lead-state").inner_text().strip() == "Sent", analyst.locator("main").inner_text()
    _shot(analyst, "09-lead-sent")
    exported = analyst.request.get(f"{server.url}/staff/leads/{reference}/lead.json").text()
    assert INTERNAL_NOTE not in exported
    assert NOTE_FOR_AUTHORITY in exported
    assert ANSWER in exported

    # --- France's partner reads it, acknowledges and reports; Poland's gets a 404. --------------------------
    france = team.login("demo-partner-fr", area="partner")
    assert reference in france.locator("main").inner_text()
    france.goto(f"{server.url}/partner/leads/{reference}/")
    lead_text = france.locator("main").inner_text()
    assert NOTE_FOR_AUTHORITY in lead_text
    assert ANSWER in lead_text
    assert QUESTION in lead_text
    assert INTERNAL_NOTE not in france.content()
    france.click("#lead-acknowledge")
    assert france.locator("#lead-state").inner_text().strip() == "Acknowledged"
    france.select_option("#id_kind", "investigation_opened")
    france.fill("#id_update", OUTCOME_UPDATE)
    france.click("form.outcome-form button[type=submit]")
    assert "Outcome recorded" in france.content()
    _shot(france, "10-france-acknowledged-and-reported")
    poland = team.login("demo-partner-pl", area="partner")
    assert reference not in poland.locator("main").inner_text()
    response = poland.goto(f"{server.url}/partner/leads/{reference}/")
    assert response is not None
    assert response.status == 404
    _shot(poland, "11-poland-sees-nothing")

    # --- The public: nothing moved, the object still asks for tips. ----------------------------------------
    now = _public_state(observer, server)
    assert now == before, (before, now)
    assert now["takes_tips"]
    _shot(observer, "12-public-unchanged")
    # The quiet period passes (the lead and the confirmation are moved back in time): the object leaves
    # the gallery for /identified/, and the outcome figures still wait for their quarter's publication.
    _shell(
        server,
        "import json, datetime; from django.conf import settings; from traceobject.leads.models import Lead, "
        "Determination; back = datetime.timedelta(days=settings.DISCLOSURE_QUIET_DAYS + 1); "
        f"lead = Lead.objects.get(reference='{reference}'); "
        "Lead.objects.filter(pk=lead.pk).update(sent_at=lead.sent_at - back); "
        "d = lead.determination; "
        "Determination.objects.filter(pk=d.pk).update(decided_at=d.decided_at - back); "
        "print(json.dumps(True))",
    )
    later = _public_state(observer, server)
    assert not later["in_gallery"]
    assert later["identified"]
    assert not later["takes_tips"]
    for name in ("victims-identified", "offenders-arrested", "countries-with-leads"):
        assert later["figures"][name] == before["figures"][name], name
    _shot(observer, "13-public-after-the-quiet-period")

    # --- The auditor finds every step; the chain verifies. --------------------------------------------------
    auditor = team.login("demo-auditor")
    auditor.goto(f"{server.url}/staff/audit/")
    _shot(auditor, "14-auditor-reads-the-trail")
    exported_trail = auditor.request.get(f"{server.url}/staff/audit/export.csv")
    assert exported_trail.ok
    rows = list(csv.DictReader(io.StringIO(exported_trail.text())))
    actions = {row["action"] for row in rows}
    steps = {
        "object.create", "image.upload", "object.submit", "object.approve", "release.create",
        "object.publish",
        "tips.status", "tip.note_add", "tip.question", "determination.propose", "determination.confirm",
        "lead.send", "lead.open", "lead.acknowledge", "lead.outcome",
    }  # fmt: skip
    assert steps <= actions, steps - actions
    actors = {row["action"]: row for row in rows}
    assert CODE in json.dumps(actors["object.approve"])
    assert server.manage("audit", "verify").startswith("OK: ")
