"""The processing task through django-tasks (the immediate backend in tests)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django_tasks import TaskResultStatus

from tests.factories import image_bytes
from tests.imaging.conftest import public_files, referenced
from traceobject.gallery.models import ImageStatus
from traceobject.imaging.services import object_image_upload
from traceobject.imaging.tasks import image_process


def test_the_task_processes_by_id_and_can_run_twice(draft, author) -> None:
    image = object_image_upload(actor=author, obj=draft("TASK-1"), data=image_bytes(900, 600))
    first = image_process.enqueue(image.pk)
    assert first.status == TaskResultStatus.SUCCESSFUL
    assert first.return_value == ImageStatus.READY
    image.refresh_from_db()
    files = referenced(image)
    second = image_process.enqueue(image.pk)
    assert second.return_value == ImageStatus.READY
    image.refresh_from_db()
    assert referenced(image) == files
    assert public_files("TASK-1") == files


def test_the_task_for_a_removed_image_is_a_no_op(db) -> None:
    assert image_process.enqueue(424242).return_value == "gone"


def test_a_refused_file_fails_the_image_not_the_task(draft, author) -> None:
    """A file that passed the upload checks but no longer decodes (here: replaced on disk)."""
    image = object_image_upload(actor=author, obj=draft("TASK-2"), data=image_bytes(900, 600))
    (Path(settings.PRIVATE_MEDIA_ROOT) / image.original_path).write_bytes(b"\xff\xd8\xff\xe0 broken")
    result = image_process.enqueue(image.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == ImageStatus.FAILED
    image.refresh_from_db()
    assert "cannot be read" in image.error
