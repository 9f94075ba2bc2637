"""The analyst workspace: inbox and filters, bulk actions, the object queue and its consensus, the CSV
export, the tip page, notes, the other reports, and what these pages must never do (follow a tipster's
link, show a tip without recording it, or cost more queries with more rows)."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from django.test import Client

from tests.staff_fixtures import login_verified, make_staff
from tests.test_public_pages import assert_loads_nothing_from_elsewhere
from tests.triage.conftest import POLAND_TEXT, TIPSTER_CONTACT, TIPSTER_LINK, Submit, Tips
from tests.utils import csv_rows, find_all, parse_html, value_contains
from traceobject.audit.models import AuditEvent
from traceobject.gallery.models import Object
from traceobject.tips.models import Tip, TipStatus
from traceobject.triage import selectors, services
from traceobject.triage.models import Label, ObjectSupport, Signal, SignalKind, TipNote

pytestmark = pytest.mark.django_db

INBOX = "/staff/triage/"
OTHER = "/staff/triage/other/"
BULK = "/staff/triage/bulk/"


def _html(response) -> str:
    return response.content.decode()


def _listed(html: str) -> list[int]:
    """The ids of the tips listed in the inbox table, in page order."""
    return [
        int(str(element.attrs["id"]).removeprefix("tip-"))
        for element in find_all(html, "tr")
        if str(element.attrs.get("id") or "").startswith("tip-")
    ]


def _messages(html: str) -> list[str]:
    return [
        " ".join(e.text.split())
        for e in parse_html(html)
        if "message" in str(e.attrs.get("class", "")).split()
    ]


def _option_text(html: str, select_name: str, value: str) -> str:
    """The text of one option of the filter form's select of that name."""
    match = re.search(rf'<select[^>]*name="{select_name}".*?</select>', html, flags=re.DOTALL)
    assert match, f"no select named {select_name}"
    option = re.search(rf'<option value="{re.escape(value)}"[^>]*>([^<]*)</option>', match.group(0))
    assert option, f"no option {value!r} in {select_name}"
    return option.group(1)


def _ids(tips: list[Tip]) -> list[int]:
    return sorted((tip.pk for tip in tips), reverse=True)


# --- Inbox --------------------------------------------------------------------------------------------


def test_inbox_lists_every_tip_newest_first(staff_client, tips: Tips) -> None:
    response = staff_client("analyst").get(INBOX)
    assert response.status_code == 200
    html = _html(response)
    assert _listed(html) == _ids(tips.all())
    assert "4 tips" in html
    # Each row links its object code to the object's queue, and its cluster to the cluster's tips.
    assert 'href="/staff/triage/objects/B17-2026/"' in html
    assert f'href="/staff/triage/?cluster={tips.poland_1.cluster_id}"' in html


def test_the_intake_made_what_the_pages_rely_on(tips: Tips) -> None:
    """The fixture's premise: the near-duplicates share a cluster, and Poland was read in them."""
    assert tips.poland_1.cluster_id == tips.poland_2.cluster_id == tips.poland_1.pk
    assert tips.france.cluster_id != tips.poland_1.cluster_id
    assert Signal.objects.filter(tip=tips.poland_1, kind=SignalKind.COUNTRY, value="PL").exists()
    assert tips.france.has_links
    assert tips.france.has_contact


def test_inbox_filters(staff_client, staff, tips: Tips, submit: Submit, bag: Object) -> None:
    old = submit(
        bag, "Ein ganz anderer Hinweis aus dem letzten Jahr.", received_at=datetime(2025, 1, 10, tzinfo=UTC)
    )
    client = staff_client("analyst")

    def listed(query: str) -> list[int]:
        response = client.get(f"{INBOX}?{query}")
        assert response.status_code == 200, (query, response.status_code)
        return _listed(_html(response))

    everything = [*tips.all(), old]
    assert listed("") == _ids(everything)
    assert listed("object=B17-2026") == _ids([tips.poland_1, tips.poland_2, tips.france, old])
    assert listed("object=L20-2026") == _ids([tips.lamp])
    assert listed("country=PL") == _ids([tips.poland_1, tips.poland_2])
    assert listed(f"cluster={tips.poland_1.cluster_id}") == _ids([tips.poland_1, tips.poland_2])
    assert listed("has_contact=yes") == _ids([tips.france])
    assert listed("has_links=yes") == _ids([tips.france])
    assert listed("has_links=no&object=B17-2026") == _ids([tips.poland_1, tips.poland_2, old])
    assert listed("date_to=2025-12-31") == _ids([old])
    assert listed("date_from=2025-01-10&date_to=2025-01-10") == _ids([old])
    language = tips.poland_1.language
    assert language
    assert listed(f"language={language}") == _ids([t for t in everything if t.language == language])

    analyst = staff["analyst"]
    services.tips_status_set(actor=analyst, tip_ids=[tips.france.pk], status=TipStatus.RELEVANT)
    services.tips_assign(actor=analyst, tip_ids=[tips.lamp.pk], assignee=analyst)
    services.tips_label(actor=analyst, tip_ids=[tips.poland_2.pk], name="shop known")
    services.tips_other_set(actor=analyst, tip_ids=[old.pk], is_other=True)
    label = Label.objects.get(name="shop known")
    assert listed("status=relevant") == _ids([tips.france])
    assert listed("assignee=me") == _ids([tips.lamp])
    assert listed(f"assignee={analyst.pk}") == _ids([tips.lamp])
    assert listed(f"label={label.pk}") == _ids([tips.poland_2])
    assert listed("about=other") == _ids([old])
    assert listed("about=object&object=B17-2026") == _ids([tips.poland_1, tips.poland_2, tips.france])
    assert listed("status=relevant&country=PL") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=bogus", "is not a tip status"),
        ("country=XX", "is not a country code"),
        ("country=pl%3Cb%3E", "is not a country code"),
        ("language=Deutsch", "is not a language code"),
        ("object=NOPE-1", "No object with tips has the code"),
        ("date_from=2026-13-45", "Enter a date as YYYY-MM-DD"),
        ("date_to=9999-12-31", "Choose a date between"),
        ("date_from=2026-03-02&date_to=2026-03-01", "The end date is before the start date"),
        ("cluster=abc", "A cluster is given by its number"),
        ("cluster=-3", "greater than or equal to 1"),
        ("has_contact=maybe", "Choose yes, no, or any"),
        ("assignee=999999", "No analyst matches"),
        ("label=x", "There is no label number"),
        ("before=-1", "This page link is not valid"),
        ("before=99999999999999999999999", "This page link is not valid"),
    ],
)
def test_bad_filters_give_a_message_not_a_500(staff_client, tips: Tips, query: str, message: str) -> None:
    response = staff_client("analyst").get(f"{INBOX}?{query}")
    assert response.status_code == 400
    html = _html(response)
    assert message in html
    assert "Some filters are not valid" in html
    assert _listed(html) == []
    assert 'href="/staff/triage/">Clear filters</a>' in html


