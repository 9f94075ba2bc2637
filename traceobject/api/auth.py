"""Bearer tokens for the API: ``Authorization: Bearer to_<prefix>_<secret>`` (accounts/apitokens.py).

A refused token answers 401 (with ``WWW-Authenticate``), whatever the reason, so that a client cannot
tell an unknown prefix from a wrong secret, a revoked or an expired token. Each refusal is audited, at
most a few per token (or for malformed tokens together) per minute, so that a flood of bad tokens cannot
flood the trail. A token that passes counts one request against its own limit (429 beyond it).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from traceobject.accounts.apitokens import (
    TokenAuth,
    TokenRefused,
    apitoken_authenticate,
    apitoken_refusal_record,
)
from traceobject.tips.antiabuse.ratelimit import rate_check_tag


class RateLimitedError(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class TokenBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> TokenAuth | None:
        try:
            auth = apitoken_authenticate(token)
        except TokenRefused as refused:
            bucket = refused.token.prefix if refused.token is not None else "malformed-or-unknown"
            if rate_check_tag(f"api-refused:{bucket}", "api-refused-audit").allowed:
                apitoken_refusal_record(refused)
            return None
        decision = rate_check_tag(f"api:{auth.token.prefix}", "api")
        if not decision.allowed:
            raise RateLimitedError(decision.retry_after)
        # The services take the acting account; the session's (anonymous) user is never read here.
        request.user = auth.user
        return auth
