"""The staff pages of leads, under /staff/leads/ (namespace ``staff``)."""

from django.urls import URLPattern, URLResolver, path

from traceobject.leads import staff_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.lead_list, name="lead_list"),
    path("leads.csv", views.lead_list_csv, name="lead_list_csv"),
    path("objects/<str:code>/determination/", views.determination_new, name="determination_new"),
    path("determinations/", views.determination_list, name="determination_list"),
    path("determinations.csv", views.determination_list_csv, name="determination_list_csv"),
    path("determinations/<int:determination_id>/", views.determination_detail, name="determination_detail"),
    path(
        "determinations/<int:determination_id>/confirm/",
        views.determination_confirm,
        name="determination_confirm",
    ),
    path(
        "determinations/<int:determination_id>/reject/",
        views.determination_reject,
        name="determination_reject",
    ),
    path("authorities/", views.authority_list, name="authority_list"),
    path("authorities/new/", views.authority_new, name="authority_new"),
    path("authorities/<str:country>/", views.authority_edit, name="authority_edit"),
    path("<str:reference>/", views.lead_detail, name="lead_detail"),
    path("<str:reference>/send/", views.lead_send, name="lead_send"),
    path("<str:reference>/dossier.pdf", views.lead_pdf, name="lead_pdf"),
    path("<str:reference>/lead.json", views.lead_json, name="lead_json"),
    path("<str:reference>/bundle.zip", views.lead_bundle, name="lead_bundle"),
    path("<str:reference>/images/<int:index>/", views.lead_image, name="lead_image"),
]
