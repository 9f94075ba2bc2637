from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """An append-only record of a staff action, chained by hash so that an edit shows.

    ``hash`` covers this event's fields and ``prev_hash``; changing, deleting or inserting a row
    anywhere breaks every link after it (``traceobject audit verify``). ``actor_label`` keeps the
    username as it was, so the trail still reads after an account is renamed.
    """

    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # The auditor's "by actor" filter, newest first.
            models.Index(fields=["actor_label", "id"], name="audit_event_actor_id_idx"),
        ]
        constraints = [
            # One successor per event: the database itself refuses a fork of the chain.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_event_prev_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"


class AuditHead(models.Model):
    """A single row holding the newest hash; locking it serializes appends on every database."""

    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="audit_head_singleton")]

    def __str__(self) -> str:
        return f"audit head after {self.count} events"


class AuditAnchor(models.Model):
    """A head of the chain that ``traceobject audit anchor`` printed for keeping outside the system.

    The copy kept here lets the daily check see a rewrite by someone who forgot this table; the copy
    kept outside is what shows a rewrite by someone who did not. Append-only, like the events.
    """

    created_at = models.DateTimeField()
    # The anchored event: its position in the chain (1 for the first event), id and hash.
    count = models.BigIntegerField()
    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="+")
    hash = models.CharField(max_length=64)
    actor_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.count}:{self.hash}"


class AuditCheck(models.Model):
    """One run of the daily check of the chain against the recorded anchors (append-only).

    The newest row is what the staff home shows; a failure stays visible until a later run passes.
    """

    created_at = models.DateTimeField(db_index=True)
    ok = models.BooleanField()
    count = models.BigIntegerField()  # events walked (up to the break, when there is one)
    head_hash = models.CharField(max_length=64, blank=True)
    anchors = models.PositiveIntegerField(default=0)  # how many recorded anchors were checked
    problem = models.CharField(max_length=32, blank=True)  # a ``verify.Break`` value
    message = models.TextField(blank=True)
    event_id = models.BigIntegerField(null=True, blank=True)  # the first broken event, when known

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"audit check {self.created_at:%Y-%m-%d %H:%M} {'ok' if self.ok else self.problem}"
