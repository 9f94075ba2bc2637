"""The anonymous two-way channel between the analysts and the tipster of one tip.

Every message is sealed twice (``FollowUp``): to the staff's tip key, so the analysts can read the
thread, and to the tipster's key pair, which is derived from the receipt alone
(``receipts.receipt_private_key``), so the tipster can read it on the follow-up page without the staff's
key ever reaching the public side. The server keeps neither private key in readable form: a stolen
database shows that a thread exists, never what it says.

Services write and selectors read, as elsewhere. The tipster's side writes no audit event (none may
identify a tipster); the analysts' side records every question and every reading of a thread.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from nacl.public import PrivateKey

from traceobject import vault
from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.core.countries import country_choices
from traceobject.core.errors import ApplicationError
from traceobject.core.permissions import Permission, permission_require
from traceobject.gallery.selectors import objects_public
from traceobject.tips.models import EndedVisit, FollowUp, FollowUpKind, Receipt, Tip
from traceobject.tips.payload import TipPayload
from traceobject.tips.receipts import LENGTH as RECEIPT_LENGTH
from traceobject.tips.receipts import receipt_digest, receipt_normalize, receipt_private_key

# The same bound as the tip's own text and the analysts' notes: long enough for any answer, short
# enough that one message cannot fill a page of sealed blobs.
MESSAGE_MAX = 5000


@dataclass(frozen=True)
class TipsterAccess:
    """What a correct receipt opens: one tip, and the private key that reads the tipster's copies.

    Held only in the tipster's browser (the encrypted ``to_followup`` cookie) between requests.
    """

    tip_id: int
    private_key: PrivateKey


@dataclass(frozen=True)
class ThreadMessage:
    kind: str  # FollowUpKind
    created_at: datetime
    # None for a question sealed before the tipster's key was known: it becomes readable once an
    # analyst opens the tip again (``followups_for_staff`` re-seals it).
    text: str | None

    @property
    def is_question(self) -> bool:
        return self.kind == FollowUpKind.QUESTION


@dataclass(frozen=True)
class TipsterThread:
    tip: Tip
    # None for tips from before follow-ups: the server never had a copy the tipster could open.
    payload: TipPayload | None
    messages: list[ThreadMessage]
    # Whether the object still asks the public for tips: exactly when it is in the public gallery, so
    # that this page says no more than the gallery does (a located object stays there, taking tips,
    # until the disclosure rule lets it show; withdrawn and archived ones have left it).
    needs_tips: bool = True

    @property
    def country_name(self) -> str:
        """The country the tipster chose, named in the page's language (the tip keeps the code)."""
        code = self.payload.country if self.payload else ""
        if not code:
            return ""
        return dict(country_choices(get_language() or "en")).get(code.upper(), code)


@dataclass(frozen=True)
class StaffMessage:
    follow_up: FollowUp
    text: str

    @property
    def is_question(self) -> bool:
        return self.follow_up.kind == FollowUpKind.QUESTION


def _clean_text(text: str) -> str:
    """One rule for both sides: something to say, and not more than ``MESSAGE_MAX`` characters."""
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Write a message first."), field="text")
    if len(text) > MESSAGE_MAX:
        raise ApplicationError(
            ngettext(
                "Please keep the message under %(max)d character.",
                "Please keep the message under %(max)d characters.",
                MESSAGE_MAX,
            )
            % {"max": MESSAGE_MAX},
            field="text",
        )
    return text


def _key_matches(tip: Tip, private_key: PrivateKey) -> bool:
    return tip.tipster_public_key is not None and bytes(tip.tipster_public_key) == bytes(
        private_key.public_key
    )


# --- The tipster's side (public, never audited) ------------------------------------------------------


def followup_access(*, receipt: str) -> TipsterAccess | None:
    """The tip a receipt opens, or None whatever the reason (unknown, malformed, purged).

    One answer for every failure, so that the page can show one neutral message and reveal nothing
    about which receipts exist. A tip from before follow-ups has no tipster key yet: the tipster's first
    return stores it (the public half only), so that questions can be sealed to them from now on.
    """
    if len(receipt_normalize(receipt)) != RECEIPT_LENGTH:
        return None
    tip_id = Receipt.objects.filter(digest=receipt_digest(receipt)).values_list("tip_id", flat=True).first()
    if tip_id is None:
        return None
    private_key = receipt_private_key(receipt)
    public = bytes(private_key.public_key)
    # Only fills the key in when it is missing: a concurrent first return writes the same value.
    Tip.objects.filter(pk=tip_id, tipster_public_key__isnull=True).update(tipster_public_key=public)
    stored = Tip.objects.filter(pk=tip_id).values_list("tipster_public_key", flat=True).first()
    if stored is None or bytes(stored) != public:
        return None
    return TipsterAccess(tip_id=tip_id, private_key=private_key)


def _visit_digest(visit_id: bytes) -> str:
    # Keyed by purpose only: the id is 128 random bits, so the digest needs no secret to be unguessable;
    # it keeps the cookie's own value out of the table.
    return hashlib.blake2b(visit_id, digest_size=32, person=b"to-visit-end-v1").hexdigest()


def followup_visit_end(*, visit_id: bytes, issued: float, lifetime: int) -> None:
    """End a follow-up visit for every copy of its cookie ("Leave").

    ``lifetime`` is how long after ``issued`` the cookie is refused anyway; the record lasts until then
    (rounded up to the hour) and no longer. Ending a visit twice is harmless. Expired records go at the
    same time, so the table holds at most the visits ended in the last ``lifetime`` seconds.
    """
    until = datetime.fromtimestamp(math.ceil((issued + lifetime) / 3600) * 3600, tz=UTC)
    with transaction.atomic():
        EndedVisit.objects.filter(expires_at__lt=timezone.now()).delete()
        EndedVisit.objects.bulk_create(
            [EndedVisit(visit=_visit_digest(visit_id), expires_at=until)], ignore_conflicts=True
        )


