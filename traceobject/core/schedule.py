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
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

# Long enough to outlive the day whatever the clock skew between processes.
MARK_SECONDS = 3 * 86400


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # the import path of a django-tasks task that takes no arguments


# Core's own daily jobs. The apps above core add theirs with ``daily_job_register`` in their
# ``AppConfig.ready()`` (triage: ``retention_purge``): core names no task of a higher app.
CORE_DAILY_JOBS: tuple[Job, ...] = (Job("sessions_clear", "traceobject.core.tasks.sessions_clear"),)
_registered: dict[str, Job] = {}


def daily_job_register(job: Job) -> Job:
    """Add a daily job (a hook for the apps above core). Registering the same job again is harmless;
    a different job under a name already taken is a configuration error."""
    taken = _registered.get(job.name) or next((j for j in CORE_DAILY_JOBS if j.name == job.name), None)
    if taken is not None and taken != job:
        raise ImproperlyConfigured(f"Two daily jobs are named {job.name!r}: {taken.task} and {job.task}.")
    _registered[job.name] = job
    return job


def daily_jobs() -> tuple[Job, ...]:
    """Every daily job, by name, so that the order does not depend on the order the apps load in."""
    jobs = {job.name: job for job in CORE_DAILY_JOBS} | _registered
    return tuple(sorted(jobs.values(), key=lambda job: job.name))


def _mark(job: Job, now: datetime) -> str:
    return f"schedule:daily:{job.name}:{now.astimezone(UTC).date().isoformat()}"


def schedule_run_due(*, now: datetime | None = None, jobs: tuple[Job, ...] | None = None) -> list[str]:
    """Enqueue the daily jobs not yet enqueued today; returns their names.

    If enqueueing fails (the queue is down), the mark is taken back so that the next tick tries again,
    and the error propagates to the caller, which logs it and keeps ticking.
    """
    now = now or timezone.now()
    enqueued = []
    for job in daily_jobs() if jobs is None else jobs:
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


__all__ = ["CORE_DAILY_JOBS", "Job", "daily_job_register", "daily_jobs", "schedule_run_due"]
