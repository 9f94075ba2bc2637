"""The staff pages of leads under /staff/leads/: recording and confirming determinations, the leads
with their sending and downloads, and the directory of authorities.

Views stay thin: they parse a form, declare their permission with ``staff_view`` (the services check it
again), call selectors and one service, and render or redirect. Tip text is read only through
``triage.services.tips_read``, which records who was shown which tips. No page needs JavaScript.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from traceobject.accounts.models import User
from traceobject.audit import services as audit_services
from traceobject.audit.actions import AuditAction
from traceobject.core.csv_export import csv_filename, csv_response
from traceobject.core.errors import ApplicationError
from traceobject.core.forms import form_refusal_add
from traceobject.core.lookups import found_or_404
from traceobject.core.permissions import Permission, Role, user_has_permission
from traceobject.core.staff import staff_view
from traceobject.gallery.models import Object
from traceobject.leads import selectors, services
from traceobject.leads.models import (
    Authority,
    Determination,
    DeterminationState,
    Lead,
    LeadState,
    OutcomeKind,
)
from traceobject.leads.staff_forms import (
    AuthorityForm,
    DeterminationForm,
    LeadFilterForm,
    LeadSendForm,
    RejectForm,
    claims_from,
    country_rows,
)
from traceobject.tips.models import Tip
from traceobject.triage import selectors as triage_selectors
from traceobject.triage import services as triage_services
from traceobject.triage.highlight import country_name, excerpt
from traceobject.triage.models import Signal, SignalKind

# The candidate countries offered on the determination form, and the tips listed under each.
CANDIDATES_SHOWN = 10
TIPS_PER_COUNTRY = 10
# The CSV exports of the lead list and of the determinations: the permission of their pages.
LEADS_CSV = audit_services.CsvExport("leads", AuditAction.LEADS_EXPORT, Permission.LEADS_LEAD_READ)
DETERMINATIONS_CSV = audit_services.CsvExport(
    "determinations", AuditAction.DETERMINATIONS_EXPORT, Permission.LEADS_LEAD_READ
)


def _determination_or_404(determination_id: int) -> Determination:
    return found_or_404(
        Determination.objects.select_related("object", "proposed_by", "decided_by")
        .prefetch_related("countries__tips", "leads__authority")
        .filter(pk=determination_id)
        .first()
    )


def _lead_or_404(reference: str) -> Lead:
    return found_or_404(
        Lead.objects.select_related("authority", "determination__object", "sent_by", "acknowledged_by")
        .filter(reference=reference)
        .first()
    )


# --- Determinations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateTip:
    pk: int
    excerpt: str
    created_at: Any
    status: str


@dataclass(frozen=True)
class CountryRow:
    """One row of the determination form: the row's form, the consensus figures and the tips."""

    form: Any
    support: Any  # triage.selectors.Support, or None for a free row
    tips: list[CandidateTip]
    selected: set[str]


def _country_tips(obj: Object, codes: list[str]) -> dict[str, list[Tip]]:
    """The newest tips of ``obj`` that name each country (by their country signals), at most
    ``TIPS_PER_COUNTRY`` each; other reports are left out."""
    found: dict[str, list[Tip]] = {}
    for code in codes:
        # The inbox's country filter: a semi-join, walked newest first on the (object, -id) index.
        naming = Signal.objects.filter(kind=SignalKind.COUNTRY, value=code).values("tip_id")
        found[code] = list(
            Tip.objects.filter(object=obj, is_other=False, pk__in=naming).order_by("-id")[:TIPS_PER_COUNTRY]
        )
    return found


