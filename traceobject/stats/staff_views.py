"""The internal dashboard: tips per day, object, language and status, delays, and lead rates."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from traceobject.core.permissions import Permission
from traceobject.core.staff import staff_view
from traceobject.stats.selectors import BACKLOG_STATUSES, dashboard_figures


@staff_view(Permission.STATS_DASHBOARD_VIEW)
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "staff/stats/dashboard.html",
        {"dashboard": dashboard_figures(), "backlog_statuses": [str(s) for s in BACKLOG_STATUSES]},
    )
