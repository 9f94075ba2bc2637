"""Each cookie area (public, staff, partner, admin) has a CSRF cookie of its own, and a token from one
area never passes a form of another.

The area middleware (``accounts.middleware.AreaCsrfViewMiddleware``) is hand-written on top of Django's
``CsrfViewMiddleware``. It relies only on public hooks and on the documented meaning of
``CSRF_COOKIE_NAME``; the last test fails if it ever overrides a private method again, or if the hooks it
does override change their signature in a Django upgrade. The behavioural tests fail if Django stops
reading or setting the CSRF cookie the way the middleware expects.
"""

from __future__ import annotations

import ast
import inspect
from itertools import permutations

import pytest
from django.middleware.csrf import CsrfViewMiddleware
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import OTP_URL, password_step, post_form, totp_code
from tests.staff_fixtures import STAFF_PASSWORD, login_verified, make_staff
from tests.utils import csrf_token_from, tip_form_data
from traceobject.accounts import middleware as accounts_middleware
from traceobject.accounts.middleware import AreaCsrfViewMiddleware
from traceobject.core import csrf as core_csrf
from traceobject.core.csrf import NoReferrerCsrfViewMiddleware
from traceobject.tips.models import Receipt, Tip

pytestmark = pytest.mark.django_db

# Written out here, not read from the settings or the code under test.
COOKIES = {
    "public": ("to_csrf", "/"),
    "staff": ("to_staff_csrf", "/staff/"),
    "partner": ("to_partner_csrf", "/partner/"),
    "admin": ("to_admin_csrf", "/django-admin/"),
}
# A page with a form, open to an anonymous visitor, in each area.
FORM_PAGES = {
    "public": "/objects/B17-2026/",
    "staff": "/staff/login/",
    "partner": "/partner/login/",
}


def _csrf_cookies(response) -> dict[str, str]:
    """name -> path of every CSRF cookie the response sets."""
    return {name: morsel["path"] for name, morsel in response.cookies.items() if name.endswith("csrf")}


def _post_form(client: Client, area: str, token: str):
    """Post the area's form with ``token``; the data is valid, so only the CSRF check can refuse it."""
    if area == "public":
        return client.post(f"{FORM_PAGES['public']}tip/", tip_form_data(csrfmiddlewaretoken=token))
    username = "alice" if area == "staff" else "pat"
    data = {"username": username, "password": STAFF_PASSWORD, "next": "", "csrfmiddlewaretoken": token}
    return client.post(FORM_PAGES[area], data)


def _accepted(area: str, response) -> bool:
    if area == "public":
        return response.status_code == 200 and 'id="receipt-code"' in response.content.decode()
    return response.status_code == 302 and response["Location"] == f"/{area}/otp/"


@pytest.fixture
def _accounts(published_object) -> None:
    make_staff("alice", "analyst")
    make_staff("pat", "partner", country="PL")


@pytest.mark.usefixtures("_accounts")
@pytest.mark.parametrize("area", sorted(FORM_PAGES))
def test_each_area_sets_its_own_csrf_cookie_only(csrf_client: Client, area: str) -> None:
    response = csrf_client.get(FORM_PAGES[area])
    assert response.status_code == 200
    name, path = COOKIES[area]
    assert _csrf_cookies(response) == {name: path}
    morsel = response.cookies[name]
    assert morsel["samesite"] == "Strict"
    assert morsel["httponly"]
    assert morsel["max-age"] == ""  # a browser-session cookie
    # The area's own token goes through.
    assert _accepted(area, _post_form(csrf_client, area, csrf_token_from(response.content.decode())))


def test_admin_has_its_own_csrf_cookie_and_its_forms_pass(csrf_client: Client) -> None:
    admin = make_staff("root", "administrator")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    password_step(csrf_client, "root")
    post_form(csrf_client, OTP_URL, {"token": totp_code(TOTPDevice.objects.get(user=admin))})
    response = csrf_client.get("/django-admin/")
    assert response.status_code == 200
    assert _csrf_cookies(response) == {"to_admin_csrf": "/django-admin/"}
    # Django's admin wraps its views in its own csrf_protect, which reads and sets the cookie by
    # CSRF_COOKIE_NAME: its forms must still carry a token of the admin cookie, and pass.
    token = csrf_token_from(response.content.decode())
    logout = csrf_client.post("/django-admin/logout/", {"csrfmiddlewaretoken": token})
    assert logout.status_code == 302
    assert not csrf_client.get("/staff/").wsgi_request.user.is_authenticated


