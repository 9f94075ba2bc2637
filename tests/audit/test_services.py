"""``audit_record``: inside the caller's transaction, chained, and digests that survive both databases."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.audit.conftest import in_memory_sqlite
from tests.factories import ObjectFactory
from traceobject.audit.actions import AuditAction
from traceobject.audit.models import AuditEvent, AuditHead
from traceobject.audit.services import (
    GENESIS,
    _canonical_json_value,
    audit_record,
    canonical_time,
    compute_digest,
    event_digest,
)
from traceobject.audit.verify import audit_chain_verify


def _head() -> AuditHead:
    return AuditHead.objects.get(pk=1)


def _record_then_fail(action: AuditAction) -> None:
    """An audited action that fails after its event was written, in a transaction (or savepoint)."""
    with transaction.atomic():
        audit_record(actor=None, actor_label="system:test", action=action)
        1 / 0  # noqa: B018


# --- Inside the caller's transaction --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused() -> None:
    assert connection.get_autocommit()
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=None, actor_label="system:test", action=AuditAction.OBJECT_EDIT)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_recording_inside_a_transaction_commits_with_it(staff) -> None:
    obj = ObjectFactory()
    with transaction.atomic():
        event = audit_record(
            actor=staff["publisher"], action=AuditAction.OBJECT_EDIT, target=obj, details={"a": 1}
        )
    stored = AuditEvent.objects.get()
    assert stored.pk == event.pk
    assert stored.actor == staff["publisher"]
    assert stored.actor_label == "publisher"
    assert (stored.target_type, stored.target_id, stored.target_label) == (
        "gallery.object",
        str(obj.pk),
        str(obj),
    )
    assert stored.details == {"a": 1}
    assert stored.prev_hash == GENESIS
    assert stored.hash == event_digest(stored)
    assert (_head().last_hash, _head().count) == (stored.hash, 1)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_event() -> None:
    with transaction.atomic():
        audit_record(actor=None, actor_label="system:test", action=AuditAction.RELEASE_CREATE)
    before = (_head().last_hash, _head().count)
    with pytest.raises(ZeroDivisionError):
        _record_then_fail(AuditAction.OBJECT_WITHDRAW)
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["release.create"]
    assert (_head().last_hash, _head().count) == before
    assert audit_chain_verify().ok


def test_a_rolled_back_savepoint_takes_its_event_and_the_head_with_it(record_events) -> None:
    record_events(1)
    with pytest.raises(ZeroDivisionError):
        _record_then_fail(AuditAction.OBJECT_WITHDRAW)
    with transaction.atomic():
        audit_record(actor=None, actor_label="system:test", action=AuditAction.RELEASE_SCHEDULE)
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["object.edit", "release.schedule"]
    assert _head().count == 2
    assert audit_chain_verify().ok


def test_events_chain_in_order(record_events) -> None:
    events = record_events(4)
    assert events[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
        assert after.created_at >= before.created_at
    assert (_head().last_hash, _head().count) == (events[-1].hash, 4)
    assert audit_chain_verify().count == 4


@pytest.mark.django_db
def test_anonymous_and_system_actors() -> None:
    with transaction.atomic():
        anonymous = audit_record(actor=AnonymousUser(), action=AuditAction.OBJECT_EDIT)
        system = audit_record(actor=None, actor_label="system:demo", action=AuditAction.OBJECT_EDIT)
    assert (anonymous.actor, anonymous.actor_label) == (None, "")
    assert (system.actor, system.actor_label) == (None, "system:demo")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("details", "error"),
    [
        ({"x": float("nan")}, ValueError),
        ({"x": float("inf")}, ValueError),
        ({1: "not a string key"}, TypeError),
        ({"x": {2, 3}}, TypeError),
        ({"x": datetime(2026, 1, 1, tzinfo=UTC)}, TypeError),
        ({"x": "nul \x00 inside"}, ValueError),
        ({"x": "lone surrogate \ud800"}, ValueError),
    ],
    ids=["nan", "infinity", "int-key", "set", "datetime", "nul", "surrogate"],
)
def test_details_that_would_not_read_back_unchanged_are_refused(details, error) -> None:
    with pytest.raises(error), transaction.atomic():
        audit_record(actor=None, actor_label="system:test", action=AuditAction.OBJECT_EDIT, details=details)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action",
    ["object.approve", "", "x" * 65, None, 3, "OBJECT_APPROVE"],
    ids=["a-member-value-as-str", "empty", "too-long", "none", "int", "a-member-name"],
)
def test_an_action_that_is_not_an_audit_action_member_is_refused(action) -> None:
    """Only the enum reaches the trail, not even a string equal to a member's value."""
    with pytest.raises(TypeError, match="AuditAction"), transaction.atomic():
        audit_record(actor=None, actor_label="system:test", action=action)
    assert not AuditEvent.objects.exists()
    assert not AuditHead.objects.filter(count__gt=0).exists()


