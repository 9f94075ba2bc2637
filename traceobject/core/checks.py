"""System checks for configuration that would endanger tipsters or data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=False)
def dangerous_configuration(app_configs: Any, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    if settings.MODE == "production" and settings.DEBUG:
        problems.append(
            Error(
                "TRACEOBJECT_DEBUG is on in production: error pages would show tip content.",
                id="traceobject.E001",
            )
        )
    if settings.MODE == "production" and not settings.SESSION_COOKIE_SECURE:
        problems.append(Error("Session cookies must be secure in production.", id="traceobject.E002"))
    if settings.MODE == "production" and settings.VAULT_PRIVATE_KEY:
        problems.append(
            CheckWarning(
                "The vault's private key is configured on the public server. The intake needs only the "
                "public key; keep the private key off machines that face the internet where you can.",
                id="traceobject.W001",
            )
        )
    if settings.MAX_BODY_BYTES > 10 * 1024 * 1024:
        problems.append(
            CheckWarning(
                "TRACEOBJECT_MAX_BODY_BYTES is above 10 MiB; public forms need far less.",
                id="traceobject.W002",
            )
        )
    # The rate limits' own checks (E003, W003) are the tips app's: tips/checks.py.
    return problems