def test_facet_counts_are_shown_for_the_selected_object(staff_client, tips: Tips) -> None:
    client = staff_client("analyst")
    everywhere = _html(client.get(INBOX))
    assert _option_text(everywhere, "status", "new") == "New (4)"
    assert _option_text(everywhere, "has_contact", "yes") == "Yes (1)"
    assert _option_text(everywhere, "object", "B17-2026") == "B17-2026 · Blue canvas bag (3)"
    assert _option_text(everywhere, "country", "PL").endswith("(2)")

    lamp_only = _html(client.get(f"{INBOX}?object=L20-2026"))
    assert _option_text(lamp_only, "status", "new") == "New (1)"
    assert _option_text(lamp_only, "has_contact", "yes") == "Yes (0)"
    assert 'value="PL"' not in lamp_only  # Poland is not named about the lamp
    assert "Open its queue and consensus" in lamp_only


def test_the_count_is_capped(staff_client, tips: Tips, monkeypatch) -> None:
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    html = _html(staff_client("analyst").get(INBOX))
    assert "2+ tips" in html


def test_keyset_pagination_keeps_the_filters(staff_client, tips: Tips, monkeypatch) -> None:
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    client = staff_client("analyst")
    first = _html(client.get(f"{INBOX}?object=B17-2026"))
    assert _listed(first) == _ids([tips.france, tips.poland_2])
    assert "Newest</a>" not in first
    older = re.search(r'<a rel="next" href="([^"]+)">Older</a>', first)
    assert older
    link = older.group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query) == {"object": ["B17-2026"], "before": [str(tips.poland_2.pk)]}
    assert "page=" not in link  # never an offset

    second = _html(client.get(f"{INBOX}{link}"))
    assert _listed(second) == [tips.poland_1.pk]
    assert 'rel="next"' not in second
    assert '<a rel="first" href="/staff/triage/?object=B17-2026">Newest</a>' in second
    assert "3 tips" in second  # the count is the filter's, not the page's


def test_empty_states(staff_client, bag: Object, submit: Submit) -> None:
    client = staff_client("analyst")
    assert "No tips yet." in _html(client.get(INBOX))
    submit(bag, POLAND_TEXT)
    html = _html(client.get(f"{INBOX}?has_contact=yes"))
    assert "No tip matches these filters." in html
    assert 'href="/staff/triage/">Clear filters</a>' in html
    assert "No other reports." in _html(client.get(OTHER))


def test_the_excerpt_is_escaped_short_and_its_links_inert(staff_client, bag: Object, submit: Submit) -> None:
    text = "<script>alert(1)</script> seen at https://evil.example.com/x " + "very long words " * 40
    submit(bag, text)
    html = _html(staff_client("analyst").get(INBOX))
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "https://evil.example.com/x" in html  # shown, as text
    excerpt = next(e for e in find_all(html, "td") if "excerpt" in str(e.attrs.get("class")))
    assert len(excerpt.text.strip()) <= 201
    assert excerpt.text.strip().endswith("…")


# --- Bulk actions --------------------------------------------------------------------------------------


def test_bulk_status_change(staff_client, staff, tips: Tips) -> None:
    client = staff_client("analyst")
    back = f"{INBOX}?object=B17-2026&has_links=no"
    response = client.post(
        BULK,
        {"tips": [tips.poland_1.pk, tips.france.pk], "action": "status:relevant", "next": back},
    )
    assert response.status_code == 302
    assert response["Location"] == back
    assert set(Tip.objects.filter(status=TipStatus.RELEVANT).values_list("pk", flat=True)) == {
        tips.poland_1.pk,
        tips.france.pk,
    }
    event = AuditEvent.objects.filter(action="tips.status").latest("pk")
    assert event.actor_label == staff["analyst"].username
    assert sorted(event.details["tips"]) == sorted([tips.poland_1.pk, tips.france.pk])
    assert event.details["status"] == "relevant"
    assert "2 tips changed." in _messages(_html(client.get(back)))


