"""The daily jobs, and the one place that decides they are due (``traceobject scheduler``).

A job is due once per UTC day: the first tick of the day enqueues it. The mark "enqueued today" is an
atomic ``cache.add`` in the default cache (files under the data directory in production, so that a
restart the same day does not enqueue again). Every job must be safe to run twice anyway (ARCHITECTURE
§4.7): two schedulers, or a lost cache, cost one extra run, never a wrong result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string

# Long enough to outlive the day whatever the clock skew between processes.
MARK_SECONDS = 3 * 86400


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # the import path of a django-tasks task that takes no arguments


DAILY_JOBS: tuple[Job, ...] = (
    Job("retention_purge", "traceobject.tips.tasks.retention_purge"),
    Job("sessions_clear", "traceobject.core.tasks.sessions_clear"),
    Job("audit_chain_check", "traceobject.audit.tasks.audit_chain_check"),
)


def _mark(job: Job, now: datetime) -> str:
    return f"schedule:daily:{job.name}:{now.astimezone(UTC).date().isoformat()}"


def schedule_run_due(*, now: datetime | None = None, jobs: tuple[Job, ...] = DAILY_JOBS) -> list[str]:
    """Enqueue the daily jobs not yet enqueued today; returns their names.

    If enqueueing fails (the queue is down), the mark is taken back so that the next tick tries again,
    and the error propagates to the caller, which logs it and keeps ticking.
    """
    now = now or timezone.now()
    enqueued = []
    for job in jobs:
        mark = _mark(job, now)
        if not cache.add(mark, now.isoformat(), timeout=MARK_SECONDS):
            continue
        try:
            import_string(job.task).enqueue()
        except Exception:
            cache.delete(mark)
            raise
        enqueued.append(job.name)
    return enqueued


__all__ = ["DAILY_JOBS", "Job", "schedule_run_due"]
