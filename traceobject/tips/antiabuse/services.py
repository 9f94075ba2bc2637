"""The intake's screening: one call that ties proof of work, rate limits and the surge breaker together.

Order matters. The proof of work is checked first, since it decides which limit applies: tips without it
(JavaScript off, or a bot) are cheap to send, so they get a fraction of the allowance. The breaker is
consulted last, only for tips that will be stored, so that refused attempts cannot trip it and push
everyone's genuine tips into the hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from traceobject.tips.antiabuse.pow import pow_verify
from traceobject.tips.antiabuse.ratelimit import rate_check
from traceobject.tips.antiabuse.surge import surge_note


@dataclass(frozen=True)
class Screening:
    """What the intake does with one well-formed tip: refuse it for ``retry_after`` seconds, or store it
    (``unverified`` without a valid proof of work, ``held`` in a surge)."""

    allowed: bool
    retry_after: int
    unverified: bool
    held: bool


def tip_screen(request: HttpRequest, *, code: str, challenge: str, nonce: str) -> Screening:
    """Screen a tip that passed the form's checks, before anything is stored."""
    verified = pow_verify(challenge=challenge, nonce=nonce, code=code)
    decision = rate_check(request, "tip" if verified else "tip-unverified")
    if not decision.allowed:
        return Screening(allowed=False, retry_after=decision.retry_after, unverified=not verified, held=False)
    return Screening(allowed=True, retry_after=0, unverified=not verified, held=surge_note())