def test_bulk_assign_label_and_other_reports(staff_client, staff, tips: Tips) -> None:
    client = staff_client("analyst")
    analyst = staff["analyst"]
    ids = [tips.poland_1.pk, tips.poland_2.pk]
    client.post(BULK, {"tips": ids, "action": "assign_me"})
    assert set(Tip.objects.filter(assignee=analyst).values_list("pk", flat=True)) == set(ids)
    client.post(BULK, {"tips": ids[:1], "action": "unassign"})
    assert list(Tip.objects.filter(assignee=analyst).values_list("pk", flat=True)) == ids[1:]
    client.post(BULK, {"tips": ids, "action": "label_add", "label": "  Biedronka   chain "})
    assert set(Label.objects.get(name="Biedronka chain").tips.values_list("pk", flat=True)) == set(ids)
    client.post(BULK, {"tips": ids[:1], "action": "label_remove", "label": "Biedronka chain"})
    assert list(Label.objects.get(name="Biedronka chain").tips.values_list("pk", flat=True)) == ids[1:]
    client.post(BULK, {"tips": [tips.lamp.pk], "action": "other"})
    assert Tip.objects.get(pk=tips.lamp.pk).is_other
    client.post(BULK, {"tips": [tips.lamp.pk], "action": "not_other"})
    assert not Tip.objects.get(pk=tips.lamp.pk).is_other
    other_analyst = make_staff("second-analyst", "analyst")
    client.post(BULK, {"tips": [tips.lamp.pk], "action": "assign", "assignee": other_analyst.pk})
    assert Tip.objects.get(pk=tips.lamp.pk).assignee == other_analyst


def _action_select(html: str) -> ElementTree.Element:
    """The bulk form's Action select, parsed (its markup is ours, so XML once ``selected`` has a value)."""
    match = re.search(r'<select[^>]*name="action".*?</select>', html, flags=re.DOTALL)
    assert match, "the inbox has no Action select"
    markup = match.group(0).replace(" selected", ' selected="selected"').replace(" required", "")
    return ElementTree.fromstring(markup)  # noqa: S314 - our own markup


def test_the_action_select_has_option_groups_whose_options_the_bulk_post_accepts(
    staff_client, tips: Tips
) -> None:
    client = staff_client("analyst")
    select = _action_select(_html(client.get(INBOX)))
    assert [(o.get("value"), o.text) for o in select.findall("option")] == [("", "Choose an action")]
    groups = {
        group.get("label"): [(o.get("value"), o.text) for o in group.findall("option")]
        for group in select.findall("optgroup")
    }
    assert groups == {
        "Set the status": [
            ("status:new", "New"),
            ("status:relevant", "Relevant"),
            ("status:not_relevant", "Not relevant"),
            ("status:duplicate", "Duplicate"),
            ("status:needs_follow_up", "Needs follow-up"),
        ],
        "Assign": [
            ("assign_me", "Assign to me"),
            ("assign", "Assign to the analyst chosen below"),
            ("unassign", "Unassign"),
        ],
        "Labels": [
            ("label_add", "Add the label written below"),
            ("label_remove", "Remove the label written below"),
        ],
        "Other reports": [
            ("other", "Move to other reports (not about the object)"),
            ("not_other", "Move back: it is about the object"),
        ],
    }
    # Every value the page offers is one the server takes (the bug: the group names were the values).
    client.post(BULK, {"tips": [tips.france.pk], "action": "label_add", "label": "seen"})
    for value in (value for options in groups.values() for value, _text in options):
        data = {"tips": [tips.france.pk], "action": value, "label": "seen", "next": INBOX}
        if value == "assign":
            data["assignee"] = str(make_staff(f"analyst-for-{len(value)}", "analyst").pk)
        shown = " ".join(_messages(_html(client.get(client.post(BULK, data)["Location"]))))
        assert "tip changed" in shown or "Nothing changed" in shown, (value, shown)
        assert "Choose an action" not in shown, value


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "status:relevant"}, "Select at least one tip."),
        ({"tips": ["1; DROP TABLE"], "action": "status:relevant"}, "The selection is not valid"),
        ({"tips": ["{tip}"]}, "Choose an action."),
        ({"tips": ["{tip}"], "action": "status:eaten"}, "Choose an action from the list."),
        ({"tips": ["{tip}"], "action": "assign"}, "Choose the analyst"),
        ({"tips": ["{tip}"], "action": "label_add", "label": "   "}, "Write the label's name."),
        (
            {"tips": ["{tip}"], "action": "label_remove", "label": "never made"},
            "There is no label of that name.",
        ),
        ({"tips": ["999999"], "action": "status:relevant"}, "no longer exist"),
    ],
)
def test_bulk_errors_are_messages(staff_client, tips: Tips, data: dict, message: str) -> None:
    client = staff_client("analyst")
    data = {
        key: [v.replace("{tip}", str(tips.france.pk)) for v in value] if isinstance(value, list) else value
        for key, value in data.items()
    }
    response = client.post(BULK, {**data, "next": f"{INBOX}?object=B17-2026"})
    assert response.status_code == 302
    assert response["Location"] == f"{INBOX}?object=B17-2026"
    shown = " ".join(_messages(_html(client.get(response["Location"]))))
    assert message in shown
    assert Tip.objects.filter(status=TipStatus.NEW).count() == 4


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/staff/", "/somewhere/else/", "javascript:alert(1)"]
)
def test_bulk_goes_back_only_to_our_own_pages(staff_client, tips: Tips, next_url: str) -> None:
    response = staff_client("analyst").post(
        BULK, {"tips": [tips.france.pk], "action": "status:duplicate", "next": next_url}
    )
    assert response["Location"] == INBOX


