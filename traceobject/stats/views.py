"""The public results page: the figures from the data, with server-drawn charts and no JavaScript."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from traceobject.stats.selectors import results_figures

# Like the gallery's pages: the same for every visitor, so a front cache may keep it for a minute.
PUBLIC_CACHE = {"public": True, "max_age": 60}


@require_GET
@cache_control(**PUBLIC_CACHE)
def results(request: HttpRequest) -> HttpResponse:
    return render(request, "public/results.html", {"figures": results_figures()})
