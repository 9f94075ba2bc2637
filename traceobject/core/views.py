"""Small views of the whole site: the health check, and the error pages of each area.

Django's ``handler400/403/404/500`` and ``CSRF_FAILURE_VIEW`` point here. Each picks the template of the
area the path belongs to (public, staff, partner: ``core.errors.area_of``), so a visitor always stays
in the look and language of the part of the site they were using.

None of them is wrapped in Django's ``requires_csrf_token``, as Django's own handlers are: that decorator
runs the CSRF check again, which reads ``request.POST`` again, so a body that could not be parsed the first
time (a form post in Latin-1 or UTF-16) raised again inside the 400 handler and became a 500 with a
traceback. It would also read the public CSRF cookie on staff and partner pages, where the area's CSRF
middleware (``accounts.middleware.AreaCsrfViewMiddleware``) has already read the right one, which the
``{% csrf_token %}`` of the page's logout form then uses.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from traceobject.core.errors import AREA_PUBLIC, area_of
from traceobject.core.languages import request_language

# One line per refused malformed request (400, 413): never a traceback, never the client's address (the
# first middleware has already dropped it), never the body.
logger = logging.getLogger("traceobject.request")


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, for load balancers and ``make run`` scripts."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


# The date the statement was prepared (and last reviewed): Decision (EU) 2018/1523 asks for it.
ACCESSIBILITY_STATEMENT_DATE = date(2026, 12, 7)


@require_GET
@cache_control(public=True, max_age=60)
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement: standard, compliance, known gaps, how to report, enforcement."""
    return render(
        request,
        "public/accessibility.html",
        {"prepared": ACCESSIBILITY_STATEMENT_DATE, "contact": settings.ACCESSIBILITY_CONTACT},
    )


def _messages(status: int, area: str) -> tuple[str, str]:
    """The heading and explanation for ``status``: plain words, and what to do next."""
    if status == 413:
        return (
            _("The request is too large"),
            _(
                "What was sent is larger than this page accepts, so nothing was done. "
                "Go back, shorten the text or choose a smaller file, and try again."
            ),
        )
    if status == 400:
        return (
            _("The request could not be understood"),
            _(
                "Something in the request was malformed, so nothing was done. "
                "Go back, reload the page and try again."
            ),
        )
    if status == 403:
        if area == AREA_PUBLIC:
            return (_("You cannot open this page"), _("This page is not open to the public."))
        return (
            _("Your account may not do this"),
            _(
                "Your role does not allow this page or action, so nothing was changed. If you need it, "
                "ask an administrator."
            ),
        )
    if area == AREA_PUBLIC:
        return (_("Page not found"), _("This page does not exist, or the object is no longer shown."))
    return (_("Page not found"), _("This page does not exist, or your account may not see it."))


def _activate_area_language(request: HttpRequest) -> None:
    """The area's language for this request (``core.languages.request_language``: the prefix of a public
    path, ``Accept-Language`` among the area's languages elsewhere), so that an error raised before the
    locale middleware ran (a malformed request, a body too large) still answers in it: never in the
    language that the worker's thread happened to serve last, nor in one the area does not speak."""
    if not hasattr(request, "LANGUAGE_CODE"):
        request.LANGUAGE_CODE = request_language(request)
    translation.activate(request.LANGUAGE_CODE)


def _error_page(request: HttpRequest, status: int, **extra: Any) -> HttpResponse:
    if not hasattr(request, "user"):  # refused before the authentication middleware ran
        request.user = AnonymousUser()
    _activate_area_language(request)
    area = area_of(request.path_info)
    heading, message = _messages(status, area)
    context = {"status": status, "heading": heading, "message": message, **extra}
    return render(request, f"{area}/error.html", context, status=status)


# Anything but printable ASCII in a logged path or message becomes "?": a line is one line.
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")


def _loggable(text: str, limit: int = 160) -> str:
    return _UNPRINTABLE.sub("?", text[:limit])


def _log_refusal(request: HttpRequest, response: HttpResponse, reason: str) -> None:
    """Write the refusal's one log line, and mark the response logged so that Django's exception handler
    (``django.utils.log.log_response``) adds no second one: for a ``SuspiciousOperation`` (too many
    fields, a body too big) that second one is an ERROR with a full traceback."""
    logger.warning(
        "%s %s %s refused: %s",
        response.status_code,
        _loggable(request.method or "-", 16),
        _loggable(request.path),
        _loggable(reason),
    )
    response._has_been_logged = True  # type: ignore[attr-defined]


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Any malformed request: an unparsable body, a charset other than UTF-8, too many fields...

    The body is marked as parsed and empty first, so that nothing that renders the page (a context
    processor, a template) can make Django parse it again and raise again. The log line names the
    exception's class and message: Django's messages say what was wrong without quoting the body.
    """
    request._mark_post_parse_error()  # type: ignore[attr-defined]
    response = _error_page(request, 400)
    reason = f"{type(exception).__name__}: {exception}" if exception is not None else "bad request"
    _log_refusal(request, response, reason)
    return response


def request_too_large(request: HttpRequest) -> HttpResponse:
    """413 for a body over the path's limit (``core.middleware.BodySizeLimitMiddleware``), refused
    from its ``Content-Length`` before a byte of it is read."""
    response = _error_page(request, 413)
    _log_refusal(request, response, f"Content-Length {_loggable(request.META.get('CONTENT_LENGTH', ''), 24)}")
    return response


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Staff and partner refusals carry our own message ("It is for: Publisher"); the public is told
    # nothing more than the heading.
    says_more = bool(exception and exception.args) and getattr(exception, "specific", True)
    detail = str(exception) if says_more and area_of(request.path_info) != AREA_PUBLIC else ""
    return _error_page(request, 403, detail=detail)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Minimal on purpose: no request context, no user, no database query, since any of them may be
    what failed. The template links only the area's style sheet and home page."""
    area = area_of(request.path_info)
    template = loader.get_template("500.html")
    html = template.render({"area": area})
    return HttpResponse(html, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A plain explanation: the usual cause is an expired page or blocked cookies, not an attack."""
    area = area_of(request.path_info)
    if area == AREA_PUBLIC:
        _activate_area_language(request)
        return render(request, "public/csrf_failure.html", status=403)
    heading = _("Your form could not be sent")
    message = _(
        "The page was probably open for a long time, or your browser blocked the cookie this form needs. "
        "Nothing was changed. Go back, reload the page and send the form again."
    )
    return _error_page(request, 403, heading=heading, message=message)
