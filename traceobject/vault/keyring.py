"""Who holds the vault's private keys, and how a login unlocks them for one session.

The design follows GlobaLeaks (``../shared/FIELD-NOTES.md``): each staff member has a key pair of their
own (``StaffKey``) whose private half is wrapped with libsodium's secretbox under a key derived from
their password with Argon2id. Every vault private key they may use (the deployment's tip key, an
authority's key) is a ``KeyGrant``: that private key sealed to the member's public key. So:

* an administrator who holds a key can grant it to anyone with a staff key, without their password;
* a password change re-wraps one small record, not every grant;
* the server at rest holds no private key it can open.

At login the password unwraps the member's key, which opens their grants. The opened keys are put in
the session encrypted under a random key that only the member's browser holds (a cookie), so neither
the session store nor the cookie alone opens them; ``VaultSessionMiddleware`` joins the two for each
request and hands the keys to ``vault.unlocked``. See ``docs/security.md`` for what this does not cover.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from nacl import pwhash
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey
from nacl.secret import SecretBox

from traceobject import vault
from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.core.permissions import Permission, Role, role_permissions
from traceobject.vault.fields import sealed_columns
from traceobject.vault.models import KeyGrant, StaffKey, VaultKey

SESSION_KEY = "_to_vault"
# The attribute on which a login leaves the browser's half for the middleware to set as a cookie.
REQUEST_COOKIE_ATTR = "_to_vault_cookie"
# Roles that hold the deployment's tip key: those who read tips or leads, and the administrators, who
# hold every key as custodians so that they can grant it (their role gives them no page that reads tips).
_TIP_KEY_PERMISSIONS = (Permission.TIPS_TIP_READ, Permission.LEADS_LEAD_READ, Permission.ACCOUNTS_USER_MANAGE)


def _kdf_limits() -> tuple[int, int]:
    if settings.VAULT_KDF == "min":  # the test suite: the same code path, a fraction of the work
        return pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN
    return pwhash.argon2id.OPSLIMIT_INTERACTIVE, pwhash.argon2id.MEMLIMIT_INTERACTIVE


def _wrapping_key(password: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    return pwhash.argon2id.kdf(
        SecretBox.KEY_SIZE, password.encode(), salt, opslimit=opslimit, memlimit=memlimit
    )


def _wrap(staff_private: PrivateKey, password: str) -> dict[str, Any]:
    opslimit, memlimit = _kdf_limits()
    salt = secrets.token_bytes(pwhash.argon2id.SALTBYTES)
    box = SecretBox(_wrapping_key(password, salt, opslimit, memlimit))
    return {
        "wrapped_private": bytes(box.encrypt(bytes(staff_private))),
        "salt": salt,
        "opslimit": opslimit,
        "memlimit": memlimit,
        "updated_at": timezone.now(),
    }


def staff_key_unwrap(staff_key: StaffKey, password: str) -> PrivateKey | None:
    """The member's own private key, or None when this password does not open it (changed elsewhere)."""
    key = _wrapping_key(password, bytes(staff_key.salt), staff_key.opslimit, int(staff_key.memlimit))
    try:
        return PrivateKey(SecretBox(key).decrypt(bytes(staff_key.wrapped_private)))
    except CryptoError:
        return None


def staff_key_create(*, user: Any, password: str) -> PrivateKey:
    """A new key pair for ``user``, wrapped with ``password``. Replaces an old one, whose grants are
    sealed to a key nobody can open any more, so they go too."""
    private = PrivateKey.generate()
    with transaction.atomic():
        KeyGrant.objects.filter(user=user).delete()
        StaffKey.objects.update_or_create(
            user=user, defaults={"public_key": bytes(private.public_key), **_wrap(private, password)}
        )
    return private


def staff_key_rewrap(*, user: Any, old_password: str, new_password: str) -> bool:
    """On a password change: the same key pair, wrapped with the new password. False if the old password
    did not open it (then a new, empty key pair is made and the member needs a new grant)."""
    staff_key = StaffKey.objects.filter(user=user).first()
    private = staff_key_unwrap(staff_key, old_password) if staff_key is not None else None
    if private is None:
        staff_key_create(user=user, password=new_password)
        return False
    StaffKey.objects.filter(pk=staff_key.pk).update(**_wrap(private, new_password))  # type: ignore[union-attr]
    return True


