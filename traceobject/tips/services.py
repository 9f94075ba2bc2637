"""Writes for tips. The public intake writes no audit event: none may identify a tipster."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from nacl.public import PrivateKey

from traceobject import vault
from traceobject.core.errors import ApplicationError
from traceobject.core.writelock import sqlite_write_queue
from traceobject.gallery.models import Object
from traceobject.gallery.selectors import object_takes_tips
from traceobject.tips import hooks
from traceobject.tips.models import Receipt, Tip, TipStatus
from traceobject.tips.payload import TipPayload
from traceobject.tips.receipts import receipt_digest, receipt_generate, receipt_private_key
from traceobject.tips.submissions import submission_digest
from traceobject.vault.rotation import batches

MAX_LINKS = 5


@dataclass(frozen=True)
class TipSubmitted:
    tip: Tip
    receipt: str  # shown once to the tipster, never stored


class TipAlreadyReceived(ApplicationError):  # noqa: N818 - an outcome the view shows, not a failure
    """The same form was posted again (a reload, a double click): its tip is already stored."""


def tip_accepts(obj: Object) -> bool:
    """The gallery's disclosure rule decides: a located object not yet disclosed still takes tips."""
    return object_takes_tips(obj)


def tip_submit(
    *,
    obj: Object,
    payload: TipPayload,
    is_demo: bool = False,
    received_at: datetime | None = None,
    unverified: bool = False,
    held: bool = False,
    submission: str | None = None,
) -> TipSubmitted:
    """Seal and store a tip with its triage signals, and issue its receipt; durable once this returns.

    The signals and the near-duplicate fingerprint are computed from the clear text here, before the
    vault seals it: afterwards only the staff's key could read it. Three sealed copies: the tip without
    the contact details and the contact details apart (both for the staff; retention drops the second
    alone), and the tip without contact for the tipster, under the receipt's key pair (the follow-up
    page). ``unverified``: no proof of work came with it; ``held``: it arrived in a surge
    (``tips.antiabuse``). ``received_at`` is for the demo content and the benchmarks.

    ``submission`` is the form's single-use token (``tips.submissions``): its keyed hash is stored under
    a unique constraint, so the same form posted twice, even by two processes at once, stores one tip and
    the repeat raises ``TipAlreadyReceived`` (whose receipt is never shown again: only the hash is kept).
    The transaction is durable (the outermost one: nothing may wrap it and delay the commit that the
    receipt promises), except for the demo content, which loads everything in one transaction.
    """
    if not tip_accepts(obj):
        raise ApplicationError(_("This object no longer takes tips."))
    if len(payload.links) > MAX_LINKS:
        raise ApplicationError(
            ngettext("Please give at most %(max)d link.", "Please give at most %(max)d links.", MAX_LINKS)
            % {"max": MAX_LINKS},
            field="links",
        )
    prepared = hooks.tip_prepare(payload)  # triage's signals, from the clear text (tips.hooks)
    without_contact = replace(payload, contact="").to_bytes()
    sealed = vault.seal(without_contact)
    sealed_contact = vault.seal(payload.contact.encode()) if payload.contact else None
    extra: dict[str, object] = {"created_at": received_at} if received_at is not None else {}
    if held:
        extra["status"] = TipStatus.SURGE
    digest = submission_digest(submission) if submission else None
    for _attempt in range(3):
        code = receipt_generate()
        tipster_public = bytes(receipt_private_key(code).public_key)
        sealed_tipster = vault.seal_to(tipster_public, without_contact)
        try:
            with sqlite_write_queue(), transaction.atomic(durable=not is_demo):
                hooks.object_lock(obj.pk)
                tip = Tip.objects.create(
                    object=obj,
                    sealed=sealed,
                    sealed_contact=sealed_contact,
                    tipster_public_key=tipster_public,
                    sealed_tipster=sealed_tipster,
                    unverified=unverified,
                    is_demo=is_demo,
                    language=prepared.signals.language,
                    has_contact=prepared.has_contact,
                    has_links=prepared.has_links,
                    submission_digest=digest,
                    **extra,
                )
                Receipt.objects.create(tip=tip, digest=receipt_digest(code))
                hooks.tip_index(tip=tip, prepared=prepared)
        except IntegrityError:
            # Either this form was already stored (the unique submission digest), or an 80-bit receipt
            # collision: vanishingly rare, but never hand out a shared receipt; retry with a new one.
            if digest is not None and Tip.objects.filter(submission_digest=digest).exists():
                raise TipAlreadyReceived(
                    _("This tip was already received. It was stored once; it was not stored again.")
                ) from None
            continue
        return TipSubmitted(tip=tip, receipt=code)
    raise ApplicationError(
        _("We could not issue a receipt, so your tip was not saved. Please send it again.")
    )


def tip_read(*, tip: Tip) -> TipPayload:
    """Open a tip from the vault (staff side: needs a held key), with its contact details if any.

    Tips sealed before the contact details had their own column keep them inside ``sealed``.
    """
    payload = TipPayload.from_bytes(vault.open(bytes(tip.sealed)))
    if tip.sealed_contact is not None:
        payload = replace(payload, contact=vault.open(bytes(tip.sealed_contact)).decode())
    return payload


def tip_contacts_split(private: PrivateKey) -> int:
    """The key escrow's step for tips (registered in ``TipsConfig.ready``): tips sealed before the
    contact details had a column of their own get them moved out, so that the retention purge can drop
    them without a key. Returns how many; a second run finds none."""
    moved = 0
    public = bytes(private.public_key)
    for rows in batches(Tip, "sealed", has_contact=True, sealed_contact__isnull=True, contact_purged_at=None):
        with transaction.atomic():
            for pk, sealed in rows:
                payload = TipPayload.from_bytes(vault.open_with(private, sealed))
                if not payload.contact:
                    continue
                Tip.objects.filter(pk=pk).update(
                    sealed=vault.seal_to(public, replace(payload, contact="").to_bytes()),
                    sealed_contact=vault.seal_to(public, payload.contact.encode()),
                )
                moved += 1
    return moved
