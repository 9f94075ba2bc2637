"""Keeping the staff side apart from the public side: cookies, host, idle sessions, caching.

The site has four cookie areas, chosen by path:

* the public site (``/``): session cookie ``PUBLIC_SESSION_COOKIE_NAME`` and CSRF cookie
  ``CSRF_COOKIE_NAME``, both with ``Path=/``. Public pages use no session today; if one ever does, it
  cannot see a staff login.
* the staff side (``/staff/``): session cookie ``SESSION_COOKIE_NAME`` and CSRF cookie
  ``STAFF_CSRF_COOKIE_NAME``, both with ``Path=/staff/``, so that browsers never send them to public
  pages (or to a cache in front of them).
* Django's admin (``/django-admin/``, superusers only): ``ADMIN_SESSION_COOKIE_NAME`` and
  ``ADMIN_CSRF_COOKIE_NAME`` with ``Path=/django-admin/``. The admin shares the staff session, so that it
  has no login of its own (see ``admin_site.py``): whenever the staff or admin side saves the session,
  both session cookies are set to the same key, each confined to its own path, and both are removed
  together.
* the partner portal (``/partner/``): session cookie ``PARTNER_SESSION_COOKIE_NAME`` and CSRF cookie
  ``PARTNER_CSRF_COOKIE_NAME``, both with ``Path=/partner/``. A session of its own: a login there
  never opens the staff side, and a staff login never opens the portal.

``SESSION_COOKIE_NAME`` is the staff cookie (not the public one) so that Django's test client and
tools that read the setting find the staff session.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _

from traceobject import vault
from traceobject.accounts.services import logout_record
from traceobject.core.csrf import NoReferrerCsrfViewMiddleware
from traceobject.core.staff import is_verified
from traceobject.vault import VaultLockedError, keyring

STAFF_PREFIX = "/staff/"
ADMIN_PREFIX = "/django-admin/"
PARTNER_PREFIX = "/partner/"
# The session key of the staff side's last-activity time (Unix seconds), for the idle timeout.
LAST_ACTIVITY_KEY = "_to_last_activity"
# Writing the activity time on every request would save the session on every request; a minute's
# resolution is enough for a timeout counted in minutes.
ACTIVITY_RESOLUTION_SECONDS = 30


@dataclass(frozen=True)
class CookieArea:
    name: str
    session_cookie: str
    session_path: str
    csrf_cookie: str
    csrf_path: str
    staff: bool


def public_area() -> CookieArea:
    return CookieArea(
        name="public",
        session_cookie=settings.PUBLIC_SESSION_COOKIE_NAME,
        session_path="/",
        csrf_cookie=settings.CSRF_COOKIE_NAME,
        csrf_path="/",
        staff=False,
    )


def staff_area() -> CookieArea:
    return CookieArea(
        name="staff",
        session_cookie=settings.SESSION_COOKIE_NAME,
        session_path=STAFF_PREFIX,
        csrf_cookie=settings.STAFF_CSRF_COOKIE_NAME,
        csrf_path=STAFF_PREFIX,
        staff=True,
    )


def admin_area() -> CookieArea:
    return CookieArea(
        name="admin",
        session_cookie=settings.ADMIN_SESSION_COOKIE_NAME,
        session_path=ADMIN_PREFIX,
        csrf_cookie=settings.ADMIN_CSRF_COOKIE_NAME,
        csrf_path=ADMIN_PREFIX,
        staff=True,
    )


def partner_area() -> CookieArea:
    return CookieArea(
        name="partner",
        session_cookie=settings.PARTNER_SESSION_COOKIE_NAME,
        session_path=PARTNER_PREFIX,
        csrf_cookie=settings.PARTNER_CSRF_COOKIE_NAME,
        csrf_path=PARTNER_PREFIX,
        staff=False,
    )


def is_staff_path(path: str) -> bool:
    """The staff side and Django's admin: everything that needs a staff login."""
    return path.startswith((STAFF_PREFIX, ADMIN_PREFIX))


def cookie_area(path: str) -> CookieArea:
    if path.startswith(STAFF_PREFIX):
        return staff_area()
    if path.startswith(ADMIN_PREFIX):
        return admin_area()
    if path.startswith(PARTNER_PREFIX):
        return partner_area()
    return public_area()


def _session_cookies(area: CookieArea) -> list[tuple[str, str]]:
    """(name, path) of every cookie that carries this area's session key."""
    if area.staff:
        # The staff session and the admin session are one session under two path-confined cookies.
        return [(a.session_cookie, a.session_path) for a in (staff_area(), admin_area())]
    return [(area.session_cookie, area.session_path)]


