"""Declaring and enforcing the permission of every staff view.

``@staff_view(Permission.X)`` is the only way a view joins the staff side: it needs a logged-in,
second-factor-verified account whose role grants X, and it records X on the view so that the
permission-matrix test can find every staff URL and check it against every role. The few views that
must work before login (login, second factor) are marked ``@staff_entry_view`` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext

from traceobject.core.errors import PermissionDeniedError
from traceobject.core.permissions import Permission, roles_with_permission, user_has_permission

View = Callable[..., HttpResponseBase]


def is_verified(user: Any) -> bool:
    """Whether the session passed the second factor (django-otp's ``is_verified``)."""
    verified = getattr(user, "is_verified", None)
    return bool(verified()) if callable(verified) else False


def denied_message(user: Any, permission: Permission) -> str:
    """What a refused staff member reads on the 403 page: their role, and which roles the page is for
    (from the one role map), so that an administrator who follows a review link learns that reviewing
    is a publisher's task instead of meeting a bare "Forbidden"."""
    roles = roles_with_permission(permission)
    if not roles:
        return gettext("No role opens this page.")
    allowed = ", ".join(str(role.label) for role in roles)
    if getattr(user, "role", ""):
        return gettext("Your role (%(role)s) does not open this page. It is for: %(roles)s.") % {
            "role": user.get_role_display(),
            "roles": allowed,
        }
    return gettext("Your account has no staff role, so it does not open this page. It is for: %(roles)s.") % {
        "roles": allowed
    }


def staff_view(permission: Permission, *, namespace: str = "staff") -> Callable[[View], View]:
    """``namespace`` names the area whose login and second-factor pages anonymous and password-only
    sessions are sent to: ``staff``, or ``partner`` for the partner portal (see ``partner_view``)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                login = reverse(f"{namespace}:login")
                return HttpResponseRedirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
            if not is_verified(user):
                return HttpResponseRedirect(reverse(f"{namespace}:otp"))
            if not user_has_permission(user, permission):
                raise PermissionDeniedError(denied_message(user, permission))
            return view(request, *args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator


def partner_view(permission: Permission) -> Callable[[View], View]:
    """``staff_view`` for the partner portal (/partner/): its own login and second-factor pages."""
    return staff_view(permission, namespace="partner")


def staff_entry_view(view: View) -> View:
    """Mark a staff view that is reachable before login on purpose (login, second factor, logout)."""
    view.staff_entry = True  # type: ignore[attr-defined]
    return view
