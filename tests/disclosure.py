"""Rows for the disclosure rule in tests: a located object with its confirmed determination and sent
leads, dated at will. Made with the ORM (not the leads services) so that a test of a public page can
place the quiet period exactly; the services' own path is walked in ``tests/stats/test_disclosure.py``."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from traceobject.accounts.models import User
from traceobject.gallery.models import Object, ObjectStatus
from traceobject.leads.models import (
    Authority,
    Determination,
    DeterminationKind,
    DeterminationState,
    Lead,
    LeadState,
)


def _user(name: str) -> User:
    user, _created = User.objects.get_or_create(username=f"disclosure-{name}", defaults={"role": "analyst"})
    return user


def locate(
    obj: Object,
    *,
    kind: str = ObjectStatus.IDENTIFIED,
    confirmed_at: datetime | None = None,
    sent_at: datetime | None = None,
    countries: tuple[str, ...] = ("PL",),
    disclosed: bool = True,
) -> Determination:
    """Locate ``obj``: identified (one lead per country, sent at ``sent_at``; ``None`` with
    ``disclosed=False`` leaves them unsent) or widespread (no lead). ``disclosed`` dates everything
    before the quiet period when no date is given, or just inside it."""
    quiet = timedelta(days=settings.DISCLOSURE_QUIET_DAYS)
    now = timezone.now()
    default = now - quiet - timedelta(days=1) if disclosed else now - timedelta(days=1)
    confirmed_at = confirmed_at or default
    determination = Determination.objects.create(
        object=obj,
        kind=DeterminationKind.IDENTIFIED
        if kind == ObjectStatus.IDENTIFIED
        else DeterminationKind.WIDESPREAD,
        state=DeterminationState.CONFIRMED,
        rationale="Test.",
        proposed_by=_user("analyst"),
        proposed_at=confirmed_at,
        decided_by=_user("publisher"),
        decided_at=confirmed_at,
    )
    if kind == ObjectStatus.IDENTIFIED:
        when = sent_at if sent_at is not None else (confirmed_at if disclosed else None)
        for country in countries:
            authority, _created = Authority.objects.get_or_create(
                country=country, defaults={"name": f"Unit {country}", "email": "unit@example.org"}
            )
            Lead.objects.create(
                reference=f"L-{obj.pk}-{country}",
                determination=determination,
                authority=authority,
                country=country,
                state=LeadState.SENT if when is not None else LeadState.READY,
                sealed=b"",
                snapshot_sha256="0" * 64,
                created_at=confirmed_at,
                sent_at=when,
            )
    Object.objects.filter(pk=obj.pk).update(status=kind, located_at=confirmed_at)
    obj.refresh_from_db()
    return determination
