"""Issue 4's acceptance, in real Chromium against the production server and the demo data: an analyst
opens an object queue, sees its clusters with the country signals highlighted, marks a whole cluster
relevant in one action, and the consensus (table and map) changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Server
from tests.e2e.staff_login import create_staff, login_with_enrolment

pytestmark = pytest.mark.browser

# Picks, in the demo data, a cluster whose first tip names a country in its text that is not already
# the object's strongest candidate (so that verifying it must darken that country on the map),
# preferring clusters of several tips and objects with several candidate countries.
PICK = """
import json
from traceobject.triage.models import Cluster, ObjectSupport, Signal
best = None
for cluster in Cluster.objects.filter(relevant=0).select_related("object").order_by("-size", "pk"):
    codes = set(Signal.objects.filter(tip_id=cluster.pk, kind="country", field="text", start__isnull=False)
                .values_list("value", flat=True))
    support = {row.value: row.clusters + row.relevant_clusters
               for row in ObjectSupport.objects.filter(object=cluster.object, kind="country")}
    top = max(support.values(), default=0)
    for code in sorted(codes):
        if code in support and support[code] < top:
            rank = (cluster.size > 1, len(support))
            if best is None or rank > best[0]:
                best = (rank, {"object": cluster.object.code, "cluster": cluster.pk, "country": code,
                               "size": cluster.size})
print(json.dumps(best[1] if best else None))
"""


def _pick(server: Server) -> dict[str, Any]:
    picked = json.loads(server.manage("shell", "-c", PICK).strip().splitlines()[-1])
    assert picked, "the demo data has no cluster naming a country below the object's strongest one"
    return picked


def _country_row(page: Any, code: str) -> list[str]:
    row = page.locator("table.candidates tbody tr", has=page.locator(f"span.muted:text-is('{code}')"))
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_analyst_verifies_a_cluster_and_the_consensus_follows(
    chromium: Any, production_server: Server, tmp_path: Path
) -> None:
    server = production_server
    picked = _pick(server)
    create_staff(server, "e2e-triage-analyst", "analyst", tmp_path)
    context = chromium.new_context()
    try:
        page = login_with_enrolment(context, server, "e2e-triage-analyst")

        page.click("nav >> text=Triage")
        assert page.url.rstrip("/").endswith("/staff/triage")
        assert page.locator("table tbody tr").count() > 0, "the inbox lists the demo tips"

        page.goto(f"{server.url}/staff/triage/objects/{picked['object']}/")
        cluster = page.locator(f"#cluster-{picked['cluster']}")
        assert cluster.is_visible()
        assert page.locator("li.cluster").count() >= 2, "the queue shows the object's clusters"
        marks = cluster.locator(f"mark.signal-country[data-country='{picked['country']}']")
        assert marks.count() >= 1, "the country named in the first tip is highlighted"

        path = page.locator(f"svg path[data-country='{picked['country']}']")
        fill_before = path.get_attribute("fill")
        title_before = path.locator("title").text_content()
        row_before = _country_row(page, picked["country"])
        verified_before = int(row_before[2])

        cluster.locator("button[data-status='relevant']").click()
        page.wait_for_load_state()

        assert f"/staff/triage/objects/{picked['object']}/" in page.url
        assert page.locator(".messages, [role=status], .message").first.is_visible()
        row_after = _country_row(page, picked["country"])
        assert int(row_after[2]) == verified_before + 1, (row_before, row_after)
        cluster = page.locator(f"#cluster-{picked['cluster']}")
        verified = picked["size"]
        assert f"{verified} verified" in cluster.locator("h3").inner_text()

        path = page.locator(f"svg path[data-country='{picked['country']}']")
        assert path.locator("title").text_content() != title_before
        assert path.get_attribute("fill") != fill_before, "the verified country is darker on the map"
    finally:
        context.close()


# The rows' state in the server's database, read with its own command (not through the pages).
STATE = """
import json
from traceobject.tips.models import Tip
ids = [{ids}]
print(json.dumps({{str(t.pk): {{"status": t.status, "assignee": t.assignee.username if t.assignee else None,
    "labels": sorted(label.name for label in t.labels.all()), "other": t.is_other}}
    for t in Tip.objects.filter(pk__in=ids).select_related("assignee").prefetch_related("labels")}}))
