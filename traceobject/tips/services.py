"""Writes for tips. The public intake writes no audit event: none may identify a tipster."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from traceobject.core.errors import ApplicationError
from traceobject.core.writelock import sqlite_write_queue
from traceobject.gallery.models import Audience, Object, ObjectStatus
from traceobject.tips import vault
from traceobject.tips.models import Receipt, Tip
from traceobject.tips.payload import TipPayload
from traceobject.tips.receipts import receipt_digest, receipt_generate

MAX_LINKS = 5


@dataclass(frozen=True)
class TipSubmitted:
    tip: Tip
    receipt: str  # shown once to the tipster, never stored


def tip_accepts(obj: Object) -> bool:
    return obj.status == ObjectStatus.PUBLISHED and obj.audience == Audience.PUBLIC


def tip_submit(
    *, obj: Object, payload: TipPayload, is_demo: bool = False, received_at: datetime | None = None
) -> TipSubmitted:
    """Seal and store a tip with its triage signals, and issue its receipt; durable once this returns.

    The signals and the near-duplicate fingerprint are computed from the clear text here, before the
    vault seals it: afterwards only the staff's key could read it. ``received_at`` is for the demo
    content and the benchmarks, which date tips in the past.
    """
    from traceobject.triage.intake import object_lock, tip_index, tip_prepare

    if not tip_accepts(obj):
        raise ApplicationError(_("This object no longer takes tips."))
    if len(payload.links) > MAX_LINKS:
        raise ApplicationError(_("Please give at most %(max)d links.") % {"max": MAX_LINKS}, field="links")
    prepared = tip_prepare(payload)
    sealed = vault.seal(payload.to_bytes())
    extra = {"created_at": received_at} if received_at is not None else {}
    for _attempt in range(3):
        code = receipt_generate()
        try:
            with sqlite_write_queue(), transaction.atomic():
                object_lock(obj.pk)
                tip = Tip.objects.create(
                    object=obj,
                    sealed=sealed,
                    is_demo=is_demo,
                    language=prepared.signals.language,
                    has_contact=prepared.has_contact,
                    has_links=prepared.has_links,
                    **extra,
                )
                Receipt.objects.create(tip=tip, digest=receipt_digest(code))
                tip_index(tip=tip, prepared=prepared)
        except IntegrityError:
            continue  # an 80-bit collision: vanishingly rare, but never hand out a shared receipt
        return TipSubmitted(tip=tip, receipt=code)
    raise ApplicationError(
        _("We could not issue a receipt, so your tip was not saved. Please send it again.")
    )


def tip_read(*, tip: Tip) -> TipPayload:
    """Open a tip from the vault (staff side; needs the private key)."""
    return TipPayload.from_bytes(vault.open(bytes(tip.sealed)))
