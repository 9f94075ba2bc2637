"""Malformed requests against the real server (``traceobject serve``: gunicorn and the whole stack), on raw
sockets, since no HTTP client library sends them: the area's 400 page, one log line, no traceback, and no
client address in the server's output.

Before the fix a form post in Latin-1 or UTF-16 was a 500 with a traceback on every public URL, and a
request line or header that gunicorn refuses itself was logged with the client's address
("Invalid request from ip=127.0.0.1").
"""

from __future__ import annotations

import re
import socket
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import Server

pytestmark = pytest.mark.browser

SECRET = "s" * 32
ACCESS_LINE = re.compile(r"^\[\d{2}/\w{3}/\d{4}:")  # serve.ACCESS_LOG_FORMAT's %(t)s
COOKIES = f"to_csrf={SECRET}; to_staff_csrf={SECRET}; to_partner_csrf={SECRET}"


def _send(server: Server, raw: bytes) -> bytes:
    parts = urlsplit(server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _post(server: Server, path: str, content_type: str, body: bytes, length: str | None = None) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {urlsplit(server.url).netloc}\r\nConnection: close\r\n"
        f"Cookie: {COOKIES}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body) if length is None else length}\r\n\r\n"
    )
    return _send(server, head.encode("latin-1") + body)


def _new_log(server: Server, before: int) -> list[str]:
    """The server's own lines since ``before``: without the access log (its lines start with the time in
    brackets and name no address: serve.ACCESS_LOG_FORMAT) and the embedded worker and scheduler, which
    run beside (their lines name neither a request nor an error)."""
    lines = server.log_path.read_bytes()[before:].decode("utf-8", "replace").splitlines()
    return [
        line
        for line in lines
        if not ACCESS_LINE.match(line)
        and any(mark in line for mark in (" traceobject.request ", "Invalid request", "ERROR", "Traceback"))
    ]


BODY = f"csrfmiddlewaretoken={SECRET}&text=caf\xe9".encode("latin-1")


@pytest.mark.parametrize(
    ("path", "brand"),
    [
        ("/follow-up/", "<footer"),
        ("/fr/accessibility/report/", 'lang="fr"'),
        ("/staff/login/", "Trace an Object · Staff"),
        ("/partner/login/", "Trace an Object · Partner portal"),
    ],
)
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded; charset=latin-1", BODY),
        (
            "application/x-www-form-urlencoded; charset=utf-16",
            f"csrfmiddlewaretoken={SECRET}".encode("utf-16"),
        ),
        ("multipart/form-data", b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n'),
        ("application/x-www-form-urlencoded", f"csrfmiddlewaretoken={SECRET}&text=%ff%zz".encode()),
    ],
)
def test_malformed_post_gets_the_areas_400_and_one_line(
    production_server: Server, path: str, brand: str, content_type: str, body: bytes
) -> None:
    before = production_server.log_path.stat().st_size
    response = _post(production_server, path, content_type, body)
    status_line, _, rest = response.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 400 Bad Request"
    html = rest.decode("utf-8", "replace")
    assert "text/html" in html.split("\r\n\r\n", 1)[0]
    assert brand in html
    assert "site." in html  # the site's style sheet: the styled page
    lines = _new_log(production_server, before)
    assert len(lines) == 1, lines
    assert "traceobject.request 400 POST" in lines[0]
    assert "127.0.0.1" not in production_server.log_path.read_bytes()[before:].decode("utf-8", "replace")


def test_too_large_is_the_areas_413(production_server: Server) -> None:
    before = production_server.log_path.stat().st_size
    response = _post(
        production_server, "/staff/login/", "application/x-www-form-urlencoded", b"a=b", "9" * 25
    )
    assert response.startswith(b"HTTP/1.1 413 ")
    assert "Trace an Object · Staff" in response.decode("utf-8", "replace")
    assert len(_new_log(production_server, before)) == 1


@pytest.mark.parametrize(
    "raw",
    [
        b"POST /staff/login/ HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"GET /?q=\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nBad\x01Header: 1\r\n\r\n",
    ],
)
def test_what_gunicorn_refuses_itself_is_logged_without_the_address(
    production_server: Server, raw: bytes
) -> None:
    """The request never reaches Django (gunicorn answers a bare 400), but its log line names no address."""
    before = production_server.log_path.stat().st_size
    response = _send(production_server, raw)
    assert response.startswith(b"HTTP/1.1 400 ")
    output = production_server.log_path.read_bytes()[before:].decode("utf-8", "replace")
    assert "Invalid request" in output
    assert "127.0.0.1" not in output
    assert "ip=" not in output
    assert len(_new_log(production_server, before)) == 1
