"""The analyst workspace under /staff/triage/: the inbox, the other reports, the object queue with its
consensus panel, the tip page, and the posts that change tips.

Views stay thin: they parse a form, declare their permission with ``staff_view`` (the services check
it again), call selectors and one service, and render or redirect. Tip text is only ever read through
``tips_read``/``tip_open``, which record who was shown which tips, and only for the rows on the page.
Every page works without JavaScript; ``static/staff/triage.js`` only adds keyboard shortcuts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from traceobject.audit import services as audit_services
from traceobject.audit.actions import AuditAction
from traceobject.core.csv_export import csv_response
from traceobject.core.errors import ApplicationError
from traceobject.core.lookups import found_or_404
from traceobject.core.permissions import Permission, user_has_permission
from traceobject.core.staff import staff_view
from traceobject.gallery.models import Object
from traceobject.tips.followup_forms import QuestionForm
from traceobject.tips.followups import followups_for_staff
from traceobject.tips.models import Tip, TipStatus
from traceobject.tips.payload import TipPayload
from traceobject.tips.staff_views import tip_page_back
from traceobject.triage import selectors, services
from traceobject.triage.highlight import country_name, excerpt, language_name
from traceobject.triage.maps import countries_missing_from_map
from traceobject.triage.models import Cluster, SignalKind
from traceobject.triage.selectors import Consensus
from traceobject.triage.staff_forms import (
    CLUSTER_STATUSES,
    TRIAGE_STATUSES,
    BulkAction,
    BulkActionForm,
    ClusterStatusForm,
    InboxFilterForm,
    NoteForm,
    QueueCursorForm,
    analysts,
)
from traceobject.triage.terms import terms_open

# Domains and shops in the CSV export: all of them in practice, but bounded, since a spam burst of
# distinct links could otherwise make one request write millions of rows.
CSV_MAX_TERMS = 10_000
CONSENSUS_CSV = audit_services.CsvExport("consensus", AuditAction.CONSENSUS_EXPORT, Permission.TIPS_TIP_READ)


def _object_or_404(code: str) -> Object:
    return found_or_404(selectors.object_for_triage(code=code))


def _tip_or_404(tip_id: int) -> Tip:
    return found_or_404(selectors.tip_for_triage(tip_id=tip_id))


def _cluster_or_404(cluster_id: int) -> Cluster:
    return found_or_404(selectors.cluster_for_triage(cluster_id=cluster_id))


def _back(request: HttpRequest, value: str | None, fallback: str) -> str:
    """Where a post returns: the page it came from when that is one of ours, else ``fallback``."""
    if (
        value
        and value.startswith("/staff/")
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return fallback


def _error_messages(request: HttpRequest, form: forms.Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label and field != "tips" else str(error))


def _changed_message(request: HttpRequest, result: services.TipsChanged) -> None:
    if result.changed:
        messages.success(
            request,
            ngettext("%(count)d tip changed.", "%(count)d tips changed.", result.changed)
            % {"count": result.changed},
        )
    else:
        messages.info(request, _("Nothing changed: the tips were already so."))


# --- The inbox and the other reports -------------------------------------------------------------


@dataclass(frozen=True)
class InboxRow:
    """One inbox row, every text and link worked out here: a template renders 50 of these per page,
    and per-row ``{% url %}``, ``{% blocktranslate %}``, includes and filters were most of its time."""

    pk: int
    url: str
    created_iso: str
    created: str
    is_other: bool
    object_code: str
    object_title: str
    object_url: str
    status: str
    status_label: str
    language: str
    language_title: str
    countries: list[tuple[str, str]]  # (code, name) named in the tip, in reading order, each once
    has_contact: bool
    has_links: bool
    cluster_id: int | None
    cluster_url: str
    cluster_title: str
    cluster_size: int
    labels: list[str]
    assignee: str
    excerpt: str
    select_label: str
    unverified: bool = False
    reply_waiting: bool = False
    # The country of the national partner who sent it through the partner portal, if it is a partner report.
    partner_country: str = ""


def _countries(tip: Tip) -> list[str]:
    codes: list[str] = []
    for signal in getattr(tip, "signal_list", ()):
        if signal.kind == SignalKind.COUNTRY and signal.value not in codes:
            codes.append(signal.value)
    return codes


def _inbox_row(tip: Tip, text: str, *, inbox_url: str, tip_query: str = "") -> InboxRow:
    created = timezone.localtime(tip.created_at)
    size = tip.cluster.size if tip.cluster_id and tip.cluster else 0
    return InboxRow(
        pk=tip.pk,
        url=reverse("staff:triage_tip", kwargs={"tip_id": tip.pk}) + tip_query,
        created_iso=created.isoformat(),
        created=date_format(created, "SHORT_DATETIME_FORMAT"),
        is_other=tip.is_other,
        object_code=tip.object.code,
        object_title=tip.object.title,
        object_url=reverse("staff:triage_queue", kwargs={"code": tip.object.code}),
        status=tip.status,
        status_label=str(tip.get_status_display()),
        language=tip.language,
        language_title=language_name(tip.language),
        countries=[(code, country_name(code)) for code in _countries(tip)],
        has_contact=tip.has_contact,
        has_links=tip.has_links,
        cluster_id=tip.cluster_id,
        cluster_url=f"{inbox_url}?cluster={tip.cluster_id}",
        cluster_title=ngettext("Cluster of %(counter)s tip", "Cluster of %(counter)s tips", size)
        % {"counter": size},
        cluster_size=size,
        labels=[label.name for label in tip.labels.all()],
        assignee=tip.assignee.get_username() if tip.assignee else "",
        excerpt=excerpt(text),
        select_label=_("Select tip %(number)s") % {"number": tip.pk},
        unverified=tip.unverified,
        reply_waiting=tip.reply_waiting,
        partner_country=tip.partner_country,
    )


def _inbox_rows(tips: list[Tip], payloads: dict[int, TipPayload], *, tip_query: str = "") -> list[InboxRow]:
    inbox_url = reverse("staff:triage_inbox")
    return [
        _inbox_row(tip, payloads[tip.pk].text, inbox_url=inbox_url, tip_query=tip_query)
        for tip in tips
        if tip.pk in payloads
    ]


# The tip page's marker of a tip opened from the other reports (whose filters do not say so).
LIST_OTHER = {"list": "other"}


def _list_query(kept: dict[str, str], *, other: bool) -> str:
    """The query string that carries a list's filters to a tip page, for its previous/next links."""
    params = {**kept, **LIST_OTHER} if other else kept
    return f"?{urlencode(params)}" if params else ""