def _samesite(value: str) -> Literal["Lax", "Strict", "None", False] | None:
    return cast(Literal["Lax", "Strict", "None", False] | None, value)


class AreaSessionMiddleware(SessionMiddleware):
    """Django's SessionMiddleware with the cookie name and path of the request's area."""

    def process_request(self, request: HttpRequest) -> None:
        area = cookie_area(request.path_info)
        request._to_cookie_area = area  # type: ignore[attr-defined]
        request.session = self.SessionStore(request.COOKIES.get(area.session_cookie))

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # The body of django.contrib.sessions.middleware.SessionMiddleware.process_response (5.2), with
        # the cookie names and paths of the area instead of SESSION_COOKIE_NAME and SESSION_COOKIE_PATH.
        try:
            accessed = request.session.accessed
            modified = request.session.modified
            empty = request.session.is_empty()
        except AttributeError:
            return response
        area: CookieArea = getattr(request, "_to_cookie_area", None) or cookie_area(request.path_info)
        cookies = _session_cookies(area)
        if area.session_cookie in request.COOKIES and empty:
            for name, path in cookies:
                response.delete_cookie(
                    name,
                    path=path,
                    domain=settings.SESSION_COOKIE_DOMAIN,
                    samesite=_samesite(settings.SESSION_COOKIE_SAMESITE),
                )
            need_vary_cookie = True
        else:
            need_vary_cookie = accessed
            if (modified or settings.SESSION_SAVE_EVERY_REQUEST) and not empty:
                if request.session.get_expire_at_browser_close():
                    max_age: int | None = None
                    expires: str | None = None
                else:
                    max_age = request.session.get_expiry_age()
                    expires = http_date(time.time() + max_age)
                if response.status_code < 500:
                    try:
                        request.session.save()
                    except UpdateError as exc:
                        raise SessionInterrupted(
                            "The request's session was deleted before the request completed. The user may "
                            "have logged out in a concurrent request, for example."
                        ) from exc
                    for name, path in cookies:
                        response.set_cookie(
                            name,
                            request.session.session_key or "",
                            max_age=max_age,
                            expires=expires,
                            domain=settings.SESSION_COOKIE_DOMAIN,
                            path=path,
                            secure=bool(settings.SESSION_COOKIE_SECURE),
                            httponly=bool(settings.SESSION_COOKIE_HTTPONLY),
                            samesite=_samesite(settings.SESSION_COOKIE_SAMESITE),
                        )
                    need_vary_cookie = True
        if need_vary_cookie:
            patch_vary_headers(response, ("Cookie",))
        return response


class AreaCsrfViewMiddleware(NoReferrerCsrfViewMiddleware):
    """The project's CSRF middleware, with a CSRF cookie of its own (name and path) for each area.

    Only the cookie changes; the checks (token, origin, the ``Origin: null`` handling) are those of
    ``core.csrf``. It relies on Django's documented contract only, never on a private method: the stock
    middleware reads the secret from the cookie named ``CSRF_COOKIE_NAME`` and sets it under that name.
    Outside the public area, the request shows it the area's own cookie under that name (and never the
    public one), and the cookie it sets is renamed and confined to the area's path on the way out. This
    also holds for Django's own ``requires_csrf_token`` on the error pages, which reads and sets the
    cookie by the same contract, so a staff 404 page carries a token of the staff cookie.
    ``tests/accounts/test_csrf_areas.py`` refuses a token of one area in every other.
    """

    def process_request(self, request: HttpRequest) -> None:
        area = cookie_area(request.path_info)
        if area.csrf_cookie != settings.CSRF_COOKIE_NAME:
            cookies = dict(request.COOKIES)
            cookies.pop(settings.CSRF_COOKIE_NAME, None)
            if area.csrf_cookie in cookies:
                cookies[settings.CSRF_COOKIE_NAME] = cookies[area.csrf_cookie]
            request.COOKIES = cookies
        super().process_request(request)

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        area = cookie_area(request.path_info)
        set_here = response.cookies.get(settings.CSRF_COOKIE_NAME)
        if area.csrf_cookie != settings.CSRF_COOKIE_NAME and set_here is not None:
            # The same value and attributes (from the CSRF_COOKIE_* settings), under the area's name and path.
            del response.cookies[settings.CSRF_COOKIE_NAME]
            response.cookies[area.csrf_cookie] = set_here.value
            response.cookies[area.csrf_cookie].update({**dict(set_here.items()), "path": area.csrf_path})
        return response


def _host_allowed(request: HttpRequest) -> bool:
    allowed = settings.STAFF_HOSTS
    if not allowed:
        return True
    domain, _port = split_domain_port(request.get_host())
    return domain.lower() in {host.lower() for host in allowed}


