"""The staff dashboard: who may see it, what it shows, and what it costs once its figures are cached."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import ObjectFactory
from tests.stats.conftest import LAMP_TIP, Catalogue, Loop, submit
from tests.test_public_pages import assert_loads_nothing_from_elsewhere
from tests.utils import find_all, find_by_id
from traceobject.stats.selectors import DASHBOARD_DAYS
from traceobject.tips.models import TipStatus

pytestmark = pytest.mark.django_db

DASHBOARD = "/staff/dashboard/"


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str, element_id: str) -> str:
    element = find_by_id(html, element_id)
    assert element is not None, element_id
    return " ".join(element.text.split())


def _bars(html: str, chart_id: str) -> int:
    match = re.search(rf'<figure[^>]*id="{chart_id}".*?</figure>', html, flags=re.DOTALL)
    assert match, chart_id
    assert 'role="img"' in match.group(0)
    return len(find_all(match.group(0), "rect", class_="bar"))


def _rows(html: str, table_id: str) -> int:
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, flags=re.DOTALL)
    assert match, table_id
    return len(find_all(match.group(0), "th", scope="row"))


@pytest.mark.parametrize("name", ["analyst", "publisher", "auditor", "administrator"])
def test_dashboard_is_for_the_roles_that_hold_its_permission(
    staff_client, catalogue: Catalogue, name
) -> None:
    assert staff_client(name).get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("name", ["outsider", "partner_a", "partner_b"])
def test_dashboard_refuses_everyone_else(staff_client, catalogue: Catalogue, name) -> None:
    assert staff_client(name).get(DASHBOARD).status_code == 403


def test_dashboard_sends_anonymous_visitors_to_the_login(db: None) -> None:
    response = Client().get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/?next=%2Fstaff%2Fdashboard%2F"


def _cells(html: str, row_id: str) -> list[str]:
    match = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, flags=re.DOTALL)
    assert match, row_id
    return [" ".join(cell.split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.DOTALL)]


def test_dashboard_shows_the_figures(staff_client, loop: Loop) -> None:
    submit(ObjectFactory(code="NEW-2026"), LAMP_TIP)  # today: in the tips-per-day window
    html = _html(staff_client("analyst").get(DASHBOARD))
    assert_loads_nothing_from_elsewhere(html, DASHBOARD)
    assert _text(html, "dashboard-tips-total") == "5"
    assert _text(html, "dashboard-backlog") == "5"
    # Bag 5.5 days, lamp 1.5, and the new object, whose publication is its release's time (a day ago:
    # the factory's objects have no ``published_at``, like the demo's), 1: the median is 1.5.
    assert _text(html, "dashboard-first-tip") == "1.5"
    assert "measured over 3 published objects with tips" in " ".join(html.split())
    assert _text(html, "dashboard-ack-rate") == "50%"
    assert _text(html, "dashboard-outcome-rate") == "50%"
    assert _text(html, "dashboard-determination") != "\u2013"
    # One bar per day of the window, per object with tips, per language seen, per triage status.
    assert _bars(html, "chart-tips-per-day") == DASHBOARD_DAYS
    assert _bars(html, "chart-tips-by-object") == 3
    assert "No tip arrived in these days." not in html
    newest_day = re.search(
        r'<table[^>]*id="table-tips-per-day".*?<tbody><tr><th scope="row">[^<]*</th>'
        r'<td class="number">(\d+)</td>',
        html,
        flags=re.DOTALL,
    )
    assert newest_day
    assert newest_day.group(1) == "1"
    assert _bars(html, "chart-tips-by-language") == _rows(html, "table-tips-by-language") >= 1
    assert _bars(html, "chart-tips-by-status") == len(TipStatus.values)
    objects = " ".join(find_all(html, "table", id="table-tips-by-object")[0].text.split())
    assert objects.index("BAG-2026") < objects.index("LAMP-2026")
    assert "LAMP-2026" in objects
    # The truth beside what the public sees now (nothing of the loop yet) and when that moves.
    assert _cells(html, "dashboard-row-countries")[:2] == ["2", "fewer than 5"]
    assert _cells(html, "dashboard-row-victims")[:2] == ["1", "fewer than 5"]
    note = " ".join(find_all(html, "p", id="dashboard-disclosure-note")[0].text.split())
    assert "next publication is on" in note
    awaiting = " ".join(find_all(html, "table", id="table-awaiting-disclosure")[0].text.split())
    assert "BAG-2026" in awaiting
    assert "LAMP-2026" in awaiting


def test_dashboard_before_any_tip(staff_client, db: None) -> None:
    html = _html(staff_client("auditor").get(DASHBOARD))
    assert _text(html, "dashboard-tips-total") == "0"
    assert _text(html, "dashboard-first-tip") == "\u2013"
    assert _text(html, "dashboard-ack-rate") == "\u2013"
    assert _bars(html, "chart-tips-by-object") == 0
    assert "No tip arrived in these days." in html


def test_dashboard_queries_are_few_and_none_for_the_figures_once_cached(
    staff_client, loop: Loop, count_queries, django_assert_max_num_queries
) -> None:
    client = staff_client("analyst")
    first = count_queries(lambda: _html(client.get(DASHBOARD)))
    # Once cached, only the session, the account and its second factor are read.
    with django_assert_max_num_queries(4):
        _html(client.get(DASHBOARD))
    assert first > 4
