from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.static import serve

from traceobject.core.permissions import Permission
from traceobject.core.staff import staff_view


@staff_view(Permission.STAFF_WORKSPACE_VIEW)
@require_safe  # a page to read: a POST here is a mistake or a probe, not a form
def home(request: HttpRequest) -> HttpResponse:
    """A work list, not a second navigation: what waits for this person, counted and linked."""
    from traceobject.audit.selectors import audit_integrity_alert
    from traceobject.stats.worklist import staff_worklist  # a page composed from the apps above core

    context = {
        "worklist": staff_worklist(user=request.user),
        "audit_alert": audit_integrity_alert(user=request.user),
    }
    return render(request, "staff/home.html", context)


@staff_view(Permission.GALLERY_OBJECT_READ)
@require_safe
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Any derivative, for staff previews (drafts included); never cached by anyone."""
    if not path.startswith("objects/"):
        raise Http404
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response["Cache-Control"] = "no-store"
    return response
