"""The notice that a lead is waiting: it says that and nothing else.

A notice travels through ordinary mail servers, so it names no object, country, reference or any part
of the lead; the partner reads the lead only in the portal, after logging in with a second factor.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from traceobject.accounts.models import User
from traceobject.core.permissions import Role
from traceobject.leads.models import Lead

logger = logging.getLogger(__name__)


def lead_recipients(lead: Lead) -> tuple[str, list[str]]:
    """The authority's address, and the addresses of its active partner users."""
    partners = (
        User.objects.filter(role=Role.PARTNER, country=lead.country, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )
    to = lead.authority.email
    return to, sorted({email for email in partners if email and email != to})


def lead_notify(lead_id: int) -> bool:
    """Send the notice for one lead; True if the mail server took it.

    Runs after the send has committed. A failure is logged (with the lead's id only) and swallowed:
    the lead stays sent, and the analysts can send the notice again.
    """
    lead = Lead.objects.select_related("authority").filter(pk=lead_id).first()
    if lead is None:
        return False
    to, partners = lead_recipients(lead)
    with translation.override("en"):
        context = {"portal_url": settings.LEADS_PARTNER_URL}
        subject = render_to_string("leads/mail/lead_waiting_subject.txt", context).strip()
        body = render_to_string("leads/mail/lead_waiting_body.txt", context)
    # The partners are in Bcc: no recipient learns who else at the authority was told.
    message = EmailMessage(subject=subject, body=body, to=[to], bcc=partners)
    try:
        message.send(fail_silently=False)
    except Exception:  # any transport error: the lead is sent, the notice can be sent again
        logger.exception("could not send the notice for lead id %s", lead_id)
        return False
    return True
