"""Fuzzing every public, staff and partner form with hypothesis: no 5xx, and nothing half-stored.

    .venv/bin/python -m bench.fuzz                          # 100,000 cases on a scratch SQLite database
    .venv/bin/python -m bench.fuzz --cases 5000 --database-url postgres://postgres@127.0.0.1:5432/fuzz
    .venv/bin/python -m bench.fuzz --json-out var/bench-fuzz.json

What it does (``TRACEOBJECT_ENV=test``: the real settings and middleware, the CSRF check enforced):

1. builds a world through the services (``world_build``): one account per role of
   ``tests.staff_fixtures``, a public object with an image and tips sent through the intake, an object
   published for partners, an object in review, a release, a determination confirmed by a second
   person whose leads were sent, an outcome, a follow-up question and its answer;
2. reads every URL of the public site, the staff side and the partner portal from the URL resolver
   (``endpoints``; Django's admin, media, the health check and static files aside), fills its arguments
   from the world, GETs it as an account whose role holds the view's permission (second factor passed),
   and parses every ``<form>`` of every page: the fields each URL takes, with their option and hidden
   values, come from the site itself, so a new form joins the fuzz without touching this file;
3. runs hypothesis cases (``case_strategy``): a URL, a method, a language prefix, a field set built from
   the discovered fields (some missing, extra names, repeated fields) with values from the form itself,
   from a pool of plausible and hostile values and from hypothesis's text, a body encoding
   (urlencoded, multipart, raw bytes under a random content type), a charset, a corruption (bad escapes,
   invalid UTF-8, truncation), a size (up to and over the body limit, too many fields), a CSRF token
   (in the form, in the header, wrong, none; valid in most cases, so that the fuzz reaches the views),
   sometimes a false ``Content-Length`` and a query string;
4. after every response: no status of 500 or more (an exception counts as one, with its traceback);
   every ``check_every`` cases and at the end, the invariants (``invariants``): nothing half-stored.

Hypothesis runs in batches of ``--batch`` cases, each with its own seed (``--seed`` + batch number), so a
long run keeps little memory and any batch can be replayed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

SECRET = "f" * 32  # the CSRF secret in every area's cookie; the forms send it back, mostly
URLENCODED = "application/x-www-form-urlencoded"
STAFF_PREFIXES = ("/staff/", "/partner/")
# Outside the three areas' forms: Django's admin (superusers only, read-only for the safety rules), the
# media and static files, the health check, the favicon redirect, the benchmark's floor view.
SKIPPED_ROUTES = re.compile(r"^/(django-admin/|media/|static/|healthz|favicon\.ico|bench/)")
PLACEHOLDER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


# --- The world ----------------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, Any]
    args: dict[str, list[str]]  # URL argument name -> values to try (real ones first, then absent ones)
    receipts: list[str]
    password: str


def world_build() -> World:
    """Everything the URLs point into, made through the services as the application makes it."""
    from tests.factories import AuthorityFactory, ObjectFactory, ObjectImageFactory, ReleaseFactory
    from tests.staff_fixtures import FIXED_STAFF, STAFF_PASSWORD, make_staff
    from traceobject.audit.models import AuditEvent
    from traceobject.gallery.models import Audience, ObjectStatus
    from traceobject.leads.models import DeterminationKind, OutcomeKind
    from traceobject.leads.services import (
        CountryClaim,
        determination_confirm,
        determination_propose,
        lead_send,
        outcome_report,
    )
    from traceobject.tips.followups import followup_ask, followup_reply
    from traceobject.tips.payload import TipPayload
    from traceobject.tips.receipts import receipt_private_key
    from traceobject.tips.services import tip_submit
    from traceobject.triage.services import tip_note_add

    users = {name: make_staff(f"fuzz-{name}", role, country) for name, (role, country) in FIXED_STAFF.items()}
    # The account that the account pages act on: never one the fuzz logs in with.
    target = make_staff("fuzz-target", "analyst")
    for code in ("PL", "DE"):
        AuthorityFactory(country=code)
    public = ObjectFactory(code="FZ1-2026", title="Blue canvas bag")
    image = ObjectImageFactory(obj=public, alt_text="A blue bag")
    partners_only = ObjectFactory(code="FZ2-2026", audience=Audience.PARTNERS)
    in_review = ObjectFactory(code="FZ3-2026", status=ObjectStatus.IN_REVIEW, author=users["publisher"])
    release = ReleaseFactory()
    pl = tip_submit(
        obj=public, payload=TipPayload(text="Widziałem tę torbę w Gdańsku w sklepie, 2016.", place="Gdańsk")
    )
    de = tip_submit(obj=public, payload=TipPayload(text="Diese Tasche gab es bei Aldi in Hamburg, 2015."))
    tip_note_add(actor=users["analyst"], tip=pl.tip, text="Checked the catalogue.")
    followup_ask(actor=users["analyst"], tip=pl.tip, text="Which street was the shop on?")
    followup_reply(tip=pl.tip, receipt_private_key=receipt_private_key(pl.receipt), text="Ulica Długa.")
    determination = determination_propose(
        actor=users["analyst"],
        obj=public,
        kind=DeterminationKind.IDENTIFIED,
        rationale="Placed by independent tips.",
        countries=[
            CountryClaim("PL", "likely", "Gdańsk shops.", [pl.tip.pk]),
            CountryClaim("DE", "possible", "A Hamburg discounter.", [de.tip.pk]),
        ],
    )
    leads = {
        lead.country: lead
        for lead in determination_confirm(actor=users["publisher"], determination=determination)
    }
    for lead in leads.values():
        lead_send(actor=users["analyst"], lead=lead)
    outcome = outcome_report(
        actor=users["partner_a"],
        lead=leads["PL"],
        kind=OutcomeKind.INVESTIGATION_OPENED,
        count=0,
        update="Opened.",
    )
    # A second public object that still takes tips (the first one is now identified).
    open_object = ObjectFactory(code="FZ4-2026", title="Red lamp")
    open_tip = tip_submit(
        obj=open_object, payload=TipPayload(text="I saw this lamp in a shop in Lyon in 2019.")
    )
    proposal = determination_propose(
        actor=users["analyst"],
        obj=open_object,
        kind=DeterminationKind.WIDESPREAD,
        rationale="Sold everywhere.",
        countries=[],
    )
    event = AuditEvent.objects.order_by("-id").first()
    absent = "999999"
    return World(
        users={**users, "target": target},
        args={
            "code": [public.code, open_object.code, partners_only.code, in_review.code, "NOPE-0000"],
            "reference": [leads["PL"].reference, leads["DE"].reference, "L-2026-99999"],
            "release_id": [str(release.pk), absent],
            "image_id": [str(image.pk), absent],
            "tip_id": [str(pl.tip.pk), str(open_tip.tip.pk), absent],
            "cluster_id": [str(pl.tip.cluster_id), absent],
            "determination_id": [str(proposal.pk), str(determination.pk), absent],
            "outcome_id": [str(outcome.pk), absent],
            "pk": [str(target.pk), str(event.pk if event else 1), absent],
            "event_id": [str(event.pk if event else 1), absent],
            "user_id": [str(target.pk), absent],
            "index": ["0", "1", "99"],
            "country": ["PL", "DE", "ZZ"],
            "path": ["objects/none.jpeg"],
        },
        receipts=[pl.receipt, de.receipt, open_tip.receipt],
        password=STAFF_PASSWORD,
    )


# --- The URLs and their forms ---------------------------------------------------------------------------


@dataclass
class Endpoint:
    route: str  # "/staff/objects/<str:code>/edit/"
    name: str
    area: str  # public, staff, partner
    account: str | None  # the fixed account that holds the view's permission; None: anonymous
    localized: bool  # under the language prefixes
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> the values the forms offer
    methods: set[str] = field(default_factory=set)  # the methods of the forms that point here


def _walk(
    patterns: list[Any], prefix: str, namespace: str | None, localized: bool
) -> Iterator[tuple[str, str, Any, bool]]:
    from django.urls import URLPattern, URLResolver
    from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, LocalePrefixPattern):
            part, inner_localized = "", True
        elif isinstance(pattern, RoutePattern):
            part, inner_localized = str(pattern._route), localized
        elif isinstance(pattern, RegexPattern):
            continue  # the media path: not a form
        else:
            continue
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + part, inner, inner_localized)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or prefix + part)
            yield "/" + (prefix + part).lstrip("/"), name, entry.callback, inner_localized


def _permission(callback: Any) -> Any:
    seen = callback
    while seen is not None:
        permission = getattr(seen, "required_permission", None)
        if permission is not None:
            return permission
        seen = getattr(seen, "__wrapped__", None)
    return None


def endpoints() -> list[Endpoint]:
    """Every URL of the three areas, from the resolver, with the account to request it as."""
    from django.urls import get_resolver

    from tests.staff_fixtures import FIXED_STAFF
    from traceobject.core.permissions import role_permissions

    found = []
    for route, name, callback, localized in _walk(get_resolver().url_patterns, "", None, False):
        if SKIPPED_ROUTES.match(route):
            continue
        area = (
            "staff"
            if route.startswith("/staff/")
            else "partner"
            if route.startswith("/partner/")
            else "public"
        )
        permission = _permission(callback)
        account = None
        if permission is not None:
            # The first fixed account whose role holds the permission (partner_a: PL, whose lead exists).
            account = next(
                (who for who, (role, _c) in FIXED_STAFF.items() if permission in role_permissions(role)), None
            )
            if account is None:
                continue  # no role opens it: nothing to reach
        found.append(Endpoint(route, name, area, account, localized))
    return found


def fill(route: str, world: World, choose: Callable[[list[str]], str]) -> str:
    def one(match: re.Match[str]) -> str:
        values = world.args.get(match.group("name")) or ["x"]
        return choose(values)

    return PLACEHOLDER.sub(one, route)


class _Forms:
    """The forms of one HTML page: (method, action, {name: [values]})."""

    def __init__(self, html: str) -> None:
        from html.parser import HTMLParser

        self.forms: list[tuple[str, str, dict[str, list[str]]]] = []
        forms = self.forms
        state: dict[str, Any] = {"select": None}

        class Parser(HTMLParser):
            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                a = {k: v or "" for k, v in attrs}
                if tag == "form":
                    forms.append((a.get("method", "get").upper(), a.get("action", ""), {}))
                    return
                if not forms:
                    return
                fields = forms[-1][2]
                if tag in ("input", "textarea", "select", "button") and a.get("name"):
                    values = fields.setdefault(a["name"], [])
                    if a.get("value"):
                        values.append(a["value"])
                    state["select"] = a["name"] if tag == "select" else None
                elif tag == "option" and state["select"] and a.get("value") is not None:
                    fields[state["select"]].append(a["value"])

        Parser().feed(html)


def _production_request_class(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run with the test client building requests as the production server does (``traceobject.wsgi``'s
    handler uses ``TolerantWSGIRequest``; Django's test client hard-codes ``WSGIRequest``)."""
    import functools
    from unittest import mock

    @functools.wraps(function)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        from traceobject.core.middleware import TolerantWSGIRequest

        with mock.patch("django.test.client.WSGIRequest", TolerantWSGIRequest):
            return function(*args, **kwargs)

    return wrapped


