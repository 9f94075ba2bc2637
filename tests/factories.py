"""factory_boy factories for the foundation's models.

Objects default to what the public gallery shows: published, public, in a release that is already out.
Images and tips are made through their services, so that what the tests see (derivative files, sealed
tips, receipts) is exactly what the application produces.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image, ImageDraw

from traceobject.gallery.models import (
    Audience,
    Category,
    Object,
    ObjectImage,
    ObjectStatus,
    ObjectTranslation,
    Release,
    TranslationProposal,
)
from traceobject.imaging.services import object_image_add
from traceobject.tips.models import Tip
from traceobject.tips.services import TipPayload, tip_submit


def image_bytes(
    width: int = 480, height: int = 360, fmt: str = "JPEG", color: tuple[int, int, int] = (180, 120, 60)
) -> bytes:
    """A small picture with some structure (a rectangle and a line), encoded as ``fmt``."""
    image = Image.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 4, height // 4, width * 3 // 4, height * 3 // 4), fill=(20, 60, 200))
    draw.line((0, 0, width - 1, height - 1), fill=(255, 255, 255), width=3)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")
    position = factory.Sequence(lambda n: n)


class ReleaseFactory(DjangoModelFactory):
    class Meta:
        model = Release

    name = factory.Sequence(lambda n: f"Release {n}")
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class ObjectFactory(DjangoModelFactory):
    class Meta:
        model = Object
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n:04d}-2026")
    title = factory.Sequence(lambda n: f"Test object number {n}")
    category = factory.SubFactory(CategoryFactory)
    description = "A plain everyday object."
    questions = factory.LazyFunction(lambda: ["Which shop sold this?"])
    hints = factory.LazyFunction(lambda: ["Circa 2015."])
    status = ObjectStatus.PUBLISHED
    audience = Audience.PUBLIC
    release = factory.SubFactory(ReleaseFactory)
    case_reference = factory.Sequence(lambda n: f"INTERNAL-CASE-{n:05d}")

    @factory.post_generation
    def related(self, create: bool, extracted: list[Object] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.related.set(extracted)


class ObjectTranslationFactory(DjangoModelFactory):
    """A translation made from the object's current original (so the public pages show it)."""

    class Meta:
        model = ObjectTranslation

    object = factory.SubFactory(ObjectFactory)
    language = "fr"
    title = factory.Sequence(lambda n: f"Objet de test numéro {n}")
    description = "Un objet de tous les jours."
    questions = factory.LazyFunction(lambda: ["Quel magasin vendait ceci ?"])
    hints = factory.LazyFunction(lambda: ["Vers 2015."])
    source_digest = factory.LazyAttribute(lambda translation: translation.object.text_digest())


class TranslationProposalFactory(DjangoModelFactory):
    """A translation waiting for review; pass ``writers=[user, …]``."""

    class Meta:
        model = TranslationProposal
        skip_postgeneration_save = True

    object = factory.SubFactory(ObjectFactory)
    language = "fr"
    title = factory.Sequence(lambda n: f"Objet proposé numéro {n}")
    source_digest = factory.LazyAttribute(lambda proposal: proposal.object.text_digest())

    @factory.post_generation
    def writers(self, create: bool, extracted: list[Any] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.writers.set(extracted)


class ObjectImageFactory(factory.Factory):
    """Creates the image through ``object_image_add``, so the derivative files exist on disk."""

    class Meta:
        model = ObjectImage

    obj = factory.SubFactory(ObjectFactory)
    data = factory.LazyFunction(image_bytes)
    alt_text = ""

    @classmethod
    def _create(cls, model_class: type[ObjectImage], *args: Any, **kwargs: Any) -> ObjectImage:
        return object_image_add(**kwargs)

    @classmethod
    def _build(cls, model_class: type[ObjectImage], *args: Any, **kwargs: Any) -> ObjectImage:
        raise NotImplementedError("object images exist only through object_image_add")


class TipFactory(factory.Factory):
    """Submits a tip through ``tip_submit``; the receipt code is kept on ``tip.receipt_code``."""

    class Meta:
        model = Tip

    obj = factory.SubFactory(ObjectFactory)
    payload = factory.LazyFunction(lambda: TipPayload(text="I saw this bag in a shop in Gdansk around 2016."))

    @classmethod
    def _create(cls, model_class: type[Tip], *args: Any, **kwargs: Any) -> Tip:
        submitted = tip_submit(**kwargs)
        tip = submitted.tip
        tip.receipt_code = submitted.receipt  # type: ignore[attr-defined]
        return tip

    @classmethod
    def _build(cls, model_class: type[Tip], *args: Any, **kwargs: Any) -> Tip:
        raise NotImplementedError("tips exist only through tip_submit")


# --- leads (appended by the leads work) --------------------------------------------------------------
from traceobject.leads.models import Authority  # noqa: E402


class AuthorityFactory(DjangoModelFactory):
    """An authority row; determinations and leads exist only through the leads services."""

    class Meta:
        model = Authority
        django_get_or_create = ("country",)

    country = "PL"
    name = factory.LazyAttribute(lambda o: f"Test unit {o.country}")
    email = factory.LazyAttribute(lambda o: f"unit-{o.country.lower()}@example.org")
    active = True
