"""``traceobject audit anchor`` and the daily check of the chain against the anchors, shown on the staff
home when it fails."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.audit.triggers import audit_triggers_lifted
from tests.utils import find_all
from traceobject.audit.anchors import AnchorRefusedError, audit_anchor_create, audit_check_run
from traceobject.audit.models import AuditAnchor, AuditCheck, AuditEvent, AuditHead
from traceobject.audit.services import GENESIS, canonical_time, event_digest
from traceobject.audit.tasks import audit_chain_check
from traceobject.audit.verify import Break, audit_chain_verify

pytestmark = pytest.mark.django_db


def _anchor_command() -> dict[str, str]:
    out = StringIO()
    call_command("audit", "anchor", stdout=out, stderr=StringIO())
    return dict(line.split(": ", 1) for line in out.getvalue().splitlines())


def _verify_command(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def _rewrite_from(position: int) -> None:
    """An owner of the database rewrites the chain from the event at ``position`` (1-based) to the end:
    new details, every hash and link recomputed, the head moved along. The chain alone then verifies."""
    events = list(AuditEvent.objects.order_by("id"))
    previous = events[position - 2].hash if position > 1 else GENESIS
    with audit_triggers_lifted():
        for event in events[position - 1 :]:
            event.details = {"rewritten": True}
            event.prev_hash = previous
            event.hash = event_digest(event)
            AuditEvent.objects.filter(pk=event.pk).update(
                details=event.details, prev_hash=event.prev_hash, hash=event.hash
            )
            previous = event.hash
        AuditHead.objects.filter(pk=1).update(last_hash=previous)


# --- The anchor -----------------------------------------------------------------------------------


def test_anchor_prints_the_head_records_it_and_verify_accepts_it(record_events) -> None:
    record_events(4)
    printed = _anchor_command()
    anchor = AuditAnchor.objects.get()
    head = AuditHead.objects.get(pk=1)
    anchored = AuditEvent.objects.get(pk=anchor.event_id)
    # The anchor is the audit.anchor event that records it, now the head of the chain.
    assert anchored.action == "audit.anchor"
    assert (anchor.count, anchor.hash) == (5, head.last_hash) == (head.count, anchored.hash)
    assert printed["anchor"] == f"5:{anchored.hash}"
    assert printed["event"] == f"#{anchored.pk}"
    assert printed["time"] == canonical_time(anchored.created_at)
    record_events(2)
    output = _verify_command("--anchor", printed["anchor"])
    assert output.splitlines()[0] == "OK: 7 events, chain intact"
    assert f"anchor {printed['anchor']}: present" in output


def test_anchor_on_an_empty_trail_anchors_its_own_event() -> None:
    printed = _anchor_command()
    anchor = AuditAnchor.objects.get()
    assert anchor.count == 1
    assert printed["anchor"] == f"1:{AuditEvent.objects.get().hash}"


def test_a_broken_chain_is_not_anchored(record_events) -> None:
    events = record_events(3)
    with audit_triggers_lifted():
        AuditEvent.objects.filter(pk=events[1].pk).update(actor_label="mallory")
    with pytest.raises(CommandError, match="Not anchored"):
        _anchor_command()
    with pytest.raises(AnchorRefusedError):
        audit_anchor_create()
    assert not AuditAnchor.objects.exists()
    assert AuditEvent.objects.count() == 3


def test_anchors_are_append_only(record_events) -> None:
    record_events(1)
    _anchor_command()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditAnchor.objects.update(hash="0" * 64)


# --- The daily check ------------------------------------------------------------------------------


def test_an_intact_chain_passes_the_daily_check(record_events) -> None:
    record_events(3)
    _anchor_command()
    record_events(2)
    result = audit_chain_check.enqueue().return_value  # the test backend runs it at once
    check = AuditCheck.objects.get()
    assert (check.ok, check.count, check.anchors, check.problem) == (True, 6, 1, "")
    assert check.head_hash == AuditHead.objects.get(pk=1).last_hash
    assert result == {"ok": True, "count": 6, "problem": "", "anchors": 1}


def test_a_tampered_row_fails_the_daily_check(record_events) -> None:
    events = record_events(4)
    _anchor_command()
    with audit_triggers_lifted():  # the attacker owns the database
        AuditEvent.objects.filter(pk=events[2].pk).update(target_label="forged")
    check = audit_check_run()
    assert (check.ok, check.problem, check.event_id, check.count) == (False, Break.ALTERED, events[2].pk, 2)
    assert f"#{events[2].pk}" in check.message


@pytest.mark.parametrize(
    "position", [1, 3, 5], ids=["from-the-first", "from-the-middle", "the-anchor-itself"]
)
def test_a_chain_rewritten_up_to_the_anchor_fails_the_daily_check(record_events, position: int) -> None:
    record_events(4)
    printed = _anchor_command()  # the anchor is the fifth event
    record_events(2)
    _rewrite_from(position)
    assert audit_chain_verify().ok  # the chain alone shows nothing ...
    check = audit_check_run()
    assert (check.ok, check.problem) == (False, Break.ANCHOR_MISSING)  # ... the recorded anchor does
    # Whoever also rewrote the anchor table is caught by the copy kept outside.
    with audit_triggers_lifted():
        AuditAnchor.objects.all().delete()
    assert audit_check_run().ok
    with pytest.raises(CommandError, match=r"\[anchor-missing\]"):
        _verify_command("--anchor", printed["anchor"])


def test_a_tail_deleted_back_before_the_anchor_is_found_by_the_copy_kept_outside(record_events) -> None:
    """Deleting the anchored event means deleting its recorded anchor too (a foreign key ties them);
    with the head rewound, the database then holds a consistent shorter trail. The printed anchor
    is what remains to show it."""
    events = record_events(3)
    printed = _anchor_command()
    with audit_triggers_lifted():
        AuditAnchor.objects.all().delete()
        AuditEvent.objects.filter(pk__gt=events[1].pk).delete()
    AuditHead.objects.filter(pk=1).update(last_hash=events[1].hash, count=2)
    assert audit_check_run().ok
    with pytest.raises(CommandError, match=r"\[anchor-missing\].*beyond the end of the chain"):
        _verify_command("--anchor", printed["anchor"])


def test_a_tail_rewritten_after_the_anchor_is_found_by_the_chain(record_events) -> None:
    """After the newest anchor, the chain itself shows a change that the head was not moved for."""
    record_events(2)
    _anchor_command()
    events = record_events(3)
    with audit_triggers_lifted():
        AuditEvent.objects.filter(pk=events[-1].pk).delete()
    check = audit_check_run()
    assert (check.ok, check.problem) == (False, Break.DELETED_TAIL)


def test_the_check_runs_every_day() -> None:
    from traceobject.core.schedule import daily_jobs

    assert "traceobject.audit.tasks.audit_chain_check" in {job.task for job in daily_jobs()}


# --- The staff home -------------------------------------------------------------------------------

ALERT_TEXT = "The audit trail failed its daily check."
STALE_TEXT = "The audit trail has not been checked for two days."


def _home_alert(client) -> str | None:
    response = client.get("/staff/")
    alerts = [
        div for div in find_all(response.content.decode(), "div") if div.attrs.get("id") == "audit-integrity"
    ]
    return alerts[0].text if alerts else None


@pytest.fixture
def failed_check(record_events) -> AuditCheck:
    events = record_events(3)
    with audit_triggers_lifted():
        AuditEvent.objects.filter(pk=events[1].pk).update(actor_label="mallory")
    return audit_check_run()


@pytest.mark.parametrize("name", ["auditor", "administrator"])
def test_a_failed_check_is_on_the_home_of_those_who_can_act(staff_client, failed_check, name) -> None:
    client = staff_client(name)
    response = client.get("/staff/")
    html = response.content.decode()
    assert ALERT_TEXT in html
    assert failed_check.message in html.replace("&#x27;", "'")
    assert f'href="/staff/audit/{failed_check.event_id}/"' in html
    assert 'role="alert"' in html


@pytest.mark.parametrize("name", ["publisher", "analyst", "partner_a", "outsider"])
def test_a_failed_check_is_not_shown_to_other_roles(staff_client, failed_check, name) -> None:
    assert ALERT_TEXT not in staff_client(name).get("/staff/", follow=True).content.decode()


def test_a_passing_check_after_a_failure_clears_the_alert(staff_client, failed_check) -> None:
    with transaction.atomic():
        AuditCheck.objects.create(created_at=timezone.now(), ok=True, count=3)  # say, after a restore
    assert ALERT_TEXT not in staff_client("auditor").get("/staff/").content.decode()


def test_a_check_that_stopped_running_is_flagged_and_none_yet_is_not(staff_client, record_events) -> None:
    client = staff_client("auditor")
    assert STALE_TEXT not in client.get("/staff/").content.decode()  # never checked: nothing to say
    record_events(1)
    audit_check_run()
    assert STALE_TEXT not in client.get("/staff/").content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        html = staff_client("auditor").get("/staff/").content.decode()
    assert STALE_TEXT in html
    assert ALERT_TEXT not in html
