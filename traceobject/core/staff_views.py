"""Staff pages that belong to no app: previews of any derivative. (The staff home, a work list that
composes every app, lives in ``stats.staff_views``, high enough to see them all.)"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe
from django.views.static import serve

from traceobject.core.permissions import Permission
from traceobject.core.staff import staff_view


@staff_view(Permission.GALLERY_OBJECT_READ)
@require_safe
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Any derivative, for staff previews (drafts included); never cached by anyone."""
    if not path.startswith("objects/"):
        raise Http404
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response["Cache-Control"] = "no-store"
    return response
