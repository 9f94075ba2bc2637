"""Staff posts of the follow-up channel: an analyst asks the tipster of one tip a question.

The thread itself is shown on the triage tip page (``triage.staff_views.tip_detail``), which opens the
tip and records the reading; this module only takes the question form's post.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from traceobject.core.errors import ApplicationError
from traceobject.core.permissions import Permission
from traceobject.core.staff import staff_view
from traceobject.tips.followup_forms import QuestionForm
from traceobject.tips.followups import followup_ask
from traceobject.tips.models import Tip


def tip_page_back(request: HttpRequest, tip_id: int, anchor: str) -> str:
    """The triage tip page to go back to after a post from it (a note, a question).

    The page's forms carry, in their action's query string, the filters of the list the tip was opened
    from; handing them back keeps its previous/next links within that list instead of the whole inbox.
    The tip page validates them again and falls back to the inbox when they are no longer valid.
    """
    query = request.GET.urlencode()
    return reverse("staff:triage_tip", kwargs={"tip_id": tip_id}) + (f"?{query}" if query else "") + anchor


@staff_view(Permission.TIPS_FOLLOWUP_ASK)
@never_cache
@require_POST
def followup_question(request: HttpRequest, tip_id: int) -> HttpResponse:
    tip = Tip.objects.filter(pk=tip_id).first()
    if tip is None:
        raise Http404
    back = tip_page_back(request, tip.pk, "#follow-up")
    form = QuestionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{form.fields['question'].label}: {error}")
        return redirect(back)
    try:
        followup_ask(actor=request.user, tip=tip, text=form.cleaned_data["question"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Question sent. The tipster sees it when they come back with their receipt.")
        )
    return redirect(back)
