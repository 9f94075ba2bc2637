"""The object page, the tip intake and the tipster's way back, included by ``traceobject/public_urls.py``
in the ``gallery`` namespace (``gallery:object_detail``, ``gallery:tip_create``, ``gallery:followup`` …)."""

from django.urls import URLPattern, path

from traceobject.tips import followup_views, views

urlpatterns: list[URLPattern] = [
    path("objects/<str:code>/", views.object_detail, name="object_detail"),
    path("objects/<str:code>/tip/", views.tip_create, name="tip_create"),
    # The tipster's anonymous way back to their tip, with the receipt (tips/followup_views.py).
    path("follow-up/", followup_views.followup_entry, name="followup"),
    path("follow-up/thread/", followup_views.followup_thread, name="followup_thread"),
    path("follow-up/leave/", followup_views.followup_leave, name="followup_leave"),
]