"""


def _state(server: Server, ids: list[int]) -> dict[int, dict[str, Any]]:
    out = server.manage("shell", "-c", STATE.format(ids=", ".join(map(str, ids))))
    return {int(pk): row for pk, row in json.loads(out.strip().splitlines()[-1]).items()}


def test_analyst_applies_every_bulk_action_and_every_status_key(
    chromium: Any, production_server: Server, tmp_path: Path
) -> None:
    server = production_server
    create_staff(server, "e2e-bulk-analyst", "analyst", tmp_path)
    create_staff(server, "e2e-bulk-colleague", "analyst", tmp_path)
    context = chromium.new_context()
    try:
        page = login_with_enrolment(context, server, "e2e-bulk-analyst")
        page.goto(f"{server.url}/staff/triage/")
        boxes = page.locator("#triage-bulk input[type=checkbox][name=tips]")
        assert boxes.count() >= 4, "the inbox lists the demo tips"
        ids = [int(boxes.nth(index).get_attribute("value") or "") for index in range(4)]
        selected, spare = ids[:2], ids[2:]

        select = page.locator("#triage-bulk select[name=action]")
        assert "[(" not in select.inner_html(), "the groups are optgroups, not printed Python lists"
        values = list(select.locator("optgroup option").evaluate_all("os => os.map(o => o.value)"))
        expected = {  # every action the page offers, and what it must do to the rows
            "status:new": {"status": "new"},
            "status:relevant": {"status": "relevant"},
            "status:not_relevant": {"status": "not_relevant"},
            "status:duplicate": {"status": "duplicate"},
            "status:needs_follow_up": {"status": "needs_follow_up"},
            "assign_me": {"assignee": "e2e-bulk-analyst"},
            "assign": {"assignee": "e2e-bulk-colleague"},
            "unassign": {"assignee": None},
            "label_add": {"labels": ["e2e bulk label"]},
            "label_remove": {"labels": []},
            "other": {"other": True},
            "not_other": {"other": False},
        }
        assert sorted(values) == sorted(expected)

        for value, change in expected.items():
            # Moved to the other reports, the rows are found there to move them back.
            where = "/staff/triage/other/" if value == "not_other" else "/staff/triage/"
            page.goto(f"{server.url}{where}")
            for tip_id in selected:
                page.check(f"#triage-bulk input[name=tips][value='{tip_id}']")
            page.select_option("#triage-bulk select[name=action]", value)
            if value == "assign":
                page.select_option("#triage-bulk select[name=assignee]", label="e2e-bulk-colleague")
            if value.startswith("label_"):
                page.fill("#triage-bulk input[name=label]", "e2e bulk label")
            with page.expect_navigation():
                page.click("#triage-bulk button[type=submit]")
            shown = page.locator("ul.messages").inner_text()
            assert "tips changed" in shown or "Nothing changed" in shown, (value, shown)
            state = _state(server, selected)
            for tip_id in selected:
                for key, wanted in change.items():
                    assert state[tip_id][key] == wanted, (value, tip_id, state[tip_id])

        # The keys r, n, d, f: on the ticked rows, or on the row holding the focus when none is ticked.
        keys = {"r": "relevant", "n": "not_relevant", "d": "duplicate", "f": "needs_follow_up"}
        for number, (key, status) in enumerate(keys.items()):
            page.goto(f"{server.url}/staff/triage/")
            before = _state(server, ids)
            if number % 2 == 0:
                for tip_id in selected:
                    page.check(f"#triage-bulk input[name=tips][value='{tip_id}']")
                changed = selected
            else:
                page.focus(f"#tip-{spare[0]} a[data-triage-open]")
                changed = spare[:1]
            with page.expect_navigation():
                page.keyboard.press(key)
            assert "changed" in page.locator("ul.messages").inner_text(), key
            after = _state(server, ids)
            for tip_id in ids:
                wanted = status if tip_id in changed else before[tip_id]["status"]
                assert after[tip_id]["status"] == wanted, (key, tip_id, before[tip_id], after[tip_id])
    finally:
        context.close()
