"""No client address is ever stored or logged, and a copy of the database shows no tip in plain text."""

from __future__ import annotations

import logging

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.utils import (
    all_table_rows,
    csrf_token_from,
    data_dir_files,
    sqlite_database_bytes,
    tip_form_data,
    value_contains,
)
from traceobject.gallery.models import Object
from traceobject.tips.models import Tip
from traceobject.tips.services import TipPayload, tip_read, tip_submit

CLIENT_ADDRESS = "203.0.113.77"
PROXY_ADDRESS = "198.51.100.23"
CLIENT_IPV6 = "2001:db8::77"
ADDRESSES = (CLIENT_ADDRESS, PROXY_ADDRESS, CLIENT_IPV6)

ADDRESS_HEADERS = {
    "REMOTE_ADDR": CLIENT_ADDRESS,
    "HTTP_X_FORWARDED_FOR": f"{PROXY_ADDRESS}, {CLIENT_ADDRESS}",
    "HTTP_X_REAL_IP": CLIENT_ADDRESS,
    "HTTP_FORWARDED": f'for={CLIENT_ADDRESS};proto=https, for="[{CLIENT_IPV6}]"',
    "HTTP_CLIENT_IP": CLIENT_ADDRESS,
    "HTTP_TRUE_CLIENT_IP": CLIENT_ADDRESS,
    "HTTP_CF_CONNECTING_IP": CLIENT_ADDRESS,
}

# Every logger that could speak about a request, opened up to DEBUG for the test.
_LOGGERS = (
    "",
    "django",
    "django.request",
    "django.security",
    "django.db.backends",
    "django.template",
    "traceobject",
)


def _capture_everything(caplog: pytest.LogCaptureFixture) -> None:
    for name in _LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)


def _model_values() -> list[tuple[str, object]]:
    """Every field of every row of every model, read through the ORM."""
    values = []
    for model in apps.get_models(include_auto_created=True):
        fields = [field.attname for field in model._meta.concrete_fields]
        for row in model._default_manager.values_list(*fields):
            values.extend((model._meta.label, value) for value in row)
    return values


def _visit_everything(client: Client, obj: Object, *, prefix: str = "") -> list:
    """Page views, a valid tip, refused tips, a 404, a 405, an oversized body: every kind of request."""
    extra = dict(ADDRESS_HEADERS)
    page = client.get(f"{prefix}/objects/{obj.code}/", **extra)
    assert page.status_code == 200
    token = csrf_token_from(page.content.decode())
    tip_url = f"{prefix}/objects/{obj.code}/tip/"
    responses = [
        page,
        client.get(f"{prefix}/", **extra),
        client.get(f"{prefix}/?q=bag&page=2", **extra),
        client.get(f"{prefix}/identified/", **extra),
        client.get(f"{prefix}/privacy/", **extra),
        client.get("/healthz", **extra),
        client.post(
            tip_url,
            tip_form_data(csrfmiddlewaretoken=token, contact="reach me at my home"),
            HTTP_ORIGIN="null",
            **extra,
        ),
        client.post(
            tip_url, tip_form_data(text="short", csrfmiddlewaretoken=token), HTTP_ORIGIN="null", **extra
        ),
        client.post(tip_url, tip_form_data(), HTTP_ORIGIN="https://evil.example", **extra),  # CSRF refusal
        client.post(tip_url, tip_form_data(contact="x" * 70_000), **extra),  # too large
        client.get(tip_url, **extra),  # 405
        client.get(f"{prefix}/no-such-page/", **extra),  # 404
        client.get("/media/objects/NOPE/none.jpeg", **extra),  # 404 from the media view
    ]
    statuses = sorted({response.status_code for response in responses})
    assert statuses == [200, 400, 403, 404, 405, 413]
    return responses


