"""Bad input costs nothing: every malformed request gets a 400 (413 when too large) with the area's own
styled page, exactly one log line (no traceback, no client address), and nothing is stored.

Each malformation is sent through the whole middleware stack with the CSRF check enforced and a valid CSRF
cookie and token, so that only the malformation can be what is refused. Each target form is first posted
well-formed with the same fields (the control), which shows that the payload would have been stored.
Before the fix a form post in Latin-1 or UTF-16 was a 500 with a traceback on every URL: the 400 handler
ran Django's CSRF check again, which parsed the body again and raised again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils.http import urlencode

from tests.staff_fixtures import STAFF_PASSWORD, login_verified
from tests.utils import all_table_rows, tip_form_data
from traceobject.gallery.models import Audience, Object
from traceobject.tips.models import Tip
from traceobject.tips.payload import TipPayload
from traceobject.tips.services import tip_submit

pytestmark = pytest.mark.django_db

SECRET = "k" * 32  # a valid CSRF secret: the cookie of every area holds it, the form sends it back
URLENCODED = "application/x-www-form-urlencoded"
# An address the test client pretends to come from: it must appear in no log line.
ADDRESS = {"REMOTE_ADDR": "203.0.113.77", "HTTP_X_FORWARDED_FOR": "198.51.100.23"}
ADDRESS_PARTS = ("203.0.113.77", "198.51.100.23")

STAFF_BRAND = "Trace an Object · Staff"
PARTNER_BRAND = "Trace an Object · Partner portal"


def _client(user: Any = None, *, partner: bool = False) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        login_verified(client, user)
        if partner:
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            client.cookies[settings.PARTNER_SESSION_COOKIE_NAME] = session
    for name in (
        settings.CSRF_COOKIE_NAME,
        settings.STAFF_CSRF_COOKIE_NAME,
        settings.PARTNER_CSRF_COOKIE_NAME,
    ):
        client.cookies[name] = SECRET
    return client


@dataclass
class Target:
    """A form of one area, a client allowed to post it, and fields that the form accepts and stores."""

    area: str
    path: str
    client: Client
    fields: dict[str, str]


@pytest.fixture
def targets(staff: dict[str, Any], published_object: Object) -> dict[str, Target]:
    tip = tip_submit(
        obj=published_object, payload=TipPayload(text="I saw this bag at a market in Porto.")
    ).tip
    partner_object = Object.objects.create(
        code="P9-2026",
        title="Green lamp",
        description="A green lamp.",
        category=published_object.category,
        status=published_object.status,
        audience=Audience.PARTNERS,
        release=published_object.release,
    )
    return {
        "public": Target("public", f"/objects/{published_object.code}/tip/", _client(), tip_form_data()),
        "public-fr": Target(
            "public", f"/fr/objects/{published_object.code}/tip/", _client(), tip_form_data()
        ),
        "staff-login": Target(
            "staff", "/staff/login/", _client(), {"username": "analyst", "password": STAFF_PASSWORD}
        ),
        "staff": Target(
            "staff",
            f"/staff/triage/tips/{tip.pk}/notes/",
            _client(staff["analyst"]),
            {"text": "Checked the market's stall list: it matches."},
        ),
        "partner-login": Target(
            "partner", "/partner/login/", _client(), {"username": "partner_a", "password": STAFF_PASSWORD}
        ),
        "partner": Target(
            "partner",
            f"/partner/objects/{partner_object.code}/report/",
            _client(staff["partner_a"], partner=True),
            {"text": "We know this lamp from a case in Krakow."},
        ),
    }


def _with_token(fields: dict[str, str]) -> dict[str, str]:
    return {"csrfmiddlewaretoken": SECRET, **fields}


def _multipart(fields: dict[str, str], boundary: str = BOUNDARY) -> bytes:
    return encode_multipart(boundary, _with_token(fields))


# name -> (content type, body from the target's fields, extra WSGI environ, expected status)
Malformation = tuple[str, Callable[[dict[str, str]], bytes], dict[str, str], int]
MALFORMATIONS: dict[str, Malformation] = {
    "charset latin-1": (
        f"{URLENCODED}; charset=latin-1",
        lambda f: urlencode(_with_token({**f, "text": f.get("text", "") + " café"})).encode("latin-1"),
        {},
        400,
    ),
    "charset utf-16": (
        f"{URLENCODED}; charset=utf-16",
        lambda f: urlencode(_with_token(f)).encode("utf-16"),
        {},
        400,
    ),
    "multipart without boundary": ("multipart/form-data", _multipart, {}, 400),
    "multipart with an invalid boundary": ('multipart/form-data; boundary="a b\x7f"', _multipart, {}, 400),
    "multipart with broken base64": (
        MULTIPART_CONTENT,
        lambda f: _multipart(f).replace(
            b'name="csrfmiddlewaretoken"\r\n',
            b'name="csrfmiddlewaretoken"\r\nContent-Transfer-Encoding: base64\r\n',
        ),
        {},
        400,
    ),
    "multipart with invalid UTF-8 in a field": (
        MULTIPART_CONTENT,
        lambda f: _multipart({**f, "extra": "X"}).replace(b"\r\n\r\nX\r\n", b"\r\n\r\n\xff\xfe\r\n"),
        {},
        400,
    ),
    "absurd Content-Length": (
        URLENCODED,
        lambda f: urlencode(_with_token(f)).encode(),
        {"CONTENT_LENGTH": "9" * 30},
        413,
    ),
    "negative Content-Length": (
        URLENCODED,
        lambda f: urlencode(_with_token(f)).encode(),
        {"CONTENT_LENGTH": "-1"},
        400,
    ),
    "non-numeric Content-Length": (
        URLENCODED,
        lambda f: urlencode(_with_token(f)).encode(),
        {"CONTENT_LENGTH": "12e3"},
        400,
    ),
    "bad percent-encoding": (
        URLENCODED,
        lambda f: urlencode(_with_token(f)).encode() + b"&note=100%",
        {},
        400,
    ),
    "bad percent-encoding in a value": (
        URLENCODED,
        lambda f: urlencode(_with_token(f)).encode() + b"&note=%zz",
        {},
        400,
    ),
    "invalid UTF-8 in a field, escaped": (
        URLENCODED,
        lambda f: urlencode(_with_token(f)).encode() + b"&note=%ff%fe",
        {},
        400,
    ),
    "invalid UTF-8 in a field, raw": (
        URLENCODED,
        lambda f: urlencode(_with_token(f)).encode() + b"&note=\xc3(",
        {},
        400,
    ),
    "invalid UTF-8 in the query string": (
        URLENCODED,
        lambda f: urlencode(_with_token(f)).encode(),
        {"QUERY_STRING": "next=%ff%fe"},
        400,
    ),
    "raw bytes in the query string": (
        URLENCODED,
        lambda f: urlencode(_with_token(f)).encode(),
        {"QUERY_STRING": b"q=\xe9t\xe9".decode("iso-8859-1")},
        400,
    ),
    "too many fields": (
        URLENCODED,
        lambda f: urlencode(
            {**_with_token(f), **{f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)}}
        ).encode(),
        {},
        400,
    ),
    "too big a body": (
        URLENCODED,
        lambda f: urlencode(_with_token({**f, "pad": "x" * settings.MAX_BODY_BYTES})).encode(),
        {},
        413,
    ),
}


def _snapshot() -> list[tuple[str, tuple[Any, ...]]]:
    """Every row of every table but the sessions (the staff side stamps the last activity in it)."""
    return sorted((row for row in all_table_rows() if row[0] != "django_session"), key=repr)


def _assert_areas_page(html: str, area: str) -> None:
    assert "site." in html, "the site's style sheet"
    if area == "staff":
        assert STAFF_BRAND in html
    elif area == "partner":
        assert PARTNER_BRAND in html
    else:
        assert STAFF_BRAND not in html
        assert PARTNER_BRAND not in html
        assert "<footer" in html, "the public footer"


def _assert_one_log_line(caplog: pytest.LogCaptureFixture, status: int, path: str) -> None:
    records = caplog.records
    assert len(records) == 1, [record.getMessage() for record in records]
    record = records[0]
    message = record.getMessage()
    assert record.name == "traceobject.request"
    assert record.levelno == logging.WARNING
    assert record.exc_info is None, "no traceback"
    assert "\n" not in message
    assert message.startswith(f"{status} POST {path} refused: ")
    assert "Traceback" not in caplog.text
    for part in ADDRESS_PARTS:
        assert part not in caplog.text


def test_the_control_posts_store_something(targets: dict[str, Target]) -> None:
    """The same fields, well-formed, are taken: so the refusals below are the malformation's doing."""
    for name, target in targets.items():
        before = _snapshot()
        body = urlencode(_with_token(target.fields)).encode()
        response = target.client.generic("POST", target.path, body, content_type=URLENCODED, **ADDRESS)
        assert response.status_code in (200, 302, 303), (name, response.status_code)
        assert _snapshot() != before, name


