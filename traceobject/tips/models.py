from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from traceobject.gallery.models import Object


class TipStatus(models.TextChoices):
    NEW = "new", _("New")
    RELEVANT = "relevant", _("Relevant")
    NOT_RELEVANT = "not_relevant", _("Not relevant")
    DUPLICATE = "duplicate", _("Duplicate")
    NEEDS_FOLLOW_UP = "needs_follow_up", _("Needs follow-up")
    FORWARDED = "forwarded", _("Forwarded")


class Tip(models.Model):
    """One member of the public's account of one object.

    Everything the tipster wrote lives in ``sealed`` (see ``tips.vault``); the clear columns hold only
    what triage needs to sort and count, none of which says who wrote it.
    """

    object = models.ForeignKey(Object, on_delete=models.PROTECT, related_name="tips")
    sealed = models.BinaryField()
    status = models.CharField(max_length=20, choices=TipStatus.choices, default=TipStatus.NEW)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    is_demo = models.BooleanField(default=False)
    # What triage reads without opening the vault; set at intake from the signals (``triage.intake``).
    language = models.CharField(max_length=8, blank=True, default="")
    has_contact = models.BooleanField(default=False)
    has_links = models.BooleanField(default=False)
    cluster = models.ForeignKey(
        "triage.Cluster", on_delete=models.SET_NULL, null=True, blank=True, related_name="tips"
    )
    # Not about the object at all (people report other abuse here too): the "other reports" queue.
    is_other = models.BooleanField(default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    labels = models.ManyToManyField("triage.Label", blank=True, related_name="tips")

    class Meta:
        # The inbox is newest first by id (arrival order) and paginated by keyset on it: one index
        # per common filter, each ending in the id, lets the first and the thousandth page cost the same.
        indexes = [
            models.Index(fields=["object", "-id"], name="tips_tip_object_id"),
            models.Index(fields=["status", "-id"], name="tips_tip_status_id"),
            models.Index(fields=["language", "-id"], name="tips_tip_language_id"),
            models.Index(fields=["cluster", "-id"], name="tips_tip_cluster_id"),
            models.Index(fields=["assignee", "-id"], name="tips_tip_assignee_id"),
            models.Index(fields=["-id"], condition=Q(is_other=True), name="tips_tip_other_id"),
        ]

    def __str__(self) -> str:
        return f"tip {self.pk} on {self.object_id}"


class Receipt(models.Model):
    tip = models.OneToOneField(Tip, on_delete=models.CASCADE, related_name="receipt")
    digest = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"receipt for tip {self.tip_id}"
