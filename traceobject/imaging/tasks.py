"""Background work for images (django-tasks): processing runs after the upload's commit, by id."""

from __future__ import annotations

from django_tasks import task

from traceobject.imaging.services import object_image_process


@task()
def image_process(image_id: int) -> str:
    """Make the derivatives of one image, scan them, and record the result.

    Takes an id, not a row, so the worker reads the current edits; safe to run twice (see
    ``services.object_image_process``). Returns the image's status, or "gone" if it was removed.
    """
    image = object_image_process(image_id=image_id)
    return image.status if image is not None else "gone"
