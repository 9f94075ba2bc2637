"""The partner portal's login, second factor, logout and password pages (the staff side's own views, in
the partner area's cookies), included by ``traceobject/partner_urls.py`` in the ``partner`` namespace.
They are marked ``staff_entry_view`` or wrapped in ``partner_view``."""

from django.urls import URLPattern, path

from traceobject.accounts import views

urlpatterns: list[URLPattern] = [
    path("login/", views.login, name="login"),
    path("otp/", views.otp, name="otp"),
    path("logout/", views.logout, name="logout"),
    path("account/password/", views.partner_password_change, name="password_change"),
]