@_production_request_class
def discover(found: list[Endpoint], world: World, clients: Clients) -> None:
    """GET every URL with every argument value, parse the forms, and give each route the fields of the
    forms whose action resolves to it."""
    from django.urls import Resolver404, resolve

    by_route = {endpoint.route: endpoint for endpoint in found}
    route_of_name = {endpoint.name: endpoint.route for endpoint in found}
    for endpoint in found:
        names = PLACEHOLDER.findall(endpoint.route)
        variants = [fill(endpoint.route, world, lambda values: values[0])]
        if names:
            variants += [
                fill(endpoint.route, world, lambda values, i=i: values[min(i, len(values) - 1)])
                for i in (1, 2)
            ]
        for url in dict.fromkeys(variants):
            client = clients.get(endpoint.account)
            try:
                response = client.get(url)
            except Exception:  # a page that fails on GET is the fuzz's first finding
                clients.failures.append(("GET", url, traceback.format_exc()))
                continue
            if response.status_code >= 500:
                clients.failures.append(("GET", url, f"status {response.status_code}"))
            if "html" not in response.get("Content-Type", ""):
                continue
            for method, action, fields in _Forms(response.content.decode("utf-8", "replace")).forms:
                target = urlsplit(urljoin(url, action or url)).path
                try:
                    match = resolve(target)
                except Resolver404:
                    continue
                route = route_of_name.get(
                    f"{match.namespace}:{match.url_name}" if match.namespace else (match.url_name or "")
                )
                if route is None or route not in by_route:
                    continue
                into = by_route[route]
                into.methods.add(method)
                for name, values in fields.items():
                    merged = into.fields.setdefault(name, [])
                    merged.extend(value for value in values if value not in merged and len(merged) < 40)


