"""The one exception family that services raise and views turn into messages."""

from __future__ import annotations


class ApplicationError(Exception):
    """A refusal the user can act on; ``message`` is already translated and safe to show."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFoundError(ApplicationError):
    pass


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
