"""Staff login (password, then TOTP or its enrolment), logout, and account administration.

The login, second-factor and logout views serve two areas: the staff side (``/staff/``, namespace
``staff``) and the partner portal (``/partner/``, namespace ``partner``). The area is read from the URL
namespace the request came through; it picks the templates, the pages to go on to, and which paths
``next`` may point to. The two areas have separate session cookies (``accounts.middleware``), so a login
in one never opens the other.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from traceobject.accounts import apitokens, selectors, services
from traceobject.accounts.forms import (
    ApiTokenForm,
    LoginForm,
    PasswordChangeForm,
    TokenForm,
    UserCreateForm,
    UserEditForm,
    UserSearchForm,
)
from traceobject.accounts.middleware import ADMIN_PREFIX, PARTNER_PREFIX, STAFF_PREFIX
from traceobject.accounts.models import User
from traceobject.core.errors import ApplicationError, NotFoundError
from traceobject.core.forms import form_refusal_add
from traceobject.core.permissions import Permission
from traceobject.core.staff import is_verified, partner_view, staff_entry_view, staff_view
from traceobject.vault import keyring, rotation

# Where to go after the second factor, kept in the session between the two steps.
NEXT_SESSION_KEY = "_to_login_next"
# The login pages show no section navigation: a password alone does not open the workspace.
NO_NAV: dict[str, Any] = {"staff_nav": []}
# Per area: the paths ``next`` may point to, and the template folder of the login pages.
AREA_PREFIXES = {"staff": (STAFF_PREFIX, ADMIN_PREFIX), "partner": (PARTNER_PREFIX,)}
AREA_BASES = {"staff": "staff/base.html", "partner": "partner/base.html"}
USERS_PER_PAGE = 50


def _area(request: HttpRequest) -> str:
    """``staff`` or ``partner``: the namespace the login URL was reached through."""
    match = request.resolver_match
    namespace = match.namespaces[0] if match is not None and match.namespaces else "staff"
    return namespace if namespace in AREA_PREFIXES else "staff"


def _safe_next(request: HttpRequest, value: str) -> str:
    """A path of the request's area (staff or admin; or partner) on this host, or ""."""
    if not value or not value.startswith(AREA_PREFIXES[_area(request)]):
        return ""
    if not url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=False):
        return ""
    return value


def _after_login(request: HttpRequest) -> HttpResponseRedirect:
    target = _safe_next(request, str(request.session.pop(NEXT_SESSION_KEY, "") or ""))
    return HttpResponseRedirect(target or reverse(f"{_area(request)}:home"))


def _entry_page(request: HttpRequest, name: str, context: dict[str, Any]) -> HttpResponse:
    """One login and second-factor page for both areas, in the area's frame and posting to its URLs."""
    area = _area(request)
    return render(
        request,
        f"accounts/{name}",
        {
            **context,
            **NO_NAV,
            "area": area,
            "area_base": AREA_BASES[area],
            "login_action": reverse(f"{area}:login"),
            "otp_action": reverse(f"{area}:otp"),
        },
    )


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # staff_view has already required a login
        raise Http404
    return user


# --- Login ---------------------------------------------------------------------------------------


