"""Which API library: Django REST framework + drf-spectacular, or django-ninja (issue 15).

A throw-away comparison on one endpoint, a partner's lead list paged by keyset (``?after=<id>``, 50 a
page), served three ways in the same process and the same run:

* ``plain``: a Django function view (the baseline: what any library adds is measured against it);
* ``drf``: an ``APIView`` with a bearer-token authentication class and a serializer;
* ``ninja``: a ``NinjaAPI`` route with ``HttpBearer`` auth and a pydantic schema.

All three run the same SQL against the same in-memory SQLite table of 10,000 leads (two countries) and
check the same bearer token, so the difference is the library's own cost per request. The requests go
through Django's test client (the whole middleware/handler path, no socket), interleaved in rounds so that
a slow moment of this shared 2-core machine hits every variant alike. It also reports what each library
gives for OpenAPI 3.1 (validated with openapi-spec-validator) and whether the docs' assets ship locally.

    TRACEOBJECT_ENV=test .venv/bin/python -m bench.api_libs [--requests 2000] [--rounds 10]

Needs ``djangorestframework drf-spectacular drf-spectacular-sidecar django-ninja openapi-spec-validator``
in the venv (the chosen library is in pyproject; the other one only for this script).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import django
from django.conf import settings

TOKEN = "bench-token-0123456789"  # noqa: S105 - a fixed test token
PAGE = 50

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",  # noqa: S106
    ALLOWED_HOSTS=["testserver"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.staticfiles",
        "rest_framework",
        "drf_spectacular",
        "drf_spectacular_sidecar",
        "ninja",
    ],
    MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    STATIC_URL="/static/",
    USE_TZ=True,
    REST_FRAMEWORK={
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "UNAUTHENTICATED_USER": None,
    },
    SPECTACULAR_SETTINGS={"OAS_VERSION": "3.1.0", "TITLE": "bench", "VERSION": "1"},
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
)
django.setup()

from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import path  # noqa: E402
from ninja import NinjaAPI, Schema  # noqa: E402
from ninja.security import HttpBearer  # noqa: E402
from rest_framework import authentication, exceptions, serializers  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

# --- The shared data and query ------------------------------------------------------------------------


def _fill() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE lead"
            " (id INTEGER PRIMARY KEY, reference TEXT, country TEXT, state TEXT, sent_at TEXT)"
        )
        rows = [
            (i, f"L-{i:06d}", "PL" if i % 2 else "DE", "sent", f"2026-01-01T00:{i % 60:02d}:00Z")
            for i in range(1, 10_001)
        ]
        cursor.executemany("INSERT INTO lead VALUES (?, ?, ?, ?, ?)", rows)
        cursor.execute("CREATE INDEX lead_country_id ON lead (country, id)")


def _page(country: str, after: int | None) -> list[dict[str, Any]]:
    sql = "SELECT id, reference, country, state, sent_at FROM lead WHERE country = %s"
    params: list[Any] = [country]
    if after is not None:
        sql += " AND id < %s"
        params.append(after)
    sql += " ORDER BY id DESC LIMIT %s"
    params.append(PAGE)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _after(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _envelope(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"results": rows, "next_after": rows[-1]["id"] if len(rows) == PAGE else None}


# --- plain Django ---------------------------------------------------------------------------------------


def plain_leads(request: HttpRequest) -> HttpResponse:
    if request.headers.get("Authorization", "") != f"Bearer {TOKEN}":
        response = JsonResponse({"detail": "unauthorized"}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    return JsonResponse(_envelope(_page("PL", _after(request.GET.get("after")))))


# --- Django REST framework ------------------------------------------------------------------------------


class BearerAuth(authentication.BaseAuthentication):
    def authenticate(self, request: Any) -> tuple[Any, str] | None:
        if request.headers.get("Authorization", "") != f"Bearer {TOKEN}":
            raise exceptions.AuthenticationFailed("unauthorized")
        return (object(), TOKEN)

    def authenticate_header(self, request: Any) -> str:
        return "Bearer"


class LeadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    country = serializers.CharField()
    state = serializers.CharField()
    sent_at = serializers.CharField()


class LeadPageSerializer(serializers.Serializer):
    results = LeadSerializer(many=True)
    next_after = serializers.IntegerField(allow_null=True)


class DrfLeads(APIView):
    authentication_classes = [BearerAuth]
    permission_classes: list[Any] = []

    def get(self, request: Any) -> Response:
        page = _envelope(_page("PL", _after(request.query_params.get("after"))))
        return Response(LeadPageSerializer(page).data)


# --- django-ninja ---------------------------------------------------------------------------------------


class NinjaBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> str | None:
        return token if token == TOKEN else None


class LeadOut(Schema):
    id: int
    reference: str
    country: str
    state: str
    sent_at: str


class LeadPage(Schema):
    results: list[LeadOut]
    next_after: int | None


api = NinjaAPI(title="bench", version="1", urls_namespace="bench_ninja")


@api.get("/leads/", response=LeadPage, auth=NinjaBearer())
def ninja_leads(request: HttpRequest, after: int | None = None) -> dict[str, Any]:
    return _envelope(_page("PL", after))


urlpatterns = [
    path("plain/leads/", plain_leads),
    path("drf/leads/", DrfLeads.as_view()),
    path("ninja/", api.urls),
]

URLS = {"plain": "/plain/leads/", "drf": "/drf/leads/", "ninja": "/ninja/leads/"}


# --- Measuring ------------------------------------------------------------------------------------------


def _measure(requests: int, rounds: int) -> dict[str, dict[str, float]]:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    # Same answers from each variant first: otherwise the comparison means nothing.
    bodies = {name: client.get(url, {"after": "5001"}).json() for name, url in URLS.items()}
    assert bodies["plain"] == bodies["drf"] == bodies["ninja"], "the three variants disagree"
    for url in URLS.values():  # warm up
        for _ in range(50):
            client.get(url)
    latencies: dict[str, list[float]] = {name: [] for name in URLS}
    elapsed: dict[str, float] = dict.fromkeys(URLS, 0.0)
    per_round = max(1, requests // rounds)
    afters = ["10001", "9001", "5001", "1001"]
    for _round in range(rounds):
        for name, url in URLS.items():
            started = time.perf_counter()
            for i in range(per_round):
                t0 = time.perf_counter()
                response = client.get(url, {"after": afters[i % len(afters)]})
                latencies[name].append(time.perf_counter() - t0)
                assert response.status_code == 200
            elapsed[name] += time.perf_counter() - started
    return {
        name: {
            "median_ms": statistics.median(values) * 1000,
            "p95_ms": statistics.quantiles(values, n=20)[18] * 1000,
            "requests_per_s": len(values) / elapsed[name],
        }
        for name, values in latencies.items()
    }


def _openapi() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator
    from openapi_spec_validator import validate

    out: dict[str, Any] = {}
    drf_doc = SchemaGenerator(patterns=[path("drf/leads/", DrfLeads.as_view())]).get_schema(None, public=True)
    drf_doc = json.loads(json.dumps(drf_doc, default=str))
    ninja_doc = json.loads(json.dumps(api.get_openapi_schema(), default=str))
    for name, doc in (("drf", drf_doc), ("ninja", ninja_doc)):
        try:
            validate(doc)
            valid = "valid"
        except Exception as exc:
            valid = f"invalid: {type(exc).__name__}: {str(exc)[:120]}"
        out[name] = {"openapi": doc.get("openapi"), "validator": valid}
    return out


def _assets() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for package, sub in (
        ("ninja", "static/ninja"),
        ("drf_spectacular_sidecar", "static/drf_spectacular_sidecar"),
    ):
        spec = importlib.util.find_spec(package)
        assert spec is not None
        assert spec.origin is not None
        root = Path(spec.origin).parent / sub
        found[package] = sorted(
            str(p.relative_to(root)) for p in root.rglob("*") if p.suffix in {".js", ".css"}
        )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per variant")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    _fill()
    results = _measure(args.requests, args.rounds)
    base = results["plain"]["median_ms"]
    print(f"{'variant':8} {'median ms':>10} {'p95 ms':>8} {'req/s':>8} {'x plain':>8}")
    for name, row in results.items():
        print(
            f"{name:8} {row['median_ms']:10.3f} {row['p95_ms']:8.3f} {row['requests_per_s']:8.0f}"
            f" {row['median_ms'] / base:8.2f}"
        )
    print(json.dumps({"openapi": _openapi(), "local_assets": _assets()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
