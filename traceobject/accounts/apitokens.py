"""API tokens that carry the vault (issue 15; docs/security.md, "API tokens").

A token reads ``to_<prefix>_<secret>``: ``prefix`` is 12 random hex digits, public, shown in lists and
used to find the row; ``secret`` is 32 random bytes (base64url). The database keeps:

* ``secret_hash``: SHA-256 of the secret, compared in constant time. The secret has 256 random bits, so
  a slow hash would add nothing: there is no password to guess, only a key space.
* ``wrapped_keys``: the vault keys the account's role warrants (an authority's key for a partner),
  encrypted with libsodium's secretbox under ``BLAKE2b(secret, salt=<random per token>, person=...)``,
  a key derivation with a personalisation of its own, so that it is unrelated to the stored hash.

At each request the secret derives the wrapping key, the keys are unwrapped, filtered again by what the
account's role warrants *now* (a role change or a retired key drops them), held for that request only
(``vault.unlocked``), and the secret is forgotten. A copy of the database without the token opens
nothing; the token opens what a login of the account would have opened when the token was made.

Who can wrap the keys: whoever holds them when the token is made. An administrator on the account's page
holds every key (custodian), so the token gets the keys of the account's role that the administrator's
session holds; ``traceobject apitoken create`` holds none unless it is given the account's own password,
which opens the account's grants as a login does. A token made without keys lists leads but cannot
open one. Keys made later (a rotation, an authority's first lead) are not in older tokens: issue a new
one (docs/api.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey
from nacl.secret import SecretBox

from traceobject import vault
from traceobject.accounts.models import ApiToken
from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.core.errors import ApplicationError
from traceobject.vault import keyring
from traceobject.vault.models import StaffKey

TOKEN_PREFIX = "to"  # noqa: S105 - the marker of the format, not a secret
_PERSON = b"traceobject-api1"  # BLAKE2b personalisation: 16 bytes, this use only
_SALT_BYTES = 16


@dataclass(frozen=True)
class TokenAuth:
    """A token that passed: its row, its account and the vault keys it opened (for this request)."""

    token: ApiToken
    user: Any
    keys: dict[bytes, PrivateKey]


class TokenRefused(Exception):  # noqa: N818 - a refusal, not a program error
    """Why a presented token was refused (``reason``) and, when the row was found, which token."""

    def __init__(self, reason: str, token: ApiToken | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.token = token


def _wrapping_key(secret: bytes, salt: bytes) -> bytes:
    return hashlib.blake2b(secret, digest_size=SecretBox.KEY_SIZE, salt=salt, person=_PERSON).digest()


def _secret_hash(secret: bytes) -> bytes:
    return hashlib.sha256(secret).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse(raw: str) -> tuple[str, bytes] | None:
    """(prefix, secret) of a well-formed token, else None."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 12:
        return None
    try:
        int(parts[1], 16)
        secret = _unb64(parts[2])
    except ValueError:
        return None
    return (parts[1], secret) if len(secret) == 32 else None


def keys_wanted(*, user: Any, held: dict[bytes, PrivateKey]) -> dict[bytes, PrivateKey]:
    """Of the keys ``held`` now, those the account's role warrants."""
    wanted = {bytes.fromhex(key.key_id) for key in keyring.keys_for_user(user)}
    return {kid: key for kid, key in held.items() if kid in wanted}


def keys_from_password(*, user: Any, password: str) -> dict[bytes, PrivateKey]:
    """The account's grants, opened with its own password as a login would, but changing nothing: a wrong
    password, or a key pair the password does not open, is an error instead of a new key pair."""
    staff_key = StaffKey.objects.filter(user=user).first()
    own = keyring.staff_key_unwrap(staff_key, password) if staff_key is not None else None
    if not user.check_password(password) or own is None:
        raise ApplicationError(_("This password does not open the account's vault key."))
    return keyring.grants_open(user=user, staff_private=own)


