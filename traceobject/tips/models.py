from __future__ import annotations

from django.db import models
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
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["object", "-created_at"])]

    def __str__(self) -> str:
        return f"tip {self.pk} on {self.object_id}"


class Receipt(models.Model):
    tip = models.OneToOneField(Tip, on_delete=models.CASCADE, related_name="receipt")
    digest = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"receipt for tip {self.tip_id}"
