"""Anchors and the daily check: the writes that rest on the whole-chain walk (``verify.py``).

A hash chain kept in the database it protects cannot show a rewrite of the whole chain and its head.
``traceobject audit anchor`` therefore prints the head (position, hash, event, time) for an operator to
keep outside the system, and records the same anchor here. Every day the scheduler walks the chain and
checks that each recorded anchor is still at its position with its hash; the result is stored
(``AuditCheck``) and a failure is shown on the staff home. A rewrite that also rewrote this table
shows only against the copy kept outside: ``traceobject audit verify --anchor COUNT:HASH``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from traceobject.audit.actions import AuditAction
from traceobject.audit.models import AuditAnchor, AuditCheck, AuditHead
from traceobject.audit.services import HEAD_PK, audit_record
from traceobject.audit.verify import Anchor, VerifyResult, audit_chain_verify
from traceobject.core.errors import ApplicationError

logger = logging.getLogger(__name__)

ANCHOR_ACTOR = "system:audit-anchor"


class AnchorRefusedError(ApplicationError):
    """The chain does not verify: anchoring it now would vouch for the tampering."""

    def __init__(self, result: VerifyResult) -> None:
        self.result = result
        problem = result.problem
        super().__init__(problem.message if problem is not None else "the chain does not verify")


def recorded_anchors() -> list[Anchor]:
    return [Anchor(count, digest) for count, digest in AuditAnchor.objects.values_list("count", "hash")]


@dataclass(frozen=True)
class AnchorResult:
    anchor: AuditAnchor
    verified: VerifyResult  # the walk that preceded it


def audit_anchor_create(*, actor_label: str = ANCHOR_ACTOR) -> AnchorResult:
    """Walk the chain (with the anchors recorded so far), then anchor its head; refuse a broken chain.

    The anchor is the ``audit.anchor`` event that records it, appended in the same transaction: so
    an anchor exists even for an empty trail, and the trail says when each anchor was taken. Events
    appended between the walk and the anchor are walked by the next daily check, which also checks
    the new anchor; the walk is not done under the head's lock, which would stop every audited
    action for its length.
    """
    result = audit_chain_verify(anchors=recorded_anchors())
    if not result.ok:
        raise AnchorRefusedError(result)
    with transaction.atomic(durable=True):
        event = audit_record(
            actor=None,
            actor_label=actor_label,
            action=AuditAction.AUDIT_ANCHOR,
            details={"verified_events": result.count},
        )
        # audit_record locked the head and moved it onto ``event``; the lock is held until commit.
        head = AuditHead.objects.get(pk=HEAD_PK)
        if head.last_hash != event.hash:  # pragma: no cover - the head is locked by this transaction
            raise RuntimeError("the audit head moved under its lock")
        anchor = AuditAnchor.objects.create(
            created_at=event.created_at,
            count=head.count,
            event=event,
            hash=event.hash,
            actor_label=actor_label,
        )
    return AnchorResult(anchor=anchor, verified=result)


def audit_check_run() -> AuditCheck:
    """The daily check: walk the chain against every recorded anchor and store the outcome.

    Reads the current data only, so running it twice or late is harmless. A failure is also logged
    (no client address is involved: the trail holds none).
    """
    anchors = recorded_anchors()
    result = audit_chain_verify(anchors=anchors)
    problem = result.problem
    with transaction.atomic():
        check = AuditCheck.objects.create(
            created_at=timezone.now(),
            ok=result.ok,
            count=result.count,
            head_hash=result.last_hash if result.count else "",
            anchors=len(anchors),
            problem=str(problem.kind) if problem is not None else "",
            message=problem.message if problem is not None else "",
            event_id=problem.event_id if problem is not None else None,
        )
    if problem is not None:
        logger.error("audit chain check failed [%s]: %s", problem.kind, problem.message)
    return check


__all__ = ["AnchorRefusedError", "AnchorResult", "audit_anchor_create", "audit_check_run", "recorded_anchors"]
