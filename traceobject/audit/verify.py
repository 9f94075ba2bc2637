"""Walking the whole chain: the logic behind ``traceobject audit verify``.

The walk streams the events in id order (``.iterator()``, a fixed number of rows in memory) and stops at
the first broken link. For each event it recomputes the digest (any changed column shows, including
``prev_hash`` and ``hash`` themselves) and then checks that ``prev_hash`` is the hash of the event
before it (the genesis for the first), which shows a deleted or inserted event. The head row shows a
deleted tail, which leaves no gap inside the chain.

Appends may go on during a walk. The head is read before the walk, to check the event at its position,
and again after it, so that events appended meanwhile are neither missed nor taken for forgeries: an
event that the walk saw was committed, together with its head update, before the second read.

A hash chain kept in the database it protects cannot stop someone who rewrites the whole chain and the
head; that needs a copy of the head kept elsewhere. ``verify`` prints the head as ``count:hash``, and
``--anchor count:hash`` checks that such a copy is still part of the chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from traceobject.audit.models import AuditEvent, AuditHead
from traceobject.audit.services import DIGEST_FIELDS, GENESIS, HEAD_PK, compute_digest

CHUNK_SIZE = 2000


class Break(StrEnum):
    ALTERED = "altered"  # the stored hash does not match the event's columns
    NOT_FROM_GENESIS = "not-from-genesis"  # the first event does not point at the genesis
    MISSING_PREDECESSOR = "missing-predecessor"  # prev_hash is not the hash of the event before
    DELETED_TAIL = "deleted-tail"  # fewer events than the head counts
    HEAD_MISMATCH = "head-mismatch"  # the head's hash is not that of the event at its position
    BEYOND_HEAD = "beyond-head"  # events that the head does not count
    ANCHOR_MISSING = "anchor-missing"  # a head copied earlier is no longer in the chain


@dataclass(frozen=True)
class Anchor:
    """A head copied out of the database earlier: ``count`` events, the last with ``hash``."""

    count: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        count, sep, digest = text.strip().partition(":")
        digest = digest.lower()
        if not sep or not count.isdigit() or int(count) < 1 or len(digest) != 64:
            raise ValueError(f"an anchor is COUNT:HASH as printed by `audit verify`, not {text!r}")
        if any(char not in "0123456789abcdef" for char in digest):
            raise ValueError(f"an anchor's hash is 64 hexadecimal digits, not {digest!r}")
        return cls(count=int(count), hash=digest)

    def __str__(self) -> str:
        return f"{self.count}:{self.hash}"


@dataclass(frozen=True)
class BrokenLink:
    kind: Break
    message: str
    event_id: int | None = None
    created_at: datetime | None = None
    position: int | None = None  # 1 for the first event of the chain


@dataclass(frozen=True)
class VerifyResult:
    count: int  # events walked (all of them when the chain is intact)
    last_hash: str
    problem: BrokenLink | None = None
    anchors_checked: tuple[Anchor, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def head(self) -> Anchor | None:
        return Anchor(self.count, self.last_hash) if self.count else None


def _read_head() -> tuple[int, str, bool]:
    """(count, last hash, whether the head row exists)."""
    row = AuditHead.objects.filter(pk=HEAD_PK).values_list("count", "last_hash").first()
    if row is None:
        return 0, GENESIS, False
    return row[0], row[1], True


def _event_at(position: int) -> tuple[int | None, datetime | None]:
    """The id and time of the event at ``position`` (1-based); only used to describe a failure."""
    rows = list(AuditEvent.objects.order_by("id").values_list("id", "created_at")[position - 1 : position])
    return rows[0] if rows else (None, None)


def audit_chain_verify(
    *,
    anchors: Iterable[Anchor] = (),
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
) -> VerifyResult:
    """Walk the chain from the genesis and report its first broken link, if any."""
    anchors = tuple(anchors)
    anchor_positions = {anchor.count: anchor for anchor in anchors}
    head_count, head_hash, _head_exists = _read_head()

    position = 0
    previous_hash = GENESIS
    previous_id: int | None = None
    previous_time: datetime | None = None
    hash_at_head: str | None = None
    id_at_head: int | None = None
    time_at_head: datetime | None = None

    def broken(
        kind: Break, message: str, event_id: int | None, created_at: datetime | None, *, in_walk: bool = True
    ) -> VerifyResult:
        """Stop. ``count`` is then the number of events before the break, all of them intact."""
        return VerifyResult(
            count=position - 1 if in_walk else position,
            last_hash=previous_hash,
            problem=BrokenLink(kind, message, event_id, created_at, position if in_walk else None),
            anchors_checked=anchors,
        )

    rows = AuditEvent.objects.order_by("id").values_list("id", "hash", *DIGEST_FIELDS)
    for event_id, stored_hash, *columns in rows.iterator(chunk_size=chunk_size):
        position += 1
        values = dict(zip(DIGEST_FIELDS, columns, strict=True))
        created_at = values["created_at"]
        if compute_digest(**values) != stored_hash:
            return broken(
                Break.ALTERED,
                f"event #{event_id} was altered: its columns no longer match its hash",
                event_id,
                created_at,
            )
        if values["prev_hash"] != previous_hash:
            if previous_id is None:
                message = (
                    f"event #{event_id}, the first one left, does not start from the genesis: the events "
                    "before it were deleted, or it was inserted"
                )
                return broken(Break.NOT_FROM_GENESIS, message, event_id, created_at)
            message = (
                f"event #{event_id} does not follow event #{previous_id}: its predecessor "
                f"{values['prev_hash'][:12]}… is missing (an event between them was deleted, #{previous_id} "
                f"was altered and re-hashed, or #{event_id} was inserted)"
            )
            return broken(Break.MISSING_PREDECESSOR, message, event_id, created_at)
        anchor = anchor_positions.get(position)
        if anchor is not None and anchor.hash != stored_hash:
            message = (
                f"event #{event_id} is not the anchored event {anchor}: the chain up to it was rewritten"
            )
            return broken(Break.ANCHOR_MISSING, message, event_id, created_at)
        if position == head_count:
            hash_at_head, id_at_head, time_at_head = stored_hash, event_id, created_at
        previous_hash, previous_id, previous_time = stored_hash, event_id, created_at
        if progress is not None and position % chunk_size == 0:
            progress(position)

    # Events appended during the walk are counted by this second read.
    after_count, after_hash, after_exists = _read_head()

    if position < head_count:
        where = f"after event #{previous_id}" if previous_id is not None else "every event"
        message = (
            f"the head counts {head_count} events but the chain ends at {position}: "
            f"the last {head_count - position} were deleted ({where})"
        )
        return broken(Break.DELETED_TAIL, message, previous_id, previous_time, in_walk=False)
    if head_count and hash_at_head != head_hash:
        message = (
            f"the head says event {head_count} has hash {head_hash[:12]}…, but that event (#{id_at_head}) "
            "has another: the tail was replaced, or the head was altered"
        )
        return broken(Break.HEAD_MISMATCH, message, id_at_head, time_at_head, in_walk=False)
    if not head_count and head_hash != GENESIS:
        message = "the head counts no events but has a hash"
        return broken(Break.HEAD_MISMATCH, message, None, None, in_walk=False)
    if position > after_count:
        first_id, first_time = _event_at(after_count + 1)
        counted = f"counts {after_count}" if after_exists else "is missing"
        message = (
            f"the chain has {position} events but the head {counted}: event #{first_id} and the ones after "
            "it were added without the head (forged, or the head was reset)"
        )
        return broken(Break.BEYOND_HEAD, message, first_id, first_time, in_walk=False)
    if position == after_count and after_hash != previous_hash:
        message = f"the head's hash {after_hash[:12]}… is not that of the last event #{previous_id}"
        return broken(Break.HEAD_MISMATCH, message, previous_id, previous_time, in_walk=False)
    for anchor in anchors:
        if anchor.count > position:
            message = f"the anchored event {anchor} is beyond the end of the chain ({position} events)"
            return broken(Break.ANCHOR_MISSING, message, previous_id, previous_time, in_walk=False)
    return VerifyResult(count=position, last_hash=previous_hash, anchors_checked=anchors)
