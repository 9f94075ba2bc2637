"""System checks for the staff side's separation (host and cookies)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.http.request import validate_host


@register(Tags.security, deploy=False)
def staff_separation(app_configs: Any, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    unreachable = [host for host in settings.STAFF_HOSTS if not validate_host(host, settings.ALLOWED_HOSTS)]
    if unreachable:
        problems.append(
            Error(
                f"TRACEOBJECT_STAFF_HOSTS names {', '.join(unreachable)}, which TRACEOBJECT_ALLOWED_HOSTS "
                "does not allow: the staff side would be unreachable.",
                id="traceobject.E101",
            )
        )
    if settings.MODE == "production" and not settings.STAFF_HOSTS:
        problems.append(
            CheckWarning(
                "TRACEOBJECT_STAFF_HOSTS is empty: /staff/ answers on every public host name. Confine it "
                "to an internal host name.",
                id="traceobject.W101",
            )
        )
    names = [
        settings.SESSION_COOKIE_NAME,
        settings.ADMIN_SESSION_COOKIE_NAME,
        settings.PUBLIC_SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        settings.STAFF_CSRF_COOKIE_NAME,
        settings.ADMIN_CSRF_COOKIE_NAME,
    ]
    if len(set(names)) != len(names):
        problems.append(
            Error(
                "The public, staff and admin session and CSRF cookies must all have different names.",
                id="traceobject.E102",
            )
        )
    return problems
