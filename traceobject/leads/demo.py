"""Demo authorities, one per demo partner country. (The demo's determinations, leads and outcomes are
walked through the services by ``traceobject.demo.stages``, in the demo app at the top of the layers.)
"""

from __future__ import annotations

from babel import Locale
from django.db import transaction

from traceobject.accounts.services import DEMO_PARTNER_COUNTRIES
from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.leads.models import Authority

# One list with the demo partner accounts, so that every demo authority has a partner who can read its leads.
DEMO_COUNTRIES = DEMO_PARTNER_COUNTRIES


def leads_demo_load() -> list[Authority]:
    """Create the demo authorities that are missing; an existing one (maybe edited) is left alone."""
    names = Locale("en").territories
    authorities: list[Authority] = []
    with transaction.atomic():
        created: list[str] = []
        for code in DEMO_COUNTRIES:
            authority, was_created = Authority.objects.get_or_create(
                country=code,
                defaults={
                    "name": f"Demo unit, {names.get(code, code)}",
                    "email": f"leads-{code.lower()}@example.org",
                    "active": True,
                },
            )
            authorities.append(authority)
            if was_created:
                created.append(code)
        if created:
            audit_record(
                actor=None,
                actor_label="system:demo",
                action=AuditAction.AUTHORITY_DEMO_LOAD,
                details={"countries": created},
            )
    return authorities
