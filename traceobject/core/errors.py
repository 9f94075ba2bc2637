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
