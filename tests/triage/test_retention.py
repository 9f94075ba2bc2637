"""Retention with a frozen clock: contact details after N days, withdrawn objects' tips after M days."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from tests.factories import ObjectFactory, TipFactory
from tests.staff_fixtures import make_staff
from traceobject.audit.models import AuditEvent
from traceobject.gallery.models import ObjectStatus
from traceobject.tips.followups import followup_access, followup_ask, followup_reply
from traceobject.tips.models import FollowUp, Receipt, Tip
from traceobject.tips.payload import TipPayload
from traceobject.tips.services import tip_read
from traceobject.triage.aggregates import tallies_rebuild
from traceobject.triage.models import Cluster, ClusterSupport, ObjectSupport, Signal, Tally, TipNote
from traceobject.triage.retention import object_tips_purge, retention_purge
from traceobject.triage.services import tip_note_add
from traceobject.triage.tasks import retention_purge as retention_purge_task

pytestmark = pytest.mark.django_db

T0 = datetime.fromisoformat("2026-01-10T12:00:00+00:00")


def _tallies(object_id: int) -> dict[tuple[str, str], int]:
    return {
        (row.dimension, row.value): row.tips
        for row in Tally.objects.filter(object_id=object_id).exclude(tips=0)
    }


def _assert_tallies_match_the_tips(object_id: int) -> None:
    kept = _tallies(object_id)
    tallies_rebuild(object_ids=[object_id])
    assert _tallies(object_id) == kept


@override_settings(TRACEOBJECT_CONTACT_RETENTION_DAYS=90)
def test_contact_details_go_after_the_retention_and_nothing_else_changes() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        obj = ObjectFactory()
        with_contact = TipFactory(
            obj=obj, payload=TipPayload(text="Seen in Gdansk.", contact="a@example.org")
        )
        without = TipFactory(obj=obj, payload=TipPayload(text="Seen in Poznan."))
        clock.shift(timedelta(days=30))
        recent = TipFactory(obj=obj, payload=TipPayload(text="Seen in Krakow.", contact="b@example.org"))

        clock.move_to(T0 + timedelta(days=89, hours=23))
        report = retention_purge()
        assert report.contacts_purged == 0
        assert not AuditEvent.objects.filter(action="retention.contacts").exists()

        clock.move_to(T0 + timedelta(days=90, minutes=1))
        report = retention_purge()
        assert report.contacts_purged == 1
        assert report.contacts_legacy == 0

        with_contact.refresh_from_db()
        assert with_contact.sealed_contact is None
        assert with_contact.has_contact is False
        assert with_contact.contact_purged_at == T0 + timedelta(days=90, minutes=1)
        payload = tip_read(tip=with_contact)
        assert payload.text == "Seen in Gdansk."
        assert payload.contact == ""
        recent.refresh_from_db()
        assert recent.sealed_contact is not None
        assert recent.has_contact
        without.refresh_from_db()
        assert without.contact_purged_at is None
        assert _tallies(obj.pk)[("contact", "yes")] == 1
        _assert_tallies_match_the_tips(obj.pk)

        event = AuditEvent.objects.get(action="retention.contacts")
        assert event.actor_id is None
        assert event.actor_label == "system:purge"
        assert event.details == {"tips": 1, "older_than_days": 90}

        # Idempotent: a second run the same day finds nothing and records nothing.
        assert retention_purge().contacts_purged == 0
        assert AuditEvent.objects.filter(action="retention.contacts").count() == 1


def test_tips_with_the_contact_inside_the_sealed_tip_are_reported_not_touched() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        legacy = TipFactory(payload=TipPayload(text="Old tip.", contact="old@example.org"))
        # As sealed before the contact had a column of its own.
        Tip.objects.filter(pk=legacy.pk).update(sealed_contact=None)
        clock.move_to(T0 + timedelta(days=400))
        report = retention_purge()
        assert report.contacts_purged == 0
        assert report.contacts_legacy == 1
        legacy.refresh_from_db()
        assert legacy.has_contact is True
        assert legacy.contact_purged_at is None

        out, err = StringIO(), StringIO()
        call_command("purge", stdout=out, stderr=err)
        assert "1 tip(s)" in err.getvalue()
        assert "re-sealing" in err.getvalue()


@override_settings(TRACEOBJECT_WITHDRAWN_RETENTION_DAYS=30)
def test_a_withdrawn_objects_tips_go_with_everything_hanging_off_them() -> None:
    analyst = make_staff("ret-analyst", "analyst")
    with time_machine.travel(T0, tick=False) as clock:
        gone = ObjectFactory()
        kept = ObjectFactory()
        text = "I saw this exact bag at the Pepco shop in Gdansk in 2016, on the second floor."
        tips = [TipFactory(obj=gone, payload=TipPayload(text=text)) for _ in range(3)]
        tips.append(TipFactory(obj=gone, payload=TipPayload(text="Different: a market in Lyon, France.")))
        other = TipFactory(obj=kept, payload=TipPayload(text="Seen in Vienna, Austria, in 2015."))
        followup_ask(actor=analyst, tip=tips[0], text="Which floor?")
        access = followup_access(receipt=tips[0].receipt_code)
        followup_reply(tip=tips[0], receipt_private_key=access.private_key, text="The second.")
        tip_note_add(actor=analyst, tip=tips[1], text="Looks genuine.")
        assert Cluster.objects.filter(object=gone).count() < len(tips), "the near-duplicates share a cluster"
        kept_tallies = _tallies(kept.pk)
        kept_support = list(ObjectSupport.objects.filter(object=kept).values_list("kind", "value", "tips"))

        clock.shift(timedelta(days=1))
        type(gone).objects.filter(pk=gone.pk).update(
            status=ObjectStatus.WITHDRAWN, withdrawn_at=T0 + timedelta(days=1)
        )

        clock.move_to(T0 + timedelta(days=30, hours=23))
        assert retention_purge().tips_deleted == 0
        assert Tip.objects.filter(object=gone).count() == 4

        clock.move_to(T0 + timedelta(days=31, minutes=1))
        report = retention_purge()
        assert report.objects == 1
        assert report.tips_deleted == 4
        assert report.related_deleted == {"receipts": 4, "follow_ups": 2, "notes": 1}

    ids = [tip.pk for tip in tips]
    assert not Tip.objects.filter(object=gone).exists()
    assert not Receipt.objects.filter(tip_id__in=ids).exists()
    assert not FollowUp.objects.filter(tip_id__in=ids).exists()
    assert not TipNote.objects.filter(tip_id__in=ids).exists()
    assert not Signal.objects.filter(tip_id__in=ids).exists()
    assert not Cluster.objects.filter(object=gone).exists()
    assert not ClusterSupport.objects.filter(object=gone).exists()
    assert not ObjectSupport.objects.filter(object=gone).exists()
    assert _tallies(gone.pk) == {}
    # The object itself stays, withdrawn; the other object is untouched.
    gone.refresh_from_db()
    assert gone.status == ObjectStatus.WITHDRAWN
    assert Tip.objects.filter(pk=other.pk).exists()
    assert _tallies(kept.pk) == kept_tallies
    assert (
        list(ObjectSupport.objects.filter(object=kept).values_list("kind", "value", "tips")) == kept_support
    )

    events = list(AuditEvent.objects.filter(action="retention.withdrawn"))
    assert [e.actor_label for e in events] == ["system:purge"]
    assert events[0].target_id == str(gone.pk)
    assert events[0].details == {
        "tips": 4,
        "receipts": 4,
        "follow_ups": 2,
        "notes": 1,
        "withdrawn_over_days": 30,
    }


def test_batches_take_whole_clusters_and_leave_consistent_counts() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        obj = ObjectFactory()
        text = "I saw this exact bag at the Pepco shop in Gdansk in 2016, on the second floor."
        for _ in range(3):
            TipFactory(obj=obj, payload=TipPayload(text=text))
        TipFactory(obj=obj, payload=TipPayload(text="Different: a market in Lyon, France."))
        TipFactory(obj=obj, payload=TipPayload(text="Seen at a car boot sale near Leeds, England."))
        sizes = sorted(Cluster.objects.filter(object=obj).values_list("size", flat=True))
        assert sizes == [1, 1, 3], "the three near-duplicates form one cluster"
        type(obj).objects.filter(pk=obj.pk).update(status=ObjectStatus.WITHDRAWN, withdrawn_at=T0)
        clock.move_to(T0 + timedelta(days=365))
        deleted, _related = object_tips_purge(obj=obj, now=T0 + timedelta(days=365), batch_size=1)
    assert deleted == 5
    # One batch per cluster: the first tip of a batch brings the rest of its cluster along.
    batches = sorted(e.details["tips"] for e in AuditEvent.objects.filter(action="retention.withdrawn"))
    assert batches == sizes


def test_a_withdrawn_object_without_a_withdrawal_time_is_reported_and_kept() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        obj = ObjectFactory()
        TipFactory(obj=obj)
        type(obj).objects.filter(pk=obj.pk).update(status=ObjectStatus.WITHDRAWN, withdrawn_at=None)
        clock.move_to(T0 + timedelta(days=365))
        err = StringIO()
        call_command("purge", stdout=StringIO(), stderr=err)
        assert "1 withdrawn object(s) with tips have no withdrawal time" in err.getvalue()
    assert Tip.objects.filter(object=obj).exists()


def test_an_object_published_again_keeps_its_tips() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        obj = ObjectFactory()
        TipFactory(obj=obj)
        type(obj).objects.filter(pk=obj.pk).update(status=ObjectStatus.PUBLISHED, withdrawn_at=T0)
        clock.move_to(T0 + timedelta(days=365))
        assert retention_purge().tips_deleted == 0
    assert Tip.objects.filter(object=obj).exists()


def test_dry_run_counts_and_changes_nothing() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        obj = ObjectFactory()
        TipFactory(obj=obj, payload=TipPayload(text="Seen in Gdansk.", contact="a@example.org"))
        type(obj).objects.filter(pk=obj.pk).update(status=ObjectStatus.WITHDRAWN, withdrawn_at=T0)
        clock.move_to(T0 + timedelta(days=365))
        out = StringIO()
        call_command("purge", "--dry-run", stdout=out)
        assert "Contact details of 1 tip(s) older than 90 days would be dropped." in out.getvalue()
        assert "1 tip(s) of 1 object(s) withdrawn over 30 days ago would be deleted." in out.getvalue()
        assert Tip.objects.get(object=obj).sealed_contact is not None
        assert not AuditEvent.objects.exists()

        out = StringIO()
        call_command("purge", stdout=out)
        assert "were deleted" in out.getvalue()
        assert not Tip.objects.filter(object=obj).exists()


def test_the_daily_task_runs_the_purge() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        TipFactory(payload=TipPayload(text="Seen in Gdansk.", contact="a@example.org"))
        clock.move_to(T0 + timedelta(days=100))
        result = retention_purge_task.enqueue()
        assert result.return_value["contacts_purged"] == 1
        assert Tip.objects.get().sealed_contact is None
