"""The gallery's own public pages, included by ``traceobject/public_urls.py`` in the ``gallery``
namespace (with the home page, the object page and the results, which live in higher apps)."""

from django.urls import URLPattern, path

from traceobject.gallery import views

urlpatterns: list[URLPattern] = [
    path("identified/", views.identified, name="identified"),
    path("about/", views.static_page, {"template": "about"}, name="about"),
    path("privacy/", views.static_page, {"template": "privacy"}, name="privacy"),
    path(
        "report-something-else/", views.static_page, {"template": "report_elsewhere"}, name="report_elsewhere"
    ),
]
