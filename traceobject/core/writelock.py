"""One writer at a time on embedded SQLite, handed over by the kernel instead of by polling.

SQLite lets one connection write at a time. A second writer that finds the lock taken is parked by
SQLite's busy handler, which sleeps 1, 2, 5, 10, 15 … ms between attempts; under a flood of tips the
workers then spend much of their time asleep while the lock is already free. Taking an ``flock`` on a
file beside the database before ``BEGIN IMMEDIATE`` queues the writers in the kernel instead, which
wakes the next one the moment the lock is released (docs/benchmarks.md, "Intake").

PostgreSQL has row locks and its own queue: there this is a no-op.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from django.db import connection


@cache
def _lock_fd(path: str, pid: int) -> int:
    """One descriptor per process and database file, kept open: opening it per tip would cost more.
    By pid: a descriptor inherited through fork shares its lock with the parent, so it excludes nothing."""
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)


def _lock_path() -> str | None:
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if name.startswith("file:") or name == ":memory:" or not Path(name).parent.is_dir():
        return None  # an in-memory test database: one connection, nothing to queue
    return f"{name}.writelock"


@contextmanager
def sqlite_write_queue() -> Iterator[None]:
    """Wrap a write transaction (outside ``transaction.atomic``) that runs often and in parallel."""
    path = _lock_path()
    if path is None:
        yield
        return
    fd = _lock_fd(path, os.getpid())
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
