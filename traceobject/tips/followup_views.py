"""The tipster's follow-up pages under /follow-up/: enter the receipt, read the thread, reply, leave.

No account and no server-side session: the only state is the encrypted ``to_followup`` cookie
(``tips.followup_cookie``), which ends with the browser, expires on the server after some idle minutes and
is refused everywhere once the tipster leaves. Every failure to open a tip, whatever its cause, shows one
neutral message, and repeated failures make later attempts that share a group of characters with them
wait (``tips.antiabuse.ratelimit`` back-off, keyed by the rotating hash of the address, never the address,
and by the receipt's groups). Pages work without JavaScript and are never cached.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from traceobject.core.errors import ApplicationError
from traceobject.core.forms import form_refusal_add
from traceobject.tips.antiabuse import ratelimit
from traceobject.tips.followup_cookie import (
    ABSOLUTE_SECONDS,
    COOKIE_NAME,
    Visit,
    access_dump,
    access_load,
    visit_new,
)
from traceobject.tips.followup_forms import ReceiptForm, ReplyForm
from traceobject.tips.followups import (
    MESSAGE_MAX,
    followup_access,
    followup_reply,
    followup_thread_for_tipster,
    followup_visit_end,
    followup_visit_ended,
)
from traceobject.tips.receipts import receipt_backoff_buckets

# The back-off scope of receipt attempts (``ratelimit.backoff_*``) and the rate-limit scope of replies.
RECEIPT_SCOPE = "receipt"
REPLY_SCOPE = "follow-up"


def neutral_message() -> str:
    """The one answer to every receipt that does not open a tip: it must not say why."""
    return _("We could not open a tip with this receipt. Check it and try again.")


def _cookie_path() -> str:
    """The follow-up pages of the current language (``/follow-up/``, ``/fr/follow-up/``): the browser
    sends the cookie nowhere else."""
    return reverse("gallery:followup")


def _visit(request: HttpRequest) -> Visit | None:
    """The visit the request's cookie holds, unless it is missing, expired, or was ended with "Leave"
    (in any browser or copy)."""
    visit = access_load(request.COOKIES.get(COOKIE_NAME))
    if visit is None or followup_visit_ended(visit_id=visit.visit_id):
        return None
    return visit


def _set_access(response: HttpResponse, visit: Visit) -> None:
    response.set_cookie(
        COOKIE_NAME,
        access_dump(visit),
        max_age=None,  # a browser-session cookie
        path=_cookie_path(),
        secure=bool(settings.SESSION_COOKIE_SECURE),
        httponly=True,
        samesite="Strict",
    )


def _clear_access(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE_NAME, path=_cookie_path(), samesite="Strict")


def _wait_text(seconds: int) -> str:
    if seconds >= 120:
        minutes = (seconds + 59) // 60
        return ngettext(
            "Too many attempts. Please wait %(count)d minute and try again.",
            "Too many attempts. Please wait %(count)d minutes and try again.",
            minutes,
        ) % {"count": minutes}
    return ngettext(
        "Too many attempts. Please wait %(count)d second and try again.",
        "Too many attempts. Please wait %(count)d seconds and try again.",
        seconds,
    ) % {"count": seconds}


def _entry_page(
    request: HttpRequest, form: ReceiptForm, *, status: int = 200, notice: str = ""
) -> HttpResponse:
    request.language_path = reverse("gallery:followup")  # type: ignore[attr-defined]
    return render(request, "public/follow_up.html", {"form": form, "notice": notice}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def followup_entry(request: HttpRequest) -> HttpResponse:
    """The receipt form. A correct receipt sets the cookie and leads to the thread."""
    if request.method != "POST":
        if _visit(request) is not None:
            return HttpResponseRedirect(reverse("gallery:followup_thread"))
        notices = {
            "left": _("You have left the follow-up page. Close the browser window to leave no trace."),
            "expired": _("Your visit ended after some time without activity. Enter your receipt again."),
        }
        response = _entry_page(request, ReceiptForm(), notice=notices.get(request.GET.get("from", ""), ""))
        if COOKIE_NAME in request.COOKIES:
            _clear_access(response)
        return response
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        return _entry_page(request, form, status=400)
    receipt = form.cleaned_data["receipt"]
    # The back-off is keyed by this address and by the receipt's own groups, never by the address
    # alone: someone else's wrong receipts from the same address (an onion service, a NAT) hold up
    # only receipts that share a group with them, so a genuine tipster is not locked out by them.
    buckets = receipt_backoff_buckets(receipt)
    wait = ratelimit.backoff_wait(request, RECEIPT_SCOPE, buckets)
    if wait > 0:
        # Refused before the receipt is looked at: guesses around one receipt wait between tries.
        form.add_error(None, _wait_text(wait))
        response = _entry_page(request, form, status=429)
        response["Retry-After"] = str(wait)
        return response
    access = followup_access(receipt=receipt)
    if access is None:
        ratelimit.backoff_fail(request, RECEIPT_SCOPE, buckets)
        form.add_error(None, neutral_message())
        return _entry_page(request, form, status=400)
    ratelimit.backoff_clear(request, RECEIPT_SCOPE, buckets)
    response = HttpResponseRedirect(reverse("gallery:followup_thread"), status=303)
    _set_access(response, visit_new(access))
    return response


def _to_entry(request: HttpRequest, reason: str) -> HttpResponse:
    """Back to the receipt form; the notice only when there was a visit to end."""
    had_cookie = COOKIE_NAME in request.COOKIES
    url = reverse("gallery:followup")
    response = HttpResponseRedirect(f"{url}?from={reason}" if had_cookie else url, status=303)
    if had_cookie:
        _clear_access(response)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def followup_thread(request: HttpRequest) -> HttpResponse:
    """The tipster's tip, the questions and their replies, oldest first, and the reply form."""
    visit = _visit(request)
    if visit is None:
        return _to_entry(request, "expired")
    access = visit.access
    thread = followup_thread_for_tipster(access=access)
    if thread is None:
        return _to_entry(request, "expired")
    form = ReplyForm()
    status = 200
    retry_after = 0
    if request.method == "POST":
        form = ReplyForm(request.POST)
        decision = ratelimit.rate_check(request, REPLY_SCOPE)
        if not decision.allowed:
            form.is_valid()
            retry_after = decision.retry_after
            form.add_error(None, _wait_text(retry_after))
            status = 429
        elif form.is_valid():
            try:
                followup_reply(
                    tip=thread.tip, receipt_private_key=access.private_key, text=form.cleaned_data["text"]
                )
            except ApplicationError as exc:
                form_refusal_add(form, exc)
                status = 400
            else:
                sent = HttpResponseRedirect(f"{reverse('gallery:followup_thread')}?sent=1", status=303)
                _set_access(sent, visit)
                return sent
        else:
            status = 400
    request.language_path = reverse("gallery:followup")  # type: ignore[attr-defined]
    response = render(
        request,
        "public/follow_up_thread.html",
        {
            "thread": thread,
            "object": thread.tip.object,
            "form": form,
            "sent": request.method != "POST" and request.GET.get("sent") == "1",
            "message_max": MESSAGE_MAX,
        },
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    _set_access(response, visit)
    return response


@never_cache
@require_POST
def followup_leave(request: HttpRequest) -> HttpResponse:
    """End the visit: the cookie goes, and the server refuses every copy of it from now on, so that a
    saved or stolen copy opens nothing; the receipt is needed again."""
    visit = access_load(request.COOKIES.get(COOKIE_NAME))
    if visit is not None:
        followup_visit_end(visit_id=visit.visit_id, issued=visit.issued, lifetime=ABSOLUTE_SECONDS)
    return _to_entry(request, "left")