@pytest.mark.parametrize("malformation", list(MALFORMATIONS))
@pytest.mark.parametrize(
    "target_name", ["public", "public-fr", "staff-login", "staff", "partner-login", "partner"]
)
def test_malformed_request_gets_the_areas_page_one_log_line_and_stores_nothing(
    targets: dict[str, Target], caplog: pytest.LogCaptureFixture, target_name: str, malformation: str
) -> None:
    target = targets[target_name]
    content_type, body, extra, status = MALFORMATIONS[malformation]
    before = _snapshot()
    caplog.clear()
    response = target.client.generic(
        "POST", target.path, body(target.fields), content_type=content_type, **{**ADDRESS, **extra}
    )
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    _assert_areas_page(html, target.area)
    if target.path.startswith("/fr/"):
        assert '<html lang="fr" dir="ltr">' in html
    _assert_one_log_line(caplog, status, target.path)
    assert _snapshot() == before


def test_a_bad_charset_on_an_unknown_url_is_a_404(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    """The body of a URL that does not exist is never read, so its charset does not matter: 404, not the
    500 the 404 handler's CSRF check used to turn it into."""
    client = _client()
    response = client.generic(
        "POST", "/no-such-page/", b"a=caf\xe9", content_type=f"{URLENCODED}; charset=latin-1", **ADDRESS
    )
    assert response.status_code == 404
    assert "Traceback" not in caplog.text


def test_a_get_with_invalid_utf8_in_the_query_string_is_a_400(
    targets: dict[str, Target], caplog: pytest.LogCaptureFixture
) -> None:
    for target_name in ("staff", "partner"):
        caplog.clear()
        target = targets[target_name]
        path = "/staff/triage/" if target.area == "staff" else "/partner/"
        response = target.client.get(path, QUERY_STRING="status=%c3%28", **ADDRESS)
        assert response.status_code == 400
        _assert_areas_page(response.content.decode(), target.area)
        assert len(caplog.records) == 1
        assert caplog.records[0].getMessage().startswith(f"400 GET {path} refused: BadRequest: query string")


def test_valid_utf8_and_escapes_pass(targets: dict[str, Target]) -> None:
    """What a browser sends is never refused: text in any script, a literal U+FFFD, "%" written as %25."""
    target = targets["public"]
    text = "Ich sah diese Tasche in München, 100 % sicher; 見たことがある; \ufffd; ok " * 2
    body = urlencode(_with_token(tip_form_data(text=text))).encode()
    before = Tip.objects.count()
    response = target.client.generic("POST", target.path, body, content_type=URLENCODED, QUERY_STRING="a=%25")
    assert response.status_code == 200
    assert Tip.objects.count() == before + 1


def test_the_staff_400_page_keeps_a_working_logout_form(targets: dict[str, Target]) -> None:
    """The page's logout form carries a token for the staff CSRF cookie, even when the browser also holds
    the public one: the 400 handler no longer re-runs Django's stock CSRF code, which reads the public
    cookie."""
    target = targets["staff"]
    target.client.cookies[settings.CSRF_COOKIE_NAME] = "p" * 32
    response = target.client.generic(
        "POST", target.path, b"note=%zz", content_type=URLENCODED, QUERY_STRING="", **ADDRESS
    )
    assert response.status_code == 400
    html = response.content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    logout = target.client.post("/staff/logout/", {"csrfmiddlewaretoken": token})
    assert logout.status_code == 302


def test_too_many_query_fields_with_a_charset_is_a_400_not_a_500(db: None) -> None:
    """Django 5.2 read the query string while it built a request whose Content-Type names a charset, so
    too many query fields raised before the handler existed: a 500 from the server. The production WSGI
    application (``traceobject.wsgi``, called here as gunicorn calls it) answers the area's 400."""
    from django.test import RequestFactory

    from traceobject.wsgi import application

    query = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 5))
    environ = RequestFactory()._base_environ(
        PATH_INFO="/staff/login/",
        REQUEST_METHOD="GET",
        QUERY_STRING=query,
        CONTENT_TYPE="text/plain; charset=utf-8",
    )
    statuses: list[str] = []
    body = b"".join(application(environ, lambda status, headers, *args: statuses.append(status)))
    assert statuses == ["400 Bad Request"]
    _assert_areas_page(body.decode(), "staff")


