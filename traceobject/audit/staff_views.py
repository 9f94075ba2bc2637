"""The auditor's pages: read-only, and they record nothing (reading is not a state change)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from traceobject.audit import selectors
from traceobject.audit.forms import AuditFilterForm
from traceobject.core.permissions import Permission
from traceobject.core.staff import staff_view


@staff_view(Permission.AUDIT_EVENT_READ)
@require_safe
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    page = None
    if form.is_valid():
        page = selectors.audit_event_page(
            user=request.user,
            filters=form.filters(),
            before=form.cleaned_data.get("before"),
            after=form.cleaned_data.get("after"),
        )
    context = {"form": form, "page": page, "chain": selectors.audit_chain_status()}
    return render(request, "staff/audit/list.html", context, status=200 if page is not None else 400)


@staff_view(Permission.AUDIT_EVENT_READ)
@require_safe
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.audit_event_get(user=request.user, pk=pk)
    context = {
        "event": event,
        "details_json": json.dumps(event.details, indent=2, sort_keys=True, ensure_ascii=False),
        "check": selectors.audit_event_check(event=event),
    }
    return render(request, "staff/audit/detail.html", context)
