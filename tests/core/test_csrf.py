"""The tip form must work under ``Referrer-Policy: no-referrer`` and still stop forged posts."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.utils import csrf_token_from, tip_form_data
from traceobject.gallery.models import Object
from traceobject.tips.models import Receipt, Tip

OBJECT_URL = "/objects/B17-2026/"
TIP_URL = "/objects/B17-2026/tip/"


def _token(client, *, secure: bool = False) -> str:
    page = client.get(OBJECT_URL, secure=secure)
    assert page.status_code == 200
    return csrf_token_from(page.content.decode())


def _stored() -> tuple[int, int]:
    return Tip.objects.count(), Receipt.objects.count()


def _assert_refused(response) -> None:
    assert response.status_code == 403
    html = response.content.decode()
    # The site's own explanation (core.views.csrf_failure), not Django's technical page.
    assert '<html lang="en" dir="ltr">' in html
    assert "CSRF" not in html
    assert _stored() == (0, 0)


@pytest.fixture
def _object(published_object: Object) -> Object:
    assert published_object.get_absolute_url() == OBJECT_URL
    return published_object


@pytest.mark.usefixtures("_object")
def test_csrf_cookie_is_a_strict_session_cookie(enforce_csrf_client) -> None:
    response = enforce_csrf_client.get(OBJECT_URL)
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["samesite"] == "Strict"
    assert cookie["httponly"]
    # A browser-session cookie: nothing about the visit outlives it.
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""


@pytest.mark.usefixtures("_object")
def test_null_origin_with_token_is_accepted(enforce_csrf_client) -> None:
    token = _token(enforce_csrf_client)
    response = enforce_csrf_client.post(TIP_URL, tip_form_data(csrfmiddlewaretoken=token), HTTP_ORIGIN="null")
    assert response.status_code == 200
    assert "receipt-code" in response.content.decode()
    assert _stored() == (1, 1)


@pytest.mark.usefixtures("_object")
def test_null_origin_over_https_without_referer_is_accepted(enforce_csrf_client) -> None:
    """Over HTTPS Django insists on a Referer when there is no Origin; no-referrer sends neither."""
    token = _token(enforce_csrf_client, secure=True)
    response = enforce_csrf_client.post(
        TIP_URL, tip_form_data(csrfmiddlewaretoken=token), HTTP_ORIGIN="null", secure=True
    )
    assert response.status_code == 200
    assert _stored() == (1, 1)


@pytest.mark.usefixtures("_object")
def test_same_origin_with_token_is_accepted(enforce_csrf_client) -> None:
    token = _token(enforce_csrf_client, secure=True)
    response = enforce_csrf_client.post(
        TIP_URL, tip_form_data(csrfmiddlewaretoken=token), HTTP_ORIGIN="https://testserver", secure=True
    )
    assert response.status_code == 200
    assert _stored() == (1, 1)


@pytest.mark.usefixtures("_object")
@pytest.mark.parametrize("origin", [None, "null"])
def test_missing_token_is_refused(enforce_csrf_client, origin: str | None) -> None:
    _token(enforce_csrf_client)  # the cookie is there; the form field is not
    extra = {"HTTP_ORIGIN": origin} if origin else {}
    _assert_refused(enforce_csrf_client.post(TIP_URL, tip_form_data(), **extra))


@pytest.mark.usefixtures("_object")
def test_missing_cookie_is_refused(enforce_csrf_client) -> None:
    token = _token(enforce_csrf_client)
    enforce_csrf_client.cookies.clear()
    _assert_refused(
        enforce_csrf_client.post(TIP_URL, tip_form_data(csrfmiddlewaretoken=token), HTTP_ORIGIN="null")
    )


@pytest.mark.usefixtures("_object")
def test_wrong_token_is_refused(enforce_csrf_client) -> None:
    _token(enforce_csrf_client)
    forged = "A" * 64
    _assert_refused(
        enforce_csrf_client.post(TIP_URL, tip_form_data(csrfmiddlewaretoken=forged), HTTP_ORIGIN="null")
    )


@pytest.mark.usefixtures("_object")
@pytest.mark.parametrize("secure", [False, True])
@pytest.mark.parametrize("origin", ["https://evil.example", "http://evil.example", "https://testserver.evil"])
def test_foreign_origin_is_refused_even_with_a_valid_token(
    enforce_csrf_client, origin: str, secure: bool
) -> None:
    token = _token(enforce_csrf_client, secure=secure)
    _assert_refused(
        enforce_csrf_client.post(
            TIP_URL, tip_form_data(csrfmiddlewaretoken=token), HTTP_ORIGIN=origin, secure=secure
        )
    )


@pytest.mark.usefixtures("_object")
def test_null_origin_with_foreign_referer_is_refused_over_https(enforce_csrf_client) -> None:
    """``null`` only stands for "no origin given": a Referer that is present is still checked."""
    token = _token(enforce_csrf_client, secure=True)
    _assert_refused(
        enforce_csrf_client.post(
            TIP_URL,
            tip_form_data(csrfmiddlewaretoken=token),
            HTTP_ORIGIN="null",
            HTTP_REFERER="https://evil.example/page",
            secure=True,
        )
    )


@pytest.mark.usefixtures("_object")
def test_null_origin_with_own_referer_is_accepted_over_https(enforce_csrf_client) -> None:
    """A browser that sends ``Origin: null`` with a Referer of our own page (another referrer policy)."""
    token = _token(enforce_csrf_client, secure=True)
    response = enforce_csrf_client.post(
        TIP_URL,
        tip_form_data(csrfmiddlewaretoken=token),
        HTTP_ORIGIN="null",
        HTTP_REFERER=f"https://testserver{OBJECT_URL}",
        secure=True,
    )
    assert response.status_code == 200
    assert _stored() == (1, 1)