def _count_text(page: selectors.Page) -> str:
    number = number_format(page.total, force_grouping=True)
    if page.capped:
        return ngettext("%(count)s+ tip", "%(count)s+ tips", page.total) % {"count": number}
    return ngettext("%(count)s tip", "%(count)s tips", page.total) % {"count": number}


def _surge_text(held: int, *, capped: bool) -> str:
    number = number_format(min(held, selectors.COUNT_CAP), force_grouping=True) + ("+" if capped else "")
    return ngettext(
        "%(count)s tip is held in a surge.",
        "%(count)s tips are held in a surge.",
        held,
    ) % {"count": number}


def _inbox_page(request: HttpRequest, *, other: bool) -> HttpResponse:
    form = InboxFilterForm(
        request.GET, user=request.user, objects=selectors.objects_with_tips(), other_queue=other
    )
    valid = form.is_valid()
    # The tallies count every tip of the object, not only the other reports: there they would mislead.
    form.show_counts(selectors.inbox_facets(object_id=form.object_id()), counted=not other)
    page = None
    rows: list[InboxRow] = []
    kept = form.kept()
    if valid:
        page = selectors.inbox_page(form.filters(), before=form.cursor(), size=selectors.PAGE_SIZE)
        payloads = services.tips_read(actor=request.user, tips=page.tips, where="other" if other else "inbox")
        rows = _inbox_rows(page.tips, payloads, tip_query=_list_query(kept, other=other))
    name = "staff:triage_other" if other else "staff:triage_inbox"
    held = selectors.surge_held_count()
    showing_held = valid and form.cleaned_data.get("status") == TipStatus.SURGE
    return render(
        request,
        "staff/triage/inbox.html",
        {
            "other": other,
            "form": form,
            "page": page,
            "rows": rows,
            "kept": kept,
            "filtered": bool(kept),
            "selected_object": form.selected_object(),
            "here": request.get_full_path(),
            "base_url": reverse(name),
            "newest_url": f"{reverse(name)}?{urlencode(kept)}" if kept else reverse(name),
            "can_update": user_has_permission(request.user, Permission.TIPS_TIP_UPDATE),
            "count_text": _count_text(page) if page is not None else "",
            # Its own ids: the filter form above has fields of the same names.
            "bulk_form": BulkActionForm(auto_id="bulk_%s"),
            "labels": form.labels,
            "contact_text": _("contact"),
            "links_text": _("links"),
            "unverified_text": _("no proof of work"),
            "reply_text": _("new reply"),
            "surge_held": held,
            "surge_text": _surge_text(held, capped=held > selectors.COUNT_CAP) if held else "",
            "surge_url": f"{reverse('staff:triage_inbox')}?{urlencode({'status': TipStatus.SURGE.value})}",
            "showing_held": showing_held,
        },
        status=200 if valid else 400,
    )


@staff_view(Permission.TIPS_TIP_READ)
@never_cache
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    return _inbox_page(request, other=False)