# --- Clients ------------------------------------------------------------------------------------------------


class Clients:
    """One test client per account, logged in with the second factor passed, re-logged when the fuzz
    logs it out (the logout form, a password change, a second-factor reset)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.clients: dict[str | None, Any] = {}
        self.failures: list[tuple[str, str, str]] = []

    def get(self, account: str | None) -> Any:
        client = self.clients.get(account)
        if client is None:
            client = self.clients[account] = self._login(account)
        return client

    def forget(self, account: str | None) -> None:
        self.clients.pop(account, None)

    def _login(self, account: str | None) -> Any:
        from django.conf import settings as django_settings
        from django.test import Client

        from tests.staff_fixtures import login_verified

        client = Client(enforce_csrf_checks=True, raise_request_exception=True)
        if account is not None:
            user = self.world.users[account]
            user.refresh_from_db()
            login_verified(client, user)
            session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
            client.cookies[django_settings.PARTNER_SESSION_COOKIE_NAME] = session
        for name in (
            django_settings.CSRF_COOKIE_NAME,
            django_settings.STAFF_CSRF_COOKIE_NAME,
            django_settings.PARTNER_CSRF_COOKIE_NAME,
        ):
            client.cookies[name] = SECRET
        return client


# --- Cases --------------------------------------------------------------------------------------------------


@dataclass
class Case:
    endpoint: Endpoint
    method: str
    url: str
    query: str
    body: bytes
    content_type: str
    meta: dict[str, str]

    def describe(self) -> str:
        return (
            f"{self.method} {self.url}?{self.query} [{self.content_type}] {self.meta} "
            f"account={self.endpoint.account} body={self.body[:300]!r}"
        )


def value_pool(world: World) -> list[str]:
    pool = [
        "",
        " ",
        "x",
        "0",
        "1",
        "-1",
        "2",
        "99999999999999999999999",
        "1e309",
        "NaN",
        "3.5",
        "on",
        "true",
        "false",
        "None",
        "PL",
        "DE",
        "ZZ",
        "pl",
        "fr",
        "2026-12-07",
        "2026-02-30",
        "2026-12-07T10:00",
        "1999-01-01",
        "https://example.org/shop?item=1",
        "javascript:alert(1)",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%00",
        "\x00",
        "a\x00b",
        "\r\n",
        "🙂👜",
        "مرحبا بالعالم",
        "\u202eevil",
        "I saw this bag in a market in Gdańsk in 2016, on the lower shelf near the door.",
        "Ich sah diese Tasche in München bei Aldi, ungefähr 2015.",
        "x" * 5001,
        "y" * 20000,
        world.password,
        "ABCD-EFGH-JKMN-PQRS",
        *world.receipts,
        *(f"fuzz-{name}" for name in world.users),
    ]
    for values in world.args.values():
        pool.extend(values)
    return list(dict.fromkeys(pool))


_CHARSETS = [None, None, None, "utf-8", "UTF-8", "latin-1", "utf-16", "iso-8859-15", "no-such-charset", ""]
_CONTENT_TYPES = [
    "text/plain",
    "application/json",
    "application/octet-stream",
    "multipart/mixed",
    "",
    "application/x-www-form-urlencoded;;",
    "text/html; charset=utf-8",
]


def _urlencode(pairs: list[tuple[str, str]], charset: str) -> bytes:
    from urllib.parse import quote_plus

    out = []
    for name, value in pairs:
        try:
            out.append(
                quote_plus(name, encoding=charset, errors="replace")
                + "="
                + quote_plus(value, encoding=charset, errors="replace")
            )
        except LookupError:
            out.append(f"{quote_plus(name)}={quote_plus(value)}")
    return "&".join(out).encode("ascii")


def _multipart(pairs: list[tuple[str, str]], boundary: str, charset: str) -> bytes:
    lines = []
    for name, value in pairs:
        lines.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode(
                "utf-8", "replace"
            )
        )
        try:
            lines.append(value.encode(charset, "replace") + b"\r\n")
        except LookupError:
            lines.append(value.encode("utf-8", "replace") + b"\r\n")
    lines.append(f"--{boundary}--\r\n".encode())
    return b"".join(lines)


@st.composite
def case_strategy(draw: st.DrawFn, targets: list[Endpoint], world: World, pool: list[str]) -> Case:
    endpoint = draw(st.sampled_from(targets))
    methods = sorted(endpoint.methods) or ["POST"]
    method = draw(
        st.one_of(
            st.sampled_from(methods),
            st.sampled_from(["POST", "POST", "GET", "HEAD", "PUT", "DELETE", "PATCH"]),
        )
    )
    url = fill(endpoint.route, world, lambda values: draw(st.sampled_from(values)))
    if endpoint.localized:
        url = draw(st.sampled_from(["", "/fr", "/de"])) + url
    # The field set: each discovered field missing, once, or repeated; then extra names.
    # Mostly the pool (cheap to draw, and where the plausible and the hostile values are), else any text.
    value = st.one_of(
        st.sampled_from(pool), st.sampled_from(pool), st.sampled_from(pool), st.text(max_size=30)
    )
    pairs: list[tuple[str, str]] = []
    for name, offered in sorted(endpoint.fields.items()):
        if name == "csrfmiddlewaretoken":
            continue
        count = draw(st.sampled_from([0, 1, 1, 1, 1, 2, 3]))
        choices = st.one_of(st.sampled_from(offered), value) if offered else value
        pairs.extend((name, draw(choices)) for _ in range(count))
    extra = draw(
        st.lists(st.tuples(st.one_of(st.sampled_from(pool), st.text(max_size=12)), value), max_size=3)
    )
    pairs.extend(extra)
    pairs = draw(st.permutations(pairs)) if len(pairs) < 12 else pairs
    size = draw(st.sampled_from(["normal"] * 12 + ["big", "over", "fields"]))
    if size == "big":
        pairs.append(("pad", "p" * draw(st.integers(min_value=1000, max_value=60000))))
    elif size == "over":
        pairs.append(("pad", "p" * 70000))
    elif size == "fields":
        pairs.extend((f"f{n}", "1") for n in range(draw(st.integers(min_value=40, max_value=70))))
    # The CSRF token: valid (field or header) in most cases, so that the fuzz reaches the views.
    csrf = draw(st.sampled_from(["field"] * 6 + ["header", "none", "wrong"]))
    meta: dict[str, str] = {}
    if csrf == "field":
        pairs.insert(0, ("csrfmiddlewaretoken", SECRET))
    elif csrf == "header":
        meta["HTTP_X_CSRFTOKEN"] = SECRET
    elif csrf == "wrong":
        pairs.insert(0, ("csrfmiddlewaretoken", draw(st.sampled_from(["", "a" * 32, "!" * 64, "x"]))))
    charset = draw(st.sampled_from(_CHARSETS))
    encoding = draw(st.sampled_from(["urlencoded"] * 6 + ["multipart", "multipart", "raw", "none"]))
    if encoding == "urlencoded":
        body = _urlencode(pairs, charset or "utf-8")
        content_type = URLENCODED + (f"; charset={charset}" if charset is not None else "")
    elif encoding == "multipart":
        boundary = draw(st.sampled_from(["----fuzzBoundary7MA4YWxk", "b", "x" * 80, ""]))
        body = _multipart(pairs, boundary or "missing", charset or "utf-8")
        params = f"; boundary={boundary}" if boundary else ""
        content_type = "multipart/form-data" + params + (f"; charset={charset}" if charset else "")
    elif encoding == "raw":
        body = draw(st.binary(max_size=300))
        content_type = draw(st.sampled_from([*_CONTENT_TYPES, URLENCODED, "multipart/form-data; boundary=b"]))
    else:
        body, content_type = b"", ""
    corruption = draw(st.sampled_from(["none"] * 10 + ["escape", "utf8", "raw-byte", "truncate", "nul"]))
    if corruption == "escape":
        body += draw(st.sampled_from([b"&a=%", b"&a=%zz", b"&%G0=1", b"%"]))
    elif corruption == "utf8":
        body += draw(st.sampled_from([b"&a=%ff", b"&a=%c3%28", b"&%e2%82=1", b"&a=%ed%a0%80"]))
    elif corruption == "raw-byte":
        body += draw(st.sampled_from([b"&a=\xff", b"&a=\xc3", b"\x00", b"&a=\x80\x80"]))
    elif corruption == "truncate" and body:
        body = body[: draw(st.integers(min_value=0, max_value=len(body)))]
    elif corruption == "nul":
        body += b"&a=%00&%00=1"
    length = draw(st.sampled_from(["real"] * 14 + ["huge", "negative", "text", "shorter"]))
    if length == "huge":
        # Over every path's limit, the staff image upload's 64 MiB included: a length the body does not
        # reach would make the test client's payload assert (a real server waits for the missing bytes).
        meta["CONTENT_LENGTH"] = "9" * draw(st.integers(min_value=9, max_value=40))
    elif length == "negative":
        meta["CONTENT_LENGTH"] = "-1"
    elif length == "text":
        meta["CONTENT_LENGTH"] = draw(st.sampled_from(["abc", "1e3", " 0", "0x10", "", "1_0"]))
    elif length == "shorter" and body:
        meta["CONTENT_LENGTH"] = str(draw(st.integers(min_value=0, max_value=len(body) - 1)))
    query = ""
    if method in ("GET", "HEAD") and draw(st.booleans()):
        query = _urlencode(pairs, "utf-8").decode("ascii")
    elif draw(st.integers(min_value=0, max_value=9)) == 0:
        query = draw(
            st.sampled_from(
                ["next=/staff/", "page=2", "page=-1", "page=x", "q=%ff", "a=%", "list=other", "status=%00"]
            )
        )
    origin = draw(st.sampled_from([None] * 8 + ["null", "https://evil.example"]))
    if origin:
        meta["HTTP_ORIGIN"] = origin
    return Case(endpoint, method, url, query, body, content_type, meta)


# --- Running a case -----------------------------------------------------------------------------------------


@dataclass
class Tally:
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    by_class: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # 5xx and exceptions, described
    echo: bool = False  # print each failure as it happens (long runs)
    violations: list[str] = field(default_factory=list)
    routes: Counter[str] = field(default_factory=Counter)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


LOGIN_PAGES = ("/staff/login/", "/staff/otp/", "/partner/login/", "/partner/otp/")


def run_case(case: Case, clients: Clients, tally: Tally) -> int:
    client = clients.get(case.endpoint.account)
    extra = dict(case.meta)
    extra["QUERY_STRING"] = case.query
    try:
        response = client.generic(case.method, case.url, case.body, content_type=case.content_type, **extra)
        status = response.status_code
    except Exception:  # the handler would have answered 500
        status = 599
        tally.failures.append(f"{case.describe()}\n{traceback.format_exc()}")
        if tally.echo:
            print("--- 5xx ---\n" + tally.failures[-1], file=sys.stderr, flush=True)
        clients.forget(case.endpoint.account)
    else:
        if status >= 500:
            tally.failures.append(f"{case.describe()}\nstatus {status}")
        location = response.get("Location", "") if status in (301, 302, 303) else ""
        if case.endpoint.account is not None and (location.startswith(LOGIN_PAGES) or "logout" in case.url):
            clients.forget(case.endpoint.account)  # logged out by the case: log in again for the next one
    tally.cases += 1
    tally.statuses[status] += 1
    tally.by_class[f"{status // 100}xx"] += 1
    tally.routes[case.endpoint.route] += 1
    return status


# --- Invariants ----------------------------------------------------------------------------------------


def invariants() -> list[str]:
    """What must hold whatever was posted: nothing half-stored. Each rule names what a broken write would
    leave behind; an empty list means all hold."""
    from django.db.models import Count, F, Q, Sum

    from traceobject.audit.models import AuditEvent, AuditHead
    from traceobject.leads.models import Determination, DeterminationState, Lead, Outcome
    from traceobject.tips.models import BarrierReport, FollowUp, FollowUpKind, Receipt, Tip
    from traceobject.triage.models import Cluster, Tally, TipNote

    problems: list[str] = []

    def rule(name: str, bad: int) -> None:
        if bad:
            problems.append(f"{name}: {bad}")

    sealed_prefix = b"TV1"
    for model, column in (
        (Tip, "sealed"),
        (FollowUp, "sealed"),
        (TipNote, "sealed"),
        (BarrierReport, "sealed"),
        (Lead, "sealed"),
        (Outcome, "sealed_update"),
    ):
        unsealed = sum(
            1
            for value in model.objects.values_list(column, flat=True)
            if not bytes(value).startswith(sealed_prefix)
        )
        rule(f"{model.__name__}.{column} is not a vault record", unsealed)
    public_tips = Tip.objects.filter(partner_country="")
    # A public tip comes with its receipt, its cluster, the tipster's copy and key; a partner's report
    # with none.
    rule("public tip without its receipt", public_tips.filter(receipt__isnull=True).count())
    rule("public tip without a cluster", public_tips.filter(cluster__isnull=True).count())
    rule(
        "public tip without the tipster's copy",
        public_tips.filter(Q(sealed_tipster__isnull=True) | Q(tipster_public_key__isnull=True)).count(),
    )
    rule(
        "tip whose contact flag and sealed contact disagree",
        Tip.objects.filter(contact_purged_at__isnull=True)
        .filter(
            Q(has_contact=True, sealed_contact__isnull=True)
            | Q(has_contact=False, sealed_contact__isnull=False)
        )
        .count(),
    )
    rule(
        "partner report with a receipt",
        Tip.objects.exclude(partner_country="").filter(receipt__isnull=False).count(),
    )
    rule("receipt count differs from public tips", abs(Receipt.objects.count() - public_tips.count()))
    # A cluster's size is the number of its tips; the tallies count every public tip once per dimension.
    rule(
        "cluster whose size is not its tip count",
        Cluster.objects.annotate(n=Count("tips")).exclude(size=F("n")).count(),
    )
    totals = dict(Tally.objects.filter(dimension="total").values_list("object_id", "tips"))
    by_status = dict(
        Tally.objects.filter(dimension="status")
        .values("object_id")
        .annotate(n=Sum("tips"))
        .values_list("object_id", "n")
    )
    counted = dict(public_tips.values("object_id").annotate(n=Count("id")).values_list("object_id", "n"))
    rule(
        "object whose total tally is not its tip count",
        sum(1 for o, n in counted.items() if totals.get(o, 0) != n),
    )
    rule(
        "object whose status tallies do not add up",
        sum(1 for o, n in counted.items() if by_status.get(o, 0) != n),
    )
    # A reply answers a tip that has a receipt; a question has an author.
    rule(
        "reply on a tip without a receipt",
        FollowUp.objects.filter(kind=FollowUpKind.REPLY, tip__receipt__isnull=True).count(),
    )
    rule(
        "question without an author",
        FollowUp.objects.filter(kind=FollowUpKind.QUESTION, author__isnull=True).count(),
    )
    # A confirmed identification has one lead per country; a lead carries its checksum.
    confirmed = Determination.objects.filter(state=DeterminationState.CONFIRMED, kind="identified").annotate(
        countries_n=Count("countries", distinct=True), leads_n=Count("leads", distinct=True)
    )
    rule(
        "confirmed determination without one lead per country",
        confirmed.exclude(countries_n=F("leads_n")).count(),
    )
    rule("lead without its checksum", Lead.objects.filter(snapshot_sha256="").count())
    rule(
        "sent lead without its sender",
        Lead.objects.filter(sent_at__isnull=False, sent_by__isnull=True).count(),
    )
    # The audit head names the last event and counts them all.
    head = AuditHead.objects.filter(pk=1).first()
    last = AuditEvent.objects.order_by("-id").first()
    if last is not None and (
        head is None or head.last_hash != last.hash or head.count != AuditEvent.objects.count()
    ):
        problems.append("audit head does not name the last event")
    return problems


def audit_chain_intact() -> bool:
    from traceobject.audit.verify import audit_chain_verify

    return bool(audit_chain_verify().ok)


# --- Running many --------------------------------------------------------------------------------------


@dataclass
class Harness:
    world: World
    clients: Clients
    targets: list[Endpoint]
    pool: list[str]
    tally: Tally = field(default_factory=Tally)


def harness_build() -> Harness:
    world = world_build()
    clients = Clients(world)
    found = endpoints()
    discover(found, world, clients)
    return Harness(world, clients, found, value_pool(world))


def run_batch(
    harness: Harness, *, cases: int, batch_seed: int, check_every: int = 50, stop_on_failure: bool = False
) -> None:
    """``cases`` hypothesis examples with ``batch_seed``; the invariants every ``check_every`` cases."""
    tally = harness.tally
    since_check: list[str] = []

    def check() -> None:
        problems = invariants()
        if problems:
            tally.violations.append(f"{problems} after: " + " | ".join(since_check[-check_every:]))
        since_check.clear()

    @_production_request_class
    @seed(batch_seed)
    @settings(
        max_examples=cases,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=False,
    )
    @given(case_strategy(harness.targets, harness.world, harness.pool))
    def one(case: Case) -> None:
        status = run_case(case, harness.clients, tally)
        since_check.append(f"{status} {case.method} {case.url}")
        if len(since_check) >= check_every:
            check()
        if stop_on_failure and (tally.failures or tally.violations):
            raise AssertionError(tally.failures[-1] if tally.failures else tally.violations[-1])

    one()
    check()


def _setup(database_url: str | None) -> Path:
    data_dir = Path(tempfile.mkdtemp(prefix="traceobject-fuzz-"))
    os.environ.update(
        {
            "TRACEOBJECT_ENV": "test",
            "TRACEOBJECT_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "traceobject.settings",
        }
    )
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    import logging

    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        # Start from an empty database: dropped and made again, since the audit trail's triggers refuse
        # the TRUNCATE of a flush (as they should), and the database is one that may be emptied.
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    # The leads' notices go nowhere (pytest-django does the same for the tests).
    from django.conf import settings as django_settings

    django_settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The refusals' one line each would be 100,000 lines: count them instead of printing them.
    logging.disable(logging.WARNING)
    return data_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--check-every", type=int, default=50)
    parser.add_argument("--database-url", default=None, help="PostgreSQL; a database that may be emptied")
    parser.add_argument("--json-out", type=Path, default=None)
    args = parser.parse_args(argv)
    data_dir = _setup(args.database_url)
    try:
        import hypothesis
        from django.db import connection

        started = time.perf_counter()
        harness = harness_build()
        harness.tally.echo = True
        built = time.perf_counter() - started
        batch = 0
        while harness.tally.cases < args.cases:
            run_batch(
                harness,
                cases=min(args.batch, args.cases - harness.tally.cases),
                batch_seed=args.seed + batch,
                check_every=args.check_every,
            )
            batch += 1
            t = harness.tally
            print(
                f"batch {batch}: {t.cases} cases, {dict(sorted(t.by_class.items()))}, "
                f"{len(t.failures)} failures, {len(t.violations)} violations, "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
        duration = time.perf_counter() - started
        tally = harness.tally
        result = {
            "cases": tally.cases,
            "by_class": dict(sorted(tally.by_class.items())),
            "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
            "server_errors": tally.server_errors,
            "violations": len(tally.violations),
            "audit_chain_intact": audit_chain_intact(),
            "routes": len(tally.routes),
            "routes_total": len(harness.targets),
            "routes_with_forms": sum(1 for e in harness.targets if e.fields),
            "discovery_failures": len(harness.clients.failures),
            "seconds": round(duration, 1),
            "world_seconds": round(built, 1),
            "cases_per_second": round(tally.cases / max(duration - built, 1e-9), 1),
            "seed": args.seed,
            "batches": batch,
            "batch": args.batch,
            "hypothesis": hypothesis.__version__,
            "database": connection.vendor,
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        }
        print(json.dumps(result, indent=2))
        for failure in tally.failures[:20]:
            print("--- 5xx ---\n" + failure)
        for violation in tally.violations[:20]:
            print("--- violation ---\n" + violation)
        for method, url, text in harness.clients.failures[:20]:
            print(f"--- discovery {method} {url} ---\n{text}")
        if args.json_out:
            args.json_out.parent.mkdir(parents=True, exist_ok=True)
            args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        ok = (
            not tally.failures
            and not tally.violations
            and not harness.clients.failures
            and result["audit_chain_intact"]
        )
        return 0 if ok else 1
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