def role_holds_tip_key(role: str) -> bool:
    permissions = role_permissions(role)
    return any(permission in permissions for permission in _TIP_KEY_PERMISSIONS)


def keys_for_user(user: Any) -> list[VaultKey]:
    """The vault keys ``user``'s role warrants: the tip keys, and for a partner, its authority's keys."""
    rows = VaultKey.objects.filter(retired_at__isnull=True).select_related("authority")
    wanted = []
    for key in rows:
        if key.authority is None:
            if role_holds_tip_key(user.role):
                wanted.append(key)
        elif user.role == Role.ADMINISTRATOR or (
            user.role == Role.PARTNER and key.authority.country == user.country
        ):
            wanted.append(key)
    return wanted


def grant(*, key: VaultKey, private: PrivateKey, users: Iterable[Any], granted_by: Any = None) -> list[Any]:
    """Seal ``private`` (the private half of ``key``) to each user's staff key; returns who got a new grant.

    Users without a staff key yet (never logged in since key custody began) are skipped: their first
    login makes one, and an administrator grants then.
    """
    if key_id_of(private) != key.key_id:
        raise vault.VaultError("This private key does not belong to that vault key.")
    granted = []
    staff_keys = {sk.user_id: sk for sk in StaffKey.objects.filter(user__in=[u.pk for u in users])}
    have = set(KeyGrant.objects.filter(key=key).values_list("user_id", flat=True))
    for user in users:
        staff_key = staff_keys.get(user.pk)
        if staff_key is None or user.pk in have:
            continue
        KeyGrant.objects.create(
            user=user,
            key=key,
            sealed_private=vault.seal_to(bytes(staff_key.public_key), bytes(private)),
            granted_by=granted_by if getattr(granted_by, "pk", None) else None,
        )
        granted.append(user)
    return granted


def key_id_of(private: PrivateKey) -> str:
    return vault.key_id(private.public_key).hex()


def vault_key_register(*, private: PrivateKey, authority: Any = None) -> VaultKey:
    """The public record of a key pair (idempotent)."""
    key, _created = VaultKey.objects.get_or_create(
        key_id=key_id_of(private),
        defaults={"public_key": bytes(private.public_key), "authority": authority},
    )
    return key


def authority_public_key(*, authority: Any) -> bytes:
    """The public key leads for ``authority`` are sealed to, made on first use.

    A new key pair is granted at once to the authority's partners and to the administrators (who hold
    it to grant it to later partners), then its private half is forgotten: nobody else ever sees it.
    """
    key = VaultKey.objects.filter(authority=authority, retired_at__isnull=True).first()
    if key is not None:
        return bytes(key.public_key)
    private = PrivateKey.generate()
    with transaction.atomic():
        key = vault_key_register(private=private, authority=authority)
        holders = (
            get_user_model()
            ._default_manager.filter(is_active=True)
            .filter(
                models.Q(role=Role.ADMINISTRATOR) | models.Q(role=Role.PARTNER, country=authority.country)
            )
        )
        granted = grant(key=key, private=private, users=list(holders))
        audit_record(
            actor=None,
            actor_label="system:vault",
            action=AuditAction.VAULT_KEY_CREATE,
            target=authority,
            details={"key": key.key_id, "granted": [user.pk for user in granted]},
        )
    return bytes(key.public_key)


def grants_open(*, user: Any, staff_private: PrivateKey) -> dict[bytes, PrivateKey]:
    """Every vault key ``user`` was granted, opened with their own private key."""
    opened: dict[bytes, PrivateKey] = {}
    for sealed in KeyGrant.objects.filter(user=user, key__retired_at__isnull=True).values_list(
        "sealed_private", flat=True
    ):
        try:
            private = PrivateKey(vault.open_with(staff_private, bytes(sealed)))
        except vault.VaultError:
            continue  # sealed to an earlier staff key of theirs: useless, and harmless
        opened[vault.key_id(private.public_key)] = private
    return opened