def test_publishers_read_but_change_nothing(staff_client, tips: Tips) -> None:
    client = staff_client("publisher")
    inbox = _html(client.get(INBOX))
    assert _listed(inbox) == _ids(tips.all())
    assert 'id="triage-bulk"' not in inbox
    assert 'name="tips"' not in inbox
    tip_page = _html(client.get(f"/staff/triage/tips/{tips.france.pk}/"))
    assert "Add the note" not in tip_page
    assert "Set the status" not in tip_page
    queue = _html(client.get("/staff/triage/objects/B17-2026/"))
    assert "/status/" not in queue
    assert client.post(BULK, {"tips": [tips.france.pk], "action": "status:relevant"}).status_code == 403
    assert Tip.objects.get(pk=tips.france.pk).status == TipStatus.NEW


# --- The object queue and the consensus ---------------------------------------------------------------


def _candidate_row(html: str, name: str) -> list[str]:
    """The cells of one country's row in the candidates table."""
    table = re.search(r'<table class="candidates">.*?</table>', html, flags=re.DOTALL)
    assert table
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(0), flags=re.DOTALL):
        if f">{name}</a>" in row:
            return [
                re.sub(r"<[^>]+>", "", cell).strip()
                for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)
            ]
    raise AssertionError(f"{name} is not a candidate")


def test_queue_shows_the_consensus_and_the_clusters(staff_client, tips: Tips) -> None:
    response = staff_client("analyst").get("/staff/triage/objects/B17-2026/")
    assert response.status_code == 200
    html = _html(response)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="world-map"' in html
    assert "<title>Poland: 1 cluster (0 verified), 2 tips</title>" in html
    assert 'class="bar-chart"' in html
    # rank, name + code, clusters, verified, unverified, tips, score
    assert _candidate_row(html, "Poland")[2:6] == ["1", "0", "1", "2"]
    assert 'href="/staff/triage/objects/B17-2026/consensus.csv"' in html
    assert 'href="/staff/objects/B17-2026/"' in html  # the object's staff page
    clusters = re.findall(r'<li id="cluster-(\d+)"', html)
    assert clusters == [str(tips.poland_1.pk), str(tips.france.pk)]  # the largest first
    assert f'href="/staff/triage/?cluster={tips.poland_1.pk}">all 2 tips</a>' in html
    assert '<mark class="signal signal-country" data-country="PL"' in html
    for status in ("relevant", "not_relevant", "duplicate", "needs_follow_up"):
        assert f'name="status" value="{status}"' in html
    assert html.count('action="/staff/triage/clusters/') == 2


