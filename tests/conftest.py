from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches
from django.utils import translation

from tests.audit.triggers import audit_triggers_lifted
from tests.factories import (
    CategoryFactory,
    ObjectFactory,
    ObjectImageFactory,
    ReleaseFactory,
    TipFactory,
)
from traceobject.gallery.models import Object


@pytest.fixture(scope="session", autouse=True)
def _remove_test_data_dir() -> Iterator[None]:
    """Test mode creates a throw-away data directory per run; remove it afterwards."""
    yield
    data_dir = Path(settings.DATA_DIR)
    generated = (
        not os.environ.get("TRACEOBJECT_DATA_DIR")
        and data_dir.name.startswith("traceobject-test-")
        and data_dir.parent == Path(tempfile.gettempdir())
    )
    if generated:
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _flush_lifts_the_audit_triggers() -> Iterator[None]:
    """Django empties the database after each transactional test (``flush``): with DELETE on SQLite,
    which the audit trail's triggers refuse, and TRUNCATE on PostgreSQL, which they refuse too. The
    harness lifts them around its flush, as the database's owner, and puts them back; nothing in the
    application can (see ``tests/audit/triggers.py``)."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
        with audit_triggers_lifted(self.connection):
            original(self, sql_list)

    execute_sql_flush.__wrapped__ = original  # type: ignore[attr-defined]
    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]
    yield
    BaseDatabaseOperations.execute_sql_flush = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """Headline figures are cached: no test may see another test's counts. The vault's active key is
    kept per process for a few seconds: no test may seal to another test's key."""
    from traceobject import vault

    cache.clear()
    vault.active_key_forget()
    yield
    cache.clear()
    vault.active_key_forget()


@pytest.fixture(autouse=True)
def _reset_language() -> Iterator[None]:
    """The locale middleware leaves the last request's language active in the thread: start in English."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def enforce_csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def category_factory(db: None) -> type[CategoryFactory]:
    return CategoryFactory


@pytest.fixture
def release_factory(db: None) -> type[ReleaseFactory]:
    return ReleaseFactory


@pytest.fixture
def object_factory(db: None) -> type[ObjectFactory]:
    return ObjectFactory


@pytest.fixture
def object_image_factory(db: None) -> type[ObjectImageFactory]:
    return ObjectImageFactory


@pytest.fixture
def tip_factory(db: None) -> type[TipFactory]:
    return TipFactory


@pytest.fixture
def published_object(object_factory: type[ObjectFactory], object_image_factory: Any) -> Object:
    """A public object in the gallery, with one image large enough for every derivative width."""
    obj = object_factory(
        code="B17-2026",
        title="Blue canvas bag",
        description="A blue canvas bag with a yellow zip.",
        questions=["Which shop sold this bag?", "Where is the brand from?"],
        hints=["Probably sold around 2015.", "Look at the zip, not the strap."],
        case_reference="INTERNAL-CASE-B17",
    )
    object_image_factory(obj=obj, alt_text="A blue bag on a plain background")
    return obj


@pytest.fixture
def count_queries() -> Callable[[Callable[[], Any]], int]:
    """Run a callable and return how many database queries it made.

    Pair it with pytest-django's ``django_assert_max_num_queries`` to show that a list page does not
    make more queries as the number of rows grows.
    """

    def run(action: Callable[[], Any]) -> int:
        with CaptureQueriesContext(connection) as context:
            action()
        return len(context.captured_queries)

    return run


def _language_setting_changed(*, setting: str, **kwargs: Any) -> None:
    """Django's URL resolver keeps, per language, the patterns it reversed with that language's prefix;
    the default language has none. A test that changes the default would leave those entries behind
    for every later test (a German reverse without its /de/ prefix), so they go with the setting."""
    if setting in ("LANGUAGE_CODE", "LANGUAGES"):
        clear_url_caches()


setting_changed.connect(_language_setting_changed)


from tests.staff_fixtures import staff, staff_client  # noqa: E402, F401 - fixtures for every staff test