def anything_sealed_to_a_tip_key() -> bool:
    """Whether any record is sealed to a tip key: then a new tip key must not be made up (see below)."""
    return any(
        column.model._default_manager.filter(**{f"{column.name}__isnull": False}).exists()
        for column in sealed_columns()
    )


def tip_key_bootstrap(*, user: Any, actor: Any = None) -> VaultKey | None:
    """Make sure a deployment tip key is on record and, where possible, granted to ``user``.

    The first time (no tip key in the database): the configured private key is put in escrow if there
    is one; otherwise, on a fresh installation with nothing sealed yet (no tip, note, lead…), a new key
    pair is made, recorded and granted, and its private half is never written anywhere else. With
    records already sealed to a key this server cannot open, nothing is made up: ``traceobject vault
    escrow --private-key-file`` is the way.
    """
    if not role_holds_tip_key(user.role):
        return None
    configured = vault.configured_private_key()
    key = VaultKey.objects.filter(authority__isnull=True, retired_at__isnull=True).first()
    private: PrivateKey | None
    if key is None:
        if configured is not None:
            private = configured
        elif not anything_sealed_to_a_tip_key():
            private = PrivateKey.generate()
        else:
            return None
        key = vault_key_register(private=private)
        vault.active_key_forget()
    else:
        private = vault.held_keys().get(bytes.fromhex(key.key_id))  # the configured key is one of them
    if private is not None:
        granted = grant(key=key, private=private, users=[user], granted_by=actor)
        if granted:
            audit_record(
                actor=actor if getattr(actor, "pk", None) else None,
                actor_label="" if getattr(actor, "pk", None) else "system:vault",
                action=AuditAction.VAULT_GRANT,
                target=user,
                details={"keys": [key.key_id]},
            )
    return key


def grant_held(*, actor: Any, user: Any, actor_label: str = "") -> list[str]:
    """An administrator grants ``user`` every key the administrator holds now and the user's role
    warrants. Returns the key ids granted. ``actor=None`` with ``actor_label`` is the system (the demo)."""
    held = vault.held_keys()
    granted = []
    with transaction.atomic():
        for key in keys_for_user(user):
            private = held.get(bytes.fromhex(key.key_id))
            if private is not None and grant(key=key, private=private, users=[user], granted_by=actor):
                granted.append(key.key_id)
        if granted:
            audit_record(
                actor=actor,
                actor_label="" if actor is not None else actor_label,
                action=AuditAction.VAULT_GRANT,
                target=user,
                details={"keys": granted},
            )
    return granted


def grants_revoke_unwarranted(*, user: Any) -> int:
    """After a role or country change: drop the grants the new role does not warrant."""
    keep = {key.pk for key in keys_for_user(user)}
    deleted, _rows = KeyGrant.objects.filter(user=user).exclude(key__in=keep).delete()
    return deleted


def keys_missing(*, user: Any) -> list[VaultKey]:
    """The keys ``user``'s role warrants that they do not hold a grant for."""
    have = set(KeyGrant.objects.filter(user=user).values_list("key_id", flat=True))
    return [key for key in keys_for_user(user) if key.pk not in have]


def grants_revoke_all(*, user: Any) -> int:
    deleted, _rows = KeyGrant.objects.filter(user=user).delete()
    return deleted


def _own_key(*, user: Any, password: str) -> PrivateKey:
    """The member's own private key, unwrapped with the password; a new key pair when they have none or
    the password no longer opens it (set outside the staff page), which costs the grants and is audited."""
    staff_key = StaffKey.objects.filter(user=user).first()
    staff_private = staff_key_unwrap(staff_key, password) if staff_key is not None else None
    if staff_private is None:
        with transaction.atomic():
            staff_private = staff_key_create(user=user, password=password)
            # Visible to the administrators: a password set outside the staff page cost these grants.
            audit_record(
                actor=None,
                actor_label="system:vault",
                action=AuditAction.VAULT_KEY_PAIR_CREATE
                if staff_key is None
                else AuditAction.VAULT_KEY_PAIR_RESET,
                target=user,
            )
    if (
        vault.configured_private_key() is not None
        or not VaultKey.objects.filter(authority__isnull=True).exists()
    ):
        with transaction.atomic():
            tip_key_bootstrap(user=user)
    return staff_private