class _FlexItems(HTMLParser):
    """The text that sits directly in each ``<p class="cluster-meta">``, outside any child element.

    The paragraph is a flex container with a gap: each run of bare text there is a flex item of its
    own, so a comma left bare after the tip's link is drawn apart from it ("#309 , 2026")."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bare: list[str] = []
        self._depth = 0  # 0: outside; 1: directly in the paragraph; more: inside one of its children

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._depth:
            self._depth += 1
        elif tag == "p" and ("class", "cluster-meta") in attrs:
            self._depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth == 1 and data.strip():
            self.bare.append(data.strip())


def test_the_first_tip_and_its_date_stay_together(staff_client, tips: Tips) -> None:
    html = _html(staff_client("analyst").get("/staff/triage/objects/B17-2026/"))
    items = _FlexItems()
    items.feed(html)
    assert html.count('class="cluster-meta"') == 2
    assert items.bare == []
    text = " ".join(re.sub(r"<[^>]+>", "", html).split())
    assert f"First tip: #{tips.poland_1.pk}, " in text
    assert " ," not in text


def test_one_click_marks_the_whole_cluster_and_moves_the_consensus(staff_client, staff, tips: Tips) -> None:
    client = staff_client("analyst")
    queue = "/staff/triage/objects/B17-2026/"
    score_before = _candidate_row(_html(client.get(queue)), "Poland")[6]
    response = client.post(
        f"/staff/triage/clusters/{tips.poland_1.pk}/status/", {"status": "relevant", "next": queue}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{queue}#cluster-{tips.poland_1.pk}"
    assert set(Tip.objects.filter(cluster_id=tips.poland_1.pk).values_list("status", flat=True)) == {
        "relevant"
    }
    assert Tip.objects.get(pk=tips.france.pk).status == TipStatus.NEW
    event = AuditEvent.objects.filter(action="tips.cluster_status").latest("pk")
    assert event.details["cluster"] == tips.poland_1.pk
    html = _html(client.get(queue))
    assert _candidate_row(html, "Poland")[2:6] == ["1", "1", "0", "2"]
    # The verified cluster counts twice in the score, and the page says how the score is made.
    assert float(_candidate_row(html, "Poland")[6]) == pytest.approx(2 * float(score_before), abs=0.01)
    assert "A verified cluster adds twice as much" in html
    assert "first by verified clusters" in html
    assert "<title>Poland: 1 cluster (1 verified), 2 tips</title>" in html
    assert any("its 2 tips are now “Relevant”" in m for m in _messages(html))

    client.post(f"/staff/triage/clusters/{tips.poland_1.pk}/status/", {"status": "not_relevant"})
    html = _html(client.get(queue))
    assert "Poland" not in re.search(r'<table class="candidates">.*?</table>|$', html, re.DOTALL).group(0)


def test_shops_show_the_tipsters_spelling_and_group_whatever_the_case(
    staff_client, bag: Object, submit: Submit
) -> None:
    submit(
        bag, "Seen at a supermarket checkout in Poznan, 2016, on the bottom shelf.", shop_brand="Biedronka"
    )
    submit(bag, "My neighbour bought the very same one for her daughter.", shop_brand="BIEDRONKA Sp. z o.o.")
    submit(bag, "Cheap, sold near the tills of a discount shop in Lodz.", shop_brand="  biedronka ")
    client = staff_client("analyst")
    html = _html(client.get("/staff/triage/objects/B17-2026/"))
    shops = re.search(r"<caption>Top shops and brands</caption>.*?</table>", html, flags=re.DOTALL)
    assert shops, "the queue has a shops table"
    rows = re.findall(r'<th scope="row">([^<]*)</th><td class="number">(\d+)</td>', shops.group(0))
    assert rows == [("Biedronka", "3")], "one shop, in the first tipster's spelling, three clusters"
    exported = csv_rows(client.get("/staff/triage/objects/B17-2026/consensus.csv"))
    assert [row[1] for row in exported if row[0] == "shop"] == ["Biedronka"]


def test_cluster_status_refuses_other_statuses(staff_client, tips: Tips) -> None:
    client = staff_client("analyst")
    response = client.post(f"/staff/triage/clusters/{tips.poland_1.pk}/status/", {"status": "forwarded"})
    assert response.status_code == 302
    assert Tip.objects.get(pk=tips.poland_1.pk).status == TipStatus.NEW
    assert client.post("/staff/triage/clusters/999999/status/", {"status": "relevant"}).status_code == 404


def test_queue_keyset_pagination(staff_client, tips: Tips, monkeypatch) -> None:
    monkeypatch.setattr(selectors, "QUEUE_PAGE_SIZE", 1)
    client = staff_client("analyst")
    first = _html(client.get("/staff/triage/objects/B17-2026/"))
    assert re.findall(r'<li id="cluster-(\d+)"', first) == [str(tips.poland_1.pk)]
    more = re.search(r'<a rel="next" href="\?after=(\d+-\d+)">', first)
    assert more
    assert more.group(1) == f"2-{tips.poland_2.pk}"
    second = _html(client.get(f"/staff/triage/objects/B17-2026/?after={more.group(1)}"))
    assert re.findall(r'<li id="cluster-(\d+)"', second) == [str(tips.france.pk)]
    assert "Largest clusters" in second
    bad = client.get("/staff/triage/objects/B17-2026/?after=nonsense")
    assert bad.status_code == 400
    assert "This page link is not valid" in _html(bad)
    assert client.get("/staff/triage/objects/NOPE-1/").status_code == 404


CONSENSUS_CSV = "/staff/triage/objects/B17-2026/consensus.csv"


def test_consensuscsv_rows(staff_client, staff, tips: Tips, bag: Object) -> None:
    ObjectSupport.objects.create(
        object=bag, kind=SignalKind.SHOP, value='=HYPERLINK("http://x")', clusters=1, tips=1, score=0.5
    )
    response = staff_client("publisher").get(CONSENSUS_CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="consensus-B17-2026.csv"'
    rows = csv_rows(response)
    assert rows[0] == ["kind", "value", "name", "clusters", "verified_clusters", "tips", "score"]
    poland = next(row for row in rows if row[:2] == ["country", "PL"])
    assert poland[2:6] == ["Poland", "1", "0", "2"]
    assert float(poland[6]) > 0
    assert ["shop", '\'=HYPERLINK("http://x")', "", "1", "0", "1", "0.50"] in rows
    # Nothing a tipster wrote: only aggregates.
    assert not any("Biedronka, Warszawa" in cell for row in rows for cell in row)
    # One event names the export and its object, never its rows.
    [event] = AuditEvent.objects.filter(action="consensus.export")
    assert event.actor == staff["publisher"]
    assert event.target_id == str(bag.pk)
    assert event.details == {"export": "consensus", "filters": {}, "count": len(rows) - 1, "format": "csv"}
    assert "PL" not in str(event.details)


@pytest.mark.parametrize("name", ["administrator", "auditor", "partner_a", "outsider"])
def test_consensus_csv_is_refused_as_the_queue_is(staff_client, name, bag: Object) -> None:
    client = staff_client(name)
    assert client.get("/staff/triage/objects/B17-2026/").status_code == 403
    assert client.get(CONSENSUS_CSV).status_code == 403
    assert not AuditEvent.objects.filter(action="consensus.export").exists()


def test_consensus_csv_of_an_unknown_object_is_404(staff_client, bag: Object) -> None:
    assert staff_client("analyst").get("/staff/triage/objects/NOPE-1/consensus.csv").status_code == 404
    assert not AuditEvent.objects.filter(action="consensus.export").exists()


# --- The tip page ---------------------------------------------------------------------------------------


def test_tip_page_shows_highlights_and_records_the_opening(staff_client, staff, tips: Tips) -> None:
    client = staff_client("analyst")
    response = client.get(f"/staff/triage/tips/{tips.poland_1.pk}/")
    assert response.status_code == 200
    html = _html(response)
    marks = [e for e in find_all(html, "mark") if e.attrs.get("data-country") == "PL"]
    assert marks
    # The why, visible and in the title: the kind of signal, the words, the country they point to.
    assert str(marks[0].attrs["title"]).startswith("name: Polen → Poland (PL) · ")
    assert marks[0].attrs["data-source"] == "name"
    assert "signal signal-country" in str(marks[0].attrs["class"])
    assert '</mark><span class="signal-note">name → PL</span>' in html
    assert '<q class="signal-words">Polen</q>' in html
    event = AuditEvent.objects.filter(action="tip.open").latest("pk")
    assert event.actor_label == "analyst"
    assert event.target_id == str(tips.poland_1.pk)
    assert f'href="/staff/triage/?cluster={tips.poland_1.pk}">all 2 tips</a>' in html


def _pager(html: str) -> dict[str, str]:
    """The tip page's list links: {"list": href, "prev": href, "next": href} (absent when none)."""
    nav = re.search(r'<nav class="tip-pager".*?</nav>', html, flags=re.DOTALL)
    assert nav, "the tip page has no previous/next navigation"
    links = {
        rel: href.replace("&amp;", "&")
        for rel, href in re.findall(r'<a rel="(\w+)" href="([^"]+)"', nav.group(0))
    }
    first = re.search(r'<a href="([^"]+)"', nav.group(0))
    assert first
    return {"list": first.group(1).replace("&amp;", "&"), **links}


