"""The staff home's work list: what waits for this person, counted, each linking to the filtered list.

It reads from gallery, triage and leads, so it lives in ``stats`` (high enough to see them all; the
home view in ``core.staff_views`` only renders it). Every entry is shown only to a role whose
permission opens the list it links to, and each costs one query, so the home page stays cheap:
five queries at most, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from traceobject.core.permissions import Permission, user_has_permission
from traceobject.gallery.models import ObjectStatus
from traceobject.gallery.selectors import objects_reviewable_by, translation_proposals_reviewable_by
from traceobject.leads.models import Lead, LeadState
from traceobject.tips.models import TipStatus
from traceobject.triage.selectors import InboxFilters, capped_count, inbox_queryset, surge_held_count


@dataclass(frozen=True)
class WorkItem:
    key: str
    count: int
    label: str
    url: str
    # A part of the count that is late (leads not acknowledged in time): shown apart, with its own link.
    late_count: int = 0
    late_label: str = ""
    late_url: str = ""


def _url(name: str, **query: str) -> str:
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def _review(user: Any) -> WorkItem:
    count = objects_reviewable_by(user=user).count()
    return WorkItem(
        key="review",
        count=count,
        label=ngettext(
            "object waits for your publication review", "objects wait for your publication review", count
        ),
        url=_url("staff:object_list", status=ObjectStatus.IN_REVIEW),
    )


def _translations(user: Any) -> WorkItem:
    count = translation_proposals_reviewable_by(user=user).count()
    return WorkItem(
        key="translations",
        count=count,
        label=ngettext(
            "translation of a published object waits for your review",
            "translations of published objects wait for your review",
            count,
        ),
        url=_url("staff:translation_review_list"),
    )


def _replies() -> WorkItem:
    count = capped_count(inbox_queryset(InboxFilters(reply_waiting=True)))
    return WorkItem(
        key="replies",
        count=count,
        label=ngettext(
            "tip with a new reply from the tipster", "tips with a new reply from the tipster", count
        ),
        url=_url("staff:triage_inbox", reply="yes"),
    )


def _leads() -> WorkItem:
    days = settings.TRACEOBJECT_LEAD_ACK_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    period = ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
    counts = Lead.objects.filter(state=LeadState.SENT).aggregate(
        sent=Count("pk"), late=Count("pk", filter=Q(sent_at__lt=cutoff))
    )
    return WorkItem(
        key="leads",
        count=counts["sent"],
        label=ngettext(
            "lead sent and not yet acknowledged by its authority",
            "leads sent and not yet acknowledged by their authorities",
            counts["sent"],
        ),
        url=_url("staff:lead_list", state=LeadState.SENT),
        late_count=counts["late"],
        late_label=ngettext(
            "%(count)d of them was sent more than %(period)s ago",
            "%(count)d of them were sent more than %(period)s ago",
            counts["late"],
        )
        % {"count": counts["late"], "period": period},
        late_url=_url("staff:lead_list", unacknowledged="on"),
    )


def _surge() -> WorkItem:
    count = surge_held_count()
    return WorkItem(
        key="surge",
        count=count,
        label=ngettext("tip held in a surge", "tips held in a surge", count),
        url=_url("staff:triage_inbox", status=TipStatus.SURGE),
    )


def staff_worklist(*, user: Any) -> list[WorkItem]:
    """The entries ``user``'s role permits, in the order a shift would take them."""
    items: list[WorkItem] = []
    if user_has_permission(user, Permission.GALLERY_OBJECT_REVIEW):
        items.append(_review(user))
        items.append(_translations(user))
    if user_has_permission(user, Permission.TIPS_TIP_READ):
        items.append(_replies())
    if user_has_permission(user, Permission.LEADS_LEAD_READ):
        items.append(_leads())
    if user_has_permission(user, Permission.TIPS_TIP_READ):
        items.append(_surge())
    return items
