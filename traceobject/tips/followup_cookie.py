"""The follow-up page's only state: one encrypted, browser-session cookie, ``to_followup``.

No server-side session and no account: after a correct receipt the browser holds the tip id and the
tipster's private key (derived from the receipt), encrypted with a key derived from ``SECRET_KEY``
(libsodium secretbox), so that the receipt need not be typed again on every page and is never kept on
the server. The cookie has no Max-Age (it ends when the browser closes), is HttpOnly, SameSite=Strict and
confined to the follow-up pages' path; the server also refuses it after ``FOLLOWUP_IDLE_MINUTES``
without a request and after ``ABSOLUTE_SECONDS`` in all, whatever the browser keeps.

Each visit (one correct receipt) carries a random visit id, kept through every refresh of the cookie.
"Leave" records that id as ended in the database (``tips.followups.followup_visit_end``), so that every
copy of the cookie, however it was saved, stops opening the thread at once, in every web worker.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass

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


VISIT_ID_BYTES = 16


@dataclass(frozen=True)
class Visit:
    """What one follow-up cookie holds: the access, when the receipt opened it, and the visit's id."""

    access: TipsterAccess
    issued: float
    visit_id: bytes


def visit_new(access: TipsterAccess, *, now: float | None = None) -> Visit:
    """A new visit after a correct receipt, with a fresh random id."""
    issued = time.time() if now is None else now
    return Visit(access=access, issued=issued, visit_id=secrets.token_bytes(VISIT_ID_BYTES))


def access_dump(visit: Visit, *, now: float | None = None) -> str:
    """The cookie value for ``visit``, last active ``now``."""
    now = time.time() if now is None else now
    document = {
        "t": visit.access.tip_id,
        "k": base64.b64encode(bytes(visit.access.private_key)).decode(),
        "v": base64.b64encode(visit.visit_id).decode(),
        "i": int(visit.issued),
        "a": int(now),
    }
    sealed = _box().encrypt(json.dumps(document, separators=(",", ":")).encode())
    return base64.urlsafe_b64encode(bytes(sealed)).decode().rstrip("=")


def access_load(value: str | None, *, now: float | None = None) -> Visit | None:
    """The visit a cookie holds, or None if it is missing, forged, damaged or expired (idle too long, or
    too old). Whether the visit was ended with "Leave" is the database's answer
    (``tips.followups.followup_visit_ended``), not the cookie's."""
    if not value:
        return None
    now = time.time() if now is None else now
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        document = json.loads(_box().decrypt(raw))
        tip_id = int(document["t"])
        private_key = PrivateKey(base64.b64decode(document["k"], validate=True))
        visit_id = base64.b64decode(document["v"], validate=True)
        issued = float(document["i"])
        active = float(document["a"])
    except (ValueError, TypeError, KeyError, CryptoError):
        return None
    if len(visit_id) != VISIT_ID_BYTES:
        return None
    if now - active > idle_seconds() or now - issued > ABSOLUTE_SECONDS or active > now + 60:
        return None
    access = TipsterAccess(tip_id=tip_id, private_key=private_key)
    return Visit(access=access, issued=issued, visit_id=visit_id)


__all__ = [
    "ABSOLUTE_SECONDS",
    "COOKIE_NAME",
    "Visit",
    "access_dump",
    "access_load",
    "idle_seconds",
    "visit_new",
]
