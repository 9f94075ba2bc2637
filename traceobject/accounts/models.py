from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac

from traceobject.core.permissions import Role

_SESSION_HASH_SALT = "traceobject.accounts.User.get_session_auth_hash"


class User(AbstractUser):
    """A staff member. The public never has an account.

    One role per account keeps the permission question simple; a partner is bound to the country
    of its authority (the authority directory itself comes with the leads).
    """

    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO country, for partners only.")
    is_demo = models.BooleanField(default=False)
    # Set when an administrator (or ``createstaff``) chose the password: the workspace then opens only
    # the password page until the member has replaced it with their own. Demo accounts never have it.
    must_change_password = models.BooleanField(default=False)
    # Bumped when a second factor is reset: it is part of the session hash below, so that every session
    # the account had (including one that only passed the password step) ends at once.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="partner") | ~models.Q(country=""),
                name="partner_has_country",
            )
        ]

    def _session_hash(self, secret: str | bytes | None = None) -> str:
        value = f"{self.password}\x00{self.session_generation}"
        return salted_hmac(_SESSION_HASH_SALT, value, secret=secret, algorithm="sha256").hexdigest()

    def get_session_auth_hash(self) -> str:
        """Django's HMAC of the password, plus the session generation (see above)."""
        return self._session_hash()

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)


class LoginThrottle(models.Model):
    """Failed password attempts for one username, whether or not an account has that name.

    The row is keyed by a keyed hash of the casefolded username (the key is derived from SECRET_KEY,
    which never lives in the database), so the table neither lists usernames nor says which of them
    exist, and it holds nothing about the client: no address, no browser. Rows of quiet usernames are
    pruned as failures come in.
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:8]}… ({self.failures})"


class ApiToken(models.Model):
    """A bearer token for the API (``accounts/apitokens.py``, docs/security.md "API tokens").

    The secret is shown once and never stored: ``secret_hash`` is its SHA-256 (it has 256 random bits,
    so no slow hash is needed), found through the public ``prefix``. ``wrapped_keys`` holds the vault
    keys the account's role warrants, encrypted under a key derived from the secret with a salt of this
    token: the database alone opens nothing, the token opens what a login of the account would.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=16, unique=True)
    label = models.CharField(max_length=100, blank=True)
    secret_hash = models.BinaryField(max_length=32)
    salt = models.BinaryField(max_length=16)
    wrapped_keys = models.BinaryField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # A day, not a time, and never an address: enough to spot a token nobody uses any more.
    last_used_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix} ({self.user_id})"
