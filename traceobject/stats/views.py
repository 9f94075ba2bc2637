"""The public pages that show figures: the home page (the gallery with the headline figures) and the
results page, with server-drawn charts and no JavaScript. The home page lives here, not in the gallery,
because it composes the gallery with the figures of every app above it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from traceobject.gallery import selectors as gallery_selectors
from traceobject.gallery.views import PUBLIC_CACHE
from traceobject.stats.selectors import headline_figures, results_figures


@require_GET
@cache_control(**PUBLIC_CACHE)
def home(request: HttpRequest) -> HttpResponse:
    filters = gallery_selectors.GalleryFilter(
        query=request.GET.get("q", "")[:100], category=request.GET.get("category", "")[:50]
    )
    paginator = Paginator(gallery_selectors.gallery_list(filters=filters), settings.GALLERY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    latest = gallery_selectors.release_latest()
    kept = {key: value for key, value in (("q", filters.query), ("category", filters.category)) if value}
    return render(
        request,
        "public/home.html",
        {
            "page": page,
            "filters": filters,
            "categories": gallery_selectors.categories_in_gallery(),
            "latest_release_id": latest.pk if latest else None,
            "figures": headline_figures(),
            "filters_query_string": urlencode(kept),
        },
    )


@require_GET
@cache_control(**PUBLIC_CACHE)
def results(request: HttpRequest) -> HttpResponse:
    return render(request, "public/results.html", {"figures": results_figures()})
