"""The ``antiabuse`` cache without Redis: one SQLite file that every web worker of the host shares.

Without Redis, a per-process memory cache would let each gunicorn worker count on its own (the limits
multiply by the number of workers, a proof-of-work solution is accepted once per worker, a back-off seen by
one worker is unknown to the next). This backend keeps the entries in one small SQLite database that all
processes open, and makes the two operations the limits rely on atomic across processes: ``add`` (one
``INSERT ... ON CONFLICT`` statement, so that exactly one of two racing posts wins a proof of work) and
``incr`` (one ``UPDATE ... RETURNING``, which keeps the entry's expiry as Redis does).

By default the file lives in ``/dev/shm`` (memory, never written to a disk, gone at reboot), in a directory
of the server's user that no one else may open, so that the day key and the client tags stay off the disk
as they do with Redis (``settings.antiabuse_fallback_path``). Entries are small (a counter is about 60
bytes); expired ones are swept now and then. Values are integers (counters, natively) or pickles of the
few other types the limits store (timestamps, the day key), as Django's own file cache does.
"""

from __future__ import annotations

import os
import pickle
import random
import sqlite3
import stat
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.exceptions import ImproperlyConfigured

# One write in this many also deletes the expired entries.
SWEEP_EVERY = 500
# How long a worker waits for another's write before the call fails (and the checks fail open).
BUSY_SECONDS = 2.0


def directory_check(directory: Path) -> None:
    """Create ``directory`` for this user only, or refuse one that another user could read or replace:
    in a shared place such as /dev/shm, a directory made in advance by someone else would let them read
    the tags or plant entries (pickles) that this process would load."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(directory)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise ImproperlyConfigured(
            f"The anti-abuse cache directory {directory} must be a directory owned by this user with mode "
            "0700; remove it, or set TRACEOBJECT_ANTIABUSE_PATH to another place."
        )


class SharedSQLiteCache(BaseCache):
    """Django cache backend over one SQLite file shared by the processes of one host."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._path = Path(location)
        self._local = threading.local()

    # --- the connection, one per thread and per process (a forked worker opens its own) ---------------

    def _db(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None or getattr(self._local, "pid", None) != os.getpid():
            directory_check(self._path.parent)
            # Workers that start together race to set the file up, and SQLite answers "locked" at once,
            # without its busy wait, to a journal-mode switch that meets another: try again for a while.
            deadline = time.monotonic() + BUSY_SECONDS
            while True:
                try:
                    connection = self._connect()
                    break
                except sqlite3.OperationalError:
                    if time.monotonic() >= deadline:
                        raise
                    time.sleep(0.01)
            self._local.connection = connection
            self._local.pid = os.getpid()
        return connection

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self._path, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            os.chmod(self._path, 0o600)
            # WAL: readers never wait for the writer; synchronous=OFF: the entries are disposable.
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value, expires REAL) WITHOUT ROWID"
            )
        except BaseException:
            connection.close()
            raise
        return connection

    @staticmethod
    def _encode(value: Any) -> Any:
        if type(value) is int and -(2**63) <= value < 2**63:
            return value
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def _decode(value: Any) -> Any:
        return pickle.loads(value) if isinstance(value, bytes) else value  # noqa: S301 - our own 0700 file

    def _expires(self, timeout: Any) -> float | None:
        expires = self.get_backend_timeout(timeout)
        return None if expires is None else float(expires)

    def _maybe_sweep(self, db: sqlite3.Connection) -> None:
        if random.randrange(SWEEP_EVERY) == 0:  # noqa: S311 - not a secret, only spreads the work
            db.execute("DELETE FROM entries WHERE expires IS NOT NULL AND expires <= ?", (time.time(),))

    # --- the cache API ------------------------------------------------------------------------------------

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        db = self._db()
        # One statement: inserts, or replaces an expired entry, or leaves a live one alone, atomically.
        cursor = db.execute(
            "INSERT INTO entries (key, value, expires) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires = excluded.expires "
            "WHERE entries.expires IS NOT NULL AND entries.expires <= ?",
            (key, self._encode(value), self._expires(timeout), time.time()),
        )
        self._maybe_sweep(db)
        return cursor.rowcount == 1

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._db()
            .execute(
                "SELECT value FROM entries WHERE key = ? AND (expires IS NULL OR expires > ?)",
                (key, time.time()),
            )
            .fetchone()
        )
        return default if row is None else self._decode(row[0])

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        names = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not names:
            return {}
        marks = ",".join("?" * len(names))
        rows = (
            self._db()
            .execute(
                f"SELECT key, value FROM entries WHERE key IN ({marks}) "  # noqa: S608 - only placeholders
                "AND (expires IS NULL OR expires > ?)",
                (*names, time.time()),
            )
            .fetchall()
        )
        return {names[name]: self._decode(value) for name, value in rows}

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        key = self.make_and_validate_key(key, version=version)
        db = self._db()
        db.execute(
            "INSERT OR REPLACE INTO entries (key, value, expires) VALUES (?, ?, ?)",
            (key, self._encode(value), self._expires(timeout)),
        )
        self._maybe_sweep(db)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        cursor = self._db().execute(
            "UPDATE entries SET expires = ? WHERE key = ? AND (expires IS NULL OR expires > ?)",
            (self._expires(timeout), key, time.time()),
        )
        return cursor.rowcount == 1

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Atomic across processes, and keeps the entry's expiry (as Redis's INCR does)."""
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._db()
            .execute(
                "UPDATE entries SET value = value + ? WHERE key = ? AND typeof(value) = 'integer' "
                "AND (expires IS NULL OR expires > ?) RETURNING value",
                (delta, key, time.time()),
            )
            .fetchone()
        )
        if row is None:
            raise ValueError(f"Key '{key}' not found")
        return int(row[0])

    def delete(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._db().execute("DELETE FROM entries WHERE key = ?", (key,)).rowcount == 1

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self.get(key, self, version=version) is not self

    def clear(self) -> None:
        self._db().execute("DELETE FROM entries")

    def close(self, **kwargs: Any) -> None:
        """Kept open across requests: Django calls this at the end of each one."""