def apitoken_create(
    *,
    actor: Any,
    user: Any,
    held: dict[bytes, PrivateKey],
    expires_days: int | None = None,
    label: str = "",
    actor_label: str = "",
) -> tuple[ApiToken, str]:
    """A new token for ``user``, carrying the keys of ``held`` its role warrants. Returns the row and the
    token, which exists nowhere else: show it once. ``actor=None`` with ``actor_label`` is the CLI."""
    days = settings.API_TOKEN_DEFAULT_DAYS if expires_days is None else expires_days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ApplicationError(
            _("A token lasts from 1 to %(days)s days.") % {"days": settings.API_TOKEN_MAX_DAYS}
        )
    if not user.is_active:
        raise ApplicationError(_("This account is deactivated."))
    keys = keys_wanted(user=user, held=held)
    secret = secrets.token_bytes(32)
    salt = secrets.token_bytes(_SALT_BYTES)
    content = json.dumps({kid.hex(): _b64(bytes(key)) for kid, key in keys.items()}).encode()
    now = timezone.now()
    with transaction.atomic():
        while True:
            prefix = secrets.token_hex(6)
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        token = ApiToken.objects.create(
            user=user,
            prefix=prefix,
            label=label.strip()[:100],
            secret_hash=_secret_hash(secret),
            salt=salt,
            wrapped_keys=bytes(SecretBox(_wrapping_key(secret, salt)).encrypt(content)),
            created_at=now,
            created_by=actor if getattr(actor, "pk", None) else None,
            expires_at=now + timedelta(days=days),
        )
        audit_record(
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label="" if getattr(actor, "pk", None) else actor_label,
            action=AuditAction.API_TOKEN_CREATE,
            target=user,
            details={
                "prefix": prefix,
                "expires_at": token.expires_at.isoformat(),
                "keys": sorted(kid.hex() for kid in keys),
            },
        )
    return token, f"{TOKEN_PREFIX}_{prefix}_{_b64(secret)}"


def apitoken_revoke(*, actor: Any, token: ApiToken, actor_label: str = "") -> bool:
    """Revoke ``token`` (idempotent: False when it was already revoked)."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            audit_record(
                actor=actor if getattr(actor, "pk", None) else None,
                actor_label="" if getattr(actor, "pk", None) else actor_label,
                action=AuditAction.API_TOKEN_REVOKE,
                target=token.user,
                details={"prefix": token.prefix},
            )
    return bool(updated)


def apitokens_for_user(*, user: Any) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).select_related("created_by"))


def apitoken_by_prefix(*, user: Any, prefix: str) -> ApiToken | None:
    return ApiToken.objects.filter(user=user, prefix=prefix).first()


def _unwrap(token: ApiToken, secret: bytes) -> dict[bytes, PrivateKey]:
    try:
        content = json.loads(
            SecretBox(_wrapping_key(secret, bytes(token.salt))).decrypt(bytes(token.wrapped_keys))
        )
    except (CryptoError, ValueError) as exc:
        raise TokenRefused("undecryptable", token) from exc
    return {bytes.fromhex(kid): PrivateKey(_unb64(key)) for kid, key in content.items()}


def apitoken_authenticate(raw: str) -> TokenAuth:
    """The token's account and its vault keys for this request, or ``TokenRefused``.

    Each refusal costs the same work whether the prefix exists or not (one lookup, one hash), and the
    answer to the client never says which check failed.
    """
    parsed = parse(raw)
    if parsed is None:
        raise TokenRefused("malformed")
    prefix, secret = parsed
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    presented = _secret_hash(secret)
    if token is None:
        hmac.compare_digest(presented, bytes(32))
        raise TokenRefused("unknown")
    if not hmac.compare_digest(presented, bytes(token.secret_hash)):
        raise TokenRefused("wrong_secret", token)
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused("revoked", token)
    if token.expires_at <= now:
        raise TokenRefused("expired", token)
    if not token.user.is_active:
        raise TokenRefused("inactive", token)
    keys = keys_wanted(user=token.user, held=_unwrap(token, secret))
    today = timezone.localdate(now)
    if token.last_used_on != today:
        ApiToken.objects.filter(pk=token.pk).update(last_used_on=today)
    return TokenAuth(token=token, user=token.user, keys=keys)


def apitoken_refusal_record(refused: TokenRefused) -> None:
    """Audit a refused token: who it named (when the row was found) and why, never what was presented."""
    token = refused.token
    with transaction.atomic():
        audit_record(
            actor=None,
            actor_label="system:api",
            action=AuditAction.API_AUTH_FAILED,
            target=token.user if token is not None else None,
            details={"reason": refused.reason, **({"prefix": token.prefix} if token is not None else {})},
        )


def vault_keys_held() -> dict[bytes, PrivateKey]:
    """The keys this request holds (an administrator's session), for ``apitoken_create``."""
    return vault.held_keys()
