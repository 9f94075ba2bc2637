"""The partner portal, mounted at /partner/ (namespace ``partner``): composed here at the project level
from the accounts app's login pages and the leads app's portal (docs/architecture.md, Layers).

Every view included here is wrapped in ``core.staff.partner_view`` (or is one of the shared login views,
marked ``staff_entry_view``); ``tests/test_permission_matrix.py`` enforces that.
"""

from django.urls import include, path

app_name = "partner"

urlpatterns = [
    path("", include("traceobject.accounts.partner_urls")),  # login/, otp/, logout/, account/password/
    path("", include("traceobject.leads.partner_urls")),
]
