"""Barrier reports (``tips.barriers``): the public form beside the accessibility statement, the staff list.

The public side writes no audit event and logs nothing about the visitor; a post that is stored is
answered with a redirect to the thank-you page, so that reloading that page posts nothing again.
"""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods

from traceobject.core.permissions import Permission
from traceobject.core.staff import staff_view
from traceobject.tips.antiabuse import ratelimit
from traceobject.tips.barriers import barrier_report_submit, barrier_reports_page
from traceobject.tips.forms import BarrierReportForm

# The rate-limit scope of the form (``ratelimit.LIMITS``' default unless the operator sets a rule for it).
RATE_SCOPE = "barrier"


def _form_page(request: HttpRequest, form: BarrierReportForm, status: int = 200) -> HttpResponse:
    response = render(request, "public/barrier_report.html", {"form": form}, status=status)
    # The page carries a per-visitor CSRF token, so no shared cache may keep it.
    response["Cache-Control"] = "private, no-cache"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def barrier_report(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, BarrierReportForm())
    form = BarrierReportForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    decision = ratelimit.rate_check(request, RATE_SCOPE)
    if not decision.allowed:
        minutes = max(1, math.ceil(decision.retry_after / 60))
        form.add_error(
            None,
            ngettext(
                "Many reports have been sent from your connection in a short time, so this one was not "
                "stored. Your text is still here: please send it again in a minute.",
                "Many reports have been sent from your connection in a short time, so this one was not "
                "stored. Your text is still here: please send it again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
        )
        response = _form_page(request, form, status=429)
        response["Retry-After"] = str(decision.retry_after)
        return response
    barrier_report_submit(payload=form.payload())
    return HttpResponseRedirect(reverse("barrier_report_thanks"), status=303)


@require_GET
@cache_control(public=True, max_age=60)
def barrier_report_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "public/barrier_report_thanks.html")


@staff_view(Permission.TIPS_BARRIER_READ)
@never_cache
@require_GET
def barrier_report_list(request: HttpRequest) -> HttpResponse:
    """Newest first, opened from the vault; each page shown is recorded in the audit trail."""
    page, reports = barrier_reports_page(actor=request.user, page_number=request.GET.get("page"))
    return render(request, "staff/barrier_reports.html", {"page": page, "reports": reports})
