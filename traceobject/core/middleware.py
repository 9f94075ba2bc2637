"""Request hygiene that must hold for every response, public or staff."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from traceobject.core import hooks
from traceobject.core.errors import AREA_PUBLIC, area_of
from traceobject.core.languages import ROOT_VARY, negotiates, request_language, root_redirect
from traceobject.core.views import request_too_large

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
        raw = str(request.META.get("CONTENT_LENGTH") or "0")
        # HTTP allows digits only; Python's int() also takes "-1", " 12", "+5", "1_0" and other scripts'
        # digits. The area's styled 400 page (core.views.bad_request), not a bare line of text.
        if not (raw.isascii() and raw.isdigit()):
            raise BadRequest("malformed Content-Length")
        length = int(raw)
        if length > body_limit(request.path_info):
            # The area's styled page, like every other refusal, with its one log line.
            return request_too_large(request)
        return self.get_response(request)


# A "%" that does not start an escape of two hexadecimal digits.
_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_FORM_URLENCODED = "application/x-www-form-urlencoded"


def _urlencoded_problem(raw: bytes) -> str | None:
    """What is wrong with a query string or a form body, or None: an escape that is not one, or bytes that
    are not UTF-8 once unescaped. Django would keep the first as it is and replace the second with U+FFFD,
    and a view would then store what the sender never wrote. Browsers always send valid UTF-8, escaped."""
    if _BAD_ESCAPE.search(raw):
        return "invalid percent-encoding"
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    return None


class TolerantWSGIRequest(WSGIRequest):
    """Django's WSGI request, which can be built even when its query string will be refused.

    Django 5.2 sets the encoding of a request whose ``Content-Type`` names a charset while it builds the
    request, and that setter reads ``request.GET``: a query string of more than
    ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` fields then raised ``TooManyFieldsSent`` before the handler existed
    to turn it into a 400, and the server answered 500 with a traceback. Here the refusal waits for the
    first reader of ``request.GET`` (``StrictInputMiddleware``), inside the handler; the encoding is set
    all the same (the setter stores it before it reads). ``traceobject.wsgi`` serves with this class.
    """

    def _set_content_type_params(self, meta: dict[str, Any]) -> None:
        with contextlib.suppress(SuspiciousOperation):
            super()._set_content_type_params(meta)  # type: ignore[misc]


class StrictInputMiddleware:
    """Refuse malformed input with a 400 before the CSRF check and the view parse it.

    In ``process_view``, so after the URL resolved (an unknown URL stays a 404 and its body is never read)
    and after the authentication middleware (the 400 page shows the staff navigation), and before the CSRF
    middleware's own ``process_view``, the first reader of ``request.POST``. Django's own refusals (a form
    post in another charset than UTF-8, a multipart body without or with a broken boundary, too many fields,
    a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``) are raised here too, by reading ``request.POST`` once:
    ``core.views.bad_request`` answers them all with the area's page and one log line.

    Multipart fields arrive already decoded, with U+FFFD where a byte was not valid; only the staff image
    upload sends multipart, so a replacement character there is taken for what it nearly always is.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: object, args: object, kwargs: object) -> None:
        query = request.META.get("QUERY_STRING", "")
        if query:
            # WSGI hands the query string over as Latin-1 text: its bytes come back with this encoding.
            problem = _urlencoded_problem(query.encode("iso-8859-1", errors="replace"))
            if problem:
                raise BadRequest(f"query string: {problem}")
            request.GET  # noqa: B018 - Django's own check (too many fields), raised here
        if request.method != "POST":
            return
        # Django's own checks first (the charset above all), raised here rather than inside a view.
        post = request.POST
        if request.content_type == _FORM_URLENCODED:
            problem = _urlencoded_problem(request.body)  # read once already, by the line above
            if problem:
                raise BadRequest(f"form body: {problem}")
        elif request.content_type == "multipart/form-data":
            for name, values in post.lists():
                if any("\ufffd" in text for text in (name, *values)):
                    raise BadRequest("multipart field: not valid in its charset")


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


class AreaLocaleMiddleware:
    """Django's ``LocaleMiddleware``, area by area (``core.languages``): activates the request's language
    (``request_language``: one of its area's, never another), sends the bare root to the visitor's
    language (``root_redirect``), and says on each response what its language depended on: ``Vary``
    only on the root and on the areas that read ``Accept-Language``, so that public pages stay
    cacheable per URL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        negotiated = negotiates(request)
        response = (negotiated and root_redirect(request)) or self.get_response(request)
        if negotiated:
            patch_vary_headers(response, ROOT_VARY)
        elif area_of(request.path_info) != AREA_PUBLIC:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response
