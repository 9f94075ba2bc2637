"""Public figures, computed from the data rather than typed in by hand."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from traceobject.gallery.models import LOCATED_STATUSES, Object
from traceobject.tips.models import Tip

_CACHE_KEY = "stats:headline:v1"


@dataclass(frozen=True)
class HeadlineFigures:
    tips_received: int
    objects_identified: int


def headline_figures() -> HeadlineFigures:
    """Cached for a minute: the home page must not count a million tips on every view."""
    cached = cache.get(_CACHE_KEY)
    if isinstance(cached, HeadlineFigures):
        return cached
    figures = HeadlineFigures(
        tips_received=Tip.objects.count(),
        objects_identified=Object.objects.filter(status__in=LOCATED_STATUSES).count(),
    )
    cache.set(_CACHE_KEY, figures, settings.PUBLIC_FIGURES_CACHE_SECONDS)
    return figures


def headline_figures_forget() -> None:
    cache.delete(_CACHE_KEY)
