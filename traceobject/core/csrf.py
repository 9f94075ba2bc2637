"""CSRF checking that survives ``Referrer-Policy: no-referrer``.

With that policy, browsers send ``Origin: null`` on form posts and no ``Referer`` at all, and Django's
stock middleware then refuses every form. We keep the part of the check that stops forgery, the
secret token in the form matched against the cookie (which is ``SameSite=Strict``, so another site's
form never carries it), and treat a ``null`` origin as "no origin given". A real foreign origin is
still refused.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware


class NoReferrerCsrfViewMiddleware(CsrfViewMiddleware):
    def process_view(
        self, request: HttpRequest, callback: Any, callback_args: Any, callback_kwargs: Any
    ) -> Any:
        if request.META.get("HTTP_ORIGIN") == "null":
            del request.META["HTTP_ORIGIN"]
            request._to_null_origin = True  # type: ignore[attr-defined]
        return super().process_view(request, callback, callback_args, callback_kwargs)

    def _check_referer(self, request: HttpRequest) -> None:
        if getattr(request, "_to_null_origin", False) and "HTTP_REFERER" not in request.META:
            return
        super()._check_referer(request)  # type: ignore[misc]