def followup_visit_ended(*, visit_id: bytes) -> bool:
    """Whether "Leave" ended this visit: one indexed lookup on every follow-up page."""
    return EndedVisit.objects.filter(visit=_visit_digest(visit_id)).exists()


def followup_thread_for_tipster(*, access: TipsterAccess) -> TipsterThread | None:
    """The tipster's view of their tip: their own words and the thread, opened with their key.

    None when the tip is gone (retention removed it) or the key no longer matches: the caller treats
    that like a wrong receipt.
    """
    tip = Tip.objects.select_related("object").filter(pk=access.tip_id).first()
    if tip is None or not _key_matches(tip, access.private_key):
        return None
    payload = None
    if tip.sealed_tipster is not None:
        payload = TipPayload.from_bytes(vault.open_with(access.private_key, bytes(tip.sealed_tipster)))
    messages = [
        ThreadMessage(
            kind=follow_up.kind,
            created_at=follow_up.created_at,
            text=(
                vault.open_with(access.private_key, bytes(follow_up.sealed_tipster)).decode()
                if follow_up.sealed_tipster is not None
                else None
            ),
        )
        for follow_up in FollowUp.objects.filter(tip=tip).only(
            "kind", "created_at", "sealed_tipster", "tip_id"
        )
    ]
    return TipsterThread(
        tip=tip,
        payload=payload,
        messages=messages,
        needs_tips=objects_public().filter(pk=tip.object_id).exists(),
    )


def followup_reply(*, tip: Tip, receipt_private_key: PrivateKey, text: str) -> FollowUp:
    """Store the tipster's reply, sealed for both sides, and raise the tip in the triage inbox.

    Public: no actor and no audit event (an event would date the tipster's visit). The key must be the
    tip's own: holding the tip id alone is not enough to write into its thread.
    """
    text = _clean_text(text)
    if not _key_matches(tip, receipt_private_key):
        raise ApplicationError(_("We could not open a tip with this receipt. Check it and try again."))
    raw = text.encode()
    sealed = vault.seal(raw)
    sealed_tipster = vault.seal_to(bytes(receipt_private_key.public_key), raw)
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            tip=tip, kind=FollowUpKind.REPLY, author=None, sealed=sealed, sealed_tipster=sealed_tipster
        )
        Tip.objects.filter(pk=tip.pk).update(reply_waiting=True)
    tip.reply_waiting = True
    return follow_up


# --- The analysts' side (audited) ---------------------------------------------------------------------


def followup_ask(*, actor: Any, tip: Tip, text: str) -> FollowUp:
    """Ask the tipster a question: sealed for the staff and, when their key is known, for the tipster.

    A tip from before follow-ups has no tipster key until its tipster comes back; the question then
    waits with ``sealed_tipster`` empty and is re-sealed for them by the next analyst who opens the tip.
    The audit event names the question, never its text.
    """
    permission_require(actor, Permission.TIPS_FOLLOWUP_ASK)
    text = _clean_text(text)
    raw = text.encode()
    sealed = vault.seal(raw)
    sealed_tipster = (
        vault.seal_to(bytes(tip.tipster_public_key), raw) if tip.tipster_public_key is not None else None
    )
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            tip=tip, kind=FollowUpKind.QUESTION, author=actor, sealed=sealed, sealed_tipster=sealed_tipster
        )
        audit_record(
            actor=actor,
            action=AuditAction.TIP_QUESTION,
            target=tip,
            details={"follow_up": follow_up.pk, "tipster_can_read": sealed_tipster is not None},
        )
    return follow_up


def followups_for_staff(*, actor: Any, tip: Tip) -> list[StaffMessage]:
    """The thread of one tip, opened with the staff's key, oldest first.

    Meant to be read on the tip page after ``triage.services.tip_open``, whose ``tip.open`` event records
    the reading. Questions still waiting for the tipster's key are re-sealed for the tipster here once
    the key is known (the tipster has come back since): that needs the staff's key to open them, which
    only an analyst's request holds. The re-sealing is recorded as its own event.
    """
    permission_require(actor, Permission.TIPS_TIP_READ)
    follow_ups = list(FollowUp.objects.filter(tip=tip).select_related("author"))
    opened = [StaffMessage(follow_up=f, text=vault.open(bytes(f.sealed)).decode()) for f in follow_ups]
    waiting = [m for m in opened if m.follow_up.sealed_tipster is None and m.is_question]
    # Read afresh, and only when a question waits: the tipster may have come back since ``tip`` was loaded.
    tipster_key = (
        Tip.objects.filter(pk=tip.pk).values_list("tipster_public_key", flat=True).first()
        if waiting
        else None
    )
    if waiting and tipster_key is not None:
        with transaction.atomic():
            for message in waiting:
                resealed = vault.seal_to(bytes(tipster_key), message.text.encode())
                FollowUp.objects.filter(pk=message.follow_up.pk, sealed_tipster__isnull=True).update(
                    sealed_tipster=resealed
                )
                message.follow_up.sealed_tipster = resealed
            audit_record(
                actor=actor,
                action=AuditAction.TIP_QUESTIONS_RESEALED,
                target=tip,
                details={"follow_ups": [m.follow_up.pk for m in waiting]},
            )
    return opened


__all__ = [
    "MESSAGE_MAX",
    "StaffMessage",
    "ThreadMessage",
    "TipsterAccess",
    "TipsterThread",
    "followup_access",
    "followup_ask",
    "followup_reply",
    "followup_thread_for_tipster",
    "followups_for_staff",
]
