"""Background work for tips (django-tasks): the daily retention run."""

from __future__ import annotations

from django_tasks import task

from traceobject.tips.retention import retention_purge as retention_purge_run


@task()
def retention_purge() -> dict[str, object]:
    """Apply the retention rules (``tips.retention``). Takes nothing and reads the current data and
    clock, so running it twice, or late, is harmless. Returns the counts, for the task's result."""
    return retention_purge_run().as_dict()
