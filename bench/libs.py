"""Hand-written parts against their library twins (issue 13, part 11): what each costs per request.

    pip install --target /tmp/libs-extra --no-deps django-csp==4.0 altcha==2.3.0   # once, outside .venv
    PYTHONPATH=/tmp/libs-extra .venv/bin/python -m bench.libs --json-out var/bench-libs.json

The two libraries are not dependencies of the project (docs/architecture.md, section 6, says why), so
they are installed beside it for this run only; without them the script times the project's side and
says what it skipped. On a scratch SQLite database in a temporary data directory (``TRACEOBJECT_ENV=test``),
with one published object:

1. **CSP header**, per response: ``core.middleware.SecurityHeadersMiddleware`` (a constant string)
   against django-csp's ``CSPMiddleware`` configured with the same directives (plus the two other headers
   ours sets, which django-csp does not), both around a view that returns a new ``HttpResponse``; the
   bare view is the baseline.
2. **CSRF secret in a cookie or in the session**: a first-time visitor's GET of the object page (its tip
   form carries a token) through the whole stack, with the project's per-area cookie
   (``AreaCsrfViewMiddleware``) against Django's ``CSRF_USE_SESSIONS=True`` (the per-area session would
   then scope the secret with no code of ours): median time, queries, and session rows left behind.
   Also the area middleware against Django's stock middleware, alone, on a staff path.
3. **Proof of work, server side**: issuing a challenge (every object page view) and checking a solution
   (every tip), ours (``tips.antiabuse.pow``) against the ALTCHA Python library: its v1 protocol
   (SHA-256, a random number up to ``max_number``) and its v2 protocol (a key derivation: iterated
   SHA-256 at cost 1; PBKDF2/SHA-256 at the README's cost of 5,000, checked by re-deriving; the same in
   "deterministic" mode, which derives once when issuing and checks an HMAC). Ours is the baseline. The
   single-use mark (a cache ``add``) is left out of all of them: ALTCHA has none, so it would be ours in
   every variant. Each side's client work is set to match ours where the protocol allows (2^16 hashes on
   average).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.seed import CODE, bench_object

ROOT = Path(__file__).resolve().parent.parent
OBJECT_URL = f"/objects/{CODE}/"


def _per_call_us(fn: Callable[[], object], *, number: int, repeat: int) -> float:
    """Median over ``repeat`` runs of the mean time of one call in a run of ``number`` calls."""
    runs = timeit.repeat(fn, number=number, repeat=repeat)
    return round(statistics.median(runs) / number * 1e6, 2)


def _interleaved(fns: dict[str, Callable[[], object]], *, number: int, repeat: int) -> dict[str, float]:
    """Like :func:`_per_call_us` for several functions, taking turns, so that a machine that slows down
    or speeds up during the run weighs on each alike."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _run in range(repeat):
        for name, fn in fns.items():
            samples[name].append(timeit.timeit(fn, number=number) / number)
    return {name: round(statistics.median(values) * 1e6, 2) for name, values in samples.items()}


def _optional(module: str) -> Any:
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        return None


# --- 1. CSP ----------------------------------------------------------------------------------------


