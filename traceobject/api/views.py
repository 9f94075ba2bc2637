"""The REST API under /api/v1/ (issue 15), with django-ninja (docs/architecture.md, "The API").

The views are as thin as the portal's: parse, authorize, call the same selector or service, shape the
answer. Partners read their own authority's leads through ``leads.selectors`` (another country's lead
is a 404, as in the portal) and open them through ``leads.services.lead_open``, which records
``lead.open`` as the portal does. The token (``auth.TokenBearer``) brings the vault keys a login would
have brought; they are held for the request only.

No cookies: the API neither reads nor sets a session or CSRF cookie (ninja does not check CSRF for a
bearer-token API). Messages are English and not translated: they are read by programs and their
developers; the ``code`` field is what a program should test.
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError
from ninja.openapi.docs import Swagger

from traceobject import vault
from traceobject.api.auth import RateLimitedError, TokenBearer
from traceobject.core.middleware import CONTENT_SECURITY_POLICY
from traceobject.core.permissions import Permission, user_has_permission
from traceobject.leads import selectors, services
from traceobject.leads.models import Lead
from traceobject.leads.staff_views import snapshot_image

PAGE_DEFAULT = 50
PAGE_MAX = 200
# The documentation page's own script reads the OpenAPI document from this site: the site's policy
# (core.middleware) allows no connection at all, so this page alone adds ``connect-src 'self'``.
DOCS_CONTENT_SECURITY_POLICY = f"{CONTENT_SECURITY_POLICY}; connect-src 'self'"


def _docs_policy(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        return response

    return wrapped


api = NinjaAPI(
    title="Trace an Object API",
    version="1",
    description=(
        "Read the leads sent to your authority. Authenticate with `Authorization: Bearer <token>`; "
        "see docs/api.md for tokens, paging and errors."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs/",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_decorator=_docs_policy,
    auth=TokenBearer(),
)


class ErrorOut(Schema):
    code: str
    detail: str


def _error(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
    return api.create_response(request, {"code": code, "detail": detail}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(request, 401, "unauthenticated", "A valid bearer token is required.")
    presented = request.headers.get("Authorization", "")
    error = ', error="invalid_token"' if presented.lower().startswith("bearer ") else ""
    response["WWW-Authenticate"] = f'Bearer realm="api"{error}'
    return response


@api.exception_handler(RateLimitedError)
def _rate_limited(request: HttpRequest, exc: RateLimitedError) -> HttpResponse:
    response = _error(request, 429, "rate_limited", "Too many requests with this token; retry later.")
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(vault.VaultLockedError)
def _locked(request: HttpRequest, exc: vault.VaultLockedError) -> HttpResponse:
    return _error(
        request,
        403,
        "vault_locked",
        "This token holds no key that opens this lead (made before the key existed, or without it): "
        "ask an administrator for a new token.",
    )


class ForbiddenError(Exception):
    pass


@api.exception_handler(ForbiddenError)
def _forbidden(request: HttpRequest, exc: ForbiddenError) -> HttpResponse:
    return _error(request, 403, "forbidden", "This account's role may not use this endpoint.")


def _partner(request: HttpRequest) -> Any:
    """The token's account, if its role reads partner leads (403 otherwise, before any lookup)."""
    user = request.auth.user  # type: ignore[attr-defined]
    if not user_has_permission(user, Permission.PARTNER_LEAD_READ):
        raise ForbiddenError
    return user


# --- Leads ----------------------------------------------------------------------------------------------


class LeadSummaryOut(Schema):
    reference: str
    country: str
    state: str
    sent_at: datetime | None
    acknowledged_at: datetime | None
    object_code: str
    object_title: str
    determination_kind: str
    outcome_count: int
    url: str


class LeadPageOut(Schema):
    results: list[LeadSummaryOut]
    next: str | None


class LeadPageIn(Schema):
    after: str | None = None
    limit: int = PAGE_DEFAULT


def _cursor(lead: Lead) -> str:
    sent_at = lead.sent_at.isoformat() if lead.sent_at else ""  # always set: sent leads only
    return base64.urlsafe_b64encode(f"{sent_at}|{lead.pk}".encode()).decode().rstrip("=")


