"""Staff URLs of the follow-up channel, included at /staff/triage/ in the ``staff`` namespace."""

from django.urls import URLPattern, URLResolver, path

from traceobject.tips import staff_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("tips/<int:tip_id>/question/", views.followup_question, name="triage_tip_question"),
]
