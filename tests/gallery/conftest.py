"""Fixtures for the staff side of the gallery: drafts made through the services, and a safety scan
whose verdict a test can set."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.factories import CategoryFactory, image_bytes
from traceobject.gallery import services
from traceobject.gallery.models import Category, Object
from traceobject.imaging.services import object_image_add


@dataclass
class FakeSafetyReport:
    blocking: bool = False
    images: list[Any] = field(default_factory=list)


@pytest.fixture
def safety(monkeypatch) -> FakeSafetyReport:
    """Replace the imaging safety scan in the gallery services by a report the test controls."""
    report = FakeSafetyReport()
    monkeypatch.setattr(services, "_safety_report", lambda obj: report)
    return report


@pytest.fixture
def category(db) -> Category:
    return CategoryFactory(slug="bags", name="Bags")


@pytest.fixture
def make_draft(category) -> Callable[..., Object]:
    """``make_draft(author, code="D1-2026", images=1)``: a draft written through ``object_create``,
    with ready images added the foundation's way (processed in the call)."""

    def build(author: Any, *, code: str = "D1-2026", images: int = 1, **overrides: Any) -> Object:
        values: dict[str, Any] = {
            "code": code,
            "title": "Blue canvas bag",
            "category": category,
            "description": "A bag with a yellow zip.",
            "questions": ["Which shop sold this bag?"],
            "hints": ["Circa 2015."],
            "case_reference": "CASE-INTERNAL-77",
            "internal_notes": "Seen in series 12.",
        }
        values.update(overrides)
        obj = services.object_create(actor=author, fields=services.ObjectFields(**values))
        for index in range(images):
            object_image_add(obj=obj, data=image_bytes(400, 300, color=(10 + index * 40, 120, 60)))
        return obj

    return build
