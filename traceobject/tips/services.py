"""Writes for tips. The public intake writes no audit event: none may identify a tipster."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from traceobject.core.errors import ApplicationError
from traceobject.gallery.models import Audience, Object, ObjectStatus
from traceobject.tips import vault
from traceobject.tips.models import Receipt, Tip
from traceobject.tips.receipts import receipt_digest, receipt_generate

MAX_LINKS = 5


@dataclass(frozen=True)
class TipPayload:
    """What the tipster wrote; sealed as one JSON document."""

    text: str
    country: str = ""
    place: str = ""
    shop_brand: str = ""
    time_period: str = ""
    links: list[str] = field(default_factory=list)
    contact: str = ""

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> TipPayload:
        return cls(**json.loads(raw))


@dataclass(frozen=True)
class TipSubmitted:
    tip: Tip
    receipt: str  # shown once to the tipster, never stored


def tip_accepts(obj: Object) -> bool:
    return obj.status == ObjectStatus.PUBLISHED and obj.audience == Audience.PUBLIC


def tip_submit(*, obj: Object, payload: TipPayload, is_demo: bool = False) -> TipSubmitted:
    """Seal and store a tip, and issue its receipt; durable once this returns."""
    if not tip_accepts(obj):
        raise ApplicationError(_("This object no longer takes tips."))
    if len(payload.links) > MAX_LINKS:
        raise ApplicationError(_("Please give at most %(max)d links.") % {"max": MAX_LINKS}, field="links")
    sealed = vault.seal(payload.to_bytes())
    for _attempt in range(3):
        code = receipt_generate()
        try:
            with transaction.atomic():
                tip = Tip.objects.create(object=obj, sealed=sealed, is_demo=is_demo)
                Receipt.objects.create(tip=tip, digest=receipt_digest(code))
        except IntegrityError:
            continue  # an 80-bit collision: vanishingly rare, but never hand out a shared receipt
        return TipSubmitted(tip=tip, receipt=code)
    raise ApplicationError(
        _("We could not issue a receipt, so your tip was not saved. Please send it again.")
    )


def tip_read(*, tip: Tip) -> TipPayload:
    """Open a tip from the vault (staff side; needs the private key)."""
    return TipPayload.from_bytes(vault.open(bytes(tip.sealed)))
