"""The framework floor for ``bench/intake.py``: the cheapest CSRF-protected form post Django can serve.

The intake benchmark divides the tip intake's throughput by this view's, on the same server, the same
middleware and the same request bodies. The ratio tells what the intake itself costs (form validation,
sealing, two inserts and a durable commit, the receipt page) above what any form post costs here.

It is routed only when ``TRACEOBJECT_BENCH_FLOOR=1`` (``settings.BENCH_FLOOR``), and it stores nothing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

_FORM = (
    '<!doctype html><title>floor</title><form method="post">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
    '<textarea name="text"></textarea><button>Send</button></form>'
)


@require_http_methods(["GET", "POST"])
def floor(request: HttpRequest) -> HttpResponse:
    """GET: a one-field form with a CSRF token. POST: parse the body (as the intake does) and say ok."""
    if request.method == "POST":
        # The CSRF middleware has already read the token from request.POST; count the fields so that
        # the parse is visibly part of the work measured.
        return HttpResponse(f"ok {len(request.POST)}\n", content_type="text/plain; charset=utf-8")
    response = HttpResponse(format_html(_FORM, get_token(request)))
    response["Cache-Control"] = "private, no-cache"
    return response
