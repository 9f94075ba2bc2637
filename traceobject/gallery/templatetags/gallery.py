from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse

from traceobject.gallery.models import Object, ObjectImage
from traceobject.gallery.selectors import ObjectText, object_text

register = template.Library()


def _url(path: str) -> str:
    return f"{settings.MEDIA_URL}{path}"


def _staff_url(path: str) -> str:
    return reverse("staff:media", kwargs={"path": path})


@register.filter
def srcset(image: ObjectImage, fmt: str = "webp") -> str:
    return ", ".join(f"{_url(d['path'])} {d['width']}w" for d in image.derivatives if d["format"] == fmt)


@register.filter
def image_src(image: ObjectImage, width: int = 640) -> str:
    """The JPEG closest to ``width``: the fallback for browsers without WebP and for preview cards."""
    jpegs = [d for d in image.derivatives if d["format"] == "jpeg"]
    if not jpegs:
        return ""
    best = min(jpegs, key=lambda d: abs(d["width"] - int(width)))
    return _url(best["path"])


@register.filter
def staff_image_src(image: ObjectImage, width: int = 640) -> str:
    """Like ``image_src``, through the staff media view: unpublished derivatives are not public."""
    jpegs = [d for d in image.derivatives if d["format"] == "jpeg"]
    if not jpegs:
        return ""
    best = min(jpegs, key=lambda d: abs(d["width"] - int(width)))
    return _staff_url(best["path"])


@register.filter
def public_text(obj: Object) -> ObjectText:
    """The object's text in the page's language, or its original marked as a fallback
    (``{% with text=object|public_text %}``). Free when the list was fetched with the translations
    prefetched (``gallery.selectors.translations_prefetch``)."""
    return object_text(obj=obj)