@staff_entry_view
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    if request.user.is_authenticated:
        if is_verified(request.user):
            return HttpResponseRedirect(
                _safe_next(request, request.GET.get("next", "")) or reverse(f"{area}:home")
            )
        return redirect(f"{area}:otp")
    form = LoginForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_password_check(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except ApplicationError as error:
            form_refusal_add(form, error)
        else:
            auth_login(request, user)  # a new session key; the second factor is still to come
            # The only moment the password is at hand: unwrap this member's vault keys for the session
            # (usable only once the second factor has passed, see VaultSessionMiddleware).
            keyring.session_unlock(request, user=user, password=form.cleaned_data["password"])
            request.session[NEXT_SESSION_KEY] = _safe_next(request, form.cleaned_data["next"])
            return redirect(f"{area}:otp")
    return _entry_page(request, "login.html", {"form": form})


@staff_entry_view
@require_http_methods(["GET", "POST"])
def otp(request: HttpRequest) -> HttpResponse:
    """The second factor: a code from the enrolled authenticator, or the enrolment of one."""
    area = _area(request)
    user = request.user
    if not isinstance(user, User):
        return redirect(f"{area}:login")
    if is_verified(user):
        return _after_login(request)
    enrolled = selectors.user_has_second_factor(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.login_otp_check if enrolled else services.totp_enrolment_confirm
        try:
            device = check(user=user, token=form.cleaned_data["token"])
        except ApplicationError as error:
            form_refusal_add(form, error)
        else:
            request.session.cycle_key()  # a new key for the now verified session
            otp_login(request, device)
            return _after_login(request)
    if enrolled:
        return _entry_page(request, "otp_verify.html", {"form": form})
    try:
        device = services.totp_enrolment_start(user=user)
    except ApplicationError:  # enrolled in another tab meanwhile
        return redirect(f"{area}:otp")
    enrolment = selectors.totp_enrolment(device=device)
    context = {
        "form": form,
        "secret": enrolment.secret,
        # Built with ElementTree, which escapes every text and attribute value.
        "qr_svg": mark_safe(enrolment.qr_svg),  # noqa: S308
    }
    return _entry_page(request, "otp_enrol.html", context)


@staff_entry_view
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    services.logout_record(user=request.user, reason="user")
    auth_logout(request)
    messages.info(request, _("You have logged out."))
    return redirect(f"{_area(request)}:login")


# --- Account administration ----------------------------------------------------------------------


def _get_user(pk: int) -> User:
    try:
        return selectors.user_get(pk=pk)
    except NotFoundError as exc:
        raise Http404 from exc


@staff_view(Permission.ACCOUNTS_USER_MANAGE)
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserSearchForm(request.GET or None)
    search = selectors.UserSearch(
        query=form.value("q"),
        role=form.value("role"),
        country=form.value("country"),
        language=get_language() or "en",
    )
    page = Paginator(selectors.user_search(search=search), USERS_PER_PAGE).get_page(request.GET.get("page"))
    kept = {name: form.value(name) for name in ("q", "role", "country") if form.value(name)}
    return render(
        request,
        "staff/accounts/user_list.html",
        {
            "form": form,
            "page": page,
            "users": page.object_list,
            "query_string": urlencode(kept),
            "searched": bool(kept),
        },
    )


@staff_view(Permission.ACCOUNTS_USER_MANAGE)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with keyring.session_fresh(request):  # the new member gets keys made since the login too
                user = services.user_create(
                    actor=_actor(request),
                    username=form.cleaned_data["username"],
                    role=form.cleaned_data["role"],
                    country=form.cleaned_data["country"],
                    password=form.cleaned_data["password"],
                )
        except ApplicationError as error:
            form_refusal_add(form, error)
        else:
            messages.success(
                request,
                _("Account %(username)s created. At the first login they will set up an authenticator app.")
                % {"username": user.username},
            )
            return redirect("staff:user_edit", pk=user.pk)
    return render(request, "staff/accounts/user_form.html", {"form": form, "target": None})


@staff_view(Permission.ACCOUNTS_USER_MANAGE)
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = _get_user(pk)
    initial = {"role": target.role, "country": target.country, "is_active": target.is_active}
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                actor=_actor(request),
                user=target,
                role=form.cleaned_data["role"],
                country=form.cleaned_data["country"],
                is_active=form.cleaned_data["is_active"],
            )
        except ApplicationError as error:
            form_refusal_add(form, error)
        else:
            messages.success(request, _("Account %(username)s saved.") % {"username": target.username})
            return redirect("staff:user_list")
    return _user_page(request, target, form)


def _user_page(
    request: HttpRequest,
    target: User,
    form: UserEditForm,
    *,
    token_form: ApiTokenForm | None = None,
    new_token: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "target": target,
        "is_self": target.pk == request.user.pk,
        "vault": selectors.vault_access(user=target),
        "api_tokens": apitokens.apitokens_for_user(user=target),
        "token_form": token_form or ApiTokenForm(),
        "new_token": new_token,
    }
    return render(request, "staff/accounts/user_form.html", context, status=status)


def _user_edit_form(target: User) -> UserEditForm:
    return UserEditForm(
        initial={"role": target.role, "country": target.country, "is_active": target.is_active}
    )


@staff_view(Permission.ACCOUNTS_USER_MANAGE)
@require_POST
def user_api_token_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new API token for the account, carrying the vault keys of its role that this administrator's
    session holds. The token is in this one response only (no redirect: it must not wait in a session
    or a message cookie)."""
    target = _get_user(pk)
    token_form = ApiTokenForm(request.POST)
    if token_form.is_valid():
        try:
            with keyring.session_fresh(request):
                _token, secret = apitokens.apitoken_create(
                    actor=_actor(request),
                    user=target,
                    held=apitokens.vault_keys_held(),
                    expires_days=token_form.cleaned_data["expires_days"],
                    label=token_form.cleaned_data["label"],
                )
        except ApplicationError as error:
            form_refusal_add(token_form, error)
        else:
            return _user_page(request, target, _user_edit_form(target), new_token=secret)
    return _user_page(request, target, _user_edit_form(target), token_form=token_form, status=400)


@staff_view(Permission.ACCOUNTS_USER_MANAGE)
@require_POST
def user_api_token_revoke(request: HttpRequest, pk: int, prefix: str) -> HttpResponse:
    target = _get_user(pk)
    token = apitokens.apitoken_by_prefix(user=target, prefix=prefix)
    if token is None:
        raise Http404
    apitokens.apitoken_revoke(actor=_actor(request), token=token)
    return redirect("staff:user_edit", pk=target.pk)


@staff_view(Permission.ACCOUNTS_USER_MANAGE)
@require_POST
def user_vault_grant(request: HttpRequest, pk: int) -> HttpResponse:
    target = _get_user(pk)
    try:
        with keyring.session_fresh(request):  # keys granted to this administrator since the login too
            granted = services.vault_access_grant(actor=_actor(request), user=target)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if granted:
            messages.success(
                request, _("%(username)s can now open the vault.") % {"username": target.username}
            )
        else:
            messages.info(
                request,
                _("%(username)s already holds every key their role needs.") % {"username": target.username},
            )
    return redirect("staff:user_edit", pk=target.pk)


def _password_change_page(request: HttpRequest) -> HttpResponse:
    """One's own password, on the staff side or in the partner portal. The vault key is re-wrapped
    with it; the session (and the keys it holds) stays."""
    area = _area(request)
    user = _actor(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kept = services.password_change(
                user=user, current=form.cleaned_data["current"], new=form.cleaned_data["new"]
            )
        except ApplicationError as error:
            form_refusal_add(form, error)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            if not kept:
                messages.warning(
                    request,
                    _(
                        "Your vault key could not be carried over: "
                        "ask an administrator to grant you access again."
                    ),
                )
            return redirect(f"{area}:home")
    context = {
        "form": form,
        "area_base": AREA_BASES[area],
        "action": reverse(f"{area}:password_change"),
    }
    return render(request, "accounts/password.html", context)


password_change = staff_view(Permission.STAFF_WORKSPACE_VIEW)(
    require_http_methods(["GET", "POST"])(_password_change_page)
)
partner_password_change = partner_view(Permission.PARTNER_PORTAL_VIEW)(
    require_http_methods(["GET", "POST"])(_password_change_page)
)


@staff_view(Permission.ACCOUNTS_USER_MANAGE)
@require_POST
def user_otp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    target = _get_user(pk)
    try:
        services.user_otp_reset(actor=_actor(request), user=target)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "The second factor of %(username)s was reset. "
                "They set up a new authenticator at their next login."
            )
            % {"username": target.username},
        )
    return redirect("staff:user_edit", pk=target.pk)


# --- The vault's keys ---------------------------------------------------------------------------------


@staff_view(Permission.ACCOUNTS_USER_MANAGE)
@require_GET
def vault_overview(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/accounts/vault.html", {"vault": selectors.vault_overview()})


@staff_view(Permission.ACCOUNTS_USER_MANAGE)
@require_POST
def vault_rotate(request: HttpRequest) -> HttpResponse:
    try:
        rotation.rotation_start(actor=_actor(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("A new tip key is in use. Older records are being re-sealed to it in the background."),
        )
    return redirect("staff:vault")


@staff_view(Permission.ACCOUNTS_USER_MANAGE)
@require_POST
def vault_rotation_resume(request: HttpRequest) -> HttpResponse:
    try:
        rotation.rotation_resume(actor=_actor(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The re-sealing continues in the background."))
    return redirect("staff:vault")