def test_a_refusal_before_the_locale_middleware_is_not_in_the_last_requests_language(
    targets: dict[str, Target],
) -> None:
    """A body too large is refused before the locale middleware runs; the staff page must not come out in
    whatever language the worker's thread served last (seen on the real server: a French staff 413)."""
    from django.utils import translation

    target = targets["staff-login"]
    translation.activate("fr")
    response = target.client.generic(
        "POST", target.path, b"a=b", content_type=URLENCODED, CONTENT_LENGTH="9" * 20
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "The request is too large" in html


@pytest.mark.parametrize("address", ["203.0.113.77", "2001:db8::1", "::1", "::ffff:192.0.2.1"])
def test_gunicorns_refusal_line_loses_the_address(address: str) -> None:
    """gunicorn writes "Invalid request from ip=<address>: <error>" for what it refuses itself; the
    logger ``traceobject serve`` gives it drops the address, IPv6 included."""
    from traceobject.core.management.commands.serve import _NoAddress

    record = logging.LogRecord(
        "gunicorn.error",
        logging.WARNING,
        __file__,
        1,
        f"Invalid request from ip={address}: Bad header",
        None,
        None,
    )
    assert _NoAddress().filter(record)
    assert record.getMessage() == "Invalid request: Bad header"


def test_a_related_object_id_past_64_bits_is_a_form_error_not_a_500(staff: dict[str, Any]) -> None:
    """Found by the fuzz (bench/fuzz.py, the 100,000-case run): the object form's "related" choice ran
    ``pk__in`` with a number SQLite cannot bind, an OverflowError and a 500."""
    client = login_verified(Client(), staff["publisher"])
    before = Object.objects.count()
    response = client.post(
        "/staff/objects/new/",
        {"code": "OV1-2026", "title": "Overflow", "related": ["1", "9" * 23], "category": "1"},
    )
    assert response.status_code == 400
    assert Object.objects.count() == before
