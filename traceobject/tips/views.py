"""The object page with its tip form, and the public tip intake. The intake writes no audit event and
logs nothing about the visitor. The object page lives here rather than in the gallery because it
composes the gallery's object with this app's form and its disclosure rule."""

from __future__ import annotations

import math

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from traceobject.core.errors import ApplicationError
from traceobject.core.forms import form_refusal_add
from traceobject.core.lookups import found_or_404
from traceobject.gallery import selectors as gallery_selectors
from traceobject.gallery.models import Object
from traceobject.gallery.selectors import object_for_tip
from traceobject.tips.antiabuse.services import tip_screen
from traceobject.tips.forms import TipForm
from traceobject.tips.services import TipAlreadyReceived, tip_accepts, tip_submit


def _object_public(code: str) -> Object:
    return found_or_404(gallery_selectors.object_public_get(code=code))


def render_object(request: HttpRequest, obj: Object, form: TipForm | None, status: int = 200) -> HttpResponse:
    latest = gallery_selectors.release_latest()
    # The disclosure rule: a located object keeps its form and takes tips until it is disclosed.
    accepts = tip_accepts(obj)
    if form is not None and accepts:
        form.challenge(code=obj.code)  # a new proof-of-work challenge with every page (tips.antiabuse)
    response = render(
        request,
        "public/object_detail.html",
        {
            "object": obj,
            # The title, description, questions and hints in the visitor's language, or the original
            # marked as a fallback (the translations came with the object: no query).
            "text": gallery_selectors.object_text(obj=obj),
            "form": form if accepts else None,
            "is_identified": gallery_selectors.object_disclosed(obj),
            "is_new": latest is not None and obj.release_id == latest.pk,
        },
        status=status,
    )
    # The page carries a per-visitor CSRF token, so no shared cache may keep it.
    response["Cache-Control"] = "private, no-cache"
    return response


@require_http_methods(["GET", "HEAD"])
def object_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render_object(request, _object_public(code), TipForm())


@require_POST
def tip_create(request: HttpRequest, code: str) -> HttpResponse:
    obj = object_for_tip(code=code)
    if obj is None:
        raise Http404
    request.language_path = obj.get_absolute_url()  # type: ignore[attr-defined]
    form = TipForm(request.POST)
    if not form.is_valid():
        # The page again, with everything it shows: the full lookup only on this rarer path.
        return render_object(request, _object_public(code), form, status=400)
    screening = tip_screen(
        request,
        code=obj.code,
        challenge=form.cleaned_data["pow_challenge"],
        nonce=form.cleaned_data["pow_nonce"],
    )
    if not screening.allowed:
        # The form again with everything the tipster wrote: a refused tip must not cost them their text.
        minutes = max(1, math.ceil(screening.retry_after / 60))
        form.add_error(
            None,
            ngettext(
                "Many tips have been sent from your connection in a short time, so this one was not stored "
                "yet. Your text is still here: please send it again in a minute.",
                "Many tips have been sent from your connection in a short time, so this one was not stored "
                "yet. Your text is still here: please send it again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
        )
        # A small page, not the whole object page: refusals are what a flood gets, by the thousand.
        form.challenge(code=obj.code)
        response = render(request, "public/tip_wait.html", {"object": obj, "form": form}, status=429)
        response["Retry-After"] = str(screening.retry_after)
        response["Cache-Control"] = "no-store"
        return response
    try:
        submitted = tip_submit(
            obj=obj,
            payload=form.payload(),
            unverified=screening.unverified,
            held=screening.held,
            submission=form.cleaned_data["submission"] or None,
        )
    except TipAlreadyReceived:
        # The same form again (a reload of the receipt page re-posts it): say so plainly, no receipt.
        response = render(request, "public/tip_already_received.html", {"object": obj})
        response["Cache-Control"] = "no-store"
        return response
    except ApplicationError as exc:
        form_refusal_add(form, exc)
        return render_object(request, _object_public(code), form, status=400)
    response = render(request, "public/receipt.html", {"object": obj, "receipt": submitted.receipt})
    # Shown once: no cache, no back-button copy, no history snapshot.
    response["Cache-Control"] = "no-store"
    return response
