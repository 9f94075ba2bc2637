from __future__ import annotations

from typing import Any

from django.apps import AppConfig


# The intake's modules load numpy and datasketch (about a second): imported on the first tip, so that the
# commands that take no tip do not pay for them at start-up.
def _tip_prepare(payload: Any) -> Any:
    from traceobject.triage.intake import tip_prepare

    return tip_prepare(payload)


def _object_lock(object_id: int) -> None:
    from traceobject.triage.intake import object_lock

    object_lock(object_id)


def _tip_index(*, tip: Any, prepared: Any) -> None:
    from traceobject.triage.intake import tip_index

    tip_index(tip=tip, prepared=prepared)


class TriageConfig(AppConfig):
    name = "traceobject.triage"
    label = "triage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from traceobject.core.schedule import Job, daily_job_register
        from traceobject.tips import hooks

        # The tips intake stores each tip with its signals, cluster and counters (tips.hooks).
        hooks.tip_prepare.register(_tip_prepare)
        hooks.object_lock.register(_object_lock)
        hooks.tip_index.register(_tip_index)
        # The retention deletes tips with their triage rows; the scheduler runs it daily.
        daily_job_register(Job("retention_purge", "traceobject.triage.tasks.retention_purge"))
