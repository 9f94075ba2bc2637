"""Staff pages for an object's images: upload, crop and redact, the upright original, removal, and
running the safety scan again. They live in the imaging app, above the gallery, because they call the
imaging services; the URLs keep their names in the ``staff`` namespace (``imaging/staff_urls.py``).

Every view is thin: it parses a form, declares its permission with ``staff_view`` (the services check
it again), calls one service, and renders or redirects. None may be cached.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from traceobject.core.errors import ApplicationError
from traceobject.core.forms import form_refusal_add
from traceobject.core.lookups import found_or_404
from traceobject.core.permissions import Permission
from traceobject.core.staff import staff_view
from traceobject.gallery import selectors as gallery_selectors
from traceobject.gallery import services as gallery_services
from traceobject.gallery.models import ImageStatus, Object, ObjectImage, ObjectStatus
from traceobject.gallery.staff_forms import ImageEditForm, ImageUploadForm
from traceobject.gallery.staff_views import GET_POST, object_staff_or_404, object_url
from traceobject.imaging import selectors, services

# The images page reloads itself this often while an image is processed (a meta refresh: no script).
PROCESSING_REFRESH_SECONDS = 5


def _image_or_404(obj: Object, image_id: int) -> ObjectImage:
    return found_or_404(gallery_selectors.object_image_staff_get(obj=obj, image_id=image_id))


def _images_page(request: HttpRequest, obj: Object, form: ImageUploadForm, status: int = 200) -> HttpResponse:
    images = list(obj.images.all())
    return render(
        request,
        "staff/gallery/object_images.html",
        {
            "object": obj,
            "images": images,
            "form": form,
            "editable": obj.status == ObjectStatus.DRAFT,
            "processing": any(image.status == ImageStatus.PENDING for image in images),
            "refresh_seconds": PROCESSING_REFRESH_SECONDS,
        },
        status=status,
    )


@staff_view(Permission.GALLERY_OBJECT_WRITE)
@never_cache
@require_http_methods(GET_POST)
def object_images(request: HttpRequest, code: str) -> HttpResponse:
    obj = object_staff_or_404(code)
    if request.method != "POST":
        return _images_page(request, obj, ImageUploadForm())
    try:
        gallery_services.object_images_check_editable(obj=obj)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(object_url("object_images", obj))
    form = ImageUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.object_image_upload(
                actor=request.user,
                obj=obj,
                data=form.cleaned_data["file"].read(),
                alt_text=form.cleaned_data["alt_text"],
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(
                request, _("Image received. It is being processed; this page shows it when it is ready.")
            )
            return redirect(object_url("object_images", obj))
    return _images_page(request, obj, form, status=400)


def _boxes(crop: list[int] | None, redactions: list[dict[str, Any]]) -> dict[str, Any]:
    def rect(box: list[int]) -> dict[str, int]:
        left, top, right, bottom = box
        return {"x": left, "y": top, "width": right - left, "height": bottom - top}

    return {
        "crop": rect(crop) if crop else None,
        "redactions": [{**rect(item["box"]), "mode": item.get("mode", "black")} for item in redactions or []],
    }


def _face_redactions(obj: Object, image: ObjectImage) -> list[str]:
    """The possible faces the scan found, as redaction lines ready to paste into the form."""
    for item in selectors.object_safety_report(obj=obj).images:
        if item.image.pk == image.pk:
            return [", ".join([*map(str, face.redaction_box), "black"]) for face in item.faces]
    return []


@staff_view(Permission.GALLERY_OBJECT_WRITE)
@never_cache
@require_http_methods(GET_POST)
def object_image_edit(request: HttpRequest, code: str, image_id: int) -> HttpResponse:
    obj = object_staff_or_404(code)
    image = _image_or_404(obj, image_id)
    context: dict[str, Any] = {
        "object": obj,
        "image": image,
        "editable": obj.status == ObjectStatus.DRAFT,
        "original": selectors.object_image_original_geometry(image=image),
        "suggestions": _face_redactions(obj, image),
        **_boxes(image.crop, image.redactions),
    }
    if request.method != "POST":
        context["form"] = ImageEditForm(initial=ImageEditForm.initial_for(image.crop, image.redactions))
        return render(request, "staff/gallery/image_edit.html", context)
    try:
        gallery_services.object_images_check_editable(obj=obj)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(object_url("object_images", obj))
    form = ImageEditForm(request.POST)
    context["form"] = form
    if form.is_valid():
        try:
            services.object_image_edit(
                actor=request.user,
                image=image,
                crop=form.cleaned_data["crop"],
                redactions=form.cleaned_data["redactions"],
            )
        except ApplicationError as exc:
            form_refusal_add(form, exc)
        else:
            messages.success(
                request,
                _("Edits saved. The image is being processed again; this page shows it when it is ready."),
            )
            return redirect(object_url("object_images", obj))
    return render(request, "staff/gallery/image_edit.html", context, status=400)


@staff_view(Permission.GALLERY_OBJECT_WRITE)
@never_cache
@require_http_methods(["GET", "HEAD"])
def object_image_original(request: HttpRequest, code: str, image_id: int) -> HttpResponse:
    """The upright, re-encoded original for the crop page: staff only, never cached, never public."""
    image = _image_or_404(object_staff_or_404(code), image_id)
    preview = selectors.object_image_original_preview(image=image)
    if preview is None:
        raise Http404
    response = HttpResponse(preview, content_type="image/jpeg")
    response["Content-Disposition"] = "inline"
    return response


@staff_view(Permission.GALLERY_OBJECT_WRITE)
@never_cache
@require_POST
def object_image_remove(request: HttpRequest, code: str, image_id: int) -> HttpResponse:
    obj = object_staff_or_404(code)
    image = _image_or_404(obj, image_id)
    try:
        services.object_image_remove(actor=request.user, image=image)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Image removed."))
    return redirect(object_url("object_images", obj))


@staff_view(Permission.GALLERY_OBJECT_REVIEW)
@never_cache
@require_POST
def object_scan(request: HttpRequest, code: str) -> HttpResponse:
    """Run the safety scan again: objects published since the last scan may now be near-duplicates."""
    obj = object_staff_or_404(code)
    try:
        services.object_images_scan(actor=request.user, obj=obj)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The safety scan ran again."))
    return redirect(object_url("object_review", obj))
