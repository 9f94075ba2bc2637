"""The whole-chain walk: every kind of tampering shows, at its first broken link, through the function
and through ``traceobject audit verify``.

The trail's triggers refuse every UPDATE and DELETE (``test_append_only.py``). The tamper tests here
play an attacker who owns the database and has lifted them first (``audit_triggers_lifted``); the
first of them also shows that without lifting them, the same change is refused."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from tests.audit.conftest import raw_delete, raw_update
from tests.audit.triggers import audit_triggers_lifted
from tests.staff_fixtures import make_staff
from traceobject.audit.actions import AuditAction
from traceobject.audit.models import AuditEvent, AuditHead
from traceobject.audit.services import GENESIS, audit_record, event_digest
from traceobject.audit.verify import Anchor, Break, VerifyResult, audit_chain_verify

pytestmark = pytest.mark.django_db


def _verify_command(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def _assert_broken(kind: Break, event_id: int | None, *, intact: int | None = None) -> VerifyResult:
    """The walk and the command both report ``kind`` at ``event_id`` as the first broken link."""
    result = audit_chain_verify()
    assert not result.ok
    assert result.problem is not None
    assert (result.problem.kind, result.problem.event_id) == (kind, event_id), result.problem.message
    if intact is not None:
        assert result.count == intact
    with pytest.raises(CommandError) as raised:
        _verify_command()
    message = str(raised.value)
    assert f"[{kind}]" in message
    if event_id is not None:
        assert f"BROKEN at event #{event_id} (" in message
        # The time of the broken link, as the trail keeps it (UTC, microseconds).
        assert re.search(r"\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\)", message)
    return result


@pytest.fixture
def chain(record_events):
    """Five events by a staff member, about nothing in particular."""
    actor = make_staff("chain-actor", "publisher")
    return record_events(5, actor=actor)


# --- An intact chain ------------------------------------------------------------------------------


def test_an_empty_trail_verifies() -> None:
    result = audit_chain_verify()
    assert (result.ok, result.count, result.head) == (True, 0, None)
    assert _verify_command() == "OK: 0 events, chain intact\n"


def test_an_intact_chain_verifies(chain) -> None:
    result = audit_chain_verify()
    assert (result.ok, result.count, result.last_hash) == (True, 5, chain[-1].hash)
    lines = _verify_command().splitlines()
    assert lines == ["OK: 5 events, chain intact", f"head: 5:{chain[-1].hash}"]


def test_verify_streams_in_chunks_with_a_constant_number_of_queries(
    record_events, django_assert_max_num_queries
) -> None:
    record_events(10)
    seen: list[int] = []
    with django_assert_max_num_queries(3):  # the head, the walk, the head again
        result = audit_chain_verify(chunk_size=3, progress=seen.append)
    assert result.ok
    assert seen == [3, 6, 9]
    record_events(40)
    with django_assert_max_num_queries(3):
        assert audit_chain_verify(chunk_size=3).count == 50


def test_an_event_appended_during_the_walk_is_no_false_alarm(record_events) -> None:
    record_events(6)

    def append(_count: int) -> None:
        with transaction.atomic():
            audit_record(actor=None, actor_label="system:test", action=AuditAction.TIPS_VIEW)

    result = audit_chain_verify(chunk_size=2, progress=append)
    assert result.ok, result.problem
    assert result.count >= 6


# --- Altered rows ---------------------------------------------------------------------------------


def _altered_values(event: AuditEvent) -> dict[str, object]:
    other = make_staff("someone-else", "analyst")
    return {
        "created_at": event.created_at + timedelta(seconds=1),
        "actor_id": other.pk,
        "actor_label": "mallory",
        "action": "test.other",
        "target_type": "gallery.release",
        "target_id": "999",
        "target_label": "forged label",
        "details": '{"index": 99}',
        "prev_hash": "f" * 64,
        "hash": "e" * 64,
    }


ALTERABLE = [
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "details",
    "prev_hash",
    "hash",
]


@pytest.mark.parametrize("column", ALTERABLE)
@pytest.mark.parametrize("how", ["raw-sql", "queryset-update"])
def test_altering_any_column_of_a_middle_event_breaks_the_chain_there(chain, column: str, how: str) -> None:
    target = chain[2]
    value = _altered_values(target)[column]
    field = "actor" if column == "actor_id" else column

    def alter() -> None:
        if how == "raw-sql":
            raw_update(target.pk, column, value)
        else:
            assert AuditEvent.objects.filter(pk=target.pk).update(**{field: orm_value}) == 1

    orm_value = {"index": 99} if column == "details" else value
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        alter()  # the triggers refuse it
    assert audit_chain_verify().ok
    with audit_triggers_lifted():
        alter()
    result = _assert_broken(Break.ALTERED, target.pk, intact=2)
    assert result.problem is not None
    assert result.problem.position == 3


def test_altering_the_first_event_is_found_at_once(chain) -> None:
    with audit_triggers_lifted():
        AuditEvent.objects.filter(pk=chain[0].pk).update(action="test.other")
    _assert_broken(Break.ALTERED, chain[0].pk, intact=0)


def test_an_altered_and_rehashed_event_breaks_the_link_to_the_next_one(chain) -> None:
    target = AuditEvent.objects.get(pk=chain[1].pk)
    target.action = "test.other"
    target.hash = event_digest(target)
    with audit_triggers_lifted():
        AuditEvent.objects.filter(pk=target.pk).update(action=target.action, hash=target.hash)
    result = _assert_broken(Break.MISSING_PREDECESSOR, chain[2].pk, intact=2)
    assert result.problem is not None
    assert f"#{chain[1].pk}" in result.problem.message


def test_an_altered_and_rehashed_last_event_no_longer_matches_the_head(chain) -> None:
    target = AuditEvent.objects.get(pk=chain[-1].pk)
    target.details = {"index": 99}
    target.hash = event_digest(target)
    with audit_triggers_lifted():
        AuditEvent.objects.filter(pk=target.pk).update(details=target.details, hash=target.hash)
    _assert_broken(Break.HEAD_MISMATCH, chain[-1].pk)


# --- Deleted rows ---------------------------------------------------------------------------------


def test_deleting_a_middle_event_breaks_the_link_of_the_next_one(chain) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw_delete(chain[2].pk)  # the triggers refuse it
    assert audit_chain_verify().ok
    with audit_triggers_lifted():
        raw_delete(chain[2].pk)
    result = _assert_broken(Break.MISSING_PREDECESSOR, chain[3].pk, intact=2)
    assert result.problem is not None
    assert "deleted" in result.problem.message


def test_deleting_the_first_event_leaves_a_chain_that_does_not_start_at_the_genesis(chain) -> None:
    with audit_triggers_lifted():
        AuditEvent.objects.filter(pk=chain[0].pk).delete()
    _assert_broken(Break.NOT_FROM_GENESIS, chain[1].pk, intact=0)


def test_deleting_the_last_event_is_a_deleted_tail(chain) -> None:
    with audit_triggers_lifted():
        raw_delete(chain[-1].pk)
    result = _assert_broken(Break.DELETED_TAIL, chain[-2].pk, intact=4)
    assert result.problem is not None
    assert "the last 1 were deleted" in result.problem.message


def test_deleting_every_event_is_a_deleted_tail(chain) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    with audit_triggers_lifted():
        AuditEvent.objects.all().delete()
    _assert_broken(Break.DELETED_TAIL, None, intact=0)


def test_a_deleted_tail_with_a_rewound_head_needs_an_anchor(chain) -> None:
    """Whoever can also rewrite the head hides a deleted tail from the chain itself, not from an anchor."""
    anchor = audit_chain_verify().head
    assert anchor is not None
    with audit_triggers_lifted():
        raw_delete(chain[-1].pk)
    AuditHead.objects.filter(pk=1).update(last_hash=chain[-2].hash, count=4)
    assert audit_chain_verify().ok
    result = audit_chain_verify(anchors=[anchor])
    assert result.problem is not None
    assert result.problem.kind == Break.ANCHOR_MISSING
    with pytest.raises(CommandError, match=r"\[anchor-missing\]"):
        _verify_command("--anchor", str(anchor))


# --- Forged rows ----------------------------------------------------------------------------------


def _forge(*, prev_hash: str, event_id: int | None = None) -> AuditEvent:
    template = AuditEvent.objects.order_by("-id").first()
    assert template is not None
    forged = AuditEvent(
        id=event_id,
        created_at=template.created_at,
        actor_label="mallory",
        action="test.forged",
        details={"forged": True},
        prev_hash=prev_hash,
    )
    forged.hash = event_digest(forged)
    forged.save(force_insert=True)
    return forged


def test_a_forged_event_appended_without_the_head_is_found(chain) -> None:
    forged = _forge(prev_hash=chain[-1].hash)
    result = _assert_broken(Break.BEYOND_HEAD, forged.pk)
    assert result.problem is not None
    assert "counts 5" in result.problem.message


def test_a_forged_event_inserted_in_the_middle_is_the_first_broken_link(chain) -> None:
    # Make room between the third and fourth events by moving the last two ids up (ids are not hashed).
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with audit_triggers_lifted(), connection.cursor() as cursor:
        for event in reversed(chain[3:]):
            cursor.execute(f"UPDATE {table} SET id = id + 100 WHERE id = %s", [event.pk])  # noqa: S608
    assert audit_chain_verify().ok
    forged = _forge(prev_hash="a" * 64, event_id=chain[2].pk + 1)
    _assert_broken(Break.MISSING_PREDECESSOR, forged.pk, intact=3)


def test_a_forged_successor_of_an_existing_event_is_refused(chain) -> None:

    with pytest.raises(IntegrityError), transaction.atomic():
        _forge(prev_hash=chain[1].hash)
    assert audit_chain_verify().ok


# --- The head -------------------------------------------------------------------------------------


def test_an_altered_head_is_found(chain) -> None:
    AuditHead.objects.filter(pk=1).update(last_hash="b" * 64)
    _assert_broken(Break.HEAD_MISMATCH, chain[-1].pk)


def test_an_altered_head_count_is_found(chain) -> None:
    AuditHead.objects.filter(pk=1).update(count=3)
    _assert_broken(Break.HEAD_MISMATCH, chain[2].pk)


def test_a_missing_head_is_found(chain) -> None:
    AuditHead.objects.all().delete()
    result = _assert_broken(Break.BEYOND_HEAD, chain[0].pk)
    assert result.problem is not None
    assert "head is missing" in result.problem.message


def test_an_empty_head_with_a_hash_is_found(db) -> None:
    AuditHead.objects.update_or_create(pk=1, defaults={"last_hash": "c" * 64, "count": 0})
    assert audit_chain_verify().problem is not None


# --- Anchors --------------------------------------------------------------------------------------


def test_anchors_that_are_still_in_the_chain_pass(chain, record_events) -> None:
    early = Anchor(count=2, hash=chain[1].hash)
    record_events(2)
    output = _verify_command("--anchor", str(early), "--anchor", f"5:{chain[-1].hash.upper()}")
    assert output.splitlines()[0] == "OK: 7 events, chain intact"
    assert f"anchor {early}: present" in output


def test_an_anchor_that_names_another_event_fails(chain) -> None:
    result = audit_chain_verify(anchors=[Anchor(count=3, hash=chain[1].hash)])
    assert result.problem is not None
    assert (result.problem.kind, result.problem.event_id) == (Break.ANCHOR_MISSING, chain[2].pk)


def test_an_anchor_beyond_the_chain_fails(chain) -> None:
    result = audit_chain_verify(anchors=[Anchor(count=9, hash=chain[1].hash)])
    assert result.problem is not None
    assert result.problem.kind == Break.ANCHOR_MISSING


@pytest.mark.parametrize(
    "text", ["", "abc", "0:" + "a" * 64, "x:" + "a" * 64, "3:" + "a" * 63, "3:" + "g" * 64]
)
def test_bad_anchors_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="anchor"):
        Anchor.parse(text)


def test_the_command_refuses_a_bad_anchor() -> None:
    with pytest.raises(CommandError, match="COUNT:HASH"):
        _verify_command("--anchor", "nonsense")


# --- tail -----------------------------------------------------------------------------------------


def test_tail_prints_the_newest_events_oldest_first(record_events) -> None:
    events = record_events(4)
    out = StringIO()
    call_command("audit", "tail", "-n", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"#{events[2].pk}  ")
    assert lines[1].startswith(f"#{events[3].pk}  ")
    assert "system:test  object.edit" in lines[1]


def test_a_subcommand_is_required() -> None:
    with pytest.raises(CommandError):
        call_command("audit")


def test_verify_with_a_genesis_only_head(db) -> None:
    AuditHead.objects.update_or_create(pk=1, defaults={"last_hash": GENESIS, "count": 0})
    assert audit_chain_verify().ok
