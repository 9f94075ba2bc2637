"""System checks for configuration that would endanger tipsters or data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ImproperlyConfigured

from traceobject.tips.antiabuse.ratelimit import parse_rules


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
    try:
        parse_rules(settings.TRACEOBJECT_RATE_LIMIT_RULES)
    except ImproperlyConfigured as exc:
        problems.append(Error(str(exc), id="traceobject.E003"))
    if not settings.TRACEOBJECT_RATE_LIMITS and not settings.DEBUG and settings.MODE != "test":
        problems.append(
            CheckWarning(
                "TRACEOBJECT_RATE_LIMITS is off: tips are not rate limited and the surge circuit breaker "
                "never trips. Switch it off only for load benchmarks.",
                id="traceobject.W003",
            )
        )
    return problems
