"""The SQLite write queue: writers of different processes exclude each other, and it is a no-op where
there is nothing to queue (PostgreSQL, an in-memory test database)."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
from pathlib import Path

import pytest

from traceobject.core import writelock


def _try_lock(path: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        queue.put("blocked")
    else:
        queue.put("acquired")
    finally:
        os.close(fd)


def _other_process_sees(path: Path) -> str:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_try_lock, args=(str(path), queue))
    process.start()
    process.join(30)
    return str(queue.get(timeout=5))


def test_a_writer_holds_the_queue_against_other_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = tmp_path / "db.sqlite3.writelock"
    monkeypatch.setattr(writelock, "_lock_path", lambda: str(lock))
    with writelock.sqlite_write_queue():
        assert lock.exists()
        assert _other_process_sees(lock) == "blocked"
    assert _other_process_sees(lock) == "acquired"


def test_the_lock_is_released_when_the_transaction_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = tmp_path / "db.sqlite3.writelock"
    monkeypatch.setattr(writelock, "_lock_path", lambda: str(lock))
    with pytest.raises(RuntimeError), writelock.sqlite_write_queue():
        raise RuntimeError("rolled back")
    assert _other_process_sees(lock) == "acquired"


@pytest.mark.django_db
def test_nothing_to_queue_for_the_test_database() -> None:
    """The suite's SQLite database lives in memory and PostgreSQL queues writers itself."""
    assert writelock._lock_path() is None
