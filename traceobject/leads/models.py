"""Determinations, the authorities that receive leads, the leads themselves and their outcomes.

A determination is the analysts' decision on an object (four eyes: its confirmer is never its
proposer). Confirming an *identified* one freezes one lead per country: a sealed snapshot, so that what
an authority receives never changes after the fact and holds tip text only in encrypted form.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from traceobject.gallery.models import Object
from traceobject.vault.fields import SealedField, SealedTo


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("confidence in a country", "Confirmed")
    LIKELY = "likely", _("Likely")
    POSSIBLE = "possible", _("Possible")


class DeterminationKind(models.TextChoices):
    IDENTIFIED = "identified", pgettext_lazy("determination kind: the object was identified", "Identified")
    WIDESPREAD = "widespread", _("Widespread")


class DeterminationState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", pgettext_lazy("determination state", "Confirmed")
    REJECTED = "rejected", _("Rejected")


class Authority(models.Model):
    """The competent national authority for one country: the directory that leads are sent to.

    Its members are the partner accounts (``accounts.User`` with role ``partner``) of the same country.
    """

    country = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["country"]
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return f"{self.country} {self.name}"


class Determination(models.Model):
    object = models.ForeignKey(Object, on_delete=models.PROTECT, related_name="determinations")
    kind = models.CharField(max_length=16, choices=DeterminationKind.choices)
    state = models.CharField(
        max_length=16, choices=DeterminationState.choices, default=DeterminationState.PROPOSED
    )
    rationale = models.TextField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # Four eyes, kept by the database too: whoever decides is never whoever proposed.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="leads_determination_four_eyes",
            ),
            # One live decision per object: a new proposal waits until the last one is rejected.
            models.UniqueConstraint(
                fields=["object"],
                condition=Q(state__in=["proposed", "confirmed"]),
                name="leads_determination_one_live",
            ),
        ]
        indexes = [models.Index(fields=["state", "-proposed_at"], name="leads_det_state")]

    def __str__(self) -> str:
        return f"determination {self.pk} of {self.object_id} ({self.kind}, {self.state})"

    def audit_label(self) -> str:
        """The audit trail's label: the object by its code, which staff know, not its internal id."""
        return f"determination {self.pk} of {self.object.code} ({self.kind}, {self.state})"


class DeterminationCountry(models.Model):
    """One likely country of an identified determination, with its confidence and supporting tips."""

    determination = models.ForeignKey(Determination, on_delete=models.CASCADE, related_name="countries")
    country = models.CharField(max_length=2)
    confidence = models.CharField(max_length=16, choices=Confidence.choices)
    rationale = models.TextField()
    tips = models.ManyToManyField("tips.Tip", related_name="+", blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["determination", "country"], name="leads_detcountry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.country} ({self.confidence})"


class LeadState(models.TextChoices):
    READY = "ready", pgettext_lazy("lead state", "Ready")
    SENT = "sent", pgettext_lazy("lead state", "Sent")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("lead state", "Acknowledged")
    CLOSED = "closed", _("Closed")


class Lead(models.Model):
    """The frozen package for one authority: ``sealed`` holds the snapshot JSON (with tip text)."""

    reference = models.CharField(max_length=20, unique=True)
    determination = models.ForeignKey(Determination, on_delete=models.PROTECT, related_name="leads")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="leads")
    country = models.CharField(max_length=2)
    state = models.CharField(max_length=16, choices=LeadState.choices, default=LeadState.READY)
    sealed = SealedField(sealed_to=SealedTo.TIP_KEY)
    # The same snapshot sealed to the authority's own key pair: what the partner portal opens.
    sealed_partner = SealedField(
        sealed_to=SealedTo.AUTHORITY, copy_of="sealed", authority="authority", null=True, blank=True
    )
    snapshot_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["determination", "country"], name="leads_lead_unique")]
        indexes = [
            models.Index(fields=["state", "sent_at"], name="leads_lead_state_sent"),
            models.Index(fields=["country", "-created_at"], name="leads_lead_country"),
        ]

    def __str__(self) -> str:
        return self.reference


class OutcomeKind(models.TextChoices):
    INVESTIGATION_OPENED = "investigation_opened", _("Investigation opened")
    VICTIM_IDENTIFIED = "victim_identified", _("Victim identified")
    OFFENDER_ARRESTED = "offender_arrested", _("Offender arrested")
    CLOSED_NO_RESULT = "closed_no_result", _("Closed without result")


# The kinds whose ``count`` says how many people; the others carry no count.
COUNTED_OUTCOMES = (OutcomeKind.VICTIM_IDENTIFIED, OutcomeKind.OFFENDER_ARRESTED)


class Outcome(models.Model):
    """A partner's report back on a lead; the public figures are sums over these."""

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="outcomes")
    kind = models.CharField(max_length=24, choices=OutcomeKind.choices)
    count = models.PositiveIntegerField(default=0)
    sealed_update = SealedField(sealed_to=SealedTo.TIP_KEY)
    # The same update sealed to the authority's key, so that the partner can read back what it wrote.
    sealed_partner_update = SealedField(
        sealed_to=SealedTo.AUTHORITY,
        copy_of="sealed_update",
        authority="lead__authority",
        null=True,
        blank=True,
    )
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)
    # The earlier version this one corrects. A correction never edits a row: it adds the new version and
    # links it here, so the history stays readable. One-to-one, so a version is corrected at most once and
    # the current versions are exactly those nobody corrected (``selectors.outcomes_current``).
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction"
    )

    class Meta:
        ordering = ["reported_at", "id"]
        indexes = [models.Index(fields=["kind"], name="leads_outcome_kind")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.lead_id}"

    def audit_label(self) -> str:
        """The audit trail's label: the lead by its reference, not its internal id."""
        return f"{self.kind} on {self.lead.reference}"
