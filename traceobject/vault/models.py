"""The vault's key custody: key pairs, the staff's own keys, grants and rotations.

These tables were created by the tips app (issue 6) and keep their names (``tips_vaultkey`` …): the vault
became an app of its own in issue 13 by a change of the migrations' state only, with no data copied.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from traceobject.vault.fields import SealedField, SealedTo


class VaultKey(models.Model):
    """A key pair of the vault: the deployment's tip key (``authority`` null) or one authority's key.

    Only the public half is stored readable. The private half exists only as ``KeyGrant`` rows, each
    sealed to one staff member's own key pair (``StaffKey``), whose private half is wrapped with a key
    derived from that member's password.
    """

    key_id = models.CharField(max_length=16, unique=True)  # hex of ``traceobject.vault.key_id``
    public_key = models.BinaryField()
    # By app label, through Django's registry: the vault imports nothing from leads, which sits above it.
    authority = models.ForeignKey(
        "leads.Authority", on_delete=models.CASCADE, null=True, blank=True, related_name="vault_keys"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a rotation has moved everything sealed to this key onto its successor.
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "tips_vaultkey"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"vault key {self.key_id}"


class StaffKey(models.Model):
    """One staff member's own key pair; the private half wrapped (secretbox) under Argon2id(password)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vault_key")
    public_key = models.BinaryField()
    wrapped_private = models.BinaryField()
    salt = models.BinaryField()
    opslimit = models.PositiveIntegerField()
    memlimit = models.PositiveBigIntegerField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "tips_staffkey"

    def __str__(self) -> str:
        return f"staff key of {self.user_id}"


class KeyGrant(models.Model):
    """A vault private key sealed to one staff member's public key: their copy of it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="key_grants")
    key = models.ForeignKey(VaultKey, on_delete=models.CASCADE, related_name="grants")
    sealed_private = SealedField(sealed_to=SealedTo.STAFF)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "tips_keygrant"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="tips_keygrant_unique")]

    def __str__(self) -> str:
        return f"grant of {self.key_id} to {self.user_id}"


class KeyRotation(models.Model):
    """Moving every sealed record from one tip key to a new one, resumably, in a task.

    The task needs the old private key. It is kept here sealed to a one-off rotation key whose private
    half lives only in the cache (``vault.rotation.ROTATION_CACHE_KEY``): the database alone cannot open
    it, and once the cache entry is gone an administrator resumes from their own session.
    """

    old_key = models.ForeignKey(VaultKey, on_delete=models.PROTECT, related_name="+")
    new_key = models.ForeignKey(VaultKey, on_delete=models.PROTECT, related_name="+")
    sealed_old_private = SealedField(sealed_to=SealedTo.ONE_OFF, null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    resealed = models.PositiveIntegerField(default=0)
    # The walk's place: the pass (two: the second catches records a process sealed to the old key in
    # the seconds before it learnt of the new one) and the last primary key done per sealed column.
    progress = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "tips_keyrotation"

    def __str__(self) -> str:
        return f"rotation {self.old_key_id} -> {self.new_key_id}"