@staff_view(Permission.TIPS_TIP_READ)
@never_cache
@require_safe
def other_reports(request: HttpRequest) -> HttpResponse:
    return _inbox_page(request, other=True)


def _apply(actor: Any, action: BulkAction) -> services.TipsChanged:
    """The one service call a bulk action stands for."""
    ids = action.tip_ids
    if action.kind == "status":
        return services.tips_status_set(actor=actor, tip_ids=ids, status=action.status)
    if action.kind == "assign":
        return services.tips_assign(actor=actor, tip_ids=ids, assignee=action.assignee)
    if action.kind == "unassign":
        return services.tips_assign(actor=actor, tip_ids=ids, assignee=None)
    if action.kind in {"label_add", "label_remove"}:
        return services.tips_label(
            actor=actor, tip_ids=ids, name=action.label, add=action.kind == "label_add"
        )
    return services.tips_other_set(actor=actor, tip_ids=ids, is_other=action.kind == "other")


@staff_view(Permission.TIPS_TIP_UPDATE)
@never_cache
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """One action on the ticked tips of the inbox, or on the one tip of a tip page's forms."""
    form = BulkActionForm(request.POST)
    back = _back(request, request.POST.get("next"), reverse("staff:triage_inbox"))
    if not form.is_valid():
        _error_messages(request, form)
        return redirect(back)
    try:
        result = _apply(request.user, form.bulk_action(request.user))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        _changed_message(request, result)
    return redirect(back)


# --- The object queue ----------------------------------------------------------------------------


def _term_labels(tips: list[Tip]) -> dict[str, str]:
    """Digest → text of the domain and shop signals of the tips on the page (at most one query per
    kind, and none when no tip has such a signal): the hover titles of their highlights need it."""
    wanted: dict[str, set[str]] = {}
    for tip in tips:
        for signal in getattr(tip, "signal_list", ()):
            if signal.kind in (SignalKind.DOMAIN, SignalKind.SHOP):
                wanted.setdefault(signal.kind, set()).add(signal.value)
    labels: dict[str, str] = {}
    for kind, digests in sorted(wanted.items()):
        labels.update(terms_open(kind, digests))
    return labels


@dataclass(frozen=True)
class QueueItem:
    cluster: Cluster
    representative: Tip
    countries: list[tuple[str, int, int]]
    text: str


def _status_counts(consensus: Consensus) -> list[tuple[str, str, int]]:
    return [(value, str(label), consensus.status.get(value, 0)) for value, label in TipStatus.choices]


@staff_view(Permission.TIPS_TIP_READ)
@never_cache
@require_safe
def queue(request: HttpRequest, code: str) -> HttpResponse:
    obj = _object_or_404(code)
    cursor_form = QueueCursorForm(request.GET)
    valid = cursor_form.is_valid()
    if not valid:
        messages.error(request, _("This page link is not valid: here are the largest clusters."))
    after = cursor_form.cursor() if valid else None
    consensus = selectors.consensus(obj=obj)
    page = selectors.object_queue(obj=obj, after=after, size=selectors.QUEUE_PAGE_SIZE)
    payloads = services.tips_read(
        actor=request.user, tips=[item.representative for item in page.clusters], where="queue"
    )
    representatives = [item.representative for item in page.clusters]
    items = [
        QueueItem(
            cluster=item.cluster,
            representative=item.representative,
            countries=item.countries,
            text=payloads[item.representative.pk].text,
        )
        for item in page.clusters
        if item.representative.pk in payloads
    ]
    return render(
        request,
        "staff/triage/queue.html",
        {
            "object": obj,
            "consensus": consensus,
            "missing_from_map": countries_missing_from_map(s.value for s in consensus.countries),
            "status_counts": _status_counts(consensus),
            "items": items,
            "terms": _term_labels(representatives),
            "first_page": after is None,
            "next_after": f"{page.next_after[0]}-{page.next_after[1]}" if page.next_after else None,
            "cluster_statuses": CLUSTER_STATUSES,
            "can_update": user_has_permission(request.user, Permission.TIPS_TIP_UPDATE),
            "here": request.get_full_path(),
        },
        status=200 if valid else 400,
    )


@staff_view(Permission.TIPS_TIP_READ)
@never_cache
@require_safe
def consensus_csv(request: HttpRequest, code: str) -> HttpResponseBase:
    """The consensus as a spreadsheet: aggregates only, never what a tipster wrote; audited."""
    obj = _object_or_404(code)
    consensus = selectors.consensus(obj=obj, terms=CSV_MAX_TERMS)
    audit_services.export_record(
        actor=request.user,
        export=CONSENSUS_CSV,
        filters={},
        count=len(consensus.countries) + len(consensus.shops) + len(consensus.domains),
        target=obj,
    )
    rows = selectors.consensus_export_rows(consensus=consensus)
    return csv_response(rows, filename=f"consensus-{obj.code}.csv")