def _determination_page(
    request: HttpRequest, obj: Object, form: DeterminationForm, *, status: int = 200
) -> HttpResponse:
    consensus = triage_selectors.consensus(obj=obj, countries=CANDIDATES_SHOWN, terms=0)
    supports = consensus.countries
    codes = [support.value for support in supports]
    rows = getattr(form, "rows", None) or country_rows(None, codes)
    tips_by_country = _country_tips(obj, codes)
    shown = {tip.pk: tip for tips in tips_by_country.values() for tip in tips}
    payloads = triage_services.tips_read(
        actor=request.user, tips=sorted(shown.values(), key=lambda t: -t.pk), where="determination"
    )
    table = []
    for index, row in enumerate(rows):
        support = supports[index] if index < len(supports) else None
        tips = tips_by_country.get(support.value, []) if support else []
        selected = {str(value) for value in (row["tips"].value() or [])} if row.is_bound else set()
        table.append(
            CountryRow(
                form=row,
                support=support,
                tips=[
                    CandidateTip(
                        tip.pk, excerpt(payloads[tip.pk].text), tip.created_at, tip.get_status_display()
                    )
                    for tip in tips
                    if tip.pk in payloads
                ],
                selected=selected,
            )
        )
    context = {
        "object": obj,
        "form": form,
        "rows": table,
        "row_errors": any(row.errors for row in rows if row.is_bound),
        "consensus": consensus,
        "current": selectors.determination_for_object(obj),
        "max_countries": services.MAX_COUNTRIES,
    }
    return render(request, "staff/leads/determination_form.html", context, status=status)


@staff_view(Permission.LEADS_DETERMINATION_PROPOSE)
@never_cache
@require_http_methods(["GET", "POST"])
def determination_new(request: HttpRequest, code: str) -> HttpResponse:
    obj = found_or_404(triage_selectors.object_for_triage(code=code))
    if request.method != "POST":
        # One determination waits or holds per object: send the analyst to it rather than let them fill
        # in a whole form that the service would refuse.
        current = selectors.determination_for_object(obj)
        if current is not None:
            messages.info(request, _("This object already has a determination: here it is."))
            return redirect("staff:determination_detail", determination_id=current.pk)
        return _determination_page(request, obj, DeterminationForm())
    form = DeterminationForm(request.POST)
    codes = [
        s.value for s in triage_selectors.consensus(obj=obj, countries=CANDIDATES_SHOWN, terms=0).countries
    ]
    rows = country_rows(request.POST, codes)
    form.rows = rows  # type: ignore[attr-defined]  # shown again with the page
    claims = claims_from(form, rows)
    if claims is not None:
        try:
            determination = services.determination_propose(
                actor=request.user,
                obj=obj,
                kind=form.cleaned_data["kind"],
                rationale=form.cleaned_data["rationale"],
                countries=claims,
            )
        except ApplicationError as error:
            form_refusal_add(form, error)
        else:
            messages.success(
                request, _("Determination recorded. Another analyst or a publisher must now confirm it.")
            )
            return redirect("staff:determination_detail", determination_id=determination.pk)
    return _determination_page(request, obj, form, status=400)


@staff_view(Permission.LEADS_LEAD_READ)
@require_safe
def determination_list(request: HttpRequest) -> HttpResponse:
    pending = list(selectors.determinations_pending())
    decided = list(
        Determination.objects.exclude(state=DeterminationState.PROPOSED)
        .select_related("object", "proposed_by", "decided_by")
        .order_by("-decided_at", "-id")[:50]
    )
    return render(request, "staff/leads/determination_list.html", {"pending": pending, "decided": decided})


@staff_view(Permission.LEADS_LEAD_READ)
@require_safe
def determination_list_csv(request: HttpRequest) -> HttpResponseBase:
    """Every determination (the page shows those waiting and the latest decided), streamed and audited."""
    determinations = selectors.determinations_all()
    until_id = audit_services.export_start(
        actor=request.user, export=DETERMINATIONS_CSV, filters={}, rows=determinations
    )
    rows = selectors.determinations_export_rows(determinations=determinations, until_id=until_id)
    return csv_response(rows, filename=csv_filename("determinations"))