@pytest.mark.django_db
def test_the_stored_action_is_the_members_value() -> None:
    with transaction.atomic():
        event = audit_record(actor=None, actor_label="system:test", action=AuditAction.OBJECT_APPROVE)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert type(stored.action) is str
    assert stored.action == "object.approve"
    assert event_digest(stored) == stored.hash


@pytest.mark.django_db
def test_an_unsaved_target_is_refused() -> None:
    with pytest.raises(ValueError, match="saved"), transaction.atomic():
        audit_record(actor=None, action=AuditAction.OBJECT_EDIT, target=ObjectFactory.build())


@pytest.mark.django_db
def test_a_fork_of_the_chain_is_refused_by_the_database(record_events) -> None:
    first, _second = record_events(2)
    forged = AuditEvent(
        created_at=first.created_at,
        actor_label="mallory",
        action="test.forged",
        details={},
        prev_hash=first.hash,  # the second event already follows the first
    )
    forged.hash = event_digest(forged)
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save(force_insert=True)


# --- The digest survives the round trip through the database --------------------------------------

AWKWARD_DETAILS = {
    "text": "Zażółć gęślą jaźń — «€» 😀 \u2028",
    "nested": {"b": [1, 2.5, None, True, False], "a": {"z": "last", "y": []}},
    "integral_float": 100.0,
    "big_float": 1e16,
    "huge_float": 1.5e300,
    "tiny_float": 1.5e-10,
    "negative": -0.1,
    "big_int": 2**70,
    "empty": "",
    "tuple": (1, "two"),
    "escapes": 'quote " backslash \\ tab \t newline \n',
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 11, 21, 20, 48, 25, 123456, tzinfo=UTC),
        datetime(2026, 11, 21, 20, 48, 25, 0, tzinfo=UTC),  # isoformat() would drop the microseconds
        datetime(2026, 3, 29, 2, 30, 0, 1, tzinfo=timezone(timedelta(hours=2))),  # not UTC
    ],
    ids=["microseconds", "whole-second", "other-offset"],
)
def test_digest_survives_the_database_round_trip(monkeypatch, now) -> None:
    monkeypatch.setattr("traceobject.audit.services.timezone.now", lambda: now)
    with transaction.atomic():
        event = audit_record(
            actor=None, actor_label="system:test", action=AuditAction.OBJECT_EDIT, details=AWKWARD_DETAILS
        )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.created_at == now
    # jsonb gives 1.5e300 back as the integer 15 followed by 299 zeros: the same number, for the digest.
    assert _canonical_json_value(stored.details) == _canonical_json_value(event.details)
    assert event_digest(stored) == stored.hash == event.hash
    assert audit_chain_verify().ok


def test_canonical_time_is_utc_with_microseconds() -> None:
    moment = datetime(2026, 1, 2, 4, 5, 6, tzinfo=timezone(timedelta(hours=1)))
    assert canonical_time(moment) == "2026-01-02T03:05:06.000000Z"
    with pytest.raises(ValueError, match="aware"):
        canonical_time(datetime(2026, 1, 2))


