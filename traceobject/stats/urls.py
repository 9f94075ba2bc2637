"""The public results page. No ``app_name``: ``gallery/urls.py`` includes these among its own
language-prefixed patterns, so the name is ``gallery:results``."""

from django.urls import path

from traceobject.stats import views

urlpatterns = [
    path("results/", views.results, name="results"),
]