def csp_timings(*, number: int = 20_000, repeat: int = 7) -> dict[str, Any]:
    from django.http import HttpRequest, HttpResponse
    from django.test import RequestFactory, override_settings

    from traceobject.core import middleware

    request = RequestFactory().get("/about/")

    def view(_request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"ok")

    ours = middleware.SecurityHeadersMiddleware(view)
    timed: dict[str, Callable[[], object]] = {
        "baseline_us": lambda: view(request),
        "ours_us": lambda: ours(request),
    }
    result: dict[str, Any] = {}
    csp_middleware = _optional("csp.middleware")
    if csp_middleware is None:
        result["django_csp"] = "not installed"
        result.update(_interleaved(timed, number=number, repeat=repeat))
    else:

        def other_headers(req: HttpRequest) -> HttpResponse:
            # What would stay ours next to django-csp: the two headers it does not set.
            response = view(req)
            response.headers.setdefault("Permissions-Policy", middleware.PERMISSIONS_POLICY)
            response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
            return response

        directives = {
            name: sources
            for name, *sources in (part.split() for part in middleware.CONTENT_SECURITY_POLICY.split(";"))
        }
        with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": directives}):
            library = csp_middleware.CSPMiddleware(other_headers)
            header = library(request)["Content-Security-Policy"]
            same = sorted(header.split("; ")) == sorted(middleware.CONTENT_SECURITY_POLICY.split("; "))
            assert same, header
            timed["django_csp_us"] = lambda: library(request)
            result.update(_interleaved(timed, number=number, repeat=repeat))
        result["django_csp_version"] = _version("django-csp")
    base = result["baseline_us"]
    result["ours_added_us"] = round(result["ours_us"] - base, 2)
    if "django_csp_us" in result:
        result["django_csp_added_us"] = round(result["django_csp_us"] - base, 2)
        result["django_csp_over_ours"] = round(
            result["django_csp_added_us"] / max(result["ours_added_us"], 0.01), 1
        )
    return result


# --- 2. CSRF ---------------------------------------------------------------------------------------


def _session_rows() -> int:
    from django.contrib.sessions.models import Session

    return Session.objects.count()


def _middleware_with_stock_csrf() -> list[str]:
    from django.conf import settings

    return [
        "traceobject.core.csrf.NoReferrerCsrfViewMiddleware"
        if name == "traceobject.accounts.middleware.AreaCsrfViewMiddleware"
        else name
        for name in settings.MIDDLEWARE
    ]


