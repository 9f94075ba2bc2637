"""Analysts' changes to tips. Each one is audited in its own transaction, and each refreshes the
aggregates of the clusters it touched, so that the consensus always reflects the analysts' verdicts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from traceobject import vault
from traceobject.accounts.models import User
from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.core.errors import ApplicationError
from traceobject.core.permissions import Permission, permission_require, user_has_permission
from traceobject.tips.models import Tip, TipStatus
from traceobject.tips.payload import TipPayload
from traceobject.tips.services import tip_read
from traceobject.triage.aggregates import supports_refresh, tally_add
from traceobject.triage.models import Cluster, Label, TipNote

MAX_SELECTION = 5000  # a bulk action on more tips than this is almost surely a mistake: use a cluster
NOTE_MAX = 5000
LABEL_MAX = 40


@dataclass(frozen=True)
class TipsChanged:
    changed: int
    unchanged: int


def _tips_locked(tip_ids: Iterable[int]) -> list[Tip]:
    ids = sorted(set(tip_ids))
    if not ids:
        raise ApplicationError(_("Select at least one tip."))
    if len(ids) > MAX_SELECTION:
        raise ApplicationError(
            ngettext(
                "Select at most %(max)d tip at once, or act on a whole cluster.",
                "Select at most %(max)d tips at once, or act on a whole cluster.",
                MAX_SELECTION,
            )
            % {"max": MAX_SELECTION}
        )
    tips = list(
        Tip.objects.select_for_update()
        .filter(pk__in=ids)
        .only("id", "object_id", "cluster_id", "status", "is_other", "assignee_id")
        .order_by("pk")
    )
    if len(tips) != len(ids):
        raise ApplicationError(_("Some of the selected tips no longer exist. Nothing was changed."))
    return tips


def _tally_moves(tips: Sequence[Tip], dimension: str, new_value: str, old_value: Any) -> None:
    moves: Counter[tuple[int, str, str]] = Counter()
    for tip in tips:
        moves[(tip.object_id, str(old_value(tip)), new_value)] += 1
    by_object: dict[int, dict[tuple[str, str], int]] = {}
    for (object_id, old, new), n in moves.items():
        counts = by_object.setdefault(object_id, {})
        counts[(dimension, old)] = counts.get((dimension, old), 0) - n
        counts[(dimension, new)] = counts.get((dimension, new), 0) + n
    for object_id, counts in by_object.items():
        tally_add(object_id=object_id, counts=counts)


def tips_status_set(
    *, actor: Any, tip_ids: Iterable[int], status: str, cluster: Cluster | None = None
) -> TipsChanged:
    """Give the selected tips one status; the consensus follows (relevant tips are verified support,
    not-relevant and duplicate tips stop counting)."""
    permission_require(actor, Permission.TIPS_TIP_UPDATE)
    if status not in TipStatus.values:
        raise ApplicationError(_("Unknown status."))
    with transaction.atomic():
        tips = _tips_locked(tip_ids)
        moving = [tip for tip in tips if tip.status != status]
        if moving:
            _tally_moves(moving, "status", status, lambda tip: tip.status)
            Tip.objects.filter(pk__in=[tip.pk for tip in moving]).update(status=status)
            supports_refresh(cluster_ids={tip.cluster_id for tip in moving if tip.cluster_id})
        details: dict[str, Any] = {"status": status, "tips": [tip.pk for tip in moving]}
        if cluster is not None:
            details["cluster"] = cluster.pk
        audit_record(
            actor=actor,
            action=AuditAction.TIPS_CLUSTER_STATUS if cluster is not None else AuditAction.TIPS_STATUS,
            target=cluster,
            details=details,
        )
    return TipsChanged(changed=len(moving), unchanged=len(tips) - len(moving))


def cluster_status_set(*, actor: Any, cluster: Cluster, status: str) -> TipsChanged:
    """One action for a whole cluster: its near-duplicates are one piece of evidence."""
    permission_require(actor, Permission.TIPS_TIP_UPDATE)
    tip_ids = list(Tip.objects.filter(cluster=cluster).values_list("pk", flat=True))
    if len(tip_ids) > MAX_SELECTION:
        # A spam burst can outgrow one transaction's comfort; do it in slices, each audited.
        total = TipsChanged(0, 0)
        for start in range(0, len(tip_ids), MAX_SELECTION):
            part = tips_status_set(
                actor=actor, tip_ids=tip_ids[start : start + MAX_SELECTION], status=status, cluster=cluster
            )
            total = TipsChanged(total.changed + part.changed, total.unchanged + part.unchanged)
        return total
    return tips_status_set(actor=actor, tip_ids=tip_ids, status=status, cluster=cluster)


def tips_other_set(*, actor: Any, tip_ids: Iterable[int], is_other: bool) -> TipsChanged:
    """Move tips to (or back from) the "other reports" queue: they stop counting for the object."""
    permission_require(actor, Permission.TIPS_TIP_UPDATE)
    with transaction.atomic():
        tips = _tips_locked(tip_ids)
        moving = [tip for tip in tips if tip.is_other != is_other]
        if moving:
            _tally_moves(
                moving, "other", "yes" if is_other else "no", lambda tip: "yes" if tip.is_other else "no"
            )
            Tip.objects.filter(pk__in=[tip.pk for tip in moving]).update(is_other=is_other)
            supports_refresh(cluster_ids={tip.cluster_id for tip in moving if tip.cluster_id})
        audit_record(
            actor=actor,
            action=AuditAction.TIPS_OTHER if is_other else AuditAction.TIPS_NOT_OTHER,
            details={"tips": [tip.pk for tip in moving]},
        )
    return TipsChanged(changed=len(moving), unchanged=len(tips) - len(moving))


def tips_assign(*, actor: Any, tip_ids: Iterable[int], assignee: User | None) -> TipsChanged:
    permission_require(actor, Permission.TIPS_TIP_UPDATE)
    if assignee is not None and not user_has_permission(assignee, Permission.TIPS_TIP_UPDATE):
        raise ApplicationError(_("Tips can only be assigned to an active analyst."))
    with transaction.atomic():
        tips = _tips_locked(tip_ids)
        target_id = assignee.pk if assignee is not None else None
        moving = [tip for tip in tips if tip.assignee_id != target_id]
        Tip.objects.filter(pk__in=[tip.pk for tip in moving]).update(assignee=assignee)
        audit_record(
            actor=actor,
            action=AuditAction.TIPS_ASSIGN,
            target=assignee,
            details={"tips": [tip.pk for tip in moving], "assignee": assignee.username if assignee else None},
        )
    return TipsChanged(changed=len(moving), unchanged=len(tips) - len(moving))


def label_clean(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ApplicationError(_("Give the label a name."), field="label")
    if len(cleaned) > LABEL_MAX:
        raise ApplicationError(
            ngettext(
                "A label has at most %(max)d character.", "A label has at most %(max)d characters.", LABEL_MAX
            )
            % {"max": LABEL_MAX},
            field="label",
        )
    return cleaned


def tips_label(*, actor: Any, tip_ids: Iterable[int], name: str, add: bool = True) -> TipsChanged:
    """Add a label (created on first use) to tips, or remove it."""
    permission_require(actor, Permission.TIPS_TIP_UPDATE)
    name = label_clean(name)
    with transaction.atomic():
        tips = _tips_locked(tip_ids)
        if add:
            label, _created = Label.objects.get_or_create(name=name)
        else:
            label = Label.objects.filter(name=name).first()  # type: ignore[assignment]
            if label is None:
                raise ApplicationError(_("There is no label of that name."), field="label")
        through = Tip.labels.through
        having = set(
            through.objects.filter(label=label, tip_id__in=[tip.pk for tip in tips]).values_list(
                "tip_id", flat=True
            )
        )
        if add:
            moving = [tip.pk for tip in tips if tip.pk not in having]
            through.objects.bulk_create([through(tip_id=pk, label=label) for pk in moving])
        else:
            moving = sorted(having)
            through.objects.filter(label=label, tip_id__in=moving).delete()
        audit_record(
            actor=actor,
            action=AuditAction.TIPS_LABEL_ADD if add else AuditAction.TIPS_LABEL_REMOVE,
            target=label,
            details={"tips": moving, "label": label.name},
        )
    return TipsChanged(changed=len(moving), unchanged=len(tips) - len(moving))


def tip_note_add(*, actor: Any, tip: Tip, text: str) -> TipNote:
    """An internal note, sealed like the tip: what analysts write about a tip can be as sensitive."""
    permission_require(actor, Permission.TIPS_TIP_UPDATE)
    text = text.strip()
    if not text:
        raise ApplicationError(_("Write the note first."), field="text")
    if len(text) > NOTE_MAX:
        raise ApplicationError(
            ngettext(
                "A note has at most %(max)d character.", "A note has at most %(max)d characters.", NOTE_MAX
            )
            % {"max": NOTE_MAX},
            field="text",
        )
    with transaction.atomic():
        note = TipNote.objects.create(tip=tip, author=actor, sealed=vault.seal(text.encode()))
        audit_record(actor=actor, action=AuditAction.TIP_NOTE_ADD, target=tip, details={"note": note.pk})
    return note


@dataclass(frozen=True)
class OpenedNote:
    note: TipNote
    text: str


def tip_open(*, actor: Any, tip: Tip) -> tuple[TipPayload, list[OpenedNote]]:
    """Read one tip and its notes from the vault, recording who read it (chain of custody).

    Opening the tip is also how an analyst sees the tipster's new replies (the tip page shows the
    thread), so it lowers the tip's "new reply" flag in the same transaction as the event.
    """
    permission_require(actor, Permission.TIPS_TIP_READ)
    with transaction.atomic():
        reply_seen = Tip.objects.filter(pk=tip.pk, reply_waiting=True).update(reply_waiting=False) > 0
        audit_record(
            actor=actor,
            action=AuditAction.TIP_OPEN,
            target=tip,
            details={"reply_seen": True} if reply_seen else None,
        )
    payload = tip_read(tip=tip)
    notes = [
        OpenedNote(note=note, text=vault.open(bytes(note.sealed)).decode())
        for note in TipNote.objects.filter(tip=tip).select_related("author")
    ]
    return payload, notes


def tips_read(*, actor: Any, tips: Sequence[Tip], where: str) -> dict[int, TipPayload]:
    """Open the tips a list page shows, recording in one event which tips were shown to whom."""
    permission_require(actor, Permission.TIPS_TIP_READ)
    if not tips:
        return {}
    with transaction.atomic():
        audit_record(
            actor=actor, action=AuditAction.TIPS_VIEW, details={"where": where, "tips": [t.pk for t in tips]}
        )
    return {tip.pk: tip_read(tip=tip) for tip in tips}


__all__ = [
    "TipsChanged",
    "cluster_status_set",
    "tip_note_add",
    "tip_open",
    "tips_assign",
    "tips_label",
    "tips_other_set",
    "tips_read",
    "tips_status_set",
]