def test_digest_covers_every_field_and_the_predecessor() -> None:
    base = {
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "actor_id": 7,
        "actor_label": "alice",
        "action": "object.publish",
        "target_type": "gallery.object",
        "target_id": "12",
        "target_label": "B17-2026",
        "details": {"reason": "x"},
        "prev_hash": GENESIS,
    }
    digest = compute_digest(**base)
    changed = {
        "created_at": datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        "actor_id": None,
        "actor_label": "alice2",
        "action": "object.withdraw",
        "target_type": "gallery.release",
        "target_id": "13",
        "target_label": "B18-2026",
        "details": {"reason": "y"},
        "prev_hash": "1" * 64,
    }
    for name, value in changed.items():
        assert compute_digest(**(base | {name: value})) != digest, name
    # Key order does not matter, and an integral float hashes as the integer that jsonb returns.
    assert compute_digest(**(base | {"details": {"b": 1, "a": 2.0}})) == compute_digest(
        **(base | {"details": {"a": 2, "b": 1}})
    )


# --- Concurrency ----------------------------------------------------------------------------------

THREADS = 4
PER_THREAD = 15


def _append_concurrently(start_without_head: bool) -> None:
    if start_without_head:
        AuditHead.objects.all().delete()
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            barrier.wait(timeout=30)
            for index in range(PER_THREAD):
                with transaction.atomic():
                    audit_record(
                        actor=None, actor_label=name, action=AuditAction.TIPS_VIEW, details={"index": index}
                    )
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"thread-{n}",)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    result = audit_chain_verify()
    assert result.ok, result.problem
    assert result.count == THREADS * PER_THREAD
    assert _head().count == THREADS * PER_THREAD
    for n in range(THREADS):
        assert AuditEvent.objects.filter(actor_label=f"thread-{n}").count() == PER_THREAD


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("start_without_head", [False, True], ids=["existing-head", "first-appends-race"])
def test_concurrent_appends_keep_one_chain(start_without_head: bool) -> None:
    if in_memory_sqlite():
        pytest.skip(
            "in-memory SQLite test databases lock tables in shared cache instead of waiting on "
            "busy_timeout: runs on PostgreSQL; SQLite is covered on a file by the test below"
        )
    _append_concurrently(start_without_head)


_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)
_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_text, children, max_size=4),
    max_leaves=12,
)


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(details=st.dictionaries(_text, _json, max_size=5))
def test_any_json_details_verify_after_the_round_trip(details) -> None:
    with transaction.atomic():
        event = audit_record(
            actor=None, actor_label="system:test", action=AuditAction.OBJECT_EDIT, details=details
        )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert event_digest(stored) == stored.hash


SQLITE_WRITERS = """
import sys, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connection, transaction
call_command("migrate", verbosity=0)
from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.audit.verify import audit_chain_verify

threads, per_thread = int(sys.argv[1]), int(sys.argv[2])
barrier, errors = threading.Barrier(threads), []

def work(name):
    try:
        barrier.wait(timeout=30)
        for index in range(per_thread):
            with transaction.atomic():
                audit_record(actor=None, actor_label=name, action=AuditAction.TIPS_VIEW, details={"i": index})
    except BaseException as error:
        errors.append(repr(error))
    finally:
        connection.close()

workers = [threading.Thread(target=work, args=(f"t{n}",)) for n in range(threads)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
result = audit_chain_verify()
print(f"errors={errors} ok={result.ok} count={result.count}")
"""


def test_concurrent_appends_on_an_sqlite_file_keep_one_chain(tmp_path) -> None:
    """The in-memory test database cannot show it: a real SQLite file, in WAL mode with IMMEDIATE
    transactions as the settings configure it, written by several threads at once."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TRACEOBJECT_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "traceobject.settings",
        "TRACEOBJECT_ENV": "test",
        "TRACEOBJECT_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", SQLITE_WRITERS, str(THREADS), str(PER_THREAD)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr
    assert f"errors=[] ok=True count={THREADS * PER_THREAD}" in result.stdout, result.stdout + result.stderr
