"""Every staff URL against every role, generated from the URL resolver.

The list of URLs is read from ``get_resolver()`` at collection time, so a view added anywhere under a
protected namespace joins the matrix without touching this file. For each one:

* it must declare a permission (``@staff_view(Permission.X)``, read back from ``required_permission``) or
  be one of the few entry views (``@staff_entry_view``: login, second factor, logout) listed in
  ``ENTRY_VIEWS`` below; anything else fails ``test_every_view_declares_a_permission``;
* GET as each fixed account (tests/staff_fixtures.py, the outsider included) and as anonymous:
  - a role WITH the permission never gets 403, nor a redirect to the login or second-factor page
    (a 404 for a sample id that does not exist, or a 405 for a POST-only view, is fine);
  - a role WITHOUT it gets exactly 403, before any lookup: never a 2xx, and never a 404 that would tell
    whether the object exists;
  - anonymous gets a 302 to the namespace's login page, with ``next`` set to the URL it asked for;
* POST as each role without the permission: 403 (405 where the method check comes before the permission
  check); anonymous: the login redirect (or 405);
* a password-only session (no second factor yet) of a role with the permission is sent to the second
  factor page.

URL arguments are filled from ``SAMPLE_BY_VIEW``, ``SAMPLE_BY_KWARG`` and ``SAMPLE_BY_CONVERTER`` (in that
order), with objects that the ``world`` fixture creates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tests.factories import ObjectFactory, ReleaseFactory
from tests.staff_fixtures import FIXED_STAFF, login_verified, make_staff
from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.core.permissions import Permission, role_permissions
from traceobject.core.staff import staff_entry_view, staff_view
from traceobject.gallery.models import ObjectStatus
from traceobject.tips.payload import TipPayload
from traceobject.tips.services import tip_submit

# The protected URL namespaces, each with the page that anonymous visitors are sent to.
NAMESPACES: dict[str, dict[str, str]] = {
    "staff": {"prefix": "/staff/", "login": "/staff/login/", "otp": "/staff/otp/"},
    "partner": {"prefix": "/partner/", "login": "/partner/login/", "otp": "/partner/otp/"},
}

# Views reachable without a permission, on purpose. Adding one opens a door in the wall: it belongs here,
# with a reason, after review.
ENTRY_VIEWS: dict[str, str] = {
    "staff:login": "the login form",
    "staff:otp": "the second factor, after the password",
    "staff:logout": "logging out (POST only)",
    "partner:login": "the partner portal's login form",
    "partner:otp": "the partner portal's second factor",
    "partner:logout": "logging out of the partner portal (POST only)",
}

ANONYMOUS = "anonymous"
ACCOUNTS = [*FIXED_STAFF, ANONYMOUS]


# --- The world the sample URLs point into ---------------------------------------------------------


@dataclass
class World:
    obj: Any
    release: Any
    event: Any
    user: Any


@pytest.fixture
def world(db: None) -> World:
    author = make_staff("matrix-author", "publisher")
    obj = ObjectFactory(code="MATRIX-1", status=ObjectStatus.IN_REVIEW, author=author)
    with transaction.atomic():
        event = audit_record(actor=author, action=AuditAction.OBJECT_SUBMIT, target=obj)
    return World(obj=obj, release=ReleaseFactory(), event=event, user=make_staff("matrix-target", "analyst"))


Sample = Callable[[World], object]


def _world_tip(world: World) -> Any:
    """A real tip, sent through the intake (so it has a cluster), for the triage URLs; made on first use
    and kept on the world, since only those URLs need one."""
    tip = getattr(world, "tip", None)
    if tip is None:
        obj = ObjectFactory(code="MATRIX-TIPS")  # published and public: it takes tips
        tip = tip_submit(obj=obj, payload=TipPayload(text="Matrix tip: I saw this bag in Poland.")).tip
        world.tip = tip  # type: ignore[attr-defined]
    return tip


# Arguments of one view, by view name and argument name; these win over the tables below.
SAMPLE_BY_VIEW: dict[str, dict[str, Sample]] = {
    "staff:audit_detail": {"pk": lambda world: world.event.pk},
    "staff:user_edit": {"pk": lambda world: world.user.pk},
    "staff:user_otp_reset": {"pk": lambda world: world.user.pk},
}
# Arguments by name, whatever the view.
SAMPLE_BY_KWARG: dict[str, Sample] = {
    "code": lambda world: world.obj.code,
    "release_id": lambda world: world.release.pk,
    "event_id": lambda world: world.event.pk,
    "user_id": lambda world: world.user.pk,
    # No image is made (that needs the imaging pipeline for every case): an authorized role gets a 404.
    "image_id": lambda world: 999_999,
    "tip_id": lambda world: _world_tip(world).pk,
    "cluster_id": lambda world: _world_tip(world).cluster_id,
    # Leads: none is made (that needs a confirmed determination); an authorized role gets a 404.
    "reference": lambda world: "L-2026-99999",
    "determination_id": lambda world: 999_999,
    "index": lambda world: 1,
    "country": lambda world: "PL",
}
# Anything else, by path converter: the view will most likely answer 404 to an authorized role.
SAMPLE_BY_CONVERTER: dict[str, Sample] = {
    "int": lambda world: 999_999,
    "str": lambda world: "SAMPLE",
    "slug": lambda world: "sample",
    "path": lambda world: "sample",
    "uuid": lambda world: "00000000-0000-4000-8000-000000000000",
}

PLACEHOLDER_RE = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


# --- Reading the resolver -------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    namespace: str
    name: str  # "staff:audit_list", or the route when the pattern has no name
    route: str  # "/staff/audit/<int:pk>/"
    permission: Permission | None
    entry: bool

    def __str__(self) -> str:
        return self.name

    def url(self, world: World) -> str:
        def fill(match: re.Match[str]) -> str:
            kwarg, converter = match.group("name"), match.group("converter") or "str"
            sample = SAMPLE_BY_VIEW.get(self.name, {}).get(kwarg) or SAMPLE_BY_KWARG.get(kwarg)
            if sample is None:
                sample = SAMPLE_BY_CONVERTER[converter]
            return str(sample(world))

        return PLACEHOLDER_RE.sub(fill, self.route)


def _route(pattern: Any) -> str:
    if isinstance(pattern, RoutePattern):
        return str(pattern._route)
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix
    if isinstance(pattern, RegexPattern):
        raise AssertionError(
            f"regular-expression URL {pattern.regex.pattern!r} under a protected namespace: use path() so "
            "that the permission matrix can fill its arguments"
        )
    raise AssertionError(f"unknown URL pattern type {type(pattern).__name__}")


def _declaration(callback: Any) -> tuple[Permission | None, bool]:
    """(required permission, is an entry view), looking through decorators and class-based views."""
    seen: Any = callback
    while seen is not None:
        permission = getattr(seen, "required_permission", None)
        if permission is not None or getattr(seen, "staff_entry", False):
            return permission, bool(getattr(seen, "staff_entry", False))
        view_class = getattr(seen, "view_class", None)
        if view_class is not None:
            return _declaration(view_class.dispatch)
        seen = getattr(seen, "__wrapped__", None)
    return None, False


def _walk(
    patterns: list[Any], prefix: str, namespace: str | None
) -> Iterator[tuple[str, str | None, str | None, Any]]:
    """(route, namespace, full name, callback) for every URL below ``patterns``."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            if isinstance(entry.pattern, RegexPattern) and not _is_protected(prefix):
                # Outside the protected prefixes (media, django-admin …): not this test's business,
                # unless a protected namespace hides below, which a regex prefix may not.
                route = entry.pattern.regex.pattern.lstrip("^")
                yield from _walk(entry.url_patterns, prefix + route, inner)
                continue
            yield from _walk(entry.url_patterns, prefix + _route(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            if isinstance(entry.pattern, RegexPattern) and not _is_protected(prefix):
                continue
            route = prefix + _route(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield route, namespace, name, entry.callback


def _is_protected(route: str) -> bool:
    path = "/" + route.lstrip("/")
    return any(path.startswith(spec["prefix"]) for spec in NAMESPACES.values())


def _endpoints() -> tuple[list[Endpoint], list[str]]:
    """The endpoints of the protected namespaces, and URLs under a protected prefix but outside them."""
    endpoints, strays = [], []
    for route, namespace, name, callback in _walk(get_resolver().url_patterns, "", None):
        path = "/" + route.lstrip("/")
        top = (namespace or "").split(":")[0]
        if top in NAMESPACES:
            permission, entry = _declaration(callback)
            endpoints.append(Endpoint(top, name or path, path, permission, entry))
        elif _is_protected(path):
            strays.append(path)
    return endpoints, strays


ENDPOINTS, STRAYS = _endpoints()
GUARDED = [endpoint for endpoint in ENDPOINTS if endpoint.permission is not None]
ENTRIES = [endpoint for endpoint in ENDPOINTS if endpoint.entry]


def _allowed(endpoint: Endpoint) -> list[str]:
    """The fixed accounts whose role grants the endpoint's permission."""
    return [
        name
        for name, (role, _country) in FIXED_STAFF.items()
        if endpoint.permission is not None and endpoint.permission in role_permissions(role)
    ]


def _cases(*, with_permission: bool | None) -> list[Any]:
    """(endpoint, account) pairs, as pytest params named "staff:audit_list-auditor"."""
    cases = []
    for endpoint in GUARDED:
        allowed = _allowed(endpoint)
        for account in ACCOUNTS:
            if with_permission is not None and (account in allowed) != with_permission:
                continue
            cases.append(pytest.param(endpoint, account, id=f"{endpoint}-{account}"))
    return cases


def _share_session(client: Client) -> Client:
    """The test client logs in with the staff session cookie; the partner portal reads its own, so the
    same session goes under that name too (the test client sends every cookie to every path)."""
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if session is not None:
        client.cookies[settings.PARTNER_SESSION_COOKIE_NAME] = session.value
    return client


def _client(account: str) -> Client:
    if account == ANONYMOUS:
        return Client()
    role, country = FIXED_STAFF[account]
    return _share_session(login_verified(Client(), make_staff(account, role, country)))


def _assert_login_redirect(response: Any, endpoint: Endpoint, url: str) -> None:
    assert response.status_code == 302, f"{endpoint} ({url}) answered {response.status_code} to anonymous"
    location = urlsplit(response["Location"])
    assert location.path == NAMESPACES[endpoint.namespace]["login"], response["Location"]
    assert parse_qs(location.query).get("next") == [url]


# --- The declarations -----------------------------------------------------------------------------


def test_the_protected_namespaces_are_found() -> None:
    found = {endpoint.namespace for endpoint in ENDPOINTS}
    assert "staff" in found
    assert any(endpoint.name == "staff:audit_list" for endpoint in GUARDED)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_every_view_declares_a_permission(endpoint: Endpoint) -> None:
    assert endpoint.permission is not None or endpoint.entry, (
        f"{endpoint} ({endpoint.route}) declares no permission: wrap it in "
        "@staff_view(Permission.…), or, if it must work before login, @staff_entry_view and list it in "
        "ENTRY_VIEWS"
    )
    if endpoint.permission is not None:
        assert isinstance(endpoint.permission, Permission)
        assert not endpoint.entry, f"{endpoint} is both an entry view and a guarded one"


def test_no_url_under_a_protected_prefix_escapes_its_namespace() -> None:
    assert not STRAYS, (
        f"URLs under a protected prefix but outside its namespace (not in the matrix): {STRAYS}"
    )


def test_entry_views_are_the_listed_ones() -> None:
    assert sorted(endpoint.name for endpoint in ENTRIES) == sorted(ENTRY_VIEWS)


@pytest.mark.parametrize("endpoint", ENTRIES, ids=str)
def test_entry_views_open_to_anonymous(client: Client, world: World, endpoint: Endpoint) -> None:
    """Exempt from the matrix; listed, and reachable (or politely refusing the method) without a login."""
    response = client.get(endpoint.url(world))
    assert response.status_code in {200, 302, 405}, response.status_code
    if response.status_code == 302:
        assert urlsplit(response["Location"]).path != endpoint.route


# --- GET ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("endpoint", "account"), _cases(with_permission=None))
def test_get(world: World, endpoint: Endpoint, account: str) -> None:
    url = endpoint.url(world)
    response = _client(account).get(url)
    status = response.status_code
    if account == ANONYMOUS:
        _assert_login_redirect(response, endpoint, url)
    elif account in _allowed(endpoint):
        assert status != 403, f"{account} has {endpoint.permission} but {url} answered 403"
        if status == 302:
            target = urlsplit(response["Location"]).path
            spec = NAMESPACES[endpoint.namespace]
            assert target not in {spec["login"], spec["otp"]}, f"{account} was sent to {target}"
        assert status < 500
    else:
        assert status == 403, f"{account} lacks {endpoint.permission} but {url} answered {status}"


# --- POST -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("endpoint", "account"), _cases(with_permission=False))
def test_post_without_the_permission(world: World, endpoint: Endpoint, account: str) -> None:
    url = endpoint.url(world)
    response = _client(account).post(url, data={"anything": "1"})
    if account == ANONYMOUS:
        if response.status_code != 405:
            _assert_login_redirect(response, endpoint, url)
    else:
        assert response.status_code in {403, 405}, f"{account} POST {url}: {response.status_code}"


# --- The second factor ----------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", [endpoint for endpoint in GUARDED if _allowed(endpoint)], ids=str)
def test_a_password_only_session_is_sent_to_the_second_factor(world: World, endpoint: Endpoint) -> None:
    account = _allowed(endpoint)[0]
    role, country = FIXED_STAFF[account]
    client = Client()
    client.force_login(make_staff(account, role, country))
    response = _share_session(client).get(endpoint.url(world))
    assert response.status_code == 302, response.status_code
    assert urlsplit(response["Location"]).path == NAMESPACES[endpoint.namespace]["otp"]


# --- The machinery itself -------------------------------------------------------------------------


def _plain_view(request: Any, **kwargs: Any) -> HttpResponse:
    return HttpResponse("ok")


def _fresh_view() -> Callable[..., HttpResponse]:
    def view(request: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponse("ok")

    return view


def test_declarations_are_found_through_decorators_and_classes() -> None:
    permission = Permission.AUDIT_EVENT_READ
    assert _declaration(never_cache(require_GET(staff_view(permission)(_fresh_view())))) == (
        permission,
        False,
    )
    assert _declaration(staff_view(permission)(never_cache(_fresh_view()))) == (permission, False)
    assert _declaration(staff_entry_view(require_POST(_fresh_view()))) == (None, True)
    assert _declaration(never_cache(_fresh_view())) == (None, False)

    class Guarded(View):
        @method_decorator(staff_view(permission))
        def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
            return HttpResponse("ok")

    assert _declaration(Guarded.as_view()) == (permission, False)
    assert _declaration(View.as_view()) == (None, False)


def test_the_walk_builds_routes_and_names_through_nested_includes() -> None:
    sub = ([path("b/<slug:slug>/", _plain_view, name="b")], "sub")
    inner = [path("a/<int:pk>/", _plain_view, name="a"), path("x/", include(sub)), path("c/", _plain_view)]
    found = [
        (route, name)
        for route, _ns, name, _view in _walk([path("staff/", include((inner, "staff")))], "", None)
    ]
    assert found == [
        ("staff/a/<int:pk>/", "staff:a"),
        ("staff/x/b/<slug:slug>/", "staff:sub:b"),
        ("staff/c/", None),
    ]


def test_sample_arguments_fill_the_route() -> None:
    world = World(
        obj=type("O", (), {"code": "B17-2026"})(), release=None, event=type("E", (), {"pk": 7})(), user=None
    )
    assert (
        Endpoint("staff", "staff:audit_detail", "/staff/audit/<int:pk>/", None, False).url(world)
        == "/staff/audit/7/"
    )
    assert Endpoint("staff", "staff:x", "/staff/o/<str:code>/<int:n>/<w>/", None, False).url(world) == (
        "/staff/o/B17-2026/999999/SAMPLE/"
    )
