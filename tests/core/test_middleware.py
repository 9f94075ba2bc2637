from __future__ import annotations

import importlib.util

import pytest
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.test import override_settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import path

from tests.utils import tip_form_data
from traceobject.core.middleware import CONTENT_SECURITY_POLICY
from traceobject.gallery.models import Object
from traceobject.tips.models import Receipt, Tip

CLIENT_ADDRESS = "203.0.113.77"
PROXY_ADDRESS = "198.51.100.23"

ADDRESS_HEADERS = {
    "REMOTE_ADDR": CLIENT_ADDRESS,
    "HTTP_X_FORWARDED_FOR": f"{PROXY_ADDRESS}, {CLIENT_ADDRESS}",
    "HTTP_X_REAL_IP": CLIENT_ADDRESS,
    "HTTP_FORWARDED": f'for={CLIENT_ADDRESS};proto=https, for="[2001:db8::7]"',
    "HTTP_CLIENT_IP": CLIENT_ADDRESS,
    "HTTP_TRUE_CLIENT_IP": CLIENT_ADDRESS,
    "HTTP_CF_CONNECTING_IP": CLIENT_ADDRESS,
    "HTTP_X_CLUSTER_CLIENT_IP": PROXY_ADDRESS,
}


def _echo_meta(request: HttpRequest) -> JsonResponse:
    return JsonResponse({key: str(value) for key, value in request.META.items()})


# A test-only URLconf (selected with @pytest.mark.urls) whose view shows what a view can see.
urlpatterns = [path("meta/", _echo_meta)]


# --- Security headers ---------------------------------------------------------------------------


def _csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_security_headers(response, *, secure: bool = False) -> None:
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"no CSP on {response.status_code} {response.request['PATH_INFO']}"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    directives = _csp_directives(csp)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'none'"]
    # Nothing may come from another host: every source is 'self' or 'none'.
    assert {source for sources in directives.values() for source in sources} <= {"'self'", "'none'"}
    assert response.headers.get("Referrer-Policy") == "no-referrer"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("X-Frame-Options") == "DENY"
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "interest-cohort=()"):
        assert feature in permissions
    hsts = response.headers.get("Strict-Transport-Security")
    if secure:
        assert hsts
        assert hsts.startswith(f"max-age={settings.SECURE_HSTS_SECONDS}")
        assert settings.SECURE_HSTS_SECONDS >= 180 * 24 * 3600
    else:
        assert hsts is None, "HSTS must never be sent over plain HTTP"


def _public_urls(obj: Object) -> list[str]:
    return [
        "/",
        "/?q=bag",
        obj.get_absolute_url(),
        "/identified/",
        "/about/",
        "/privacy/",
        "/report-something-else/",
        "/fr/",
        f"/de{obj.get_absolute_url()}",
        "/healthz",
    ]


@pytest.mark.parametrize("secure", [False, True])
def test_security_headers_on_every_public_page(client, published_object: Object, secure: bool) -> None:
    for url in _public_urls(published_object):
        response = client.get(url, secure=secure)
        assert response.status_code == 200, url
        assert_security_headers(response, secure=secure)


@pytest.mark.parametrize("secure", [False, True])
@pytest.mark.parametrize("url", ["/no-such-page/", "/objects/UNKNOWN-1/", "/fr/objects/UNKNOWN-1/"])
def test_security_headers_on_not_found(client, db, url: str, secure: bool) -> None:
    response = client.get(url, secure=secure)
    assert response.status_code == 404
    assert_security_headers(response, secure=secure)


@pytest.mark.parametrize("secure", [False, True])
def test_security_headers_on_tip_responses(client, published_object: Object, secure: bool) -> None:
    url = f"{published_object.get_absolute_url()}tip/"
    accepted = client.post(url, tip_form_data(), secure=secure)
    assert accepted.status_code == 200
    assert_security_headers(accepted, secure=secure)
    refused = client.post(url, tip_form_data(text="short"), secure=secure)
    assert refused.status_code == 400
    assert_security_headers(refused, secure=secure)
    wrong_method = client.get(url, secure=secure)
    assert wrong_method.status_code == 405
    assert_security_headers(wrong_method, secure=secure)


