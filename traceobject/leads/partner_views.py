"""The partner portal under /partner/: a national partner's own leads, their acknowledgement and the
outcomes reported back, and the objects published for partners only.

Every view declares its permission with ``partner_view`` (anonymous visitors go to the portal's own
login). Leads are looked up through ``selectors.lead_for_partner``, which answers 404 for another
country's lead exactly as for one that does not exist. No page needs JavaScript.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.static import serve

from traceobject.audit import services as audit_services
from traceobject.audit.actions import AuditAction
from traceobject.core.csv_export import csv_filename, csv_response
from traceobject.core.errors import ApplicationError
from traceobject.core.forms import form_refusal_add
from traceobject.core.permissions import Permission, user_has_permission
from traceobject.core.staff import partner_view
from traceobject.gallery.models import Object
from traceobject.gallery.selectors import object_text
from traceobject.leads import selectors, services
from traceobject.leads.models import Confidence, DeterminationKind, Lead, LeadState
from traceobject.leads.partner_forms import OutcomeForm, PartnerReportForm
from traceobject.leads.staff_views import export_download, snapshot_image

# Objects published for partners, newest first, on the home page.
PARTNER_OBJECTS_SHOWN = 100
# A partner's CSV of its own leads: recorded as a list of leads, named apart from the staff's.
PARTNER_LEADS_CSV = audit_services.CsvExport(
    "partner_leads", AuditAction.LEADS_EXPORT, Permission.PARTNER_LEAD_READ
)


def _when(value: str | None) -> datetime | None:
    """A snapshot's ISO time as a datetime, so that the page shows it in the reader's locale."""
    return datetime.fromisoformat(value) if value else None


def _lead(request: HttpRequest, reference: str) -> Lead:
    return selectors.lead_for_partner(user=request.user, reference=reference)


@partner_view(Permission.PARTNER_LEAD_READ)
@never_cache
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "leads": list(selectors.partner_leads(user=request.user)),
        "objects": list(selectors.partner_objects()[:PARTNER_OBJECTS_SHOWN]),
    }
    return render(request, "partner/home.html", context)


@partner_view(Permission.PARTNER_LEAD_READ)
@require_safe
def lead_list_csv(request: HttpRequest) -> HttpResponseBase:
    """The partner's list of its own authority's leads as CSV, for its case system: the columns of the
    list on the home page and nothing more; streamed and audited. Another country's lead never appears:
    the rows come from the same selector as the page's."""
    leads = selectors.partner_leads_filtered(user=request.user)
    country = getattr(request.user, "country", "")
    until_id = audit_services.export_start(
        actor=request.user, export=PARTNER_LEADS_CSV, filters={"country": country}, rows=leads
    )
    rows = selectors.partner_leads_export_rows(user=request.user, until_id=until_id)
    return csv_response(rows, filename=csv_filename("leads"))


def _lead_page(
    request: HttpRequest, lead: Lead, outcome_form: OutcomeForm, *, status: int = 200
) -> HttpResponse:
    snapshot = services.lead_open(actor=request.user, lead=lead)
    determination: dict[str, Any] = dict(snapshot.get("determination") or {})
    # This authority's own country only: where else the object points is not this partner's business.
    own = [c for c in determination.get("countries") or [] if c.get("country") == lead.country]
    note: dict[str, Any] | None = snapshot.get("note_for_authority")
    context = {
        "lead": lead,
        "snapshot": snapshot,
        "object": snapshot.get("object") or {},
        "images": list(enumerate(snapshot.get("images") or [], 1)),
        "determination": determination,
        "own_country": own[0] if own else None,
        "kind_label": dict(DeterminationKind.choices).get(determination.get("kind", ""), ""),
        "confidence_label": dict(Confidence.choices).get(own[0].get("confidence", ""), "") if own else "",
        "tips": [
            {
                **tip,
                "received": _when(tip.get("received_at")),
                "thread": [
                    {**message, "when": _when(message.get("created_at"))}
                    for message in tip.get("follow_ups") or []
                ],
            }
            for tip in snapshot.get("tips") or []
        ],
        "note": note,
        "note_when": _when(note.get("written_at")) if note else None,
        "outcomes": selectors.lead_outcomes(lead),
        "can_report": user_has_permission(request.user, Permission.PARTNER_LEAD_REPORT)
        and lead.state != LeadState.CLOSED,
        "can_correct": user_has_permission(request.user, Permission.PARTNER_LEAD_REPORT),
        "can_acknowledge": user_has_permission(request.user, Permission.PARTNER_LEAD_REPORT)
        and lead.state == LeadState.SENT,
        "outcome_form": outcome_form,
    }
    return render(request, "partner/lead_detail.html", context, status=status)


@partner_view(Permission.PARTNER_LEAD_READ)
@never_cache
@require_safe
def lead_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _lead_page(request, _lead(request, reference), OutcomeForm())


