"""The staff home (a work list composed from every app) and the internal dashboard: tips per day,
object, language and status, delays, and lead rates."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from traceobject.audit.selectors import audit_integrity_alert
from traceobject.core.permissions import Permission
from traceobject.core.staff import staff_view
from traceobject.stats.selectors import BACKLOG_STATUSES, dashboard_figures
from traceobject.stats.worklist import staff_worklist


@staff_view(Permission.STAFF_WORKSPACE_VIEW)
@require_safe  # a page to read: a POST here is a mistake or a probe, not a form
def home(request: HttpRequest) -> HttpResponse:
    """A work list, not a second navigation: what waits for this person, counted and linked."""
    context = {
        "worklist": staff_worklist(user=request.user),
        "audit_alert": audit_integrity_alert(user=request.user),
    }
    return render(request, "staff/home.html", context)


@staff_view(Permission.STATS_DASHBOARD_VIEW)
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "staff/stats/dashboard.html",
        {"dashboard": dashboard_figures(), "backlog_statuses": [str(s) for s in BACKLOG_STATUSES]},
    )