def test_security_headers_on_refused_bodies(client, published_object: Object) -> None:
    url = f"{published_object.get_absolute_url()}tip/"
    too_large = client.post(url, tip_form_data(contact="x" * settings.MAX_BODY_BYTES))
    assert too_large.status_code == 413
    assert_security_headers(too_large)
    bad_length = client.generic("POST", url, b"text=x", CONTENT_LENGTH="many")
    assert bad_length.status_code == 400
    assert_security_headers(bad_length)


def test_csp_is_the_one_policy_of_the_module(client, db) -> None:
    assert client.get("/about/").headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_django_has_no_csp_of_its_own_yet() -> None:
    """The CSP header is ours because Django 5.2 has none (docs/architecture.md, section 6, weighs it
    against django-csp). Django 6.0 ships ``django.middleware.csp`` with ``SECURE_CSP``: when an upgrade
    makes this fail, move the policy to Django's own middleware and drop ours."""
    assert importlib.util.find_spec("django.middleware.csp") is None, "switch the CSP to Django's own"


# --- Body size limit ----------------------------------------------------------------------------


def test_oversized_body_is_refused_and_nothing_stored(client, published_object: Object) -> None:
    url = f"{published_object.get_absolute_url()}tip/"
    response = client.post(url, tip_form_data(contact="x" * (settings.MAX_BODY_BYTES + 1)))
    assert response.status_code == 413
    # The public area's styled page, not a line of plain text.
    assert response["Content-Type"].startswith("text/html")
    assert "The request is too large" in response.content.decode()
    assert Tip.objects.count() == 0
    assert Receipt.objects.count() == 0


def test_limit_is_read_from_the_header_before_the_body(client, published_object: Object) -> None:
    """A body that claims to be too large is refused without being read, whatever it really holds."""
    url = f"{published_object.get_absolute_url()}tip/"
    response = client.post(url, tip_form_data(), CONTENT_LENGTH=str(settings.MAX_BODY_BYTES + 1))
    assert response.status_code == 413
    assert Tip.objects.count() == 0


def test_body_of_exactly_the_limit_is_accepted(client, published_object: Object) -> None:
    url = f"{published_object.get_absolute_url()}tip/"
    body = encode_multipart(BOUNDARY, tip_form_data())
    content_type = MULTIPART_CONTENT
    with override_settings(MAX_BODY_BYTES=len(body) - 1):
        refused = client.generic("POST", url, body, content_type=content_type)
    assert refused.status_code == 413
    assert Tip.objects.count() == 0
    with override_settings(MAX_BODY_BYTES=len(body)):
        accepted = client.generic("POST", url, body, content_type=content_type)
    assert accepted.status_code == 200
    assert Tip.objects.count() == 1


@pytest.mark.parametrize(
    ("length", "status"),
    [("many", 400), ("-1", 400), ("1e9", 400), ("1_0", 400), ("+5", 400), (" 12", 400), ("١٢", 400)],
)
def test_malformed_content_length(client, published_object: Object, length: str, status: int) -> None:
    url = f"{published_object.get_absolute_url()}tip/"
    response = client.generic("POST", url, b"text=hello", CONTENT_LENGTH=length)
    assert response.status_code == status
    # Refused at the door (the 400 page), not read as a number and handed to the tip form.
    assert "The request could not be understood" in response.content.decode()
    assert Tip.objects.count() == 0


def test_requests_without_a_body_pass(client, db) -> None:
    assert client.get("/about/").status_code == 200


# --- Client address stripping -------------------------------------------------------------------


def test_forgetting_the_address_comes_first() -> None:
    """Anything before it in the chain could read or log the client's address."""
    assert settings.MIDDLEWARE[0] == "traceobject.core.middleware.ForgetClientAddressMiddleware"


@pytest.mark.urls("tests.core.test_middleware")
@pytest.mark.parametrize("method", ["get", "post"])
def test_views_never_see_the_client_address(client, method: str) -> None:
    response = getattr(client, method)("/meta/", **ADDRESS_HEADERS)
    assert response.status_code == 200
    meta = response.json()
    assert meta["REMOTE_ADDR"] == "0.0.0.0"  # noqa: S104 - the placeholder the middleware sets
    for key in ADDRESS_HEADERS:
        if key != "REMOTE_ADDR":
            assert key not in meta
    everything = " ".join(f"{key}={value}" for key, value in meta.items())
    for address in (CLIENT_ADDRESS, PROXY_ADDRESS, "2001:db8::7"):
        assert address not in everything
