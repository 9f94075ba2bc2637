"""``traceobject scheduler``: enqueue the daily jobs (``core.schedule``) once a day, for the task worker.

``traceobject serve`` starts it beside the task worker in embedded mode; in production run one of it
beside ``traceobject db_worker``. It only enqueues: the work runs in the worker.
"""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from traceobject.core.schedule import schedule_run_due

logger = logging.getLogger("traceobject.schedule")


class Command(BaseCommand):
    help = "Enqueue the daily jobs (retention purge, expired sessions) once per UTC day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Check once and exit (cron, tests).")
        parser.add_argument("--interval", type=int, default=60, help="Seconds between checks (default 60).")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        if not options["once"]:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        while True:
            try:
                for name in schedule_run_due():
                    self.stdout.write(f"Enqueued {name}.")
            except Exception:
                # A queue that is down for a while must not end the scheduler: the next tick retries.
                logger.exception("could not enqueue the daily jobs")
                if options["once"]:
                    raise
            if options["once"]:
                return
            deadline = time.monotonic() + max(1, options["interval"])
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.5)
            if stopping:
                return