def csrf_timings(
    *, visitors: int = 200, rounds: int = 5, number: int = 5_000, repeat: int = 7
) -> dict[str, Any]:
    """A first-time visitor's object page, secret in a cookie (ours) or in the session (Django's option)."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    modes = {
        "cookie": override_settings(),
        "session": override_settings(CSRF_USE_SESSIONS=True, MIDDLEWARE=_middleware_with_stock_csrf()),
    }
    times: dict[str, list[float]] = {mode: [] for mode in modes}
    rows: dict[str, int] = dict.fromkeys(modes, 0)
    queries: dict[str, dict[str, int]] = {}
    per_round = max(1, visitors // rounds)
    for _round in range(rounds):
        for mode, overrides in modes.items():  # interleaved, so that noise hits both alike
            with overrides:
                before = _session_rows()
                for _n in range(per_round):
                    client = Client()
                    began = time.perf_counter()
                    response = client.get(OBJECT_URL)
                    times[mode].append(time.perf_counter() - began)
                    assert response.status_code == 200
                rows[mode] += _session_rows() - before
    for mode, overrides in modes.items():
        with overrides, CaptureQueriesContext(connection) as captured:
            client = Client()
            first = client.get(OBJECT_URL)
            cookies = sorted(first.cookies)
            first_count = len(captured.captured_queries)
            client.get(OBJECT_URL)
        sql = [query["sql"].lstrip().split()[0].upper() for query in captured.captured_queries]
        queries[mode] = {
            "first_visit": first_count,
            "first_visit_writes": sum(word in {"INSERT", "UPDATE"} for word in sql[:first_count]),
            "second_visit": len(sql) - first_count,
        }
        queries[mode]["cookies_set"] = cookies  # type: ignore[assignment]
    cookie_ms = statistics.median(times["cookie"]) * 1000
    session_ms = statistics.median(times["session"]) * 1000
    return {
        "visitors_per_mode": per_round * rounds,
        "cookie_median_ms": round(cookie_ms, 2),
        "session_median_ms": round(session_ms, 2),
        "session_over_cookie": round(session_ms / cookie_ms, 3),
        "session_rows_left": rows,
        "queries": queries,
        "area_middleware": _area_middleware_timings(number=number, repeat=repeat),
    }


def _area_middleware_timings(*, number: int = 5_000, repeat: int = 7) -> dict[str, Any]:
    """The area middleware alone against Django's, on a staff path, for a visitor who holds the staff
    and the public cookie and a page that sets none (the common case); then a page that issues a new
    cookie, which the area middleware renames. Interleaved, since the differences are small."""
    from django.http import HttpRequest, HttpResponse
    from django.middleware.csrf import CsrfViewMiddleware, get_token
    from django.test import RequestFactory

    from traceobject.accounts.middleware import AreaCsrfViewMiddleware

    factory = RequestFactory()

    def request(cookies: dict[str, str]) -> HttpRequest:
        made = factory.get("/staff/login/")
        made.COOKIES = dict(cookies)
        return made

    def view(_request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"ok")

    def form_view(req: HttpRequest) -> HttpResponse:
        get_token(req)  # a fresh cookie to set (the visitor had none)
        return HttpResponse(b"ok")

    held = {"to_staff_csrf": "a" * 32, "to_csrf": "b" * 32}
    stock, area = CsrfViewMiddleware(view), AreaCsrfViewMiddleware(view)
    stock_form, area_form = CsrfViewMiddleware(form_view), AreaCsrfViewMiddleware(form_view)
    return {
        "held_cookie": _interleaved(
            {
                "baseline_us": lambda: view(request(held)),
                "stock_us": lambda: stock(request(held)),
                "area_us": lambda: area(request(held)),
            },
            number=number,
            repeat=repeat,
        ),
        "new_cookie": _interleaved(
            {
                "baseline_us": lambda: form_view(request({})),
                "stock_us": lambda: stock_form(request({})),
                "area_us": lambda: area_form(request({})),
            },
            number=max(1, number // 5),
            repeat=repeat,
        ),
    }


# --- 3. Proof of work ------------------------------------------------------------------------------


def _version(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def pow_timings(*, number: int = 2_000, repeat: int = 5) -> dict[str, Any]:
    from django.conf import settings

    from traceobject.tips.antiabuse import pow as pow_module

    difficulty = int(settings.TRACEOBJECT_POW_DIFFICULTY)
    challenge = pow_module.challenge_new(code=CODE)
    nonce = pow_module.solve(challenge)
    assert pow_module.solution_valid(challenge, nonce)
    variants: dict[str, dict[str, Any]] = {
        "ours": {
            "client_work": f"2^{difficulty} SHA-256 on average (geometric: p90 = 2.3 x mean)",
            "issue_us": _per_call_us(
                lambda: pow_module.challenge_new(code=CODE), number=number, repeat=repeat
            ),
            "check_us": _per_call_us(
                lambda: pow_module.solution_valid(challenge, nonce), number=number, repeat=repeat
            ),
        }
    }
    altcha = _optional("altcha")
    if altcha is None:
        return {"difficulty": difficulty, "variants": variants, "altcha": "not installed"}
    key = "bench hmac key"
    expires = datetime.now(UTC) + timedelta(hours=3)
    # v1: the client hashes salt + n for n = 0, 1, ... up to a random number <= max_number.
    max_number = 2 * 2**difficulty  # the same mean work as ours, uniform rather than geometric

    def v1_issue() -> Any:
        return altcha.create_challenge_v1(
            altcha.ChallengeOptionsV1(
                hmac_key=key, max_number=max_number, expires=expires, params={"code": CODE}
            )
        )

    v1 = v1_issue()
    v1_solution = altcha.solve_challenge_v1(v1)
    v1_payload = {
        "algorithm": v1.algorithm,
        "challenge": v1.challenge,
        "number": v1_solution.number,
        "salt": v1.salt,
        "signature": v1.signature,
    }
    assert altcha.verify_solution_v1(v1_payload, key, check_expires=True) == (True, None)
    variants["altcha_v1_sha256"] = {
        "client_work": f"uniform up to {max_number} SHA-256 (mean {max_number // 2})",
        "issue_us": _per_call_us(v1_issue, number=number, repeat=repeat),
        "check_us": _per_call_us(
            lambda: altcha.verify_solution_v1(v1_payload, key, check_expires=True),
            number=number,
            repeat=repeat,
        ),
    }
    v2_cases = {
        # name: (algorithm, cost, key prefix, deterministic)
        "altcha_v2_sha256_cost1": ("SHA-256", 1, "0" * (difficulty // 4), False),
        "altcha_v2_pbkdf2_cost5000": ("PBKDF2/SHA-256", 5_000, "00", False),
        "altcha_v2_pbkdf2_cost5000_deterministic": ("PBKDF2/SHA-256", 5_000, "00", True),
    }
    for name, (algorithm, cost, prefix, deterministic) in v2_cases.items():
        options: dict[str, Any] = {
            "expires_at": expires,
            "data": {"code": CODE},
            "hmac_secret": key,
            "key_prefix": prefix,
        }
        if deterministic:
            # The server derives the key for a chosen counter when issuing, and signs it; the check is
            # then one HMAC. A small counter keeps this run short; the costs timed do not depend on it.
            options.update(counter=40, hmac_key_secret=key + " 2")

        def issue(algorithm: str = algorithm, cost: int = cost, options: dict[str, Any] = options) -> Any:
            return altcha.create_challenge(algorithm, cost, **options)

        challenge_v2 = issue()
        solution_v2 = altcha.solve_challenge(challenge_v2, timeout=600)
        assert solution_v2 is not None
        payload = altcha.Payload(challenge_v2, solution_v2).to_base64()
        extra = {"hmac_key_secret": key + " 2"} if deterministic else {}
        assert altcha.verify_solution(payload, key, **extra).verified
        slow = cost > 1
        variants[name] = {
            "client_work": f"{algorithm} at cost {cost}, key prefix {prefix!r}"
            + (" (one derivation when issuing, HMAC check)" if deterministic else ""),
            "issue_us": _per_call_us(issue, number=20 if deterministic else number, repeat=repeat),
            "check_us": _per_call_us(
                lambda payload=payload, extra=extra: altcha.verify_solution(payload, key, **extra),
                number=20 if slow and not deterministic else number,
                repeat=repeat,
            ),
        }
    for data in variants.values():
        data["issue_over_ours"] = round(data["issue_us"] / variants["ours"]["issue_us"], 2)
        data["check_over_ours"] = round(data["check_us"] / variants["ours"]["check_us"], 2)
    script = ROOT / "traceobject" / "static" / "public" / "pow.js"
    return {
        "difficulty": difficulty,
        "altcha_version": _version("altcha"),
        "pow_js_bytes": script.stat().st_size,
        "pow_js_gzip_bytes": len(gzip.compress(script.read_bytes())),
        "variants": variants,
    }


# --- Running it ------------------------------------------------------------------------------------


def _setup() -> Path:
    data_dir = Path(tempfile.mkdtemp(prefix="traceobject-libs-"))
    os.environ.update(
        {
            "TRACEOBJECT_ENV": "test",
            "TRACEOBJECT_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "traceobject.settings",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    bench_object()
    return data_dir


def measure(*, scale: float = 1.0) -> dict[str, Any]:
    """Every section; ``scale`` shrinks the repetitions (the test suite runs it tiny)."""

    def n(value: int) -> int:
        return max(1, int(value * scale))

    return {
        "csp": csp_timings(number=n(20_000), repeat=max(3, n(7))),
        "csrf": csrf_timings(visitors=n(200), rounds=max(1, n(5)), number=n(5_000), repeat=max(3, n(7))),
        "pow": pow_timings(number=n(2_000), repeat=max(3, n(5))),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--json-out", type=Path, default=None)
    args = parser.parse_args(argv)
    data_dir = _setup()
    try:
        result = measure(scale=args.scale)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    result["when"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    text = json.dumps(result, indent=2)
    print(text)
    if args.json_out:
        args.json_out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
