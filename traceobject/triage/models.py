"""Triage data: machine signals, near-duplicate clusters, and the aggregates the pages read.

The aggregates (``ClusterSupport``, ``ObjectSupport``, ``Tally``) are kept up to date as tips arrive
and as analysts change statuses, so that no page runs a GROUP BY over every tip. None of these rows
holds what a tipster wrote: a country signal keeps an ISO code and where in the text it was found
(offsets); a link's domain or a shop name is the tipster's own words, so it is kept as a keyed digest
for grouping, and its text only sealed by the vault, once, in ``Term``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from traceobject.gallery.models import Object
from traceobject.vault.fields import SealedField, SealedTo


class SignalKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    DOMAIN = "domain", _("Domain")
    SHOP = "shop", _("Shop or brand")


class Term(models.Model):
    """A domain or shop name as tipsters wrote it: grouped by a keyed digest, readable only through
    the vault (``triage.terms``)."""

    kind = models.CharField(max_length=8, choices=SignalKind.choices)
    digest = models.CharField(max_length=32)
    sealed = SealedField(sealed_to=SealedTo.TIP_KEY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "digest"], name="triage_term_key")]

    def __str__(self) -> str:
        return f"{self.kind} term {self.digest}"


class Cluster(models.Model):
    """Near-duplicate tips of one object, counted once as evidence.

    Its primary key is its first tip, the representative: a cluster exists only from its first tip on.
    """

    representative = models.OneToOneField(
        "tips.Tip", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    object = models.ForeignKey(Object, on_delete=models.CASCADE, related_name="clusters")
    size = models.PositiveIntegerField(default=1)
    relevant = models.PositiveIntegerField(default=0)
    # The newest member, so that the object queue can show active clusters first by keyset.
    last_tip_id = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["object", "-size", "-last_tip_id"], name="triage_cluster_queue"),
        ]

    def __str__(self) -> str:
        return f"cluster {self.pk} of {self.object_id}"

    def audit_label(self) -> str:
        """The audit trail's label: the object by its code, which staff know, not its internal id."""
        return f"cluster {self.pk} of {self.object.code}"


class Signal(models.Model):
    """One fact a machine read from one tip, with its source and confidence."""

    tip = models.ForeignKey("tips.Tip", on_delete=models.CASCADE, related_name="signals")
    kind = models.CharField(max_length=8, choices=SignalKind.choices)
    # An ISO code for a country; the digest of a ``Term`` for a domain or a shop.
    value = models.CharField(max_length=200)
    source = models.CharField(max_length=12)
    confidence = models.FloatField()
    # Where it was read: the payload field and the character offsets in it (for highlighting).
    field = models.CharField(max_length=12)
    start = models.PositiveIntegerField(null=True)
    end = models.PositiveIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "value", "-tip"], name="triage_signal_inbox")]

    def __str__(self) -> str:
        return f"{self.kind}={self.value} ({self.source}, {self.confidence:.2f})"


class Fingerprint(models.Model):
    """A tip's MinHash signature, from shingles hashed with a deployment key (see ``triage.clusters``)."""

    tip = models.OneToOneField("tips.Tip", on_delete=models.CASCADE, primary_key=True, related_name="+")
    signature = models.BinaryField()
    # The tip's cluster, copied here (a tip never changes cluster): the intake's candidate lookup then
    # reads the band keys and this table only, not the tips table, whose many indexes made planning that
    # one query cost more than running it.
    cluster_id = models.BigIntegerField(null=True)

    def __str__(self) -> str:
        return f"fingerprint of tip {self.pk}"


class Band(models.Model):
    """One LSH band key of one tip: tips of the same object sharing a key are candidate duplicates."""

    pk = models.CompositePrimaryKey("object_id", "key", "tip_id")
    object = models.ForeignKey(Object, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    key = models.BigIntegerField()
    tip = models.ForeignKey("tips.Tip", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"band {self.key} of tip {self.tip_id}"


class ClusterSupport(models.Model):
    """What one cluster says: each value once, however many of its tips say it."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="support")
    object = models.ForeignKey(Object, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=SignalKind.choices)
    value = models.CharField(max_length=200)
    tips = models.PositiveIntegerField(default=0)
    relevant_tips = models.PositiveIntegerField(default=0)
    confidence = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cluster", "kind", "value"], name="triage_cluster_support_key")
        ]
        indexes = [models.Index(fields=["object", "kind", "value"], name="triage_cluster_support_obj")]

    def __str__(self) -> str:
        return f"{self.kind}={self.value} in cluster {self.cluster_id}"


class ObjectSupport(models.Model):
    """The consensus of one object: support for each value by independent clusters."""

    object = models.ForeignKey(Object, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=SignalKind.choices)
    value = models.CharField(max_length=200)
    clusters = models.PositiveIntegerField(default=0)
    relevant_clusters = models.PositiveIntegerField(default=0)
    tips = models.PositiveIntegerField(default=0)
    # Sum over clusters of the cluster's best confidence, a verified cluster's counted twice
    # (aggregates.VERIFIED_WEIGHT): ranks a country named outright above one guessed from an ambiguous
    # city, and one analysts verified above one they have not.
    score = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["object", "kind", "value"], name="triage_object_support_key")
        ]
        # The consensus's order: verified support first, then the score.
        indexes = [
            models.Index(
                fields=["object", "kind", "-relevant_clusters", "-score"], name="triage_object_support_rank"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}={self.value} for {self.object_id}"


class Tally(models.Model):
    """A counter of one object's tips along one dimension (status, language, day, ...).

    The inbox's per-filter counts and the tips-per-day chart sum these rows instead of counting tips.
    """

    object = models.ForeignKey(Object, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=12)
    value = models.CharField(max_length=32)
    tips = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["object", "dimension", "value"], name="triage_tally_key")
        ]
        indexes = [models.Index(fields=["dimension", "value"], name="triage_tally_dimension")]

    def __str__(self) -> str:
        return f"{self.dimension}={self.value}: {self.tips} ({self.object_id})"


class Label(models.Model):
    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TipNote(models.Model):
    """An analyst's internal note on a tip, sealed by the vault like the tip itself."""

    tip = models.ForeignKey("tips.Tip", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sealed = SealedField(sealed_to=SealedTo.TIP_KEY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note {self.pk} on tip {self.tip_id}"
