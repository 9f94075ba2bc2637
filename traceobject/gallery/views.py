"""Public gallery pages. They need no JavaScript and load nothing from another host."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from traceobject.gallery import selectors
from traceobject.gallery.models import Object
from traceobject.stats.selectors import headline_figures
from traceobject.tips.forms import TipForm
from traceobject.tips.services import tip_accepts

PUBLIC_CACHE = {"public": True, "max_age": 60}


@require_GET
@cache_control(**PUBLIC_CACHE)
def home(request: HttpRequest) -> HttpResponse:
    filters = selectors.GalleryFilter(
        query=request.GET.get("q", "")[:100], category=request.GET.get("category", "")[:50]
    )
    paginator = Paginator(selectors.gallery_list(filters=filters), settings.GALLERY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    latest = selectors.release_latest()
    kept = {key: value for key, value in (("q", filters.query), ("category", filters.category)) if value}
    return render(
        request,
        "public/home.html",
        {
            "page": page,
            "filters": filters,
            "categories": selectors.categories_in_gallery(),
            "latest_release_id": latest.pk if latest else None,
            "figures": headline_figures(),
            "filters_query_string": urlencode(kept),
        },
    )


def _object_or_404(code: str) -> Object:
    obj = selectors.object_public_get(code=code)
    if obj is None:
        raise Http404
    return obj


def render_object(request: HttpRequest, obj: Object, form: TipForm | None, status: int = 200) -> HttpResponse:
    latest = selectors.release_latest()
    # The disclosure rule: a located object keeps its form and takes tips until it is disclosed.
    accepts = tip_accepts(obj)
    if form is not None and accepts:
        form.challenge(code=obj.code)  # a new proof-of-work challenge with every page (tips.antiabuse)
    response = render(
        request,
        "public/object_detail.html",
        {
            "object": obj,
            "form": form if accepts else None,
            "is_identified": selectors.object_disclosed(obj),
            "is_new": latest is not None and obj.release_id == latest.pk,
        },
        status=status,
    )
    # The page carries a per-visitor CSRF token, so no shared cache may keep it.
    response["Cache-Control"] = "private, no-cache"
    return response


@require_http_methods(["GET", "HEAD"])
def object_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render_object(request, _object_or_404(code), TipForm())


@require_GET
@cache_control(**PUBLIC_CACHE)
def identified(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.objects_located(), settings.GALLERY_PAGE_SIZE)
    return render(
        request,
        "public/identified.html",
        {"page": paginator.get_page(request.GET.get("page"))},
    )


@require_GET
@cache_control(**PUBLIC_CACHE)
def static_page(request: HttpRequest, template: str) -> HttpResponse:
    return render(request, f"public/{template}.html")
