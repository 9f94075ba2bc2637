"""The scheduler: each daily job is enqueued once per UTC day, and again the next day."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command

from traceobject.audit.models import AuditCheck
from traceobject.core import schedule
from traceobject.core.management.commands import serve
from traceobject.core.schedule import Job, daily_jobs, schedule_run_due

pytestmark = pytest.mark.django_db

T0 = datetime.fromisoformat("2026-03-01T23:58:00+00:00")


def test_every_daily_job_points_at_a_task() -> None:
    from django.utils.module_loading import import_string

    assert {job.name for job in daily_jobs()} == {"retention_purge", "sessions_clear", "audit_chain_check"}
    for job in daily_jobs():
        assert callable(import_string(job.task).enqueue)


def test_each_job_is_enqueued_once_a_day() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        assert schedule_run_due() == ["audit_chain_check", "retention_purge", "sessions_clear"]
        assert schedule_run_due() == []
        clock.shift(timedelta(minutes=1))  # 23:59, still the same UTC day
        assert schedule_run_due() == []
        clock.shift(timedelta(minutes=2))  # the next day
        assert schedule_run_due() == ["audit_chain_check", "retention_purge", "sessions_clear"]
        assert schedule_run_due() == []


def test_a_failed_enqueue_is_retried_on_the_next_tick() -> None:
    broken = Job("broken", "tests.core.test_schedule.NOT_A_TASK")
    with time_machine.travel(T0, tick=False), pytest.raises(ImportError):
        schedule_run_due(jobs=(broken,))
    with time_machine.travel(T0, tick=False), pytest.raises(ImportError):
        schedule_run_due(jobs=(broken,))  # not marked as done


def test_the_command_runs_the_due_jobs_and_they_really_run() -> None:
    expired = SessionStore()
    expired["x"] = 1
    expired.set_expiry(1)
    expired.create()
    with time_machine.travel(datetime.now(tz=T0.tzinfo) + timedelta(days=1), tick=False):
        out = StringIO()
        call_command("scheduler", "--once", stdout=out)
        assert "Enqueued retention_purge." in out.getvalue()
        assert "Enqueued sessions_clear." in out.getvalue()
        assert "Enqueued audit_chain_check." in out.getvalue()
        # The test task backend runs tasks at once: the expired session is gone, the chain was checked.
        assert not Session.objects.filter(session_key=expired.session_key).exists()
        assert AuditCheck.objects.get().ok
        out = StringIO()
        call_command("scheduler", "--once", stdout=out)
        assert out.getvalue() == ""


def test_serve_starts_the_scheduler_beside_the_task_worker() -> None:
    started: list[list[str]] = []

    class FakeProcess:
        def __init__(self, args: list[str], **kwargs: object) -> None:
            started.append(args)

        def poll(self) -> int:
            return 0

    with (
        mock.patch.object(serve.subprocess, "Popen", FakeProcess),
        mock.patch.object(serve._Gunicorn, "run", return_value=None),
    ):
        call_command("serve", "--task-worker", stdout=StringIO())
    commands = [args[3] for args in started]
    assert commands == ["db_worker", "scheduler"]
    assert schedule.MARK_SECONDS > 86400
