"""Hooks: how a lower app reacts to a higher one without importing it.

Apps depend only downward (docs/architecture.md, "Layers"). Where a lower app must ask or tell a higher
one something (the gallery's review asks for the imaging app's safety report; a published object moves
the figures that ``stats`` caches), the lower app declares a hook in its ``hooks.py`` and calls it; the
higher app fills it in its ``AppConfig.ready()``. The call sites read as what they are, and the layer
test (tests/test_layers.py) sees no import going up.

Two kinds:

* ``Hook``: any number of receivers, called in registration order, results ignored (a notification).
* ``Provider``: exactly one implementation, whose result the caller uses. Calling one that no app
  filled raises ``ImproperlyConfigured``: a missing safety check must fail loudly, never pass silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

from django.core.exceptions import ImproperlyConfigured

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P]):
    """A notification a lower app sends; higher apps register receivers in ``ready()``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[P, object]] = []

    def register(self, receiver: Callable[P, object]) -> Callable[P, object]:
        """Add ``receiver`` once (``ready()`` can run twice in tests); returns it, so it can decorate."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    @property
    def receivers(self) -> tuple[Callable[P, object], ...]:
        return tuple(self._receivers)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for receiver in self._receivers:
            receiver(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receiver(s)>"


class Provider(Generic[P, R]):
    """One implementation a lower app calls and a higher app supplies in ``ready()``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._implementation: Callable[P, R] | None = None

    def register(self, implementation: Callable[P, R]) -> Callable[P, R]:
        """Supply the implementation; a second, different one is a configuration error."""
        if self._implementation is not None and self._implementation is not implementation:
            raise ImproperlyConfigured(f"{self.name} already has an implementation: {self._implementation!r}")
        self._implementation = implementation
        return implementation

    @property
    def implementation(self) -> Callable[P, R] | None:
        return self._implementation

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._implementation is None:
            raise ImproperlyConfigured(
                f"{self.name} has no implementation: is the app that provides it installed?"
            )
        return self._implementation(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Provider {self.name}: {'set' if self._implementation else 'empty'}>"


# --- core's own hooks ---------------------------------------------------------------------------------

# The rate limits' rotating keyed hash of a client address (``tips.antiabuse.ratelimit.client_tag``), which
# ``core.middleware.ForgetClientAddressMiddleware`` computes on POST before it drops the address. The
# tips app provides it; without it every POST fails loudly rather than go unlimited unnoticed.
client_tag: Provider[[str], str] = Provider("core.hooks.client_tag")

__all__ = ["Hook", "Provider", "client_tag"]
