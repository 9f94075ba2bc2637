"""CSRF checking that survives ``Referrer-Policy: no-referrer``.

With that policy, browsers send ``Origin: null`` on form posts and no ``Referer`` at all, and Django's
stock middleware then refuses every form (``null`` matches no allowed origin, and without an Origin it
wants a Referer over HTTPS). We keep
the part of the check that stops forgery, the secret token in the form matched against the cookie (which
is ``SameSite=Strict``, so another site's form never carries it), and treat a ``null`` origin as "no
origin given". A real foreign origin is still refused, and a Referer that is present is still checked.

Only Django's public middleware hooks are used (``process_view`` edits ``request.META`` before the stock
check reads it), so no private method of ``CsrfViewMiddleware`` is overridden: a Django upgrade that
renames one cannot silently switch this off. ``tests/accounts/test_csrf_areas.py`` pins the
hooks' signatures; ``tests/core/test_csrf.py`` covers the null origin.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware


def _own_origin(request: HttpRequest) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    return f"{'https' if request.is_secure() else 'http'}://{host}"


class NoReferrerCsrfViewMiddleware(CsrfViewMiddleware):
    def process_view(
        self, request: HttpRequest, callback: Any, callback_args: Any, callback_kwargs: Any
    ) -> Any:
        if request.META.get("HTTP_ORIGIN") == "null":
            origin = None if "HTTP_REFERER" in request.META else _own_origin(request)
            if origin is None:
                # A Referer was sent (or the host is not allowed): Django checks the request as if no
                # Origin had been given, which over HTTPS means the Referer.
                del request.META["HTTP_ORIGIN"]
            else:
                # Neither header says where the form came from. Standing in the site's own origin
                # leaves the decision to the token, as with a same-origin post; it is never sent on.
                request.META["HTTP_ORIGIN"] = origin
        return super().process_view(request, callback, callback_args, callback_kwargs)
