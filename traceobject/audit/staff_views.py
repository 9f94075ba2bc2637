"""The auditor's pages: read-only, and they record nothing (reading is not a state change)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_safe

from traceobject.audit import selectors, services
from traceobject.audit.forms import AuditFilterForm
from traceobject.core.csv_export import csv_filename, csv_response
from traceobject.core.permissions import Permission, user_has_permission
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
    if page is not None:
        selectors.audit_events_labelled(page.events)
    context = {
        "form": form,
        "page": page,
        "chain": selectors.audit_chain_status(),
        "can_export": user_has_permission(request.user, Permission.AUDIT_EVENT_EXPORT),
        "export_query": _filter_query(form) if page is not None else "",
    }
    return render(request, "staff/audit/list.html", context, status=200 if page is not None else 400)


def _filter_query(form: AuditFilterForm) -> str:
    """The filters of the list (not its page cursors), for the export link and the export's record."""
    return urlencode(_filter_values(form))


def _filter_values(form: AuditFilterForm) -> dict[str, str]:
    names = ("actor", "action", "target_type", "target_id", "date_from", "date_to")
    return {name: str(form.cleaned_data[name]) for name in names if form.cleaned_data.get(name)}


@staff_view(Permission.AUDIT_EVENT_EXPORT)
@require_safe
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """The current filter of the trail as CSV, streamed (a trail can be millions of rows), audited."""
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return audit_list(request)
    filters = form.filters()
    until_id = services.export_start(
        actor=request.user,
        export=services.AUDIT_CSV,
        filters=_filter_values(form),
        rows=selectors.audit_events(filters=filters),
    )
    rows = selectors.audit_export_rows(user=request.user, filters=filters, until_id=until_id)
    return csv_response(rows, filename=csv_filename("audit-trail"))


@staff_view(Permission.AUDIT_EVENT_READ)
@require_safe
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.audit_event_get(user=request.user, pk=pk)
    selectors.audit_events_labelled([event])
    context = {
        "event": event,
        "details_json": json.dumps(event.details, indent=2, sort_keys=True, ensure_ascii=False),
        "check": selectors.audit_event_check(event=event),
    }
    return render(request, "staff/audit/detail.html", context)
