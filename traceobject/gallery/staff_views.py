"""Staff pages for objects and releases: authoring, review, releases, withdrawal. (The image pages
and the safety scan live in ``imaging.staff_views``; the review reads the scan's report through
``gallery.hooks.object_safety_report``.)

Every view is thin: it parses a form, declares its permission with ``staff_view`` (the services check
it again), calls one service, and renders or redirects. No page works differently without JavaScript,
and none may be cached.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from traceobject.core.errors import ApplicationError
from traceobject.core.forms import form_refusal_add
from traceobject.core.lookups import found_or_404
from traceobject.core.permissions import Permission, user_has_permission
from traceobject.core.staff import staff_view
from traceobject.gallery import hooks, selectors, services, translations
from traceobject.gallery.models import (
    REVIEW_CHECKLIST,
    Object,
    ObjectStatus,
    ProposalState,
    Release,
)
from traceobject.gallery.staff_forms import (
    ObjectFilterForm,
    ObjectForm,
    ReleaseAssignForm,
    ReleaseForm,
    ReleaseScheduleForm,
    ReviewForm,
    TranslationForm,
    TranslationReviewForm,
    WithdrawForm,
)

OBJECTS_PER_PAGE = 50
GET_POST = ["GET", "HEAD", "POST"]


def object_staff_or_404(code: str) -> Object:
    """The object for the staff pages (the imaging app's image pages use it too)."""
    return found_or_404(selectors.object_staff_get(code=code))


def _release_or_404(release_id: int) -> Release:
    return found_or_404(selectors.release_staff_get(release_id=release_id))


def object_url(name: str, obj: Object) -> str:
    """A staff page of ``obj`` by its URL name (``object_detail``, ``object_images`` …)."""
    return reverse(f"staff:{name}", kwargs={"code": obj.code})


# --- Objects ----------------------------------------------------------------------------------------------


@staff_view(Permission.GALLERY_OBJECT_READ)
@never_cache
@require_http_methods(["GET", "HEAD"])
def object_list(request: HttpRequest) -> HttpResponse:
    form = ObjectFilterForm(request.GET or None)
    release = form.value("release")
    filters = selectors.StaffObjectFilter(
        status=form.value("status"),
        category=form.value("category"),
        release=int(release) if release else None,
        query=form.value("q"),
    )
    page = Paginator(selectors.objects_staff_list(filters=filters), OBJECTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    kept = {name: form.value(name) for name in ("q", "status", "category", "release") if form.value(name)}
    return render(
        request,
        "staff/gallery/object_list.html",
        {
            "form": form,
            "page": page,
            "query_string": urlencode(kept),
            "can_write": user_has_permission(request.user, Permission.GALLERY_OBJECT_WRITE),
        },
    )


@staff_view(Permission.GALLERY_OBJECT_WRITE)
@never_cache
@require_http_methods(GET_POST)
def object_create(request: HttpRequest) -> HttpResponse:
    relatable = selectors.objects_relatable()
    if request.method != "POST":
        form = ObjectForm(initial={"code": selectors.object_code_suggest()}, related_queryset=relatable)
        return render(request, "staff/gallery/object_form.html", {"form": form})
    form = ObjectForm(request.POST, related_queryset=relatable)
    if form.is_valid():
        try:
            obj = services.object_create(actor=request.user, fields=form.to_fields())
        except ApplicationError as exc:
            form_refusal_add(form, exc)
        else:
            messages.success(request, _("Draft %(code)s created. Now add its images.") % {"code": obj.code})
            return redirect(object_url("object_images", obj))
    return render(request, "staff/gallery/object_form.html", {"form": form}, status=400)


@staff_view(Permission.GALLERY_OBJECT_READ)
@never_cache
@require_http_methods(["GET", "HEAD"])
def object_detail(request: HttpRequest, code: str) -> HttpResponse:
    obj = object_staff_or_404(code)
    user = request.user
    in_review = obj.status == ObjectStatus.IN_REVIEW
    can_review = (
        in_review
        and user_has_permission(user, Permission.GALLERY_OBJECT_REVIEW)
        and not _is_contributor(request, obj)
    )
    return render(
        request,
        "staff/gallery/object_detail.html",
        {
            "object": obj,
            "trail": selectors.object_trail(obj=obj)[:50],
            "withdrawal": selectors.object_withdrawal(obj=obj),
            "can_edit": user_has_permission(user, Permission.GALLERY_OBJECT_WRITE)
            and obj.status in services.EDITABLE_STATUSES,
            "can_submit": user_has_permission(user, Permission.GALLERY_OBJECT_WRITE)
            and obj.status == ObjectStatus.DRAFT,
            "can_review": can_review,
            # Whoever may not decide sees who may, so that the object waits for a named person.
            "reviewers": (
                selectors.object_reviewers_eligible(obj=obj) if in_review and not can_review else None
            ),
            "can_withdraw": user_has_permission(user, Permission.GALLERY_OBJECT_WITHDRAW)
            and obj.status != ObjectStatus.WITHDRAWN,
            "reviews": _review_rows(obj),
            **_languages_context(request, obj),
        },
    )


def _can_translate(request: HttpRequest, obj: Object) -> bool:
    """Whether the page offers to add or edit translations: the permission to write the object's text,
    and a state that takes text (a draft, an approved object, or one that is out, through a review)."""
    return user_has_permission(request.user, Permission.GALLERY_OBJECT_WRITE) and (
        obj.status in services.EDITABLE_STATUSES or obj.status in translations.OUT_STATUSES
    )


def _languages_context(request: HttpRequest, obj: Object) -> dict[str, Any]:
    """The object's public languages for the staff pages: which exist, which are missing or out of date,
    which wait for review (``staff/gallery/_languages.html``)."""
    languages = selectors.object_languages(obj=obj)
    return {
        "languages": languages,
        "translated": [state for state in languages if state.translation or state.proposal],
        "missing": [state for state in languages if state.missing],
        "outdated": [state for state in languages if state.outdated],
        "original_language_name": selectors.language_name(obj.original_language),
        "original_direction": selectors.language_direction(obj.original_language),
        "can_translate": _can_translate(request, obj),
        "can_review_translations": user_has_permission(request.user, Permission.GALLERY_OBJECT_REVIEW),
    }


def _review_rows(obj: Object) -> list[tuple[Any, list[tuple[str, bool]]]]:
    """Each review with its checklist as (label, ticked) pairs, in the checklist's order."""
    return [
        (review, [(str(label), bool(review.checklist.get(key))) for key, label in REVIEW_CHECKLIST.items()])
        for review in obj.reviews.all()
    ]


@staff_view(Permission.GALLERY_OBJECT_WRITE)
@never_cache
@require_http_methods(GET_POST)
def object_edit(request: HttpRequest, code: str) -> HttpResponse:
    obj = object_staff_or_404(code)
    relatable = selectors.objects_relatable(exclude=obj)
    context: dict[str, Any] = {"object": obj, "editable": obj.status in services.EDITABLE_STATUSES}
    if request.method != "POST":
        context["form"] = ObjectForm(initial=ObjectForm.initial_for(obj), related_queryset=relatable)
        return render(request, "staff/gallery/object_form.html", context)
    form = ObjectForm(request.POST, related_queryset=relatable)
    context["form"] = form
    if form.is_valid():
        try:
            edited = services.object_edit(actor=request.user, obj=obj, fields=form.to_fields())
        except ApplicationError as exc:
            form_refusal_add(form, exc)
        else:
            if edited.returned_to_draft:
                messages.warning(
                    request,
                    _("Saved. %(code)s is a draft again: submit it for a new review.") % {"code": obj.code},
                )
            else:
                messages.success(request, _("Saved."))
            return redirect(object_url("object_detail", edited.obj))
    return render(request, "staff/gallery/object_form.html", context, status=400)


# --- Review ---------------------------------------------------------------------------------------------


@staff_view(Permission.GALLERY_OBJECT_WRITE)
@never_cache
@require_POST
def object_submit(request: HttpRequest, code: str) -> HttpResponse:
    obj = object_staff_or_404(code)
    try:
        services.object_submit(actor=request.user, obj=obj)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(code)s was submitted for review.") % {"code": obj.code})
    return redirect(object_url("object_detail", obj))


def _is_contributor(request: HttpRequest, obj: Object) -> bool:
    return request.user.pk in selectors.object_contributor_ids(obj=obj)


def _review_page(request: HttpRequest, obj: Object, form: ReviewForm, status: int = 200) -> HttpResponse:
    is_contributor = _is_contributor(request, obj)
    return render(
        request,
        "staff/gallery/object_review.html",
        {
            "object": obj,
            "form": form,
            "report": hooks.object_safety_report(obj=obj),
            "reviewable": obj.status == ObjectStatus.IN_REVIEW,
            "is_contributor": is_contributor,
            # Who to ask instead: shown to the people who may not decide, in place of the decision form.
            "reviewers": selectors.object_reviewers_eligible(obj=obj) if is_contributor else [],
            # The reviewer approves the translations too: they are listed with their text.
            **_languages_context(request, obj),
        },
        status=status,
    )


@staff_view(Permission.GALLERY_OBJECT_REVIEW)
@never_cache
@require_http_methods(GET_POST)
def object_review(request: HttpRequest, code: str) -> HttpResponse:
    obj = object_staff_or_404(code)
    if request.method != "POST":
        return _review_page(request, obj, ReviewForm())
    if obj.status == ObjectStatus.IN_REVIEW and _is_contributor(request, obj):
        # The page offers no decision to a contributor; a post sent anyway (an old tab, a crafted
        # request) gets the reason and the names to ask on the review page, not a bare refusal. The
        # service refuses it on its own too.
        messages.error(
            request,
            _("You worked on %(code)s, so you cannot review it: another publisher must (four eyes).")
            % {"code": obj.code},
        )
        return redirect(object_url("object_review", obj))
    form = ReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == ReviewForm.APPROVE:
                services.object_approve(
                    actor=request.user, obj=obj, checklist=data["checklist"], comments=data["comments"]
                )
                messages.success(
                    request, _("%(code)s is approved and can go into a release.") % {"code": obj.code}
                )
            else:
                services.object_reject(
                    actor=request.user, obj=obj, comments=data["comments"], checklist=data["checklist"]
                )
                messages.success(request, _("%(code)s was sent back to its author.") % {"code": obj.code})
        except ApplicationError as exc:
            form_refusal_add(form, exc)
        else:
            return redirect(object_url("object_detail", obj))
    return _review_page(request, obj, form, status=400)


# --- Translations --------------------------------------------------------------------------------------


def _language_or_404(obj: Object, language: str) -> str:
    """A public language other than the object's own (whose text is the object's details)."""
    code = language.lower()
    if code not in selectors.public_languages() or code == obj.original_language:
        raise Http404("No such language for this object.")
    return code


def _translation_page(
    request: HttpRequest, obj: Object, language: str, form: TranslationForm, status: int = 200
) -> HttpResponse:
    proposal = selectors.translation_proposal_get(obj=obj, language=language)
    translation = selectors.object_translation_get(obj=obj, language=language)
    return render(
        request,
        "staff/gallery/object_translation.html",
        {
            "object": obj,
            "language": language,
            "language_name": selectors.language_name(language),
            "direction": selectors.language_direction(language),
            "original_language_name": selectors.language_name(obj.original_language),
            "original_direction": selectors.language_direction(obj.original_language),
            "translation": translation,
            "outdated": translation is not None and translation.source_digest != obj.text_digest(),
            "proposal": proposal,
            "form": form,
            "writable": _can_translate(request, obj),
            "is_out": obj.status in translations.OUT_STATUSES,
            "can_review": user_has_permission(request.user, Permission.GALLERY_OBJECT_REVIEW)
            and proposal is not None
            and proposal.state == ProposalState.PENDING
            and request.user not in proposal.writers.all(),
        },
        status=status,
    )


def _translation_form(obj: Object, language: str, data: Any = None) -> TranslationForm:
    """The form, in the target language's direction; unbound, it goes on from what waits for review,
    else from the public translation (a new one starts empty)."""
    options = {"language": language, "direction": selectors.language_direction(language)}
    if data is not None:
        return TranslationForm(data, **options)
    start: Any = selectors.translation_proposal_get(obj=obj, language=language)
    if start is None:
        start = selectors.object_translation_get(obj=obj, language=language)
    return TranslationForm(initial=TranslationForm.initial_for(start) if start else {}, **options)


@staff_view(Permission.GALLERY_OBJECT_WRITE)
@never_cache
@require_http_methods(GET_POST)
def object_translation(request: HttpRequest, code: str, language: str) -> HttpResponse:
    """Add or edit the object's text in one language: saved at once on a draft (its review covers it),
    or proposed for a second person's review on an object that is out."""
    obj = object_staff_or_404(code)
    language = _language_or_404(obj, language)
    if request.method != "POST":
        return _translation_page(request, obj, language, _translation_form(obj, language))
    form = _translation_form(obj, language, request.POST)
    if form.is_valid():
        exists = selectors.object_translation_get(obj=obj, language=language) is not None
        write = translations.object_translation_edit if exists else translations.object_translation_create
        try:
            saved = write(actor=request.user, obj=obj, language=language, fields=form.to_fields())
        except ApplicationError as exc:
            form_refusal_add(form, exc)
        else:
            _translation_saved_message(request, obj, saved)
            return redirect(object_url("object_detail", obj) + "#languages")
    return _translation_page(request, obj, language, form, status=400)


def _translation_saved_message(
    request: HttpRequest, obj: Object, saved: translations.TranslationSaved
) -> None:
    name = selectors.language_name(saved.language)
    if saved.proposed:
        messages.success(
            request,
            _(
                "The translation into %(language)s waits for a second publisher's review before the public "
                "sees it."
            )
            % {"language": name},
        )
    elif saved.returned_to_draft:
        messages.warning(
            request,
            _("Saved. %(code)s is a draft again: submit it for a new review.") % {"code": obj.code},
        )
    elif saved.changed or saved.translation is not None:
        messages.success(request, _("The translation into %(language)s was saved.") % {"language": name})


@staff_view(Permission.GALLERY_OBJECT_WRITE)
@never_cache
@require_POST
def object_translation_delete(request: HttpRequest, code: str, language: str) -> HttpResponse:
    """Take a translation down at once (``target=translation``), or drop a proposal (``target=proposal``)."""
    obj = object_staff_or_404(code)
    language = _language_or_404(obj, language)
    name = selectors.language_name(language)
    try:
        if request.POST.get("target") == "proposal":
            translations.translation_proposal_discard(actor=request.user, obj=obj, language=language)
            messages.success(
                request, _("The proposed translation into %(language)s was discarded.") % {"language": name}
            )
        else:
            translations.object_translation_delete(actor=request.user, obj=obj, language=language)
            messages.success(
                request,
                _("The translation into %(language)s was deleted; the page now shows the original.")
                % {"language": name},
            )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(object_url("object_detail", obj) + "#languages")


def _translation_review_page(
    request: HttpRequest, obj: Object, language: str, form: TranslationReviewForm, status: int = 200
) -> HttpResponse:
    proposal = selectors.translation_proposal_get(obj=obj, language=language)
    return render(
        request,
        "staff/gallery/object_translation_review.html",
        {
            "object": obj,
            "language": language,
            "language_name": selectors.language_name(language),
            "direction": selectors.language_direction(language),
            "original_language_name": selectors.language_name(obj.original_language),
            "original_direction": selectors.language_direction(obj.original_language),
            "translation": selectors.object_translation_get(obj=obj, language=language),
            "proposal": proposal,
            "is_writer": proposal is not None and request.user in proposal.writers.all(),
            "form": form,
        },
        status=status,
    )


@staff_view(Permission.GALLERY_OBJECT_REVIEW)
@never_cache
@require_http_methods(GET_POST)
def object_translation_review(request: HttpRequest, code: str, language: str) -> HttpResponse:
    """The four-eyes review of a translation proposed for an object that is out."""
    obj = object_staff_or_404(code)
    language = _language_or_404(obj, language)
    if request.method != "POST":
        return _translation_review_page(request, obj, language, TranslationReviewForm())
    form = TranslationReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        name = selectors.language_name(language)
        try:
            if data["decision"] == TranslationReviewForm.APPROVE:
                translations.translation_proposal_approve(
                    actor=request.user, obj=obj, language=language, checklist=data["checklist"]
                )
                messages.success(
                    request, _("The translation into %(language)s is now public.") % {"language": name}
                )
            else:
                translations.translation_proposal_reject(
                    actor=request.user, obj=obj, language=language, comments=data["comments"]
                )
                messages.success(
                    request, _("The translation into %(language)s was sent back.") % {"language": name}
                )
        except ApplicationError as exc:
            form_refusal_add(form, exc)
        else:
            return redirect(object_url("object_detail", obj) + "#languages")
    return _translation_review_page(request, obj, language, form, status=400)


@staff_view(Permission.GALLERY_OBJECT_REVIEW)
@never_cache
@require_http_methods(["GET", "HEAD"])
def translation_review_list(request: HttpRequest) -> HttpResponse:
    """Translations of objects that are out, waiting for this publisher's review (not their own)."""
    proposals = selectors.translation_proposals_reviewable_by(user=request.user)
    page = Paginator(proposals, OBJECTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(proposal, selectors.language_name(proposal.language)) for proposal in page]
    return render(request, "staff/gallery/translation_review_list.html", {"page": page, "rows": rows})


# --- Withdrawal -----------------------------------------------------------------------------------------


@staff_view(Permission.GALLERY_OBJECT_WITHDRAW)
@never_cache
@require_http_methods(GET_POST)
def object_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    obj = object_staff_or_404(code)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.object_withdraw(actor=request.user, obj=obj, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form_refusal_add(form, exc)
        else:
            messages.success(
                request, _("%(code)s was withdrawn from every public page.") % {"code": obj.code}
            )
            return redirect(object_url("object_detail", obj))
    return render(
        request,
        "staff/gallery/object_withdraw.html",
        {"object": obj, "form": form},
        status=400 if form.is_bound else 200,
    )


# --- Releases -------------------------------------------------------------------------------------------


@staff_view(Permission.GALLERY_RELEASE_MANAGE)
@never_cache
@require_http_methods(["GET", "HEAD"])
def release_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.releases_staff_list(), OBJECTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/gallery/release_list.html",
        {"page": page, "awaiting": selectors.objects_awaiting_release().count(), "now": timezone.now()},
    )


@staff_view(Permission.GALLERY_RELEASE_MANAGE)
@never_cache
@require_http_methods(GET_POST)
def release_create(request: HttpRequest) -> HttpResponse:
    form = ReleaseForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            release = services.release_create(
                actor=request.user, name=form.cleaned_data["name"], publish_at=form.cleaned_data["publish_at"]
            )
        except ApplicationError as exc:
            form_refusal_add(form, exc)
        else:
            messages.success(request, _("Release created. Now add approved objects to it."))
            return redirect("staff:release_detail", release_id=release.pk)
    return render(
        request, "staff/gallery/release_form.html", {"form": form}, status=400 if form.is_bound else 200
    )


def _release_page(
    request: HttpRequest,
    release: Release,
    *,
    assign_form: ReleaseAssignForm | None = None,
    schedule_form: ReleaseScheduleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    awaiting = selectors.objects_awaiting_release()
    return render(
        request,
        "staff/gallery/release_detail.html",
        {
            "release": release,
            "objects": selectors.release_objects(release=release),
            "assign_form": assign_form or ReleaseAssignForm(queryset=awaiting),
            "schedule_form": schedule_form or ReleaseScheduleForm(initial={"publish_at": release.publish_at}),
            "is_out": release.publish_at <= timezone.now(),
        },
        status=status,
    )


@staff_view(Permission.GALLERY_RELEASE_MANAGE)
@never_cache
@require_http_methods(["GET", "HEAD"])
def release_detail(request: HttpRequest, release_id: int) -> HttpResponse:
    return _release_page(request, _release_or_404(release_id))


@staff_view(Permission.GALLERY_RELEASE_MANAGE)
@never_cache
@require_POST
def release_assign(request: HttpRequest, release_id: int) -> HttpResponse:
    release = _release_or_404(release_id)
    form = ReleaseAssignForm(request.POST, queryset=selectors.objects_awaiting_release())
    if form.is_valid():
        try:
            published = services.release_assign(
                actor=request.user,
                release=release,
                objects=list(form.cleaned_data["objects"]),
                audience=form.cleaned_data["audience"],
            )
        except ApplicationError as exc:
            form_refusal_add(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d object was added to %(release)s.",
                    "%(count)d objects were added to %(release)s.",
                    len(published),
                )
                % {"count": len(published), "release": release.name},
            )
            return redirect("staff:release_detail", release_id=release.pk)
    return _release_page(request, release, assign_form=form, status=400)


@staff_view(Permission.GALLERY_RELEASE_MANAGE)
@never_cache
@require_POST
def release_schedule(request: HttpRequest, release_id: int) -> HttpResponse:
    release = _release_or_404(release_id)
    form = ReleaseScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.release_schedule(
                actor=request.user, release=release, publish_at=form.cleaned_data["publish_at"]
            )
        except ApplicationError as exc:
            form_refusal_add(form, exc)
        else:
            messages.success(request, _("The release time was changed."))
            return redirect("staff:release_detail", release_id=release.pk)
    return _release_page(request, release, schedule_form=form, status=400)
