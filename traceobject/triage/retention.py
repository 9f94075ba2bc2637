"""Retention: what the site stops keeping, and when (``traceobject purge``, daily by the scheduler).

Two rules, each configurable (settings, "Follow-up and retention"):

* **Contact details** are dropped from tips older than ``TRACEOBJECT_CONTACT_RETENTION_DAYS``. They are
  sealed apart from the tip (``Tip.sealed_contact``), so dropping them needs no key: the column is
  emptied. Tips sealed before that column existed still hold their contact inside ``sealed``; without
  the staff's key nothing can take it out, so they are counted and reported, never silently skipped.
* **Withdrawn objects**: every tip of an object withdrawn longer ago than
  ``TRACEOBJECT_WITHDRAWN_RETENTION_DAYS`` is deleted with everything hanging off it (receipts,
  follow-ups, notes, signals, fingerprints, clusters, lead links). The object itself stays, for the
  audit trail and the releases.

Both run in batches, each batch one transaction with its own audit event (``actor_label``
``system:purge``, counts only, never a tip's id or content), so a crash leaves whole batches done and
the next run carries on. Every count the triage pages read (tallies, cluster and object support) is
adjusted in the batch's own transaction, so they never disagree with the tips that remain: that is why
the retention lives in triage, above tips, rather than in the tips app.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.core.writelock import sqlite_write_queue
from traceobject.gallery import hooks as gallery_hooks
from traceobject.gallery.models import Object, ObjectStatus
from traceobject.tips.models import FollowUp, Receipt, Tip
from traceobject.triage.aggregates import objects_refresh, tally_add, tip_dimensions
from traceobject.triage.models import Tally, TipNote

ACTOR_LABEL = "system:purge"
BATCH_SIZE = 500


@dataclass
class PurgeReport:
    """What one run did (or, in a dry run, would do). All counts, never ids."""

    contacts_purged: int = 0
    # Old tips whose contact is still inside ``sealed``: only a re-seal with the staff's key can drop it.
    contacts_legacy: int = 0
    objects: int = 0
    # Withdrawn objects with tips but no withdrawal time (status set outside ``object_withdraw``): the
    # retention cannot tell when their period ends, so they are reported for a person to decide.
    withdrawn_undated: int = 0
    tips_deleted: int = 0
    related_deleted: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "contacts_purged": self.contacts_purged,
            "contacts_legacy": self.contacts_legacy,
            "objects": self.objects,
            "withdrawn_undated": self.withdrawn_undated,
            "tips_deleted": self.tips_deleted,
            "related_deleted": dict(self.related_deleted),
            "dry_run": self.dry_run,
        }


def _contact_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=int(settings.TRACEOBJECT_CONTACT_RETENTION_DAYS))


def _withdrawn_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=int(settings.TRACEOBJECT_WITHDRAWN_RETENTION_DAYS))


def contacts_due(*, now: datetime) -> tuple[int, int]:
    """(tips whose sealed contact is due to go, old tips whose contact only the staff's key could drop)."""
    old = Tip.objects.filter(created_at__lt=_contact_cutoff(now))
    purgeable = old.filter(sealed_contact__isnull=False).count()
    legacy = old.filter(sealed_contact__isnull=True, has_contact=True, contact_purged_at__isnull=True).count()
    return purgeable, legacy


def contacts_purge(*, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Empty ``sealed_contact`` of tips older than the retention, in batches; returns how many.

    ``has_contact`` goes false with it (the inbox filters and tallies say "contact" only while there
    is one to read), and the contact tally moves from "yes" to "no" in the same transaction.
    """
    cutoff = _contact_cutoff(now)
    days = int(settings.TRACEOBJECT_CONTACT_RETENTION_DAYS)
    total = 0
    while True:
        with sqlite_write_queue(), transaction.atomic():
            batch = list(
                Tip.objects.select_for_update()
                .filter(created_at__lt=cutoff, sealed_contact__isnull=False)
                .order_by("pk")
                .values_list("pk", "object_id", "has_contact")[:batch_size]
            )
            if not batch:
                break
            Tip.objects.filter(pk__in=[pk for pk, _o, _h in batch]).update(
                sealed_contact=None, has_contact=False, contact_purged_at=now
            )
            moved = Counter(object_id for _pk, object_id, has_contact in batch if has_contact)
            for object_id, n in moved.items():
                tally_add(object_id=object_id, counts={("contact", "yes"): -n, ("contact", "no"): n})
            audit_record(
                actor=None,
                actor_label=ACTOR_LABEL,
                action=AuditAction.RETENTION_CONTACTS,
                details={"tips": len(batch), "older_than_days": days},
            )
        total += len(batch)
    return total


def withdrawn_due(*, now: datetime) -> list[Object]:
    """Objects withdrawn longer ago than the retention that still have tips."""
    return list(
        Object.objects.filter(
            status=ObjectStatus.WITHDRAWN,
            withdrawn_at__isnull=False,
            withdrawn_at__lt=_withdrawn_cutoff(now),
            tips__isnull=False,
        )
        .distinct()
        .order_by("pk")
    )


def _related_counts(tip_ids: list[int]) -> Counter[str]:
    return Counter(
        {
            "receipts": Receipt.objects.filter(tip_id__in=tip_ids).count(),
            "follow_ups": FollowUp.objects.filter(tip_id__in=tip_ids).count(),
            "notes": TipNote.objects.filter(tip_id__in=tip_ids).count(),
        }
    )


def object_tips_purge(
    *, obj: Object, now: datetime, batch_size: int = BATCH_SIZE
) -> tuple[int, Counter[str]]:
    """Delete every tip of one withdrawn object, whole clusters at a time; returns (tips, related).

    A batch takes the next ``batch_size`` tips and every other tip of their clusters, so that no
    cluster is ever left with a representative gone and members still counted: after each batch the
    object's tallies and consensus agree with the tips that remain. The object is re-checked inside
    each batch: one published again meanwhile is left alone.
    """
    days = int(settings.TRACEOBJECT_WITHDRAWN_RETENTION_DAYS)
    cutoff = _withdrawn_cutoff(now)
    deleted = 0
    related: Counter[str] = Counter()
    while True:
        with sqlite_write_queue(), transaction.atomic():
            still_due = Object.objects.select_for_update().filter(
                pk=obj.pk, status=ObjectStatus.WITHDRAWN, withdrawn_at__lt=cutoff
            )
            if not still_due.exists():
                break
            first = list(
                Tip.objects.filter(object=obj).order_by("pk").values_list("pk", "cluster_id")[:batch_size]
            )
            if not first:
                break
            cluster_ids = {cluster_id for _pk, cluster_id in first if cluster_id is not None}
            tips = list(
                Tip.objects.filter(object=obj)
                .filter(Q(pk__in=[pk for pk, _c in first]) | Q(cluster_id__in=cluster_ids))
                .only("pk", "status", "language", "created_at", "has_contact", "has_links", "is_other")
            )
            tip_ids = [tip.pk for tip in tips]
            counts: dict[tuple[str, str], int] = {}
            for tip in tips:
                for key in tip_dimensions(tip):
                    counts[key] = counts.get(key, 0) - 1
            batch_related = _related_counts(tip_ids)
            Tip.objects.filter(pk__in=tip_ids).delete()
            tally_add(object_id=obj.pk, counts=counts)
            Tally.objects.filter(object_id=obj.pk, tips=0).delete()
            objects_refresh(object_ids=[obj.pk])
            audit_record(
                actor=None,
                actor_label=ACTOR_LABEL,
                action=AuditAction.RETENTION_WITHDRAWN,
                target=obj,
                details={"tips": len(tip_ids), **batch_related, "withdrawn_over_days": days},
            )
        deleted += len(tip_ids)
        related.update(batch_related)
    return deleted, related


def retention_purge(*, now: datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Apply both rules once; safe to run twice (a second run finds nothing more to do)."""
    now = now or timezone.now()
    report = PurgeReport(dry_run=dry_run)
    due_contacts, report.contacts_legacy = contacts_due(now=now)
    objects = withdrawn_due(now=now)
    report.objects = len(objects)
    report.withdrawn_undated = (
        Object.objects.filter(status=ObjectStatus.WITHDRAWN, withdrawn_at__isnull=True, tips__isnull=False)
        .distinct()
        .count()
    )
    if dry_run:
        report.contacts_purged = due_contacts
        report.tips_deleted = Tip.objects.filter(object__in=objects).count()
        return report
    report.contacts_purged = contacts_purge(now=now)
    related: Counter[str] = Counter()
    for obj in objects:
        deleted, batch_related = object_tips_purge(obj=obj, now=now)
        report.tips_deleted += deleted
        related.update(batch_related)
    report.related_deleted = dict(related)
    if report.tips_deleted:
        # The public figures count tips: recompute them now rather than at the cache's expiry.
        gallery_hooks.figures_changed()
    return report


__all__ = [
    "ACTOR_LABEL",
    "PurgeReport",
    "contacts_due",
    "contacts_purge",
    "object_tips_purge",
    "retention_purge",
    "withdrawn_due",
]