def _tip_url(tip: Tip, query: str = "") -> str:
    return f"/staff/triage/tips/{tip.pk}/{query}"


def test_tip_page_links_to_the_previous_and_next_tips_by_arrival(staff_client, tips: Tips) -> None:
    client = staff_client("analyst")
    # Arrival order: poland_1, poland_2, france, lamp; the inbox lists the newest first.
    assert _pager(_html(client.get(_tip_url(tips.france)))) == {
        "list": INBOX,
        "prev": _tip_url(tips.lamp),
        "next": _tip_url(tips.poland_2),
    }
    assert _pager(_html(client.get(_tip_url(tips.lamp)))) == {"list": INBOX, "next": _tip_url(tips.france)}
    assert _pager(_html(client.get(_tip_url(tips.poland_1)))) == {
        "list": INBOX,
        "prev": _tip_url(tips.poland_2),
    }


def test_tip_page_walks_the_list_it_was_opened_from(staff_client, tips: Tips) -> None:
    client = staff_client("analyst")
    inbox = _html(client.get(f"{INBOX}?object=B17-2026&has_links=no"))
    # The inbox's links carry its filters to the tip page.
    query = "?object=B17-2026&has_links=no"
    assert f'href="{_tip_url(tips.poland_2, query).replace("&", "&amp;")}"' in inbox
    assert _tip_url(tips.lamp) not in inbox
    # The lamp (another object) and the French tip (a link) are skipped.
    pager = _pager(_html(client.get(_tip_url(tips.poland_2, query))))
    assert pager == {"list": f"{INBOX}{query}", "next": _tip_url(tips.poland_1, query)}
    assert _pager(_html(client.get(_tip_url(tips.poland_1, query)))) == {
        "list": f"{INBOX}{query}",
        "prev": _tip_url(tips.poland_2, query),
    }
    # Filters that are no longer valid fall back to the whole inbox rather than failing.
    stale = _pager(_html(client.get(_tip_url(tips.poland_2, "?object=GONE-1"))))
    assert stale == {"list": INBOX, "prev": _tip_url(tips.france), "next": _tip_url(tips.poland_1)}


def test_tip_page_walks_the_other_reports(staff_client, tips: Tips) -> None:
    client = staff_client("analyst")
    client.post(BULK, {"tips": [tips.poland_1.pk, tips.lamp.pk], "action": "other"})
    other = _html(client.get(OTHER))
    assert f'href="{_tip_url(tips.lamp, "?list=other")}"' in other
    pager = _pager(_html(client.get(_tip_url(tips.lamp, "?list=other"))))
    assert pager == {"list": OTHER, "next": _tip_url(tips.poland_1, "?list=other")}


def test_tip_page_shows_links_as_text_and_warns_about_contact(staff_client, tips: Tips) -> None:
    html = _html(staff_client("analyst").get(f"/staff/triage/tips/{tips.france.pk}/"))
    inputs = [e for e in find_all(html, "input") if e.attrs.get("value") == TIPSTER_LINK]
    assert inputs
    assert "readonly" in inputs[0].attrs
    assert TIPSTER_CONTACT in html
    assert "These details can identify the tipster." in html
    assert "France" in html  # the country field, as a name
    assert "Carrefour" in html