@partner_view(Permission.PARTNER_LEAD_REPORT)
@require_POST
def lead_acknowledge(request: HttpRequest, reference: str) -> HttpResponse:
    lead = _lead(request, reference)
    try:
        services.lead_acknowledge(actor=request.user, lead=lead)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Receipt acknowledged. Thank you."))
    return redirect("partner:lead_detail", reference=lead.reference)


@partner_view(Permission.PARTNER_LEAD_REPORT)
@require_POST
def outcome_new(request: HttpRequest, reference: str) -> HttpResponse:
    lead = _lead(request, reference)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.outcome_report(
                actor=request.user,
                lead=lead,
                kind=form.cleaned_data["kind"],
                count=form.cleaned_data["count"] or 0,
                update=form.cleaned_data["update"],
            )
        except ApplicationError as error:
            form_refusal_add(form, error)
        else:
            messages.success(request, _("Outcome recorded. Thank you for reporting back."))
            return redirect("partner:lead_detail", reference=lead.reference)
    return _lead_page(request, lead, form, status=400)


@partner_view(Permission.PARTNER_LEAD_REPORT)
@never_cache
@require_http_methods(["GET", "POST"])
def outcome_correct(request: HttpRequest, reference: str, outcome_id: int) -> HttpResponse:
    """Correct a reported outcome: the form starts from the version being corrected."""
    lead = _lead(request, reference)
    outcome = selectors.outcome_for_partner(user=request.user, lead=lead, outcome_id=outcome_id)
    status = 200
    if request.method == "POST":
        form = OutcomeForm(request.POST)
        if form.is_valid():
            try:
                services.outcome_correct(
                    actor=request.user,
                    outcome=outcome,
                    kind=form.cleaned_data["kind"],
                    count=form.cleaned_data["count"] or 0,
                    update=form.cleaned_data["update"],
                )
            except ApplicationError as error:
                form_refusal_add(form, error)
            else:
                messages.success(request, _("Outcome corrected. The earlier version stays in the history."))
                return redirect("partner:lead_detail", reference=lead.reference)
        status = 400
    else:
        earlier = next(view for view in selectors.lead_outcomes(lead) if view.id == outcome.pk)
        form = OutcomeForm(
            initial={"kind": earlier.kind, "count": earlier.count or None, "update": earlier.update}
        )
    context = {"lead": lead, "outcome": outcome, "form": form}
    return render(request, "partner/outcome_correct.html", context, status=status)


def _object_page(
    request: HttpRequest, obj: Object, form: PartnerReportForm, *, status: int = 200
) -> HttpResponse:
    context = {
        "object": obj,
        # In the partner's language when translated, else the original marked as such.
        "text": object_text(obj=obj),
        "form": form,
        "can_report": user_has_permission(request.user, Permission.PARTNER_OBJECT_REPORT),
    }
    return render(request, "partner/object_detail.html", context, status=status)


@partner_view(Permission.PARTNER_LEAD_READ)
@never_cache
@require_safe
def object_detail(request: HttpRequest, code: str) -> HttpResponse:
    obj = selectors.partner_object(user=request.user, code=code)
    return _object_page(request, obj, PartnerReportForm())


@partner_view(Permission.PARTNER_OBJECT_REPORT)
@require_POST
def object_report(request: HttpRequest, code: str) -> HttpResponse:
    obj = selectors.partner_object(user=request.user, code=code)
    form = PartnerReportForm(request.POST)
    if form.is_valid():
        try:
            services.partner_object_report(actor=request.user, obj=obj, text=form.cleaned_data["text"])
        except ApplicationError as error:
            form_refusal_add(form, error)
        else:
            messages.success(request, _("Thank you: your report reached the analysts."))
            return redirect("partner:object_detail", code=obj.code)
    return _object_page(request, obj, form, status=400)


@partner_view(Permission.PARTNER_LEAD_READ)
@require_safe
def object_image(request: HttpRequest, code: str, image_id: int) -> HttpResponseBase:
    """A sanitized derivative of a partner-only object: only for partners, never cached by others."""
    obj = selectors.partner_object(user=request.user, code=code)
    path = selectors.partner_object_image_path(obj=obj, image_id=image_id)
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response["Cache-Control"] = "private, no-store"
    return response


@partner_view(Permission.PARTNER_LEAD_READ)
@require_safe
def lead_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    return export_download(request, _lead(request, reference), "pdf")


@partner_view(Permission.PARTNER_LEAD_READ)
@require_safe
def lead_json(request: HttpRequest, reference: str) -> HttpResponse:
    return export_download(request, _lead(request, reference), "json")


@partner_view(Permission.PARTNER_LEAD_READ)
@require_safe
def lead_image(request: HttpRequest, reference: str, index: int) -> HttpResponse:
    return snapshot_image(_lead(request, reference), index)
