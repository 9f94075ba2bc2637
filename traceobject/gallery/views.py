"""Public gallery pages. They need no JavaScript and load nothing from another host.

The home page (the gallery with the public figures) lives in ``stats.views`` and the object page (with
its tip form) in ``tips.views``: each composes this app with one above it (docs/architecture.md, Layers).
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from traceobject.gallery import selectors

# The same for every visitor, so a front cache may keep the page for a minute.
PUBLIC_CACHE = {"public": True, "max_age": 60}


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
