"""System checks for the lead notices: in production they must link to the real portal over HTTPS."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=False)
def lead_notice_configuration(app_configs: Any, **kwargs: Any) -> list[Any]:
    if settings.MODE != "production":
        return []
    problems: list[Any] = []
    if not str(settings.LEADS_PARTNER_URL).startswith("https://"):
        problems.append(
            CheckWarning(
                "TRACEOBJECT_PARTNER_URL is not an https:// address: lead notices would send partners "
                "to an unencrypted or local link.",
                id="traceobject.W101",
            )
        )
    if str(settings.DEFAULT_FROM_EMAIL).endswith("@localhost"):
        problems.append(
            CheckWarning(
                "TRACEOBJECT_EMAIL_FROM is not set: lead notices would come from a @localhost address "
                "that authorities' mail servers reject.",
                id="traceobject.W102",
            )
        )
    return problems