@staff_view(Permission.LEADS_LEAD_READ)
@require_safe
def determination_detail(request: HttpRequest, determination_id: int) -> HttpResponse:
    determination = _determination_or_404(determination_id)
    return _determination_detail_page(request, determination, RejectForm())


def _determination_detail_page(
    request: HttpRequest, determination: Determination, reject_form: RejectForm, *, status: int = 200
) -> HttpResponse:
    user = request.user
    context = {
        "determination": determination,
        "countries": list(determination.countries.all()),
        "leads": list(determination.leads.all()),
        "pending": determination.state == DeterminationState.PROPOSED,
        "own": determination.proposed_by_id == user.pk,
        "can_decide": user_has_permission(user, Permission.LEADS_DETERMINATION_CONFIRM),
        "reject_form": reject_form,
    }
    return render(request, "staff/leads/determination_detail.html", context, status=status)


@staff_view(Permission.LEADS_DETERMINATION_CONFIRM)
@require_POST
def determination_confirm(request: HttpRequest, determination_id: int) -> HttpResponse:
    determination = _determination_or_404(determination_id)
    try:
        leads = services.determination_confirm(actor=request.user, determination=determination)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if leads:
            messages.success(
                request,
                ngettext(
                    "Determination confirmed: %(count)d lead is ready to send.",
                    "Determination confirmed: %(count)d leads are ready to send.",
                    len(leads),
                )
                % {"count": len(leads)},
            )
        else:
            messages.success(request, _("Determination confirmed."))
    return redirect("staff:determination_detail", determination_id=determination.pk)


