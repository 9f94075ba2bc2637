"""The home page and the results page, included by ``traceobject/public_urls.py`` in the ``gallery``
namespace (``gallery:home``, ``gallery:results``)."""

from django.urls import URLPattern, path

from traceobject.stats import views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("results/", views.results, name="results"),
]
