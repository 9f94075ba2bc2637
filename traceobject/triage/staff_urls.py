"""Staff URLs of the analyst workspace, included at /staff/triage/ in the ``staff`` namespace."""

from django.urls import URLPattern, URLResolver, path

from traceobject.triage import staff_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.inbox, name="triage_inbox"),
    path("other/", views.other_reports, name="triage_other"),
    path("bulk/", views.bulk, name="triage_bulk"),
    path("objects/<str:code>/", views.queue, name="triage_queue"),
    path("objects/<str:code>/consensus.csv", views.consensus_csv, name="triage_consensus_csv"),
    path("clusters/<int:cluster_id>/status/", views.cluster_status, name="triage_cluster_status"),
    path("tips/<int:tip_id>/", views.tip_detail, name="triage_tip"),
    path("tips/<int:tip_id>/notes/", views.tip_note, name="triage_tip_note"),
]
