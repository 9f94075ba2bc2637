"""The staff side, under /staff/: a namespace, templates and cookies of its own.

Every view included here must be wrapped in ``core.staff.staff_view`` (or ``staff_entry_view``);
``tests/test_permission_matrix.py`` enforces that. This module composes every app's staff pages at the
project level, which may import any app (docs/architecture.md, Layers).
"""

from django.urls import include, path

from traceobject.core import staff_views
from traceobject.stats import staff_views as stats_staff_views
from traceobject.tips import barrier_views

app_name = "staff"

urlpatterns = [
    # The home page is a work list composed from every app, so it lives in the highest one, stats.
    path("", stats_staff_views.home, name="home"),
    path("media/<path:path>", staff_views.media, name="media"),
    path("", include("traceobject.accounts.staff_urls")),
    path("audit/", include("traceobject.audit.staff_urls")),
    path("", include("traceobject.gallery.staff_urls")),
    path("", include("traceobject.imaging.staff_urls")),  # an object's images and its safety scan
    path("triage/", include("traceobject.triage.staff_urls")),
    path("triage/", include("traceobject.tips.staff_urls")),  # follow-up questions
    path("leads/", include("traceobject.leads.staff_urls")),
    path("", include("traceobject.stats.staff_urls")),  # dashboard/
    path("barrier-reports/", barrier_views.barrier_report_list, name="barrier_report_list"),
]
