"""Django's admin behind the staff login: no password-only way in, no second login form.

``INSTALLED_APPS`` names ``StaffAdminConfig`` instead of ``django.contrib.admin``, so ``admin.site``
(where every app registers its models) is a ``StaffAdminSite``:

* it opens only for an active superuser whose session passed the second factor (django-otp's
  ``OTPAdminSite`` rule);
* its login page sends people to the staff login (password, throttling, TOTP, audit), which comes
  back to the admin; the staff and admin sessions are the same (see ``middleware.py``);
* its logout is the staff logout, so that it is audited too.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse

from traceobject.core.errors import PermissionDeniedError


class StaffAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        verified = getattr(user, "is_verified", None)
        return bool(user.is_active and user.is_superuser and callable(verified) and verified())

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        verified = getattr(request.user, "is_verified", None)
        if request.user.is_authenticated and callable(verified) and verified():
            # Logged in with both factors, but not a superuser: no admin for this account.
            raise PermissionDeniedError
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(f"{reverse('staff:login')}?{urlencode({'next': target})}")

    def logout(  # type: ignore[override]  # a redirect, not the admin's "logged out" page
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponseBase:
        # Imported here: this module is loaded with the app registry, before any model can be.
        from traceobject.accounts.views import logout

        return logout(request)


class StaffAdminConfig(AdminConfig):
    default_site = "traceobject.accounts.admin_site.StaffAdminSite"


def enforce_staff_admin_site() -> None:
    """Undo any later replacement of the admin site's class (called from ``AccountsConfig.ready``,
    after the admin modules are loaded): a plain ``AdminSite`` would let a password alone in."""
    from django.contrib import admin

    if not isinstance(admin.site, StaffAdminSite):
        admin.site.__class__ = StaffAdminSite