def _after(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    try:
        sent_at, lead_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        return datetime.fromisoformat(sent_at), int(lead_id)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursorError from exc


class BadCursorError(Exception):
    pass


@api.exception_handler(BadCursorError)
def _bad_cursor(request: HttpRequest, exc: BadCursorError) -> HttpResponse:
    return _error(request, 400, "bad_cursor", "This `after` cursor was not given by this API.")


def _lead_url(lead: Lead) -> str:
    return reverse("api:lead_detail", kwargs={"reference": lead.reference})


@api.get(
    "/leads/",
    response={200: LeadPageOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
    url_name="lead_list",
    summary="The leads sent to your authority, newest first",
)
def lead_list(request: HttpRequest, page: Query[LeadPageIn]) -> dict[str, Any]:
    """Keyset paging: pass the `next` of one page as `after` to get the following one."""
    user = _partner(request)
    limit = max(1, min(PAGE_MAX, page.limit))
    leads = selectors.partner_leads_page(user=user, after=_after(page.after), limit=limit)
    results = [
        {
            "reference": lead.reference,
            "country": lead.country,
            "state": lead.state,
            "sent_at": lead.sent_at,
            "acknowledged_at": lead.acknowledged_at,
            "object_code": lead.determination.object.code,
            "object_title": lead.determination.object.title,
            "determination_kind": lead.determination.kind,
            "outcome_count": lead.outcome_count,  # type: ignore[attr-defined]
            "url": _lead_url(lead),
        }
        for lead in leads
    ]
    return {"results": results, "next": _cursor(leads[-1]) if len(leads) == limit else None}


class ImageOut(Schema):
    number: int
    name: str
    alt_text: str
    width: int
    height: int
    media_type: str
    sha256: str
    url: str


class OutcomeOut(Schema):
    id: int
    kind: str
    count: int
    update: str
    reported_by: str
    reported_at: datetime
    corrects_id: int | None
    current: bool


class LeadDetailOut(Schema):
    reference: str
    country: str
    state: str
    sent_at: datetime | None
    acknowledged_at: datetime | None
    snapshot_sha256: str
    object: dict[str, Any]
    determination: dict[str, Any]
    tips: list[dict[str, Any]]
    note_for_authority: dict[str, Any] | None
    images: list[ImageOut]
    outcomes: list[OutcomeOut]


@api.get(
    "/leads/{reference}/",
    response={200: LeadDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    url_name="lead_detail",
    summary="One lead: the determination, the selected tips and follow-ups, the note, images, outcomes",
)
def lead_detail(request: HttpRequest, reference: str) -> dict[str, Any]:
    """Opening a lead is recorded in the audit trail (`lead.open`), as in the portal."""
    user = _partner(request)
    lead = selectors.lead_for_partner(user=user, reference=reference)
    with vault.unlocked(request.auth.keys):  # type: ignore[attr-defined]
        snapshot = services.lead_open(actor=user, lead=lead)
        outcomes = selectors.lead_outcomes(lead)
    images = [
        {
            "number": number,
            **{key: image.get(key) or "" for key in ("name", "alt_text", "media_type", "sha256")},
            "width": int(image.get("width") or 0),
            "height": int(image.get("height") or 0),
            "url": reverse("api:lead_image", kwargs={"reference": lead.reference, "number": number}),
        }
        for number, image in enumerate(snapshot.get("images") or [], 1)
    ]
    return {
        "reference": lead.reference,
        "country": lead.country,
        "state": lead.state,
        "sent_at": lead.sent_at,
        "acknowledged_at": lead.acknowledged_at,
        "snapshot_sha256": lead.snapshot_sha256,
        "object": snapshot.get("object") or {},
        "determination": snapshot.get("determination") or {},
        "tips": snapshot.get("tips") or [],
        "note_for_authority": snapshot.get("note_for_authority"),
        "images": images,
        "outcomes": [
            {
                "id": o.id,
                "kind": o.kind,
                "count": o.count,
                "update": o.update,
                "reported_by": o.reported_by,
                "reported_at": o.reported_at,
                "corrects_id": o.corrects_id,
                "current": o.current,
            }
            for o in outcomes
        ],
    }


@api.get(
    "/leads/{reference}/images/{number}",
    response={200: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    url_name="lead_image",
    summary="One image of a lead, from its frozen snapshot (the sha256 of the lead detail verifies it)",
)
def lead_image(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    user = _partner(request)
    lead = selectors.lead_for_partner(user=user, reference=reference)
    with vault.unlocked(request.auth.keys):  # type: ignore[attr-defined]
        response = snapshot_image(lead, number)  # the portal's own: the same bytes, nosniff
    response["Cache-Control"] = "private, no-store"
    return response
