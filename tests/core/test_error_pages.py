"""Every 400, 403, 404 and 500 is the area's own styled page (public, staff, partner), in the visitor's
language: never Django's bare "403 Forbidden" or a line of plain text."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from tests.staff_fixtures import login_verified
from tests.utils import find_all, find_by_id
from traceobject.core.views import server_error

pytestmark = pytest.mark.django_db

# What tells the three areas apart on a page: the brand line, and the area's home link.
PUBLIC_BRAND = '<a class="brand" href="/'
STAFF_BRAND = "Trace an Object · Staff"
PARTNER_BRAND = "Trace an Object · Partner portal"


def _partner_client(user: Any) -> Client:
    client = login_verified(Client(), user)
    client.cookies[settings.PARTNER_SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return client


def _heading(html: str) -> str:
    headings = find_all(html, "h1")
    assert len(headings) == 1, html
    return " ".join(headings[0].text.split())


def _assert_styled(html: str, area: str) -> None:
    assert "/static/public/site.css" in html or "site." in html, "the page carries the site's style sheet"
    assert find_all(html, "main"), "the page has the site's layout"
    if area == "public":
        assert STAFF_BRAND not in html
        assert PARTNER_BRAND not in html
        assert find_all(html, "footer"), "the public footer is there"
    elif area == "staff":
        assert STAFF_BRAND in html
        assert "staff.css" in html
    else:
        assert PARTNER_BRAND in html


@pytest.mark.parametrize(
    ("path", "area", "heading"),
    [
        ("/no-such-page/", "public", "Page not found"),
        ("/fr/no-such-page/", "public", "Page introuvable"),
        ("/de/no-such-page/", "public", "Seite nicht gefunden"),
        ("/objects/NOPE-0000/", "public", "Page not found"),
        ("/staff/no-such-page/", "staff", "Page not found"),
        ("/partner/no-such-page/", "partner", "Page not found"),
    ],
)
def test_404_is_the_areas_page(client: Client, path: str, area: str, heading: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    _assert_styled(html, area)
    if heading.isascii():
        assert _heading(html) == heading
    else:  # the language of the path, whatever the exact translation
        assert _heading(html) != "Page not found"


def test_public_404_is_in_the_paths_language(client: Client) -> None:
    english = client.get("/no-such-page/").content.decode()
    for language in ("fr", "de"):
        html = client.get(f"/{language}/no-such-page/").content.decode()
        assert f'<html lang="{language}" dir="ltr">' in html
        assert _heading(html) != _heading(english)


def test_staff_403_is_the_staff_page(staff: Any, staff_client: Any) -> None:
    response = staff_client("analyst").get("/staff/accounts/")
    assert response.status_code == 403
    html = response.content.decode()
    _assert_styled(html, "staff")
    assert _heading(html) == "Your account may not do this"
    assert "ask an administrator" in html
    # The navigation of the account is there, so the way back is one click.
    assert find_all(html, "nav")


def test_staff_403_says_whose_page_it_is(staff: Any, staff_client: Any) -> None:
    response = staff_client("administrator").get("/staff/releases/new/")
    assert response.status_code == 403
    detail = find_by_id(response.content.decode(), "error-detail")
    assert detail is not None
    assert detail.text.strip() == "Your role (Administrator) does not open this page. It is for: Publisher."


def test_staff_403_says_the_refusal_once(rf: RequestFactory, staff: Any) -> None:
    """A refusal with no message of its own (a service's default, Django's admin for a member who is not
    a superuser) shows the page's explanation only, not a second sentence saying the same in other
    words; a refusal with its own message still shows it."""
    from traceobject.core.errors import PermissionDeniedError
    from traceobject.core.views import permission_denied

    request = rf.get("/django-admin/login/")
    request.user = staff["publisher"]
    html = permission_denied(request, PermissionDeniedError()).content.decode()
    assert _heading(html) == "Your account may not do this"
    assert find_by_id(html, "error-detail") is None
    assert "Your role does not allow this action." not in html
    html = permission_denied(request, PermissionDeniedError("It is for: Publisher.")).content.decode()
    detail = find_by_id(html, "error-detail")
    assert detail is not None
    assert detail.text.strip() == "It is for: Publisher."


def test_public_403_tells_nothing_more(rf: RequestFactory) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from traceobject.core.views import permission_denied

    request = rf.get("/about/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied("internal reason"))
    assert "internal reason" not in response.content.decode()


def test_partner_403_is_the_partner_page(staff: Any) -> None:
    response = _partner_client(staff["analyst"]).get("/partner/")
    assert response.status_code == 403
    html = response.content.decode()
    _assert_styled(html, "partner")
    assert _heading(html) == "Your account may not do this"


def test_public_403_is_the_public_page(rf: RequestFactory) -> None:
    """The public side has no page that refuses by role; the handler is checked on its own."""
    from django.contrib.auth.models import AnonymousUser

    from traceobject.core.views import permission_denied

    request = rf.get("/about/")
    request.user = AnonymousUser()
    response = permission_denied(request, Exception())
    assert response.status_code == 403
    html = response.content.decode()
    _assert_styled(html, "public")
    assert _heading(html) == "You cannot open this page"


@pytest.mark.parametrize(
    ("path", "area"),
    [
        ("/objects/B17-2026/tip/", "public"),
        ("/fr/follow-up/", "public"),
        ("/staff/login/", "staff"),
        ("/partner/login/", "partner"),
    ],
)
def test_malformed_request_is_the_areas_400_page(client: Client, path: str, area: str) -> None:
    """A malformed Content-Length used to get a bare "Bad request." in plain text."""
    response = client.generic("POST", path, b"x", CONTENT_LENGTH="not a number")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    _assert_styled(html, area)
    assert _heading(html) != ""
    if path.startswith("/fr/"):
        assert '<html lang="fr" dir="ltr">' in html
    # The security headers are still there.
    assert "default-src 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("path", "area", "brand"),
    [
        ("/about/", "public", PUBLIC_BRAND),
        ("/staff/objects/", "staff", STAFF_BRAND),
        ("/partner/leads/x/", "partner", PARTNER_BRAND),
    ],
)
def test_500_is_the_areas_minimal_page_and_asks_nothing_of_the_database(
    rf: RequestFactory, path: str, area: str, brand: str
) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = server_error(rf.get(path))
    assert len(queries) == 0
    assert response.status_code == 500
    html = response.content.decode()
    assert brand in html
    assert _heading(html) == "Something went wrong"
    assert "/static/public/site.css" in html or "site." in html
    if area != "public":
        assert "staff.css" in html
    else:
        assert STAFF_BRAND not in html


def test_500_handler_is_installed_and_used(client: Client, settings: Any) -> None:
    """A view that crashes answers with our 500 page (the URLconf's handler500)."""
    from django.urls import path

    from traceobject import urls as project_urls

    def boom(request: Any) -> None:
        raise RuntimeError("boom")

    module = type(project_urls)("crashing_urls")
    module.urlpatterns = [path("staff/boom/", boom), *project_urls.urlpatterns]  # type: ignore[attr-defined]
    module.handler500 = project_urls.handler500  # type: ignore[attr-defined]
    import sys

    sys.modules["crashing_urls"] = module
    settings.ROOT_URLCONF = "crashing_urls"
    try:
        crashing = Client(raise_request_exception=False)
        response = crashing.get("/staff/boom/")
    finally:
        del sys.modules["crashing_urls"]
    assert response.status_code == 500
    html = response.content.decode()
    assert STAFF_BRAND in html
    assert _heading(html) == "Something went wrong"


@pytest.mark.parametrize(
    ("path", "area"),
    [("/objects/B17-2026/tip/", "public"), ("/staff/login/", "staff"), ("/partner/login/", "partner")],
)
def test_csrf_failure_is_the_areas_page(enforce_csrf_client: Client, path: str, area: str) -> None:
    response = enforce_csrf_client.post(path, {"text": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    _assert_styled(html, area)
    assert _heading(html) == "Your form could not be sent"


@pytest.mark.parametrize("language", ["", "fr/", "de/"])
def test_accessibility_statement_is_linked_from_every_public_footer(client: Client, language: str) -> None:
    html = client.get(f"/{language}about/").content.decode()
    footer_links = [a.attrs.get("href") for a in find_all(html, "a")]
    assert f"/{language}accessibility/" in footer_links
    statement = client.get(f"/{language}accessibility/")
    assert statement.status_code == 200
    text = statement.content.decode()
    assert "EN 301 549" in text
    assert "2.1" in text


def test_accessibility_statement_gives_the_configured_mailbox(client: Client, settings: Any) -> None:
    settings.ACCESSIBILITY_CONTACT = "access@example.org"
    html = client.get("/accessibility/").content.decode()
    assert 'href="mailto:access@example.org"' in html
    for section in ("Compliance status", "Content that is not accessible", "Enforcement procedure"):
        assert section in html
