"""Django's admin behind the staff login: no password-only way in, no second login form.

``INSTALLED_APPS`` names ``StaffAdminConfig`` instead of ``django.contrib.admin``, so ``admin.site``
(where every app registers its models) is a ``StaffAdminSite``:

* it opens only for an active superuser whose session passed the second factor (django-otp's
  ``OTPAdminSite`` rule);
* its login page sends people to the staff login (password, throttling, TOTP, audit), which comes
  back to the admin; the staff and admin sessions are the same (see ``middleware.py``);
* its logout is the staff logout, so that it is audited too, and its password change is the staff side's
  (which re-wraps the vault key and is audited);
* it is read-only by construction: ``register`` makes every model admin read-only (no add, change,
  delete or bulk action), whoever registers it (our apps or Django's and third parties'), unless it is
  a ``ServiceModelAdmin``, whose writes go through the services, with the acting user, the permission
  they check and their audit event. A superuser is therefore no path around four eyes, the safety scan
  or the audit trail (ARCHITECTURE 5: "no path goes around a service").
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite
from django.db.models import Model
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse

from traceobject.core.errors import ApplicationError, PermissionDeniedError
from traceobject.core.permissions import Permission, user_has_permission


class ReadOnlyAdminMixin:
    """What ``StaffAdminSite.register`` puts in front of every model admin that is not a
    ``ServiceModelAdmin``: the superuser may look, never write. Django's admin views check these
    methods before any write (a POST to a change page without change permission is a 403), and bulk
    actions go too, since an action without ``allowed_permissions`` would run unchecked."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}


class ServiceModelAdmin(ModelAdmin):
    """A model admin whose writes are the services' writes.

    Adding and changing are offered only to a user whose role holds ``permission`` (the one the
    services check again); ``service_save`` must call the service with ``request.user`` as the actor,
    which writes the audit event in its transaction. Nothing is deleted, and there are no bulk actions,
    inlines or many-to-many saves that would bypass the service. A refusal by the service is shown as
    a message, with nothing stored.
    """

    permission: Permission
    inlines = ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return user_has_permission(request.user, self.permission)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_has_permission(request.user, self.permission)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def service_save(self, request: HttpRequest, obj: Any, form: Form, change: bool) -> Model:
        """Call the service that creates (``change`` false) or changes the object, as ``request.user``."""
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = self.service_save(request, obj, form, change)
        # The admin logs and redirects with the instance it handed over: give it the saved row's id.
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing: the service saved everything it accepts."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        raise PermissionDeniedError

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        raise PermissionDeniedError

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            # Raised inside the admin's transaction, which rolled back: nothing was stored.
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def _read_only(admin_class: type[ModelAdmin]) -> type[ModelAdmin]:
    """``admin_class`` itself for a ``ServiceModelAdmin`` (or one already made read-only), else its
    read-only version."""
    if issubclass(admin_class, ServiceModelAdmin | ReadOnlyAdminMixin):
        return admin_class
    return type(
        admin_class.__name__,
        (ReadOnlyAdminMixin, admin_class),
        {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
    )


class StaffAdminSite(AdminSite):
    def register(
        self,
        model_or_iterable: Any,
        admin_class: type[ModelAdmin] | None = None,
        **options: Any,
    ) -> None:
        super().register(model_or_iterable, _read_only(admin_class or ModelAdmin), **options)

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

    def password_change(  # type: ignore[override]  # a redirect, not the admin's form
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The staff side's password page: it re-wraps the member's vault key and audits the change,
        where the admin's own form would do neither."""
        return HttpResponseRedirect(reverse("staff:password_change"))

    def password_change_done(  # type: ignore[override]
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return HttpResponseRedirect(reverse("staff:password_change"))

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
    after the admin modules are loaded): a plain ``AdminSite`` would let a password alone in, and
    would have registered writable model admins, which are made read-only here."""
    from django.contrib import admin

    if not isinstance(admin.site, StaffAdminSite):
        admin.site.__class__ = StaffAdminSite
    for model, model_admin in list(admin.site._registry.items()):
        read_only = _read_only(type(model_admin))
        if read_only is not type(model_admin):
            admin.site._registry[model] = read_only(model, admin.site)
