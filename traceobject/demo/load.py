"""Loading the demo: categories, releases, objects with drawn images, sealed tips, and every stage of
an object's life.

Everything goes through the same services as real content (``object_image_add`` sanitizes the images,
``tip_submit`` seals the tips in the vault), so the demo also shows that path working end to end, and a
copy of a demo database holds no tip in plain text either. In embedded mode the stages after
publication are walked by the demo team (``demostaff``; made here if missing) through the staff's own
services: an object in review (``object_create``, ``object_image_upload``, ``object_submit``), and the
determinations, follow-ups, leads and outcomes of ``demo.stages.leads_demo_stages``.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone, translation

from traceobject.accounts.models import User
from traceobject.accounts.services import demo_staff_create
from traceobject.core.errors import ApplicationError
from traceobject.demo.content import CATEGORY_ORDER, OBJECTS, RELEASES, DemoObject, DemoTip, TipWriter
from traceobject.demo.drawing import render_jpeg
from traceobject.demo.object_texts import IN_REVIEW, PROPOSED, TRANSLATIONS, DemoText
from traceobject.demo.stages import SubmittedTip, leads_demo_stages
from traceobject.gallery.categories import CATEGORY_LABELS
from traceobject.gallery.models import (
    Audience,
    Category,
    Object,
    ObjectStatus,
    ObjectTranslation,
    Release,
)
from traceobject.gallery.services import ObjectFields, object_create, object_submit
from traceobject.gallery.translations import TranslationFields, object_translation_create
from traceobject.imaging.services import object_image_add, object_image_process, object_image_upload
from traceobject.leads.demo import leads_demo_load
from traceobject.tips.services import tip_submit

# The demo account that writes the object waiting in review (demo-publisher-2 can then approve it).
AUTHOR = "demo-publisher"
# The demo account that proposes a translation of a published object (a publisher then reviews it).
TRANSLATOR = "demo-analyst"
# The demo authorities' addresses reach nobody: the leads the demo sends notify no mail server.
_NO_MAIL = "django.core.mail.backends.dummy.EmailBackend"


@dataclass(frozen=True)
class DemoSummary:
    categories: int
    releases: int
    objects: int
    images: int
    tips: int
    languages: int
    # One line per object that shows a stage of the lifecycle, for the command to print.
    stages: tuple[str, ...] = ()


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
    # Objects to be determined are created published: the determinations start from there.
    status = ObjectStatus.PUBLISHED if item.determination else item.status
    obj = Object(
        code=item.code,
        title=item.title,
        category=category,
        description=item.description,
        questions=list(item.questions),
        hints=list(item.hints),
        status=status,
        audience=item.audience,
        release=release,
        published_at=release.publish_at if release and status == ObjectStatus.PUBLISHED else None,
        is_demo=True,
    )
    obj.full_clean()  # the code validator and field limits, as the admin form would apply them
    obj.save()
    return obj


def _tip_time(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """Most tips arrive in the first days after a release, then they thin out."""
    return start + (end - start) * (rng.random() ** 2)


def _demo_team() -> dict[str, Any] | None:
    """The demo team by username, made now if ``demostaff`` has not run; None outside embedded mode,
    where demo accounts do not exist (the stages after publication are then left out)."""
    if not settings.EMBEDDED:
        return None
    demo_staff_create(if_missing=True)
    return {user.username: user for user in User.objects.filter(is_demo=True, is_active=True)}


def _in_review(
    item: DemoObject, category: Category, pictures: list[tuple[bytes, str]], author: Any
) -> Object:
    """An object written, illustrated and submitted by ``author`` through the staff's services, its
    images processed and scanned now (the task queued on commit finds them done and changes nothing)."""
    obj = object_create(
        actor=author,
        fields=ObjectFields(
            code=item.code,
            title=item.title,
            category=category,
            description=item.description,
            questions=item.questions,
            hints=item.hints,
        ),
    )
    Object.objects.filter(pk=obj.pk).update(is_demo=True)
    for data, alt in pictures:
        image = object_image_upload(actor=author, obj=obj, data=data, alt_text=alt)
        object_image_process(image_id=image.pk)
    # Written by the author before submitting: the publication review lists it with the object.
    for language, text in IN_REVIEW.get(item.code, {}).items():
        object_translation_create(actor=author, obj=obj, language=language, fields=_fields(text))
    return object_submit(actor=author, obj=obj)


def _fields(text: DemoText) -> TranslationFields:
    return TranslationFields(
        title=text.title, description=text.description, questions=text.questions, hints=text.hints
    )


def _translations(objects: dict[str, Object]) -> int:
    """The demo objects' texts in other languages, stored with the objects (which the loader also
    writes directly, as if reviewed); each row saved on its own, so that the search's signals see it."""
    count = 0
    for code, texts in TRANSLATIONS.items():
        obj = objects[code]
        for language, text in texts.items():
            ObjectTranslation(
                object=obj,
                language=language,
                title=text.title,
                description=text.description,
                questions=list(text.questions),
                hints=list(text.hints),
                source_digest=obj.text_digest(),
            ).save()
            count += 1
    return count


