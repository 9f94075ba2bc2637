"""The staff home: a work list with counts, each entry linking to its filtered list, only what the role
permits, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import ObjectFactory, TipFactory
from tests.leads.conftest import authorities, loop, proposal, tip_receipts, tips  # noqa: F401 - fixtures
from tests.utils import find_all, find_by_id
from traceobject.gallery import services as gallery_services
from traceobject.gallery.models import ObjectStatus
from traceobject.leads.models import Lead
from traceobject.leads.services import lead_send
from traceobject.tips.models import Tip, TipStatus

pytestmark = pytest.mark.django_db


def _items(html: str) -> dict[str, str]:
    """Each work-list entry's text, by key (``work-review`` → ``review``)."""
    return {
        element.attrs["id"].removeprefix("work-"): " ".join(element.text.split())
        for element in find_all(html, "li")
        if (element.attrs.get("id") or "").startswith("work-")
    }


def _hrefs(html: str, key: str) -> list[str]:
    item = find_by_id(html, f"work-{key}")
    assert item is not None
    start = html.index(f'id="work-{key}"')
    end = html.index("</li>", start)
    return [a.attrs["href"] for a in find_all(html[start:end], "a")]


@pytest.fixture
def work(staff, loop):  # noqa: F811 - the leads fixture
    """Two objects in review (one by the publisher, one by the analyst but edited by publisher_two),
    two tips with a tipster's reply, one held in a surge, one lead sent long ago, one not sent."""
    ObjectFactory(code="R1-2026", status=ObjectStatus.IN_REVIEW, author=staff["publisher"], release=None)
    edited = ObjectFactory(code="R2-2026", status=ObjectStatus.DRAFT, author=staff["analyst"], release=None)
    gallery_services.object_edit(
        actor=staff["publisher_two"],
        obj=edited,
        fields=gallery_services.ObjectFields(
            code=edited.code,
            title="Edited",
            category=edited.category,
            description="",
            questions=[],
            hints=[],
            case_reference="",
            internal_notes="",
        ),
    )
    ObjectFactory(code="R3-2026", status=ObjectStatus.IN_REVIEW, author=staff["analyst"], release=None)
    type(edited).objects.filter(pk=edited.pk).update(status=ObjectStatus.IN_REVIEW)
    Tip.objects.filter(pk__in=[loop.pl_tip.pk, loop.de_tip.pk]).update(reply_waiting=True)
    loop.open_object = ObjectFactory(code="P9-2026")  # the loop's object is identified: no more tips
    held = TipFactory(obj=loop.open_object)
    Tip.objects.filter(pk=held.pk).update(status=TipStatus.SURGE, reply_waiting=True)
    lead_send(actor=staff["analyst"], lead=loop.leads["PL"])
    Lead.objects.filter(pk=loop.leads["PL"].pk).update(sent_at=timezone.now() - timedelta(days=30))
    return loop


def test_publisher_sees_counts_of_what_waits(staff_client, work, settings) -> None:
    settings.TRACEOBJECT_LEAD_ACK_DAYS = 7
    html = staff_client("publisher").get("/staff/").content.decode()
    items = _items(html)
    assert list(items) == ["review", "translations", "replies", "leads", "surge"]
    # R1 is the publisher's own; R2 and R3 wait for them.
    assert items["review"] == "2 objects wait for your publication review"
    # The held tip's reply is not counted: held tips stay out of the inbox until released.
    assert items["replies"] == "2 tips with a new reply from the tipster"
    assert items["leads"].startswith("1 lead sent and not yet acknowledged by its authority")
    assert "1 of them was sent more than 7 days ago" in items["leads"]
    assert items["surge"] == "1 tip held in a surge"
    assert _hrefs(html, "review") == ["/staff/objects/?status=in_review"]
    assert _hrefs(html, "translations") == ["/staff/translations/review/"]
    assert _hrefs(html, "replies") == ["/staff/triage/?reply=yes"]
    assert _hrefs(html, "leads") == ["/staff/leads/?state=sent", "/staff/leads/?unacknowledged=on"]
    assert _hrefs(html, "surge") == ["/staff/triage/?status=surge"]


def test_review_count_leaves_out_what_the_user_worked_on(staff_client, work) -> None:
    items = _items(staff_client("publisher_two").get("/staff/").content.decode())
    assert items["review"] == "2 objects wait for your publication review"  # R1 and R3, not R2 (edited)


def test_every_link_opens_for_the_role_that_sees_it(staff_client, work) -> None:
    client = staff_client("publisher")
    html = client.get("/staff/").content.decode()
    for key in ("review", "replies", "leads", "surge"):
        for href in _hrefs(html, key):
            assert client.get(href).status_code == 200, href
    listed = client.get("/staff/objects/?status=in_review").content.decode()
    assert {"R1-2026", "R2-2026", "R3-2026"} <= {
        a.text.strip() for a in find_all(listed, "a", class_="object-code")
    }


def test_recent_unacknowledged_leads_are_not_flagged_late(staff_client, work, settings) -> None:
    Lead.objects.filter(pk=work.leads["PL"].pk).update(sent_at=timezone.now() - timedelta(days=1))
    settings.TRACEOBJECT_LEAD_ACK_DAYS = 7
    html = staff_client("analyst").get("/staff/").content.decode()
    assert _items(html)["leads"] == "1 lead sent and not yet acknowledged by its authority"
    assert _hrefs(html, "leads") == ["/staff/leads/?state=sent"]


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("publisher", ["review", "translations", "replies", "leads", "surge"]),
        ("analyst", ["replies", "leads", "surge"]),
        ("auditor", ["leads"]),
        ("administrator", []),
    ],
)
def test_only_entries_the_role_permits(staff_client, work, name, keys) -> None:
    response = staff_client(name).get("/staff/")
    assert response.status_code == 200
    assert list(_items(response.content.decode())) == keys


@pytest.mark.parametrize("name", ["partner_a", "partner_b", "outsider"])
def test_home_is_refused_outside_the_workspace(staff_client, staff, name) -> None:
    assert staff_client(name).get("/staff/").status_code == 403


def _home_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        assert client.get("/staff/").status_code == 200
    return [query["sql"] for query in context.captured_queries]


def test_home_costs_the_same_queries_with_few_or_many_rows(staff_client, staff, work) -> None:
    client = staff_client("publisher")
    client.get("/staff/")  # the first request of a session also writes the session
    few = _home_queries(client)
    for number in range(10):
        ObjectFactory(
            code=f"M{number}-2026", status=ObjectStatus.IN_REVIEW, author=staff["analyst"], release=None
        )
        tip = TipFactory(obj=work.open_object)
        Tip.objects.filter(pk=tip.pk).update(reply_waiting=True)
    many = _home_queries(client)
    assert len(few) == len(many), "\n".join(many)
    # The session, the user and the second factor, then one query per work-list entry.
    administrator = staff_client("administrator")
    administrator.get("/staff/")
    baseline = _home_queries(administrator)
    # The administrator's home also reads the newest audit chain check (one query), the publisher's not.
    audit_check = [query for query in baseline if "audit_auditcheck" in query]
    assert len(audit_check) == 1, "\n".join(baseline)
    assert len(many) - (len(baseline) - 1) == 5, "\n".join(many)