def test_no_page_links_to_what_a_tipster_wrote(staff_client, tips: Tips, submit: Submit, bag: Object) -> None:
    """A click on a tipster's link from the workspace would tell that site the agency's address."""
    submit(
        bag,
        "Look at https://evil.example.com/trap and www.shop-trap.pl please",
        links=["http://leak.example.net/a"],
    )
    client = staff_client("analyst")
    client.post(BULK, {"tips": [tips.france.pk], "action": "other"})
    pages = [INBOX, OTHER, "/staff/triage/objects/B17-2026/"] + [
        f"/staff/triage/tips/{tip.pk}/" for tip in Tip.objects.all()
    ]
    for url in pages:
        html = _html(client.get(url))
        for element in parse_html(html):
            for name in ("href", "src", "action", "formaction", "data", "srcset"):
                value = str(element.attrs.get(name) or "")
                assert not re.search(r"example\.(com|net)|leboncoin|shop-trap", value), (url, name, value)
        assert_loads_nothing_from_elsewhere(html, url)
        assert '<script src="/static/staff/triage.js" defer></script>' in html
        assert 'href="/static/staff/triage.css"' in html


def test_notes_are_added_and_sealed(staff_client, staff, tips: Tips) -> None:
    client = staff_client("analyst")
    secret = "Called the Warsaw office about this one; reference ZX-88."
    response = client.post(f"/staff/triage/tips/{tips.france.pk}/notes/", {"text": secret})
    assert response.status_code == 302
    assert response["Location"] == f"/staff/triage/tips/{tips.france.pk}/#notes"
    note = TipNote.objects.get(tip=tips.france)
    assert not value_contains(note.sealed, secret)
    assert not value_contains(note.sealed, "ZX-88")
    html = _html(client.get(f"/staff/triage/tips/{tips.france.pk}/"))
    assert secret in html
    assert AuditEvent.objects.filter(action="tip.note_add").exists()

    empty = client.post(f"/staff/triage/tips/{tips.france.pk}/notes/", {"text": "   "})
    assert empty.status_code == 302
    assert any(
        "New note: This field is required." in m for m in _messages(_html(client.get(empty["Location"])))
    )
    assert TipNote.objects.filter(tip=tips.france).count() == 1
    assert client.post("/staff/triage/tips/999999/notes/", {"text": "x"}).status_code == 404
    assert client.get("/staff/triage/tips/999999/").status_code == 404


@pytest.mark.parametrize(
    ("form_class", "field", "anchor"),
    [("note-form", "text", "#notes"), ("note-form", "question", "#follow-up")],
)
def test_a_note_or_a_question_keeps_the_list_the_tip_was_opened_from(
    staff_client, tips: Tips, form_class: str, field: str, anchor: str
) -> None:
    client = staff_client("analyst")
    query = "?object=B17-2026&has_links=no"
    page = _html(client.get(_tip_url(tips.poland_2, query)))
    actions = [
        str(form.attrs["action"])
        for form in find_all(page, "form")
        if form.attrs.get("class") == form_class
        and f'name="{field}"' in _form_html(page, str(form.attrs["action"]))
    ]
    assert len(actions) == 1
    assert actions[0].endswith(query)
    response = client.post(actions[0], {field: "Which shop, and which year?"})
    assert response.status_code == 302
    assert response["Location"] == _tip_url(tips.poland_2, query) + anchor
    # Back on the page, previous/next still walk the filtered list, not the whole inbox by arrival.
    assert _pager(_html(client.get(response["Location"]))) == {
        "list": f"{INBOX}{query}",
        "next": _tip_url(tips.poland_1, query),
    }


def _form_html(page: str, action: str) -> str:
    """The markup of the form posting to ``action`` (as written in the page, ampersands escaped)."""
    escaped = action.replace("&", "&amp;")
    start = page.index(f'action="{escaped}"')
    return page[start : page.index("</form>", start)]


def test_without_a_list_the_note_goes_back_to_the_bare_tip_page(staff_client, tips: Tips) -> None:
    client = staff_client("analyst")
    page = _html(client.get(_tip_url(tips.france)))
    assert f'action="/staff/triage/tips/{tips.france.pk}/notes/"' in page


def test_every_page_records_which_tips_it_showed(staff_client, tips: Tips) -> None:
    client = staff_client("analyst")
    client.get(f"{INBOX}?object=L20-2026")
    event = AuditEvent.objects.filter(action="tips.view").latest("pk")
    assert event.details == {"where": "inbox", "tips": [tips.lamp.pk]}
    client.get("/staff/triage/objects/B17-2026/")
    event = AuditEvent.objects.filter(action="tips.view").latest("pk")
    assert event.details == {"where": "queue", "tips": [tips.poland_1.pk, tips.france.pk]}
    before = AuditEvent.objects.filter(action="tips.view").count()
    client.get(f"{INBOX}?has_contact=yes&object=L20-2026")  # nothing shown, nothing recorded
    assert AuditEvent.objects.filter(action="tips.view").count() == before


# --- Other reports --------------------------------------------------------------------------------------


def test_other_reports(staff_client, tips: Tips) -> None:
    client = staff_client("analyst")
    client.post(BULK, {"tips": [tips.lamp.pk], "action": "other"})
    response = client.get(OTHER)
    assert response.status_code == 200
    html = _html(response)
    assert "<h1>Other reports</h1>" in html
    assert "competent authority" in html
    assert _listed(html) == [tips.lamp.pk]
    assert AuditEvent.objects.filter(action="tips.view").latest("pk").details["where"] == "other"
    assert 'name="about"' not in html
    assert _listed(_html(client.get(f"{OTHER}?object=B17-2026"))) == []
    assert tips.lamp.pk not in _listed(_html(client.get(f"{INBOX}?about=object")))


