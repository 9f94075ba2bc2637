"""Request hygiene that must hold for every response, public or staff."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from traceobject.core import hooks

# Every header through which a proxy may pass on the client's address.
_ADDRESS_KEYS = (
    "REMOTE_ADDR",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_X_CLUSTER_CLIENT_IP",
)


class ForgetClientAddressMiddleware:
    """Drop the client's address before any other code can see it.

    Stripping it at the door is stronger than promising not to store it: no model default, log
    formatter, error report or third-party app further down can pick it up. The rate limits get only
    ``request.client_tag`` (on POST requests, the only ones limited), an HMAC of the address under a key
    that rotates daily and lives only in the cache (``tips.antiabuse.ratelimit``, through the hook
    ``core.hooks.client_tag``), computed here before the address is dropped.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # Behind a proxy REMOTE_ADDR is the proxy's own address; the header it sets names the client.
        header = str(getattr(settings, "TRACEOBJECT_CLIENT_ADDRESS_HEADER", "") or "")
        self.address_key = "HTTP_" + header.upper().replace("-", "_") if header else "REMOTE_ADDR"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only posts are rate limited (a tip, a receipt, a reply), so only they pay for the tag, and
        # an unreachable cache never slows a page view or a static file.
        if request.method == "POST":
            # A list (X-Forwarded-For): the last entry is the one the trusted proxy added itself.
            address = str(request.META.get(self.address_key, "") or "").split(",")[-1].strip()
            request.client_tag = hooks.client_tag(address)  # type: ignore[attr-defined]
            del address
        for key in _ADDRESS_KEYS:
            request.META.pop(key, None)
        # Some code expects the key to exist; give it the unspecified address.
        request.META["REMOTE_ADDR"] = "0.0.0.0"  # noqa: S104 - a placeholder, never bound
        return self.get_response(request)


# The only URLs that take large bodies: the staff image upload and re-upload forms.
_UPLOAD_PATH = re.compile(r"^/staff/objects/[^/]+/images/(\d+/)?$")


def body_limit(path: str) -> int:
    """Public forms need a few kilobytes; only the staff image upload takes megabytes. Any other
    path, staff login included, keeps the small limit, so nobody can make the server parse a
    large body before a login check."""
    if _UPLOAD_PATH.match(path):
        return int(settings.STAFF_MAX_UPLOAD_BYTES)
    return int(settings.MAX_BODY_BYTES)


class BodySizeLimitMiddleware:
    """Refuse oversized bodies from the Content-Length header, before a byte of them is parsed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            # The area's styled 400 page (core.views.bad_request), not a bare line of text.
            raise BadRequest("malformed Content-Length") from None
        if length > body_limit(request.path_info) or length < 0:
            return HttpResponse(
                _("The request is too large."), status=413, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    )
)


class SecurityHeadersMiddleware:
    """Headers Django 5.2 does not set itself: the CSP and the Permissions-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class SecureCookiesMiddleware:
    """Mark every cookie the response sets as Secure when the deployment serves HTTPS only
    (``settings.COOKIES_SECURE``: production, or embedded mode behind a TLS proxy).

    The project's cookies already follow ``SESSION_COOKIE_SECURE`` and ``CSRF_COOKIE_SECURE``; this is
    the net under them, so that a cookie added later (by our code or a library) cannot travel over plain
    HTTP by forgetting the flag. Removals (an empty value) are left as they are.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.COOKIES_SECURE:
            for morsel in response.cookies.values():
                if morsel.value:
                    morsel["secure"] = True
        return response
