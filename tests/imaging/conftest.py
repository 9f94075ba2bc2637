"""Fixtures for the image pipeline: a draft object, an author, on-commit work run for real, and the
files of an object on disk."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.factories import ObjectFactory
from traceobject.gallery.models import Object, ObjectStatus


@pytest.fixture
def author(staff) -> Any:
    """A publisher: may write objects (and so upload and edit images)."""
    return staff["publisher"]


@pytest.fixture
def draft(db) -> Callable[..., Object]:
    """``draft("IMG-1")``: a draft object (images can be changed only on drafts)."""

    def make(code: str, **fields: Any) -> Object:
        return ObjectFactory(code=code, status=ObjectStatus.DRAFT, release=None, **fields)

    return make


@pytest.fixture
def committed(django_capture_on_commit_callbacks) -> Callable[[], Any]:
    """``with committed(): ...``: run what the block schedules with ``on_commit`` (the processing task,
    file clean-up) as a real commit would; the test transaction itself never commits."""

    @contextmanager
    def run() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run


def public_files(code: str) -> set[str]:
    """Every public file of an object, relative to MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT)
    folder = root / "objects" / code
    return {str(p.relative_to(root)) for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def private_files(code: str) -> set[str]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    folder = root / "uploads" / code
    return {str(p.relative_to(root)) for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def referenced(image: Any) -> set[str]:
    return {d["path"] for d in image.derivatives}