@staff_view(Permission.TIPS_TIP_UPDATE)
@never_cache
@require_POST
def cluster_status(request: HttpRequest, cluster_id: int) -> HttpResponse:
    """One verdict for every tip of a cluster: near-duplicates are one piece of evidence."""
    cluster = _cluster_or_404(cluster_id)
    form = ClusterStatusForm(request.POST)
    queue_url = reverse("staff:triage_queue", kwargs={"code": cluster.object.code})
    back = _back(request, request.POST.get("next"), queue_url).split("#")[0] + f"#cluster-{cluster.pk}"
    if not form.is_valid():
        _error_messages(request, form)
        return redirect(back)
    try:
        result = services.cluster_status_set(
            actor=request.user, cluster=cluster, status=form.cleaned_data["status"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        label = TipStatus(form.cleaned_data["status"]).label
        total = result.changed + result.unchanged
        messages.success(
            request,
            ngettext(
                "Cluster %(cluster)d: its %(count)d tip is now “%(status)s”.",
                "Cluster %(cluster)d: its %(count)d tips are now “%(status)s”.",
                total,
            )
            % {"cluster": cluster.pk, "count": total, "status": label},
        )
    return redirect(back)


# --- One tip ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TipPager:
    """The tip page's way back to its list and on to the previous and next tips of that list."""

    list_url: str
    newer_url: str
    older_url: str
    filtered: bool
    # The list's query string ("" or "?…"), for the page's own forms to carry through their post.
    query: str


def _tip_pager(request: HttpRequest, tip: Tip) -> TipPager:
    """The list the tip was opened from, read from the query string the inbox's links carry; without
    one (or with filters no longer valid), the whole inbox by arrival."""
    other = request.GET.get("list") == LIST_OTHER["list"]
    filters, kept = selectors.InboxFilters(), {}
    if any(key != "list" for key in request.GET):
        form = InboxFilterForm(
            request.GET, user=request.user, objects=selectors.objects_with_tips(), other_queue=other
        )
        if form.is_valid():
            filters, kept = form.filters(), form.kept()
    if other and not kept:
        filters = selectors.InboxFilters(other=True)
    neighbours = selectors.tip_neighbours(tip_id=tip.pk, filters=filters)
    query = _list_query(kept, other=other)

    def tip_url(pk: int | None) -> str:
        return reverse("staff:triage_tip", kwargs={"tip_id": pk}) + query if pk else ""

    list_url = reverse("staff:triage_other" if other else "staff:triage_inbox")
    return TipPager(
        list_url=f"{list_url}?{urlencode(kept)}" if kept else list_url,
        newer_url=tip_url(neighbours.newer),
        older_url=tip_url(neighbours.older),
        filtered=bool(kept),
        query=query,
    )


@staff_view(Permission.TIPS_TIP_READ)
@never_cache
@require_safe
def tip_detail(request: HttpRequest, tip_id: int) -> HttpResponse:
    tip = _tip_or_404(tip_id)
    pager = _tip_pager(request, tip)
    # Read before ``tip_open`` lowers it: the page marks the replies that were new to the analysts.
    reply_was_waiting = tip.reply_waiting
    payload, notes = services.tip_open(actor=request.user, tip=tip)
    follow_ups = followups_for_staff(actor=request.user, tip=tip)
    can_update = user_has_permission(request.user, Permission.TIPS_TIP_UPDATE)
    return render(
        request,
        "staff/triage/tip.html",
        {
            "tip": tip,
            "pager": pager,
            "payload": payload,
            "notes": notes,
            "terms": _term_labels([tip]),
            "can_update": can_update,
            "note_form": NoteForm(),
            "statuses": TRIAGE_STATUSES,
            "analysts": list(analysts()) if can_update else [],
            "labels": BulkActionForm.label_names() if can_update else [],
            "here": request.get_full_path(),
            "follow_ups": follow_ups,
            "reply_was_waiting": reply_was_waiting,
            "can_ask": user_has_permission(request.user, Permission.TIPS_FOLLOWUP_ASK),
            "question_form": QuestionForm(),
        },
    )


@staff_view(Permission.TIPS_TIP_UPDATE)
@never_cache
@require_POST
def tip_note(request: HttpRequest, tip_id: int) -> HttpResponse:
    tip = _tip_or_404(tip_id)
    form = NoteForm(request.POST)
    back = tip_page_back(request, tip.pk, "#notes")
    if not form.is_valid():
        _error_messages(request, form)
        return redirect(back)
    try:
        services.tip_note_add(actor=request.user, tip=tip, text=form.cleaned_data["text"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Note added."))
    return redirect(back)
