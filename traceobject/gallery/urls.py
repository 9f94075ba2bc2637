from django.urls import include, path

from traceobject.gallery import views
from traceobject.tips import followup_views
from traceobject.tips import views as tip_views

app_name = "gallery"

urlpatterns = [
    path("", views.home, name="home"),
    path("objects/<str:code>/", views.object_detail, name="object_detail"),
    path("objects/<str:code>/tip/", tip_views.tip_create, name="tip_create"),
    # The tipster's anonymous way back to their tip, with the receipt (tips/followup_views.py).
    path("follow-up/", followup_views.followup_entry, name="followup"),
    path("follow-up/thread/", followup_views.followup_thread, name="followup_thread"),
    path("follow-up/leave/", followup_views.followup_leave, name="followup_leave"),
    path("identified/", views.identified, name="identified"),
    path("about/", views.static_page, {"template": "about"}, name="about"),
    path("privacy/", views.static_page, {"template": "privacy"}, name="privacy"),
    path(
        "report-something-else/", views.static_page, {"template": "report_elsewhere"}, name="report_elsewhere"
    ),
    path("", include("traceobject.stats.urls")),  # results/
]