def keys_unlock(*, user: Any, password: str) -> dict[bytes, PrivateKey]:
    """At login, with the password in hand: the member's key pair (made now if they have none, or if
    the password no longer opens it), their grants opened, and during the move to escrow a grant of
    the configured key."""
    return grants_open(user=user, staff_private=_own_key(user=user, password=password))


def session_unlock(request: HttpRequest, *, user: Any, password: str) -> None:
    """The login's part: unlock the member's keys and keep them, with their own key, for the session."""
    own = _own_key(user=user, password=password)
    session_hold(request, grants_open(user=user, staff_private=own), own=own)


# --- The session half and the cookie half -----------------------------------------------------------


def _b64(key: PrivateKey) -> str:
    return base64.b64encode(bytes(key)).decode()


def _serialize(keys: dict[bytes, PrivateKey], own: PrivateKey | None) -> bytes:
    held = {kid.hex(): _b64(key) for kid, key in keys.items()}
    return json.dumps({"keys": held, "own": _b64(own) if own is not None else None}).encode()


def _session_content(request: HttpRequest, cookie_value: str | None) -> dict[str, Any]:
    blob = request.session.get(SESSION_KEY)
    if not blob or not cookie_value:
        return {}
    try:
        cookie_key = base64.urlsafe_b64decode(cookie_value.encode())
        content: dict[str, Any] = json.loads(SecretBox(cookie_key).decrypt(base64.b64decode(blob)))
    except (ValueError, CryptoError, TypeError):
        return {}
    return content


def session_hold(request: HttpRequest, keys: dict[bytes, PrivateKey], own: PrivateKey | None = None) -> None:
    """Keep ``keys`` (and the member's own key, to pick up later grants) for this login: encrypted in the
    session, the key to them in a cookie."""
    cookie_key = secrets.token_bytes(SecretBox.KEY_SIZE)
    request.session[SESSION_KEY] = base64.b64encode(
        bytes(SecretBox(cookie_key).encrypt(_serialize(keys, own)))
    ).decode()
    setattr(request, REQUEST_COOKIE_ATTR, base64.urlsafe_b64encode(cookie_key).decode())


def session_keys(request: HttpRequest, cookie_value: str | None) -> dict[bytes, PrivateKey]:
    """The keys this session holds, or none when either half is missing or they do not match."""
    held = _session_content(request, cookie_value).get("keys") or {}
    return {bytes.fromhex(kid): PrivateKey(base64.b64decode(key)) for kid, key in held.items()}


def session_refresh(request: HttpRequest, cookie_value: str | None) -> bool:
    """After a rotation or a new authority key: open the member's grants again with the own key the
    session keeps, and hold what is new. Returns whether the session now holds more keys."""
    content = _session_content(request, cookie_value)
    if not content.get("own"):
        return False
    own = PrivateKey(base64.b64decode(content["own"]))
    fresh = grants_open(user=request.user, staff_private=own)
    if set(fresh) <= set(session_keys(request, cookie_value)):
        return False
    session_hold(request, fresh, own=own)
    return True


@contextmanager
def session_fresh(request: HttpRequest) -> Iterator[None]:
    """For the block, hold every key the member's grants open now, including keys granted since the
    login (a new authority's key, made with its first lead; a rotation's new key), so that an
    administrator can grant them at once instead of logging out and in. A staff-side request only."""
    cookie_value = request.COOKIES.get(settings.STAFF_VAULT_COOKIE_NAME)
    session_refresh(request, cookie_value)
    # A refresh holds the keys under a new cookie key, which the middleware sends with the response.
    cookie_value = getattr(request, REQUEST_COOKIE_ATTR, None) or cookie_value
    with vault.unlocked(session_keys(request, cookie_value)):
        yield


def cookie_set(response: HttpResponse, *, name: str, value: str, path: str) -> None:
    response.set_cookie(
        name,
        value,
        path=path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