class StaffAreaMiddleware:
    """On ``/staff/`` and ``/django-admin/``: host confinement, idle timeout and ``no-store``; on
    ``/partner/``, the idle timeout and ``no-store`` (partners come from outside: no host confinement).

    * With ``TRACEOBJECT_STAFF_HOSTS`` set, any other host gets the site's ordinary 404 there, so the
      public host does not even show that a staff side exists.
    * A logged-in session that has been idle for ``TRACEOBJECT_STAFF_IDLE_MINUTES`` is logged out (and
      the logout audited) before the view runs; the view then sees an anonymous user and sends the
      login page.
    * Staff responses are never stored by a browser or a cache.

    Goes after the authentication, OTP and message middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        staff = is_staff_path(request.path_info)
        if not staff and not request.path_info.startswith(PARTNER_PREFIX):
            return self.get_response(request)
        if staff and not _host_allowed(request):
            raise Http404
        self._expire_idle(request)
        response = self._password_change_required(request) or self.get_response(request)
        response.headers["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _password_change_required(request: HttpRequest) -> HttpResponse | None:
        """A member whose password an administrator chose gets only the password page (and logout)
        once past the second factor, until they have chosen their own. Before the second factor the
        login pages work as usual: the password alone opens nothing."""
        user = request.user
        if not getattr(user, "must_change_password", False) or not is_verified(user):
            return None
        area = "partner" if request.path_info.startswith(PARTNER_PREFIX) else "staff"
        allowed = {reverse(f"{area}:password_change"), reverse(f"{area}:logout")}
        if request.path_info in allowed:
            return None
        return HttpResponseRedirect(reverse(f"{area}:password_change"))

    @staticmethod
    def _expire_idle(request: HttpRequest) -> None:
        user = request.user
        if not user.is_authenticated:
            return
        now = int(time.time())
        last = request.session.get(LAST_ACTIVITY_KEY)
        idle_seconds = settings.STAFF_IDLE_MINUTES * 60
        if isinstance(last, int) and now - last > idle_seconds:
            logout_record(user=user, reason="idle")
            logout(request)
            messages.info(
                request, _("Your session ended after a period without activity. Please log in again.")
            )
            return
        if not isinstance(last, int) or now - last >= ACTIVITY_RESOLUTION_SECONDS:
            request.session[LAST_ACTIVITY_KEY] = now


def _vault_cookie(area: CookieArea) -> tuple[str, str] | None:
    """(name, path) of the cookie that holds the browser's half of the session's vault keys."""
    if area.name == "staff":
        return settings.STAFF_VAULT_COOKIE_NAME, STAFF_PREFIX
    if area.name == "partner":
        return settings.PARTNER_VAULT_COOKIE_NAME, PARTNER_PREFIX
    return None


class VaultSessionMiddleware:
    """On ``/staff/`` and ``/partner/``: join the session's half and the cookie's half of the vault keys
    the login unlocked (``vault.keyring``) and hold them for this request only, once the second factor
    has passed. Sets the cookie a login asked for, and removes it with the session.

    Goes after the authentication and OTP middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:

        area: CookieArea = getattr(request, "_to_cookie_area", None) or cookie_area(request.path_info)
        cookie = _vault_cookie(area)
        if cookie is None:
            return self.get_response(request)
        name, path = cookie
        keys = {}
        if request.user.is_authenticated and is_verified(request.user):
            keys = keyring.session_keys(request, request.COOKIES.get(name))
        with vault.unlocked(keys):
            response = self.get_response(request)
        new_value = getattr(request, keyring.REQUEST_COOKIE_ATTR, None)
        if new_value:
            keyring.cookie_set(response, name=name, value=new_value, path=path)
        elif name in request.COOKIES and not request.session.get(keyring.SESSION_KEY):
            response.delete_cookie(name, path=path, samesite="Strict")
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A page that needs a key this session does not hold: say why and what to do, not a 500."""
        from django.shortcuts import render

        area: CookieArea = getattr(request, "_to_cookie_area", None) or cookie_area(request.path_info)
        cookie = _vault_cookie(area)
        if not isinstance(exception, VaultLockedError) or cookie is None:
            return None
        # A key granted since the login (a rotation, a new authority key): pick it up and load the page
        # again, rather than asking the member to log in again.
        refreshed = (
            request.user.is_authenticated
            and is_verified(request.user)
            and keyring.session_refresh(request, request.COOKIES.get(cookie[0]))
        )
        if refreshed and request.method in {"GET", "HEAD"}:
            return HttpResponseRedirect(request.get_full_path())
        context = {"area": area.name, "area_base": f"{area.name}/base.html"}
        return render(request, "accounts/vault_locked.html", context, status=403)
