from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from traceobject.core.permissions import Permission
from traceobject.core.staff import staff_view


@staff_view(Permission.STAFF_WORKSPACE_VIEW)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/home.html")