@pytest.mark.usefixtures("_accounts")
@pytest.mark.parametrize(("source", "target"), list(permutations(sorted(FORM_PAGES), 2)))
def test_a_token_from_one_area_is_refused_in_another(csrf_client: Client, source: str, target: str) -> None:
    """The client holds both areas' cookies (the test client sends every cookie on every path, which is
    more than a browser would): the source area's token still does not pass the target's form."""
    source_token = csrf_token_from(csrf_client.get(FORM_PAGES[source]).content.decode())
    target_page = csrf_client.get(FORM_PAGES[target])
    assert COOKIES[target][0] in csrf_client.cookies
    refused = _post_form(csrf_client, target, source_token)
    assert refused.status_code == 403
    assert (Tip.objects.count(), Receipt.objects.count()) == (0, 0)
    assert "_auth_user_id" not in csrf_client.session
    # The target's own token, on the same client, goes through.
    assert _accepted(target, _post_form(csrf_client, target, csrf_token_from(target_page.content.decode())))


@pytest.mark.usefixtures("_accounts")
@pytest.mark.parametrize("area", ["staff", "partner"])
def test_without_the_areas_cookie_the_public_one_does_not_stand_in(csrf_client: Client, area: str) -> None:
    public_token = csrf_token_from(csrf_client.get(FORM_PAGES["public"]).content.decode())
    assert set(csrf_client.cookies) == {"to_csrf"}
    assert _post_form(csrf_client, area, public_token).status_code == 403


@pytest.mark.usefixtures("_accounts")
@pytest.mark.parametrize("page", ["/staff/no-such-page/", "/staff/objects/NO-SUCH-1/"])
def test_a_staff_error_page_carries_a_staff_token(csrf_client: Client, page: str) -> None:
    """Django's ``requires_csrf_token`` on the error views reads and sets the CSRF cookie itself. On a
    staff 404 its token must be one of the staff cookie, so that its "Log out" button works, and it must
    not set a public cookie from a staff page."""
    csrf_client.get(FORM_PAGES["public"])  # a member who also looked at the public site
    login_verified(csrf_client, make_staff("bob", "analyst"))
    assert csrf_client.get("/staff/").status_code == 200
    missing = csrf_client.get(page)
    assert missing.status_code == 404
    assert "to_csrf" not in missing.cookies
    assert set(_csrf_cookies(missing)) <= {"to_staff_csrf"}
    response = csrf_client.post(
        "/staff/logout/", {"csrfmiddlewaretoken": csrf_token_from(missing.content.decode())}
    )
    assert response.status_code == 302
    assert not csrf_client.get("/staff/").wsgi_request.user.is_authenticated


# --- What the hand-written CSRF middleware relies on in Django ---------------------------------------

# The public hooks of CsrfViewMiddleware that the project's two subclasses override, with the
# parameters they are called with. A Django upgrade that changes one fails here, not in production.
HOOKS = {
    "process_request": ["self", "request"],
    "process_view": ["self", "request", "callback", "callback_args", "callback_kwargs"],
    "process_response": ["self", "request", "response"],
}


def test_csrf_middleware_overrides_only_public_hooks_whose_signature_is_pinned() -> None:
    for cls in (NoReferrerCsrfViewMiddleware, AreaCsrfViewMiddleware):
        overridden = {name for name, value in vars(cls).items() if callable(value)}
        assert overridden <= set(HOOKS), f"{cls.__name__} overrides {sorted(overridden - set(HOOKS))}"
        assert not [name for name in vars(cls) if name.startswith("_") and not name.startswith("__")]
    for name, parameters in HOOKS.items():
        assert list(inspect.signature(getattr(CsrfViewMiddleware, name)).parameters) == parameters, name


@pytest.mark.parametrize("module", [core_csrf, accounts_middleware])
def test_csrf_modules_import_nothing_private_from_django(module) -> None:
    tree = ast.parse(inspect.getsource(module))
    private = [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django")
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert private == []
