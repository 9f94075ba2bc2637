from __future__ import annotations

import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.static import serve

from traceobject.api.views import api
from traceobject.core.bench_views import floor
from traceobject.core.views import accessibility, healthz
from traceobject.gallery.selectors import public_derivative_exists
from traceobject.tips import barrier_views


def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Derivatives of images of publicly visible objects only.

    Derivatives exist from upload on, for the review; a draft's must not be reachable by anyone who
    learns or guesses a file name. The names carry a content hash, so a served file never changes.
    """
    if not public_derivative_exists(path):
        raise Http404
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico on their own (feed readers, bookmarks, pages without the link):
    send them to the static file instead of logging a 404 on every page."""
    return HttpResponseRedirect(static("favicon.ico"))


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    # Django's admin, superusers only: read-only except what goes through a service (accounts/admin_site.py).
    path("django-admin/", admin.site.urls),
    path("staff/", include("traceobject.staff_urls")),
    # The partner portal: national authorities read their leads and report outcomes (own cookies).
    path("partner/", include("traceobject.partner_urls")),
    # The API for partners' systems (bearer tokens, no cookies), its OpenAPI document and docs.
    path("api/v1/", api.urls),
    re_path(
        rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>objects/.+)$", public_media, name="media"
    ),
]
if settings.BENCH_FLOOR:
    # bench/intake.py's framework floor, outside the language prefixes; see core/bench_views.py.
    urlpatterns.append(path("bench/floor/", floor, name="bench_floor"))
# Languages by URL prefix (/fr/, /de/): the picker is plain links, works without JavaScript or cookies,
# and every page is cacheable per URL.
urlpatterns += i18n_patterns(
    # The accessibility statement on the EU model (Decision (EU) 2018/1523), linked from every footer.
    path("accessibility/", accessibility, name="accessibility"),
    # Reporting a barrier without an account or JavaScript (tips.barriers).
    path("accessibility/report/", barrier_views.barrier_report, name="barrier_report"),
    path("accessibility/report/thanks/", barrier_views.barrier_report_thanks, name="barrier_report_thanks"),
    path("", include("traceobject.public_urls")),
    prefix_default_language=False,
)

# Every error is the area's own styled page, in the visitor's language (core/views.py).
handler400 = "traceobject.core.views.bad_request"
handler403 = "traceobject.core.views.permission_denied"
handler404 = "traceobject.core.views.page_not_found"
handler500 = "traceobject.core.views.server_error"
