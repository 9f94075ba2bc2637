"""The inbox's anti-abuse parts: surge-held tips kept out of the main view with a banner and released by
the bulk status action (audited), the "unverified" and "new reply" filters, and their row markers."""

from __future__ import annotations

from html import unescape

import pytest

from tests.triage.conftest import POLAND_TEXT, Tips
from tests.utils import find_all
from traceobject.audit.models import AuditEvent
from traceobject.gallery.models import Object
from traceobject.tips.models import Tip, TipStatus
from traceobject.tips.payload import TipPayload
from traceobject.tips.services import tip_submit
from traceobject.triage import selectors
from traceobject.triage.selectors import InboxFilters

pytestmark = pytest.mark.django_db

INBOX = "/staff/triage/"
BULK = "/staff/triage/bulk/"


def _listed(html: str) -> list[int]:
    return [
        int(str(element.attrs["id"]).removeprefix("tip-"))
        for element in find_all(html, "tr")
        if str(element.attrs.get("id") or "").startswith("tip-")
    ]


def _held(bag: Object, count: int) -> list[Tip]:
    return [
        tip_submit(
            obj=bag, payload=TipPayload(text=f"{POLAND_TEXT} spam {n}"), unverified=True, held=True
        ).tip
        for n in range(count)
    ]


def test_held_tips_stay_out_of_the_main_inbox_with_a_banner(staff_client, tips: Tips, bag: Object) -> None:
    held = _held(bag, 2)
    client = staff_client("analyst")
    html = unescape(client.get(INBOX).content.decode())
    listed = _listed(html)
    assert set(listed) == {tip.pk for tip in tips.all()}
    assert "2 tips are held in a surge." in html
    assert 'href="/staff/triage/?status=surge"' in html
    surge_html = unescape(client.get(f"{INBOX}?status=surge").content.decode())
    assert set(_listed(surge_html)) == {tip.pk for tip in held}
    assert "set the status New" in surge_html


def test_no_banner_without_held_tips(staff_client, tips: Tips) -> None:
    html = staff_client("analyst").get(INBOX).content.decode()
    assert "surge-banner" not in html


def test_releasing_held_tips_is_the_audited_bulk_status_change(staff_client, staff, bag: Object) -> None:
    held = _held(bag, 3)
    client = staff_client("analyst")
    back = f"{INBOX}?status=surge"
    response = client.post(BULK, {"tips": [held[0].pk, held[1].pk], "action": "status:new", "next": back})
    assert response.status_code == 302
    assert list(Tip.objects.filter(status=TipStatus.SURGE).values_list("pk", flat=True)) == [held[2].pk]
    event = AuditEvent.objects.filter(action="tips.status").latest("pk")
    assert event.actor_label == staff["analyst"].username
    assert sorted(event.details["tips"]) == [held[0].pk, held[1].pk]
    assert set(_listed(client.get(INBOX).content.decode())) == {held[0].pk, held[1].pk}
    assert "1 tip is held in a surge." in unescape(client.get(INBOX).content.decode())


def test_analysts_cannot_put_tips_into_the_hold_by_hand(staff_client, tips: Tips) -> None:
    client = staff_client("analyst")
    html = client.get(INBOX).content.decode()
    assert 'value="status:surge"' not in html
    client.post(BULK, {"tips": [tips.lamp.pk], "action": "status:surge", "next": INBOX})
    tips.lamp.refresh_from_db()
    assert tips.lamp.status == TipStatus.NEW


def test_unverified_and_new_reply_filters_and_markers(staff_client, tips: Tips, bag: Object) -> None:
    Tip.objects.filter(pk=tips.france.pk).update(unverified=True)
    Tip.objects.filter(pk=tips.poland_1.pk).update(reply_waiting=True)
    client = staff_client("analyst")
    html = unescape(client.get(INBOX).content.decode())
    row_france = next(e for e in find_all(html, "tr") if e.attrs.get("id") == f"tip-{tips.france.pk}")
    assert "no proof of work" in row_france.text
    row_poland = next(e for e in find_all(html, "tr") if e.attrs.get("id") == f"tip-{tips.poland_1.pk}")
    assert "new reply" in row_poland.text
    assert "has-reply" in str(row_poland.attrs.get("class"))
    assert _listed(client.get(f"{INBOX}?unverified=yes").content.decode()) == [tips.france.pk]
    assert tips.france.pk not in _listed(client.get(f"{INBOX}?unverified=no").content.decode())
    assert _listed(client.get(f"{INBOX}?reply=yes").content.decode()) == [tips.poland_1.pk]
    assert len(_listed(client.get(f"{INBOX}?reply=no").content.decode())) == 3
    bad = client.get(f"{INBOX}?unverified=maybe")
    assert bad.status_code == 400
    assert "Choose yes, no, or any." in unescape(bad.content.decode())


def test_selector_filters(tips: Tips, bag: Object) -> None:
    held = _held(bag, 1)
    Tip.objects.filter(pk=tips.lamp.pk).update(unverified=True, reply_waiting=True)
    everything = set(selectors.inbox_queryset(InboxFilters()).values_list("pk", flat=True))
    assert held[0].pk not in everything
    assert set(
        selectors.inbox_queryset(InboxFilters(status=TipStatus.SURGE)).values_list("pk", flat=True)
    ) == {held[0].pk}
    assert set(
        selectors.inbox_queryset(InboxFilters(unverified=True, reply_waiting=True)).values_list(
            "pk", flat=True
        )
    ) == {tips.lamp.pk}
    assert selectors.surge_held_count() == 1


def test_held_tips_do_not_move_the_consensus_until_released(staff: dict, bag: Object) -> None:
    """A flood held in a surge names a country: it must not count as evidence before an analyst looks."""
    from traceobject.triage.models import ObjectSupport
    from traceobject.triage.services import tips_status_set

    def poland_clusters() -> int:
        row = ObjectSupport.objects.filter(object=bag, kind="country", value="PL").first()
        return row.clusters if row is not None else 0

    before = poland_clusters()
    held = _held(bag, 1)
    assert poland_clusters() == before
    tips_status_set(actor=staff["analyst"], tip_ids=[held[0].pk], status=TipStatus.NEW)
    assert poland_clusters() == before + 1


def test_the_tip_page_says_held_unverified_and_purged(staff_client, bag: Object) -> None:
    from django.utils import timezone

    [held] = _held(bag, 1)
    client = staff_client("analyst")
    html = unescape(client.get(f"/staff/triage/tips/{held.pk}/").content.decode())
    assert "arrived during a surge of submissions and is held" in html
    assert "Sent without proof of work" in html
    plain = tip_submit(obj=bag, payload=TipPayload(text=POLAND_TEXT, contact="call me")).tip
    html = unescape(client.get(f"/staff/triage/tips/{plain.pk}/").content.decode())
    assert "held" not in html.split("<main", 1)[1].split("What the tipster wrote")[0]
    assert "Sent without proof of work" not in html
    assert "call me" in html
    Tip.objects.filter(pk=plain.pk).update(
        sealed_contact=None, has_contact=False, contact_purged_at=timezone.now()
    )
    html = unescape(client.get(f"/staff/triage/tips/{plain.pk}/").content.decode())
    assert "call me" not in html
    assert "(retention)" in html
