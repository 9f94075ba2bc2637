"""The site's URLs plus two pages whose body refuses by role the way services do
(``permission_require``) and does not catch the refusal: what Django's error handling then makes of
it (tests/core/test_permissions.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from traceobject.core.permissions import Permission, permission_require
from traceobject.urls import handler400, handler403, handler404, handler500
from traceobject.urls import urlpatterns as site_urlpatterns


def refuse(request: HttpRequest) -> HttpResponse:
    permission_require(request.user, Permission.ACCOUNTS_USER_MANAGE)
    return HttpResponse("allowed")


urlpatterns = [
    path("staff/refusal-test/", refuse),
    path("refusal-test/", refuse),
    *site_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