@staff_view(Permission.LEADS_DETERMINATION_CONFIRM)
@require_POST
def determination_reject(request: HttpRequest, determination_id: int) -> HttpResponse:
    determination = _determination_or_404(determination_id)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.determination_reject(
                actor=request.user, determination=determination, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form_refusal_add(form, error)
        else:
            messages.success(request, _("Determination rejected. The object can be determined again."))
            return redirect("staff:determination_detail", determination_id=determination.pk)
    return _determination_detail_page(request, determination, form, status=400)


# --- Leads ----------------------------------------------------------------------------------------

# The lead list shows this many, newest first (a few per confirmed object: hundreds in a year).
LEADS_SHOWN = 500


def _lead_filters(form: LeadFilterForm) -> tuple[str | None, int | None]:
    """The selector's arguments for a valid filter form: the state, and the days after which a sent
    lead counts as not acknowledged (when that filter is ticked)."""
    data = form.cleaned_data
    days = settings.TRACEOBJECT_LEAD_ACK_DAYS if data.get("unacknowledged") else None
    return data.get("state") or None, days


@staff_view(Permission.LEADS_LEAD_READ)
@require_safe
def lead_list(request: HttpRequest) -> HttpResponse:
    form = LeadFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    state, days = _lead_filters(form) if form.is_bound and valid else (None, None)
    if days is not None:
        leads = selectors.leads_unacknowledged(older_than_days=days)
    else:
        leads = selectors.leads_list(state=state)
    rows = list(selectors.leads_with_latest_outcome(leads)[: LEADS_SHOWN + 1])
    labels = dict(OutcomeKind.choices)
    for lead in rows:
        lead.latest_outcome_label = labels.get(lead.latest_outcome, "")  # type: ignore[attr-defined]
    context = {
        "form": form,
        "leads": rows[:LEADS_SHOWN],
        "more": len(rows) > LEADS_SHOWN,
        "ack_days": settings.TRACEOBJECT_LEAD_ACK_DAYS,
        "export_query": urlencode(form.filter_values()) if form.is_bound and valid else "",
    }
    return render(request, "staff/leads/lead_list.html", context, status=200 if valid else 400)


@staff_view(Permission.LEADS_LEAD_READ)
@require_safe
def lead_list_csv(request: HttpRequest) -> HttpResponseBase:
    """The lead list under its current filter, every lead of it (the page shows the newest
    ``LEADS_SHOWN``), with each lead's outcomes in force as figures; streamed and audited."""
    form = LeadFilterForm(request.GET)
    if not form.is_valid():
        return lead_list(request)
    state, days = _lead_filters(form)
    leads = selectors.leads_filtered(state=state, unacknowledged_days=days)
    until_id = audit_services.export_start(
        actor=request.user, export=LEADS_CSV, filters=form.filter_values(), rows=leads
    )
    rows = selectors.leads_export_rows(leads=leads, until_id=until_id)
    return csv_response(rows, filename=csv_filename("leads"))


def _lead_page(
    request: HttpRequest,
    lead: Lead,
    send_form: LeadSendForm,
    *,
    no_reader: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "lead": lead,
        "outcomes": selectors.lead_outcomes(lead),
        "can_send": user_has_permission(request.user, Permission.LEADS_LEAD_SEND)
        and lead.state in (LeadState.READY, LeadState.SENT),
        "can_download": user_has_permission(request.user, Permission.LEADS_LEAD_SEND),
        "has_reader": selectors.partner_accounts_exist(country=lead.country),
        "send_form": send_form,
        "no_reader": no_reader,
    }
    return render(request, "staff/leads/lead_detail.html", context, status=status)


@staff_view(Permission.LEADS_LEAD_READ)
@require_safe
def lead_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _lead_page(request, _lead_or_404(reference), LeadSendForm())


@staff_view(Permission.LEADS_LEAD_SEND)
@require_POST
def lead_send(request: HttpRequest, reference: str) -> HttpResponse:
    lead = _lead_or_404(reference)
    resend = lead.state == LeadState.SENT
    form = LeadSendForm(request.POST)
    if not form.is_valid():
        return _lead_page(request, lead, form, status=400)
    try:
        services.lead_send(
            actor=request.user,
            lead=lead,
            note_for_authority=form.cleaned_data["note_for_authority"],
            without_reader=form.cleaned_data["without_reader"],
        )
    except services.NoReaderError as error:
        # Asked again, with the note kept and the confirmation set: the second submit sends it.
        confirm = LeadSendForm(
            initial={"note_for_authority": form.cleaned_data["note_for_authority"], "without_reader": True}
        )
        return _lead_page(request, lead, confirm, no_reader=error.message, status=409)
    except ApplicationError as error:
        if error.field in form.fields:
            form_refusal_add(form, error)
            return _lead_page(request, lead, form, status=400)
        messages.error(request, error.message)
    else:
        unit = lead.authority.name
        if resend:
            messages.success(request, _("The notice was sent again to %(unit)s.") % {"unit": unit})
        elif selectors.partner_accounts_exist(country=lead.country):
            messages.success(
                request, _("Lead sent: %(unit)s can now read it in the partner portal.") % {"unit": unit}
            )
        else:
            messages.warning(
                request,
                _(
                    "Lead sent to %(unit)s, but nobody there can read it until a partner account exists "
                    "for %(country)s."
                )
                % {"unit": unit, "country": country_name(lead.country)},
            )
    return redirect("staff:lead_detail", reference=lead.reference)


def download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


EXPORT_TYPES = {"pdf": "application/pdf", "json": "application/json", "zip": "application/zip"}


def export_download(request: HttpRequest, lead: Lead, kind: str) -> HttpResponse:
    """A lead's export as a download, through the audited service. Shared with the partner portal."""
    content = services.lead_export(actor=request.user, lead=lead, kind=kind)
    return download(content, filename=f"{lead.reference}.{kind}", content_type=EXPORT_TYPES[kind])


# The dossier holds tip text: the people who handle leads download it (not the read-only auditor).
@staff_view(Permission.LEADS_LEAD_SEND)
@require_safe
def lead_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    return export_download(request, _lead_or_404(reference), "pdf")


@staff_view(Permission.LEADS_LEAD_SEND)
@require_safe
def lead_json(request: HttpRequest, reference: str) -> HttpResponse:
    return export_download(request, _lead_or_404(reference), "json")


@staff_view(Permission.LEADS_LEAD_SEND)
@require_safe
def lead_bundle(request: HttpRequest, reference: str) -> HttpResponse:
    return export_download(request, _lead_or_404(reference), "zip")


def snapshot_image(lead: Lead, index: int) -> HttpResponse:
    """One image of a lead's frozen snapshot, served from the snapshot itself (the CSP allows no data:
    URIs). Shared with the partner portal."""
    images = selectors.lead_snapshot(lead).get("images") or []
    if not 1 <= index <= len(images):
        raise Http404
    image = images[index - 1]
    try:
        content = base64.b64decode(image["data_base64"], validate=True)
    except (KeyError, binascii.Error) as exc:
        raise Http404 from exc
    response = HttpResponse(content, content_type=image.get("media_type") or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_view(Permission.LEADS_LEAD_READ)
@require_safe
def lead_image(request: HttpRequest, reference: str, index: int) -> HttpResponse:
    return snapshot_image(_lead_or_404(reference), index)


# --- Authorities ----------------------------------------------------------------------------------


def _partners_by_country() -> dict[str, list[User]]:
    partners: dict[str, list[User]] = {}
    for user in User.objects.filter(role=Role.PARTNER).order_by("username"):
        partners.setdefault(user.country, []).append(user)
    return partners


@staff_view(Permission.LEADS_AUTHORITY_MANAGE)
@require_safe
def authority_list(request: HttpRequest) -> HttpResponse:
    partners = _partners_by_country()
    rows = [
        (authority, partners.pop(authority.country, []))
        for authority in Authority.objects.order_by("country")
    ]
    # Partner accounts of a country that has no authority yet: they would never receive a lead.
    orphans = sorted(partners.items())
    return render(request, "staff/leads/authority_list.html", {"rows": rows, "orphans": orphans})


def _authority_save(request: HttpRequest, form: AuthorityForm, country: str) -> Authority | None:
    if not form.is_valid():
        return None
    try:
        return services.authority_save(
            actor=request.user,
            country=country or form.cleaned_data["country"],
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            active=form.cleaned_data["active"],
        )
    except ApplicationError as error:
        form_refusal_add(form, error)
        return None


@staff_view(Permission.LEADS_AUTHORITY_MANAGE)
@require_http_methods(["GET", "POST"])
def authority_new(request: HttpRequest) -> HttpResponse:
    form = AuthorityForm(request.POST or None)
    if request.method == "POST":
        authority = _authority_save(request, form, "")
        if authority is not None:
            messages.success(request, _("Authority for %(country)s saved.") % {"country": authority.country})
            return redirect("staff:authority_list")
    status = 400 if form.errors else 200
    return render(
        request, "staff/leads/authority_form.html", {"form": form, "authority": None}, status=status
    )


@staff_view(Permission.LEADS_AUTHORITY_MANAGE)
@require_http_methods(["GET", "POST"])
def authority_edit(request: HttpRequest, country: str) -> HttpResponse:
    authority = Authority.objects.filter(country=country.upper()).first()
    if authority is None:
        raise Http404
    initial = {"name": authority.name, "email": authority.email, "active": authority.active}
    form = AuthorityForm(request.POST or None, initial=initial, fixed_country=authority.country)
    if request.method == "POST" and _authority_save(request, form, authority.country) is not None:
        messages.success(request, _("Authority for %(country)s saved.") % {"country": authority.country})
        return redirect("staff:authority_list")
    context = {
        "form": form,
        "authority": authority,
        "partners": _partners_by_country().get(authority.country, []),
        "lead_list_url": reverse("staff:lead_list"),
    }
    return render(request, "staff/leads/authority_form.html", context, status=400 if form.errors else 200)
