"""The one exception family that services raise and views turn into messages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext


class ApplicationError(Exception):
    """A refusal the user can act on; ``message`` is already translated and safe to show."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFoundError(ApplicationError):
    pass


class PermissionDeniedError(ApplicationError, PermissionDenied):
    """A refusal by role: the one way the code says "your role does not allow this"
    (``core.permissions.permission_require`` for services, ``core.staff.staff_view`` for views).

    It is an ``ApplicationError``, so a view that shows a service's refusals in its form or as a message
    shows this one too; and it is Django's ``PermissionDenied``, so when no view catches it Django's 403
    handling renders the area's own styled 403 page (``handler403``: ``core.views.permission_denied``).
    """

    def __init__(self, message: str | None = None) -> None:
        # Only a message of its own says more than the 403 page already does: the default one is a
        # refusal for the service's callers, and the page would print it twice in other words.
        self.specific = bool(message)
        super().__init__(message or gettext("Your role does not allow this action."))


# The three areas of the site (ARCHITECTURE 4.6), each with its own look; error pages follow the area.
AREA_PUBLIC, AREA_STAFF, AREA_PARTNER = "public", "staff", "partner"
_AREA_PREFIXES = (("/staff/", AREA_STAFF), ("/django-admin/", AREA_STAFF), ("/partner/", AREA_PARTNER))


def area_of(path: str) -> str:
    """The area a path belongs to: staff and partner have fixed prefixes, everything else is public
    (with or without a language prefix)."""
    for prefix, area in _AREA_PREFIXES:
        if path == prefix.rstrip("/") or path.startswith(prefix):
            return area
    return AREA_PUBLIC
