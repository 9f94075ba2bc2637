"""Reads for the public gallery. Every public query starts from ``objects_public``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from traceobject.gallery.models import (
    LOCATED_STATUSES,
    Audience,
    Category,
    Object,
    ObjectImage,
    ObjectStatus,
    Release,
)


def objects_public() -> QuerySet[Object]:
    """Objects the public may see in the gallery: published, public audience, release time reached."""
    return Object.objects.filter(
        status=ObjectStatus.PUBLISHED,
        audience=Audience.PUBLIC,
        release__publish_at__lte=timezone.now(),
    )


def release_latest() -> Release | None:
    return (
        Release.objects.filter(
            publish_at__lte=timezone.now(),
            object__status=ObjectStatus.PUBLISHED,
            object__audience=Audience.PUBLIC,
        )
        .order_by("-publish_at")
        .first()
    )


def _with_cards(queryset: QuerySet[Object]) -> QuerySet[Object]:
    return queryset.select_related("category", "release").prefetch_related(
        Prefetch("images", queryset=ObjectImage.objects.order_by("position", "id"))
    )


@dataclass(frozen=True)
class GalleryFilter:
    query: str = ""
    category: str = ""


def gallery_list(*, filters: GalleryFilter) -> QuerySet[Object]:
    """Newest release first; within a release, by code, so that the order is stable across pages."""
    queryset = objects_public()
    if filters.category:
        queryset = queryset.filter(category__slug=filters.category)
    query = filters.query.strip()
    if query:
        queryset = queryset.filter(
            Q(code__icontains=query) | Q(title__icontains=query) | Q(description__icontains=query)
        )
    return _with_cards(queryset).order_by("-release__publish_at", "code")


def categories_in_gallery() -> QuerySet[Category]:
    return Category.objects.filter(pk__in=objects_public().values("category")).order_by("position", "slug")


def object_public_get(*, code: str) -> Object | None:
    """An object whose page the public may open: in the gallery now, or located since.

    Drafts, objects for partners only and withdrawn ones are not found, whatever the visitor knows.
    """
    visible = Q(status=ObjectStatus.PUBLISHED) | Q(status__in=LOCATED_STATUSES)
    queryset = (
        Object.objects.filter(visible, audience=Audience.PUBLIC, release__publish_at__lte=timezone.now())
        .select_related("category", "release")
        .prefetch_related(
            Prefetch("images", queryset=ObjectImage.objects.order_by("position", "id")),
            Prefetch("related", queryset=_with_cards(objects_public()).order_by("code")),
        )
    )
    return queryset.filter(code=code.upper()).first()


def objects_located() -> QuerySet[Object]:
    """Located objects that were in the public gallery (one located before its release never was).

    Newest first; objects without a date last, on SQLite and PostgreSQL alike.
    """
    return _with_cards(
        Object.objects.filter(
            status__in=LOCATED_STATUSES, audience=Audience.PUBLIC, release__publish_at__lte=timezone.now()
        )
    ).order_by(F("located_at").desc(nulls_last=True), "code")