@pytest.mark.django_db(transaction=True)
def test_no_client_address_is_stored_or_logged(
    enforce_csrf_client, published_object: Object, caplog: pytest.LogCaptureFixture, tmp_path
) -> None:
    _capture_everything(caplog)
    with CaptureQueriesContext(connection) as queries:
        responses = _visit_everything(enforce_csrf_client, published_object)
        responses += _visit_everything(enforce_csrf_client, published_object, prefix="/fr")
    assert Tip.objects.count() == 2

    # Database, through the ORM and through raw SQL (tables without a model too).
    for label, value in _model_values():
        for address in ADDRESSES:
            assert not value_contains(value, address), f"{address} stored in {label}"
    for table, row in all_table_rows():
        for value in row:
            for address in ADDRESSES:
                assert not value_contains(value, address), f"{address} stored in {table}"
    if connection.vendor == "sqlite":
        raw = sqlite_database_bytes(tmp_path)
        for address in ADDRESSES:
            assert address.encode() not in raw

    # Every statement sent to the database, with its parameters.
    assert queries.captured_queries
    for query in queries.captured_queries:
        for address in ADDRESSES:
            assert address not in query["sql"]

    # Files: the data directory, media and private uploads.
    files = list(data_dir_files())
    assert files
    for path in files:
        data = path.read_bytes()
        for address in ADDRESSES:
            assert address.encode() not in data, f"{address} written to {path}"

    # Logs, at every level; the test did make the loggers speak.
    speakers = {record.name for record in caplog.records}
    assert {"django.db.backends", "django.request", "django.security.csrf"} <= speakers
    for record in caplog.records:
        text = record.getMessage() + repr(record.args) + repr(record.__dict__)
        for address in ADDRESSES:
            assert address not in text, f"{address} logged by {record.name}"

    # And no page repeats it back.
    for response in responses:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        for address in ADDRESSES:
            assert address.encode() not in body
            assert address not in str(response.headers)


DISTINCT = {
    "text": "QUILLFEATHER-7731 I bought this bag at the night market",
    "place": "MARBLEHALL-7732 near the old tram depot",
    "shop_brand": "COPPERKETTLE-7733",
    "time_period": "OAKWINTER-7734",
    "contact": "SILVERFERN-7735@example.org",
    "links": "https://amberglade-7736.example.org/shop/bag\nhttp://example.net/HAZELBROOK-7737",
}
NEEDLES = [
    "QUILLFEATHER-7731",
    "night market",
    "MARBLEHALL-7732",
    "tram depot",
    "COPPERKETTLE-7733",
    "OAKWINTER-7734",
    "SILVERFERN-7735",
    "amberglade-7736",
    "HAZELBROOK-7737",
]


@pytest.mark.django_db(transaction=True)
def test_database_and_media_copies_show_no_tip_in_plain_text(
    client, published_object: Object, tmp_path
) -> None:
    response = client.post("/objects/B17-2026/tip/", tip_form_data(country="PL", **DISTINCT))
    assert response.status_code == 200
    payload = TipPayload(
        text=DISTINCT["text"] + " (second, through the service)",
        place=DISTINCT["place"],
        shop_brand=DISTINCT["shop_brand"],
        time_period=DISTINCT["time_period"],
        links=DISTINCT["links"].splitlines(),
        contact=DISTINCT["contact"],
    )
    tip_submit(obj=published_object, payload=payload)
    # The tips are there and readable with the key: the test would mean nothing otherwise.
    texts = sorted(tip_read(tip=tip).text for tip in Tip.objects.all())
    assert texts == [DISTINCT["text"], payload.text]

    dumped = 0
    for table, row in all_table_rows():
        for value in row:
            dumped += 1
            for needle in NEEDLES:
                assert not value_contains(value, needle), f"{needle!r} in plain text in {table}"
                assert not value_contains(value, needle.lower()), f"{needle!r} in plain text in {table}"
    assert dumped

    if connection.vendor == "sqlite":
        raw = sqlite_database_bytes(tmp_path)
        assert b"Blue canvas bag" in raw  # the copy is real: public data is readable in it
        for needle in NEEDLES:
            assert needle.encode() not in raw
            assert needle.lower().encode() not in raw

    for path in data_dir_files():
        data = path.read_bytes()
        for needle in NEEDLES:
            assert needle.encode() not in data, f"{needle!r} written to {path}"
