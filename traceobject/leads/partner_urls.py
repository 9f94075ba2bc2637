"""The partner portal's own pages, included by ``traceobject/partner_urls.py`` at /partner/ (namespace
``partner``, with the login pages of ``accounts/partner_urls.py``).

Every view here is wrapped in ``core.staff.partner_view``; ``tests/test_permission_matrix.py`` enforces
that.
"""

from django.urls import URLPattern, URLResolver, path

from traceobject.leads import partner_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("leads.csv", views.lead_list_csv, name="lead_list_csv"),
    path("objects/<str:code>/", views.object_detail, name="object_detail"),
    path("objects/<str:code>/report/", views.object_report, name="object_report"),
    path("objects/<str:code>/images/<int:image_id>.jpg", views.object_image, name="object_image"),
    path("leads/<str:reference>/", views.lead_detail, name="lead_detail"),
    path("leads/<str:reference>/acknowledge/", views.lead_acknowledge, name="lead_acknowledge"),
    path("leads/<str:reference>/outcomes/", views.outcome_new, name="outcome_new"),
    path(
        "leads/<str:reference>/outcomes/<int:outcome_id>/correct/",
        views.outcome_correct,
        name="outcome_correct",
    ),
    path("leads/<str:reference>/dossier.pdf", views.lead_pdf, name="lead_pdf"),
    path("leads/<str:reference>/lead.json", views.lead_json, name="lead_json"),
    path("leads/<str:reference>/images/<int:index>/", views.lead_image, name="lead_image"),
]
