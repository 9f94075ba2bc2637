"""The dashboard, included by ``traceobject/staff_urls.py`` without a namespace of its own
(``staff:dashboard``)."""

from django.urls import path

from traceobject.stats import staff_views

urlpatterns = [
    path("dashboard/", staff_views.dashboard, name="dashboard"),
]
