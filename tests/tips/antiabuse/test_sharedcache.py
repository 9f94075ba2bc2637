"""The anti-abuse cache without Redis: one SQLite file shared by every web worker, with atomic add and incr.

The workers here are real forked processes, as gunicorn's are.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from tests.tips.antiabuse.conftest import Clock
from traceobject.tips.antiabuse import ratelimit
from traceobject.tips.antiabuse.sharedcache import SharedSQLiteCache, directory_check

WORKERS = 4


def _in_workers(work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(n)`` in WORKERS forked processes at once and return their results."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start = context.Event()

    def run(n: int) -> None:
        start.wait()
        try:
            results.put((n, work(n)))
        except BaseException as exc:  # said, not a worker that vanishes and a queue that waits
            results.put((n, f"worker {n} raised {exc!r}"))
            raise

    workers = [context.Process(target=run, args=(n,)) for n in range(WORKERS)]
    for worker in workers:
        worker.start()
    start.set()
    answers = dict(results.get(timeout=60) for _ in workers)
    raised = [
        answer for answer in answers.values() if isinstance(answer, str) and answer.startswith("worker ")
    ]
    assert not raised, raised
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    return [answers[n] for n in range(WORKERS)]


def _cache(path: Path) -> SharedSQLiteCache:
    return SharedSQLiteCache(str(path), {})


def test_counters_are_exact_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "aa" / "shared.sqlite3"

    def count(_n: int) -> int:
        cache = _cache(path)
        return max(ratelimit.counter_add(cache, "hits", 600) for _ in range(300))

    highest = _in_workers(count)
    assert _cache(path).get("hits") == WORKERS * 300, "no increment lost between workers"
    assert max(highest) == WORKERS * 300


def test_one_single_use_mark_per_token_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "aa" / "shared.sqlite3"

    def claim(_n: int) -> list[int]:
        cache = _cache(path)
        return [token for token in range(200) if cache.add(f"pow:{token}", 1, timeout=600)]

    won = [token for tokens in _in_workers(claim) for token in tokens]
    assert sorted(won) == list(range(200)), "each proof of work is accepted exactly once, by one worker"


def test_workers_that_start_together_all_open_a_new_file(tmp_path: Path) -> None:
    """Workers that start at once race to set a new file up (WAL switch, table); each must get its
    connection, not a "database is locked" that would leave its requests without limits."""
    for round_ in range(10):
        path = tmp_path / f"round-{round_}" / "shared.sqlite3"

        def first_use(n: int, path: Path = path) -> bool:
            return _cache(path).add(f"worker:{n}", 1, timeout=600)

        assert _in_workers(first_use) == [True] * WORKERS


def test_a_limit_holds_across_workers(antiabuse_backend: str, clock: Clock) -> None:
    """Two workers together get what one address may send, not twice that."""
    limit = ratelimit.limit_for("follow-up")

    def attempts(_n: int) -> int:
        request = RequestFactory().post("/follow-up/thread/")
        request.client_tag = "tag-of-one-address"  # type: ignore[attr-defined]
        return sum(ratelimit.rate_check(request, "follow-up").allowed for _ in range(limit.per_hour))

    allowed = sum(_in_workers(attempts))
    # Never more than one address may send: a lost increment would show here. Fewer is possible, by at most
    # one per worker: a worker descheduled between its minute and hour increments can find the hour counter
    # already filled by the others' quick refusals (every attempt counts), and is refused too.
    assert limit.per_minute + limit.burst - WORKERS <= allowed <= limit.per_minute + limit.burst


def test_incr_keeps_the_expiry_and_expired_entries_are_gone(tmp_path: Path, monkeypatch: Any) -> None:
    import time

    from traceobject.tips.antiabuse import sharedcache

    cache = _cache(tmp_path / "shared.sqlite3")
    at = [1_800_000_000.0]
    monkeypatch.setattr(sharedcache.time, "time", lambda: at[0])
    monkeypatch.setattr(time, "time", lambda: at[0])  # BaseCache.get_backend_timeout reads it too
    assert cache.add("n", 0, timeout=60)
    assert not cache.add("n", 5, timeout=60), "a live entry is kept"
    assert cache.incr("n") == 1
    at[0] += 59
    assert cache.incr("n") == 2, "incrementing does not restart the window"
    at[0] += 2
    assert cache.get("n") is None
    with pytest.raises(ValueError, match="not found"):
        cache.incr("n")
    assert cache.add("n", 7, timeout=60), "an expired entry is replaced"
    assert cache.get("n") == 7
    cache.set("until", 1_800_000_100.5, timeout=30)
    assert cache.get_many(["until", "n", "missing"]) == {"until": 1_800_000_100.5, "n": 7}
    assert cache.touch("n", timeout=3600)
    at[0] += 120
    assert cache.get("n") == 7
    assert cache.get("until") is None


def test_a_directory_someone_else_could_open_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "shm" / "traceobject-1000"
    directory_check(directory)
    assert os.stat(directory).st_mode & 0o777 == 0o700
    os.chmod(directory, 0o755)  # noqa: S103 - the unsafe mode under test
    with pytest.raises(ImproperlyConfigured, match="mode 0700"):
        directory_check(directory)
    with pytest.raises(ImproperlyConfigured):
        _cache(directory / "shared.sqlite3").get("anything")
    os.chmod(directory, 0o700)
    link = tmp_path / "shm" / "link"
    link.symlink_to(directory)
    with pytest.raises(ImproperlyConfigured):
        directory_check(link)


def test_the_fallback_file_stays_in_memory_and_apart_per_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from traceobject.settings import antiabuse_fallback_path

    monkeypatch.delenv("TRACEOBJECT_ANTIABUSE_PATH", raising=False)
    first, second = antiabuse_fallback_path(tmp_path / "a"), antiabuse_fallback_path(tmp_path / "b")
    assert first != second, "two deployments on one host never share counters"
    shm = Path("/dev/shm")  # noqa: S108 - the place under test
    if shm.is_dir() and os.access(shm, os.W_OK):
        assert first.parent == shm / f"traceobject-{os.geteuid()}"
    else:
        assert first.parent == tmp_path / "a" / "cache"
    monkeypatch.setenv("TRACEOBJECT_ANTIABUSE_PATH", str(tmp_path / "elsewhere.sqlite3"))
    assert antiabuse_fallback_path(tmp_path / "a") == tmp_path / "elsewhere.sqlite3"
