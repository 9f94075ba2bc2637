"""Background work for triage (django-tasks): the daily retention run, which deletes tips with their
triage rows and adjusts the counts in the same transactions."""

from __future__ import annotations

from django_tasks import task

from traceobject.triage.retention import retention_purge as retention_purge_run


@task()
def retention_purge() -> dict[str, object]:
    """Apply the retention rules (``triage.retention``). Takes nothing and reads the current data and
    clock, so running it twice, or late, is harmless. Returns the counts, for the task's result."""
    return retention_purge_run().as_dict()
