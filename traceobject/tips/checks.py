"""System checks of the anti-abuse configuration (``tips.antiabuse``): malformed rate-limit rules, and
rate limits switched off outside debugging and tests. Registered by the tips app; core's checks cover
the rest of the dangerous configuration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ImproperlyConfigured

from traceobject.tips.antiabuse.ratelimit import parse_rules


@register(Tags.security, deploy=False)
def rate_limit_configuration(app_configs: Any, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
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
