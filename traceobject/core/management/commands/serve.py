"""``traceobject serve``: the production web server, plus the task worker and the scheduler in embedded mode.

gunicorn, not ``runserver``. Its access log is configured without the client address, and its own
log level is kept at warning, because gunicorn mentions the peer address in some debug messages.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from traceobject.core.env import env_str

# No %(h)s (remote address), no user agent, no referrer.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


# gunicorn refuses a malformed request line or header itself, before Django sees it, and logs
# "Invalid request from ip=<the client's address>: ...". An IPv6 address holds colons, never ": ".
_PEER = re.compile(r" from ip=.*?(?=: |$)|\bip=\S+")


class _NoAddress(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = _PEER.sub("", message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


class AddressFreeLogger(Logger):
    """gunicorn's logger, with the client's address taken out of its error log (ARCHITECTURE 4.10)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.addFilter(_NoAddress())


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from traceobject.wsgi import application

        return application


def gunicorn_options(*, host: str, port: int, workers: int, threads: int, access_log: bool) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "accesslog": "-" if access_log else None,
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "logger_class": AddressFreeLogger,
        "loglevel": "warning",
        "limit_request_line": 4094,
        "limit_request_fields": 60,
        "limit_request_field_size": 8190,
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "proc_name": "traceobject",
    }


def embedded_notice() -> list[str]:
    """What embedded mode does not protect, printed by ``make run`` before it serves (docs/security.md,
    "Embedded mode")."""
    data_dir = Path(settings.DATA_DIR)
    keys_dir = Path(getattr(settings, "KEYS_DIR", data_dir / "keys"))
    in_data = keys_dir == data_dir or data_dir in keys_dir.parents
    kept = [
        label
        for label, variable, name in (
            ("the secret key", "TRACEOBJECT_SECRET_KEY", "django-secret.key"),
            ("the receipt pepper", "TRACEOBJECT_RECEIPT_PEPPER", "receipt-pepper.key"),
        )
        if not env_str(variable) and (keys_dir / name).exists()
    ]
    lines = ["Embedded mode: a demonstration, not a deployment for real tips. It does not protect against:"]
    if in_data and kept:
        lines += [
            f"  - a copy of the data folder {data_dir}: it holds {' and '.join(kept)} (in {keys_dir}).",
            "    With them, the copy can test guesses of the shops and web domains tipsters named (and of",
            "    short pieces of their text) and open a captured follow-up cookie. Keep them outside the",
            "    data folder, for instance in",
            "    TRACEOBJECT_SECRETS_DIR=/another/disk/traceobject-keys (move the files there first).",
        ]
    else:
        lines.append(
            f"  - a copy of the data folder {data_dir} together with the secrets kept in {keys_dir}."
        )
    if not settings.BEHIND_TLS_PROXY:
        lines.append(
            "  - a network observer: plain HTTP; behind a TLS proxy set TRACEOBJECT_BEHIND_TLS_PROXY=1."
        )
    lines += [
        "  - anyone who knows the demo team's passwords (printed by make run, the same everywhere): they",
        "    open the staff side, and with a copy of the data folder they unwrap the demo team's vault keys.",
        'See docs/security.md, section "Embedded mode".',
    ]
    return lines


class Command(BaseCommand):
    help = "Serve the site with gunicorn; in embedded mode also run the background task worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("TRACEOBJECT_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("TRACEOBJECT_WEB_WORKERS", "2"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("TRACEOBJECT_WEB_THREADS", "1"))
        )
        parser.add_argument(
            "--task-worker",
            action="store_true",
            default=settings.EMBEDDED,
            help="Run the task worker beside the web server (default in embedded mode).",
        )
        parser.add_argument("--no-task-worker", dest="task_worker", action="store_false")
        parser.add_argument("--no-access-log", dest="access_log", action="store_false", default=True)

    def handle(self, *args: Any, **options: Any) -> None:
        worker: subprocess.Popen[bytes] | None = None
        scheduler: subprocess.Popen[bytes] | None = None
        if options["task_worker"]:
            worker = subprocess.Popen(
                [sys.executable, "-m", "traceobject.cli", "db_worker", "--queue-name", "*", "--no-reload"],
                env=os.environ.copy(),
            )
            # The daily jobs (retention, expired sessions) for that worker: see core/schedule.py.
            scheduler = subprocess.Popen(
                [sys.executable, "-m", "traceobject.cli", "scheduler"], env=os.environ.copy()
            )
        if settings.MODE == "embedded":
            for line in embedded_notice():
                self.stdout.write(self.style.WARNING(line))
        self.stdout.write(f"Serving on http://{options['host']}:{options['port']}/ (Ctrl+C to stop)")
        # The workers fork from this process: they must not inherit an open database connection.
        connections.close_all()
        try:
            _Gunicorn(
                gunicorn_options(
                    host=options["host"],
                    port=options["port"],
                    workers=options["workers"],
                    threads=options["threads"],
                    access_log=options["access_log"],
                )
            ).run()
        finally:
            for process in (scheduler, worker):
                if process is not None and process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    try:
                        process.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        process.kill()