def test_the_navigation_has_triage_for_roles_that_read_tips(staff_client) -> None:
    analyst = _html(staff_client("analyst").get(INBOX))
    assert '<a href="/staff/triage/" aria-current="page">Triage</a>' in analyst
    assert '<a href="/staff/triage/other/">Other reports</a>' in analyst
    other = _html(staff_client("analyst").get(OTHER))
    assert '<a href="/staff/triage/other/" aria-current="page">Other reports</a>' in other
    assert '<a href="/staff/triage/">Triage</a>' in other
    assert "/staff/triage/" not in _html(staff_client("auditor").get("/staff/objects/"))


# --- Query counts -----------------------------------------------------------------------------------------


def _varied_text(number: int) -> str:
    """Texts that share no shingles, so that each tip starts a cluster of its own."""
    return " ".join(hashlib.sha256(f"{number}-{word}".encode()).hexdigest()[:10] for word in range(8))


def test_inbox_queries_do_not_grow_with_rows(
    staff_client, staff, bag: Object, submit: Submit, count_queries
) -> None:
    client = staff_client("analyst")

    def seed(start: int, stop: int) -> None:
        for number in range(start, stop):
            tip = submit(bag, f"{POLAND_TEXT} {_varied_text(number)}", links=["https://a.example/x"])
            if number % 2:
                services.tips_label(actor=staff["analyst"], tip_ids=[tip.pk], name=f"label {number % 3}")
                services.tips_assign(actor=staff["analyst"], tip_ids=[tip.pk], assignee=staff["analyst"])

    seed(0, 3)
    client.get(INBOX)  # the first request of a session does some one-off work
    few = count_queries(lambda: client.get(INBOX))
    seed(3, 30)
    many = count_queries(lambda: client.get(INBOX))
    assert len(_listed(_html(client.get(INBOX)))) == 30
    assert few == many, (few, many)
    filtered_few = count_queries(lambda: client.get(f"{INBOX}?object=B17-2026&country=PL&has_links=yes"))
    assert filtered_few == many


def test_queue_queries_do_not_grow_with_clusters(
    staff_client, bag: Object, submit: Submit, count_queries
) -> None:
    client = staff_client("analyst")
    queue = "/staff/triage/objects/B17-2026/"
    for number in range(2):
        submit(bag, f"In Polen gekauft. {_varied_text(number)}", links=[f"https://shop{number}.example.pl/"])
    client.get(queue)
    few = count_queries(lambda: client.get(queue))
    for number in range(2, 12):
        submit(bag, f"Achetée en France. {_varied_text(number)}", links=[f"https://shop{number}.example.fr/"])
    many = count_queries(lambda: client.get(queue))
    assert len(re.findall(r'<li id="cluster-', _html(client.get(queue)))) == 12
    assert few == many, (few, many)


def test_tip_page_queries_do_not_grow_with_notes_and_labels(
    staff_client, staff, tips: Tips, count_queries
) -> None:
    client = staff_client("analyst")
    url = f"/staff/triage/tips/{tips.france.pk}/"
    services.tip_note_add(actor=staff["analyst"], tip=tips.france, text="first")
    services.tips_label(actor=staff["analyst"], tip_ids=[tips.france.pk], name="one")
    client.get(url)
    few = count_queries(lambda: client.get(url))
    for number in range(6):
        services.tip_note_add(actor=staff["analyst"], tip=tips.france, text=f"note {number}")
        services.tips_label(actor=staff["analyst"], tip_ids=[tips.france.pk], name=f"label {number}")
    many = count_queries(lambda: client.get(url))
    assert few == many, (few, many)


def test_a_client_without_javascript_uses_plain_forms(tips: Tips, staff) -> None:
    """Every action is a real form with its CSRF token; the keyboard script only presses them."""
    client = login_verified(Client(enforce_csrf_checks=True), staff["analyst"])
    for url in (INBOX, "/staff/triage/objects/B17-2026/", f"/staff/triage/tips/{tips.france.pk}/"):
        html = _html(client.get(url))
        forms = [e for e in parse_html(html) if e.tag == "form" and e.attrs.get("method") == "post"]
        assert forms, url
        assert html.count('name="csrfmiddlewaretoken"') >= len(forms), url
    refused = client.post(BULK, {"tips": [tips.france.pk], "action": "status:relevant"})
    assert refused.status_code == 403


# --- Dates ------------------------------------------------------------------------------------------------


def test_dates_are_written_day_first_with_the_month_spelled_out(staff_client, tips: Tips) -> None:
    # Staff pages are in English (no language prefix); Django's own English formats would say
    # "July 12, 2026, 3:17 p.m." and "07/12/2026 3:17 p.m.", read as 7 December in most of Europe.
    Tip.objects.filter(pk=tips.france.pk).update(created_at=datetime(2026, 7, 12, 15, 17, 5, tzinfo=UTC))
    client = staff_client("analyst")
    page = _html(client.get(f"/staff/triage/tips/{tips.france.pk}/"))
    assert "Received 12 July 2026, 15:17 UTC, about" in " ".join(page.split())
    inbox = _html(client.get(INBOX))
    cell = re.search(
        rf'<tr[^>]*id="tip-{tips.france.pk}".*?<time datetime="([^"]+)">([^<]+)</time>', inbox, re.S
    )
    assert cell
    # The machine value stays ISO 8601.
    assert cell.group(1).startswith("2026-07-12T15:17:05")
    assert cell.group(2) == "12 Jul 2026, 15:17"