def _proposals(objects: dict[str, Object], translator: Any) -> None:
    """Translations of published objects proposed through the service: they wait for a second person."""
    for code, texts in PROPOSED.items():
        for language, text in texts.items():
            object_translation_create(
                actor=translator, obj=objects[code], language=language, fields=_fields(text)
            )


def _story(item: DemoObject) -> str:
    story = item.determination
    if item.status == ObjectStatus.IN_REVIEW:
        return f"in review, written by {AUTHOR}: waiting for a second publisher"
    if story is None:
        return ""
    if story.confirmed_days_ago is None:
        return f"{story.kind} proposed by demo-analyst: waiting for a second person to confirm"
    parts = [f"{story.kind}, confirmed {story.confirmed_days_ago} days ago"]
    if story.sent_days_ago is not None:
        parts.append(f"lead to {', '.join(story.countries)} sent {story.sent_days_ago} days ago")
        acknowledged = story.acknowledged_days_ago
        parts.append(
            f"acknowledged {acknowledged} days ago" if acknowledged is not None else "not acknowledged"
        )
    if story.outcomes:
        parts.append(
            f"{len(story.outcomes)} outcomes, one corrected"
            if any(outcome.corrected for outcome in story.outcomes)
            else f"{len(story.outcomes)} outcomes"
        )
    return "; ".join(parts)


def stage_lines() -> tuple[str, ...]:
    """What each lifecycle stage's object is, for ``traceobject demo`` to print."""
    lines = []
    for item in OBJECTS:
        story = _story(item)
        if story:
            thread = " (a tipster answered a follow-up question)" if item.follow_up else ""
            lines.append(f"{item.code}: {story}{thread}")
    lines.extend(
        f"{code}: a translation ({', '.join(texts)}) by {TRANSLATOR}, waiting for a publisher's review"
        for code, texts in PROPOSED.items()
    )
    return tuple(lines)


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
    with override_settings(EMAIL_BACKEND=_NO_MAIL), transaction.atomic():
        if Object.objects.filter(code__in=codes).exists():  # again, now under the write lock
            raise ApplicationError("The demo content is already loaded.")
        team = _demo_team()
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
            if item.status == ObjectStatus.IN_REVIEW:
                if team is not None:
                    objects[item.code] = _in_review(
                        item, categories[item.category], pictures[item.code], team[AUTHOR]
                    )
                    images += len(pictures[item.code])
                continue
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
        _translations(objects)
        if team is not None:
            _proposals(objects, team[TRANSLATOR])

        written, submitted = _submit_tips(rng, objects, releases, count=tips, now=now)
        leads_demo_load()  # the authorities that determinations send leads to
        if team is not None:
            leads_demo_stages(items=OBJECTS, objects=objects, tips=submitted, team=team, now=now)
    return DemoSummary(
        categories=len(categories),
        releases=len(releases),
        objects=len(objects),
        images=images,
        tips=len(written),
        languages=len({tip.language for tip in written}),
        stages=stage_lines() if team is not None else (),
    )


def _submit_tips(
    rng: random.Random, objects: dict[str, Object], releases: dict[str, Release], *, count: int, now: datetime
) -> tuple[list[DemoTip], dict[str, list[SubmittedTip]]]:
    """Spread ``count`` tips unevenly over the public objects, as attention is uneven, dated in the past.

    The tips are written first and submitted in the order of their dates, so that arrival order (the
    inbox's order) and dates agree, as they would in a real deployment. An object that was determined
    took its tips until the analysts proposed the determination. Returns the tips as written, and as
    stored per object code (with their receipts, which the follow-ups of the demo need).
    """
    open_items = [
        (item, releases[item.release].publish_at)
        for item in OBJECTS
        if item.release is not None
        and item.audience == Audience.PUBLIC
        and item.status == ObjectStatus.PUBLISHED
    ]
    writer = TipWriter(rng)
    trails = {item.code: writer.trail(item.trail) for item, _start in open_items}
    # A few objects draw many tips and most draw a handful; located ones drew enough to be traced.
    weights = [
        (3.0 if item.located_days_ago is not None else 1.0) * rng.uniform(0.2, 1.0) ** 2
        for item, _start in open_items
    ]
    earlier: dict[str, list[DemoTip]] = {item.code: [] for item, _start in open_items}
    written: list[DemoTip] = []
    dated = []
    for item, start in rng.choices(open_items, weights=weights, k=count):
        tip = writer.write(title=item.title, trail=trails[item.code], earlier=earlier[item.code])
        earlier[item.code].append(tip)
        written.append(tip)
        end = now - timedelta(days=item.tips_until_days_ago)
        when = _tip_time(rng, start + timedelta(minutes=5), end - timedelta(minutes=5))
        dated.append((when, item.code, tip))
    dated.sort(key=lambda entry: entry[0])
    submitted: dict[str, list[SubmittedTip]] = {}
    for when, code, tip in dated:
        result = tip_submit(obj=objects[code], payload=tip.payload, is_demo=True, received_at=when)
        submitted.setdefault(code, []).append(
            SubmittedTip(tip=result.tip, payload=tip.payload, receipt=result.receipt)
        )
    return written, submitted
