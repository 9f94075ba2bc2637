"""Included at /staff/audit/ inside the ``staff`` namespace (this module has no app_name)."""

from django.urls import URLPattern, URLResolver, path

from traceobject.audit import staff_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.audit_list, name="audit_list"),
    path("export.csv", staff_views.audit_export, name="audit_export"),
    path("<int:pk>/", staff_views.audit_detail, name="audit_detail"),
]
