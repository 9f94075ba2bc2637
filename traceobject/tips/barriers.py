"""Accessibility barrier reports: the public form of the accessibility statement, and the staff's list.

The EU model statement (Decision (EU) 2018/1523) asks for a way to report a barrier. A mailbox
(``TRACEOBJECT_ACCESSIBILITY_CONTACT``) needs an e-mail account and gives away an address; this form
needs neither an account nor JavaScript. What it receives is handled like a tip, since a visitor who
could not send a tip may describe the object here: sealed by the vault before it is stored, no client
address kept, no audit event on the public side (none may identify a sender), and reading is audited.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction

from traceobject import vault
from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.core.permissions import Permission, permission_require
from traceobject.core.writelock import sqlite_write_queue
from traceobject.tips.models import BarrierReport

REPORTS_PER_PAGE = 25
# The audit action of a staff member reading a page of barrier reports (compare ``tips.view``).
AUDIT_VIEW = AuditAction.BARRIERS_VIEW


@dataclass(frozen=True)
class BarrierPayload:
    """What the visitor wrote; sealed as one JSON document."""

    text: str
    page: str = ""
    contact: str = ""

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> BarrierPayload:
        return cls(**json.loads(raw))


@dataclass(frozen=True)
class OpenedBarrierReport:
    id: int
    created_at: datetime
    payload: BarrierPayload


def barrier_report_submit(*, payload: BarrierPayload) -> BarrierReport:
    """Seal and store one report; durable once this returns (the thank-you page promises it).

    Sealed before the transaction: only a key that the staff hold can read it back.
    """
    sealed = vault.seal(payload.to_bytes())
    with sqlite_write_queue(), transaction.atomic(durable=True):
        return BarrierReport.objects.create(sealed=sealed)


def barrier_reports_page(
    *, actor: Any, page_number: str | int | None
) -> tuple[Page[Any], list[OpenedBarrierReport]]:
    """One page of reports, newest first, opened from the vault; the reading is recorded in one event.

    Needs a held tip key (``vault.VaultLockedError`` otherwise, which the staff middleware turns into
    its "vault locked" page). An empty page opens nothing and records nothing.
    """
    permission_require(actor, Permission.TIPS_BARRIER_READ)
    page = Paginator(BarrierReport.objects.order_by("-id"), REPORTS_PER_PAGE).get_page(page_number)
    rows: list[BarrierReport] = list(page.object_list)
    if not rows:
        return page, []
    opened = [
        OpenedBarrierReport(
            id=row.pk,
            created_at=row.created_at,
            payload=BarrierPayload.from_bytes(vault.open(bytes(row.sealed))),
        )
        for row in rows
    ]
    with transaction.atomic():
        audit_record(actor=actor, action=AUDIT_VIEW, details={"reports": [row.pk for row in rows]})
    return page, opened


__all__ = [
    "AUDIT_VIEW",
    "BarrierPayload",
    "OpenedBarrierReport",
    "barrier_report_submit",
    "barrier_reports_page",
]
