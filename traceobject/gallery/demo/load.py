"""Loading the demo: categories, releases, objects with drawn images, and sealed tips.

Everything goes through the same services as real content (``object_image_add`` sanitizes the images,
``tip_submit`` seals the tips in the vault), so the demo also shows that path working end to end, and a
copy of a demo database holds no tip in plain text either.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation

from traceobject.core.errors import ApplicationError
from traceobject.gallery.demo.content import CATEGORY_ORDER, OBJECTS, RELEASES, DemoObject, DemoTip, TipWriter
from traceobject.gallery.demo.drawing import render_jpeg
from traceobject.gallery.models import (
    CATEGORY_LABELS,
    Audience,
    Category,
    Object,
    ObjectStatus,
    Release,
)
from traceobject.imaging.services import object_image_add
from traceobject.leads.demo import leads_demo_load
from traceobject.tips.services import tip_submit


@dataclass(frozen=True)
class DemoSummary:
    categories: int
    releases: int
    objects: int
    images: int
    tips: int
    languages: int


def picture_seed(seed: int, code: str, index: int) -> int:
    """One seed per picture, stable across runs and machines (``hash()`` of a str is not)."""
    return zlib.crc32(f"{seed}:{code}:{index}".encode())


def _render_all(seed: int) -> dict[str, list[tuple[bytes, str]]]:
    """Draw every picture before the transaction opens, so the write lock is held only for writing."""
    return {
        item.code: [
            (render_jpeg(picture, seed=picture_seed(seed, item.code, index)), alt)
            for index, (picture, alt) in enumerate(item.pictures)
        ]
        for item in OBJECTS
    }


def _categories() -> dict[str, Category]:
    """The standard categories; existing rows are kept as they are, staff may have renamed them."""
    categories = {}
    with translation.override("en"):
        for position, slug in enumerate(CATEGORY_ORDER, start=1):
            category, _created = Category.objects.get_or_create(
                slug=slug, defaults={"name": str(CATEGORY_LABELS[slug]), "position": position * 10}
            )
            categories[slug] = category
    return categories


def _create_object(item: DemoObject, category: Category, release: Release | None) -> Object:
    # Objects to be located are created published: they collected their tips before being traced.
    obj = Object(
        code=item.code,
        title=item.title,
        category=category,
        description=item.description,
        questions=list(item.questions),
        hints=list(item.hints),
        status=ObjectStatus.PUBLISHED if item.located else item.status,
        audience=item.audience,
        release=release,
        is_demo=True,
    )
    obj.full_clean()  # the code validator and field limits, as the admin form would apply them
    obj.save()
    return obj


def _tip_time(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """Most tips arrive in the first days after a release, then they thin out."""
    return start + (end - start) * (rng.random() ** 2)


def demo_load(*, tips: int = 300, seed: int = 2017) -> DemoSummary:
    """Create the demo content in one transaction, so that a failure leaves nothing half made."""
    if tips < 0:
        raise ApplicationError("The number of tips cannot be negative.")
    codes = [item.code for item in OBJECTS]
    if Object.objects.filter(code__in=codes).exists():  # before the drawing, to fail fast
        raise ApplicationError("The demo content is already loaded.")
    pictures = _render_all(seed)
    rng = random.Random(seed)  # noqa: S311 - demo content, not security
    now = timezone.now()
    with transaction.atomic():
        if Object.objects.filter(code__in=codes).exists():  # again, now under the write lock
            raise ApplicationError("The demo content is already loaded.")
        categories = _categories()
        releases = {
            release.key: Release.objects.create(
                name=release.name, publish_at=now - timedelta(days=release.days_ago), is_demo=True
            )
            for release in RELEASES
        }
        objects: dict[str, Object] = {}
        images = 0
        for item in OBJECTS:
            release = releases[item.release] if item.release else None
            obj = _create_object(item, categories[item.category], release)
            objects[item.code] = obj
            for data, alt in pictures[item.code]:
                object_image_add(obj=obj, data=data, alt_text=alt)
                images += 1
            if release is not None:
                # As if prepared in the days before the release went out.
                Object.objects.filter(pk=obj.pk).update(created_at=release.publish_at - timedelta(days=2))
        for item in OBJECTS:
            if item.related:
                objects[item.code].related.add(*(objects[code] for code in item.related))

        written = _submit_tips(rng, objects, releases, count=tips, now=now)
        leads_demo_load()  # the authorities that determinations send leads to

        for item in OBJECTS:
            if item.located:
                status, days_ago = item.located
                Object.objects.filter(pk=objects[item.code].pk).update(
                    status=status, located_at=now - timedelta(days=days_ago)
                )
    return DemoSummary(
        categories=len(categories),
        releases=len(releases),
        objects=len(objects),
        images=images,
        tips=len(written),
        languages=len({tip.language for tip in written}),
    )


def _submit_tips(
    rng: random.Random, objects: dict[str, Object], releases: dict[str, Release], *, count: int, now: datetime
) -> list[DemoTip]:
    """Spread ``count`` tips unevenly over the public objects, as attention is uneven, dated in the past.

    The tips are written first and submitted in the order of their dates, so that arrival order (the
    inbox's order) and dates agree, as they would in a real deployment.
    """
    open_items = [
        (item, releases[item.release].publish_at)
        for item in OBJECTS
        if item.release is not None
        and item.audience == Audience.PUBLIC
        and (item.located or item.status == ObjectStatus.PUBLISHED)
    ]
    writer = TipWriter(rng)
    trails = {item.code: writer.trail() for item, _start in open_items}
    # A few objects draw many tips and most draw a handful; located ones drew enough to be traced.
    weights = [(3.0 if item.located else 1.0) * rng.uniform(0.2, 1.0) ** 2 for item, _start in open_items]
    earlier: dict[str, list[DemoTip]] = {item.code: [] for item, _start in open_items}
    written: list[DemoTip] = []
    dated = []
    for item, start in rng.choices(open_items, weights=weights, k=count):
        tip = writer.write(title=item.title, trail=trails[item.code], earlier=earlier[item.code])
        earlier[item.code].append(tip)
        written.append(tip)
        end = now - timedelta(days=item.located[1]) if item.located else now
        when = _tip_time(rng, start + timedelta(minutes=5), end - timedelta(minutes=5))
        dated.append((when, item.code, tip))
    dated.sort(key=lambda entry: entry[0])
    for when, code, tip in dated:
        tip_submit(obj=objects[code], payload=tip.payload, is_demo=True, received_at=when)
    return written
