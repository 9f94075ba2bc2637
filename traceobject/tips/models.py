from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from traceobject.gallery.models import Object
from traceobject.vault.fields import SealedField, SealedTo


class TipStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("tip status", "New")
    RELEVANT = "relevant", _("Relevant")
    NOT_RELEVANT = "not_relevant", _("Not relevant")
    DUPLICATE = "duplicate", _("Duplicate")
    NEEDS_FOLLOW_UP = "needs_follow_up", _("Needs follow-up")
    FORWARDED = "forwarded", _("Forwarded")
    # Arrived while submissions spiked far above normal (``tips.antiabuse``): stored, but kept out of
    # the main queue until an analyst releases it.
    SURGE = "surge", _("Held (surge)")


class Tip(models.Model):
    """One member of the public's account of one object.

    Everything the tipster wrote lives in ``sealed`` (see ``traceobject.vault``); the clear columns hold only
    what triage needs to sort and count, none of which says who wrote it.
    """

    object = models.ForeignKey(Object, on_delete=models.PROTECT, related_name="tips")
    sealed = SealedField(sealed_to=SealedTo.TIP_KEY)
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
    # Sent without a solved proof of work (JavaScript off, or a bot): accepted, but held to stricter
    # limits, and triage can filter on it.
    unverified = models.BooleanField(default=False)
    # The contact details, sealed apart from the rest so that retention can drop them without the
    # staff's key (``traceobject purge``). Null when there were none, or once purged; tips sealed
    # before this column existed keep their contact inside ``sealed`` until the key escrow re-seals them.
    sealed_contact = SealedField(sealed_to=SealedTo.TIP_KEY, null=True, blank=True)
    contact_purged_at = models.DateTimeField(null=True, blank=True)
    # The tipster's own copy, sealed to a key pair derived from the receipt (``tips.receipts``), so the
    # follow-up page can show it without the staff's key. Null for tips from before follow-ups.
    tipster_public_key = models.BinaryField(null=True, blank=True)
    sealed_tipster = SealedField(sealed_to=SealedTo.TIPSTER, copy_of="sealed", null=True, blank=True)
    # A tipster's reply no analyst has opened yet: raises the tip in the inbox ("new reply").
    reply_waiting = models.BooleanField(default=False)
    # The keyed hash of the form's single-use submission token (``tips.submissions``): unique, so a form
    # posted twice stores one tip. Null for the demo content and tips from before the token.
    submission_digest = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # Set for a report from a national partner (``leads.services.partner_object_report``), to the
    # partner's country: not a tip from the public. It has no receipt and no signals, tallies or cluster,
    # so it never counts as public evidence in the consensus or the figures; the analysts weigh it apart.
    partner_country = models.CharField(max_length=2, blank=True, default="")

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
            models.Index(fields=["-id"], condition=Q(reply_waiting=True), name="tips_tip_reply_id"),
            models.Index(fields=["-id"], condition=Q(unverified=True), name="tips_tip_unverified_id"),
        ]

    def __str__(self) -> str:
        return f"tip {self.pk} on {self.object_id}"

    def audit_label(self) -> str:
        """The audit trail's label: the object by its code, which staff know, not its internal id."""
        return f"tip {self.pk} on {self.object.code}"


class Receipt(models.Model):
    tip = models.OneToOneField(Tip, on_delete=models.CASCADE, related_name="receipt")
    digest = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"receipt for tip {self.tip_id}"


class FollowUpKind(models.TextChoices):
    QUESTION = "question", _("Question")
    REPLY = "reply", _("Reply")


class FollowUp(models.Model):
    """One message of the thread between the analysts and the tipster of one tip.

    Sealed twice: ``sealed`` to the staff's tip key (like the tip), ``sealed_tipster`` to the tipster's
    receipt-derived key, so that each side can read the thread and the server alone can read neither.
    ``sealed_tipster`` is null for a question asked before the tipster's key was known (a tip from
    before follow-ups); an analyst's next look at the tip re-seals it for the tipster.
    """

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=10, choices=FollowUpKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sealed = SealedField(sealed_to=SealedTo.TIP_KEY)
    sealed_tipster = SealedField(sealed_to=SealedTo.TIPSTER, copy_of="sealed", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["tip", "created_at"], name="tips_followup_tip")]

    def __str__(self) -> str:
        return f"{self.kind} on tip {self.tip_id}"


class BarrierReport(models.Model):
    """An accessibility barrier someone met on the site, sent through the statement's public form.

    Treated like a tip, because it can hold the same kind of secret (a person who could not send a tip
    may describe the object here instead, or give contact details): everything the visitor wrote is in
    ``sealed`` (``tips.barriers.BarrierPayload``, sealed to the tip key), and the row holds nothing else
    that could say who sent it. No receipt and no follow-up: an answer goes to the contact, if given.
    """

    sealed = SealedField(sealed_to=SealedTo.TIP_KEY)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"barrier report {self.pk}"


class EndedVisit(models.Model):
    """A follow-up visit that the tipster ended with "Leave": every copy of its cookie is refused.

    The row holds a keyed digest of the cookie's random visit id, so it names no tip, and the hour after
    which the cookie would be refused anyway (``followup_cookie.ABSOLUTE_SECONDS`` after the receipt was
    entered, rounded up to the hour so that it does not date the visit to the second); rows past that
    hour are deleted. In the database, not in a cache: it must hold in every web worker, survive a restart
    of Redis and never be evicted.
    """

    visit = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"ended visit until {self.expires_at:%Y-%m-%d %H:00}"
