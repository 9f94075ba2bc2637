"""The follow-up page's only state: one encrypted, browser-session cookie, ``to_followup``.

No server-side session and no account: after a correct receipt the browser holds the tip id and the
tipster's private key (derived from the receipt), encrypted with a key derived from ``SECRET_KEY``
(libsodium secretbox), so that the receipt need not be typed again on every page and is never kept on
the server. The cookie has no Max-Age (it ends when the browser closes), is HttpOnly, SameSite=Strict and
confined to the follow-up pages' path; the server also refuses it after ``FOLLOWUP_IDLE_MINUTES``
without a request and after ``ABSOLUTE_SECONDS`` in all, whatever the browser keeps.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time

from django.conf import settings
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey
from nacl.secret import SecretBox

from traceobject.tips.followups import TipsterAccess

COOKIE_NAME = "to_followup"
# However active, a visit is re-authenticated with the receipt after this long.
ABSOLUTE_SECONDS = 8 * 3600


def idle_seconds() -> int:
    return int(settings.FOLLOWUP_IDLE_MINUTES) * 60


def _box() -> SecretBox:
    # A key of its own, derived from SECRET_KEY with a purpose string: this cookie can never be
    # confused with Django's signed values, and rotating SECRET_KEY ends every follow-up visit.
    key = hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=32, person=b"to-followup-v1").digest()
    return SecretBox(key)


def access_dump(access: TipsterAccess, *, issued: float, now: float | None = None) -> str:
    """The cookie value for ``access``: issued at ``issued``, last active ``now``."""
    now = time.time() if now is None else now
    document = {
        "t": access.tip_id,
        "k": base64.b64encode(bytes(access.private_key)).decode(),
        "i": int(issued),
        "a": int(now),
    }
    sealed = _box().encrypt(json.dumps(document, separators=(",", ":")).encode())
    return base64.urlsafe_b64encode(bytes(sealed)).decode().rstrip("=")


def access_load(value: str | None, *, now: float | None = None) -> tuple[TipsterAccess, float] | None:
    """The access and its issue time a cookie holds, or None if it is missing, forged, damaged or
    expired (idle too long, or too old)."""
    if not value:
        return None
    now = time.time() if now is None else now
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        document = json.loads(_box().decrypt(raw))
        tip_id = int(document["t"])
        private_key = PrivateKey(base64.b64decode(document["k"], validate=True))
        issued = float(document["i"])
        active = float(document["a"])
    except (ValueError, TypeError, KeyError, CryptoError):
        return None
    if now - active > idle_seconds() or now - issued > ABSOLUTE_SECONDS or active > now + 60:
        return None
    return TipsterAccess(tip_id=tip_id, private_key=private_key), issued


__all__ = ["ABSOLUTE_SECONDS", "COOKIE_NAME", "access_dump", "access_load", "idle_seconds"]
