"""Tip intake throughput against the framework floor, on the production server, over real HTTP.

    .venv/bin/python -m bench.intake                      # gunicorn and granian, 2 workers each
    .venv/bin/python -m bench.intake --sweep --json-out var/bench.json

For each server configuration it:

1. copies a freshly migrated SQLite data directory (embedded mode: WAL, ``synchronous=FULL``,
   ``BEGIN IMMEDIATE``, as in ``settings.py``) holding one published public object;
2. starts the server on a free port exactly as production does (``traceobject serve ...``, or granian on
   ``traceobject.wsgi:application``) with ``TRACEOBJECT_BENCH_FLOOR=1``, and waits for ``/healthz``;
3. starts N client processes. Each is a browser-like visitor with its own keep-alive connection and
   cookie jar: it GETs the object page for the CSRF cookie and token, then, in a closed loop, posts tips
   (``Origin: null``, as browsers send under our no-referrer policy) or, for the floor, the same bodies
   to ``/bench/floor/`` (``traceobject.core.bench_views``);
4. alternates intake and floor phases (I F, F I, I F for three repeats) so that both share the noise of
   this machine, and quotes the median of the repeats;
5. kills the server with SIGKILL (no graceful shutdown) and counts the tips in the database: every
   tip acknowledged with a receipt must be there.

A tip counts as accepted only on a 200 whose page shows ``id="receipt-code"``. Throughput counts the
requests that completed inside the measured window; latency is the client's, from sending the request to
reading the whole response. Everything runs on 127.0.0.1, bounded in time.

The machine is shared, so each phase waits for other jobs to go quiet first, records how many cores
they took meanwhile ("other"), and is measured again when they took too many. The server's CPU time per
request (its process group's, from /proc) is reported beside the throughput: it moves far less with
the neighbours' load, so it is the figure to compare between code versions.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import multiprocessing
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from importlib import metadata
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.texts import tip_fields

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
FLOOR_PATH = "/bench/floor/"
RECEIPT_MARKER = b'id="receipt-code"'
TOKEN_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
BODIES_PER_CLIENT = 256
SOCKET_TIMEOUT = 30.0
KINDS = ("intake", "floor")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1
QUIET_CORES = 0.25  # other jobs' CPU use under which the machine counts as quiet
DISTURBED_CORES = 0.3  # other jobs' CPU use during a phase above which it is measured again
# The configurations worth comparing on a 2-core machine; see docs/benchmarks.md.
SWEEP = (
    "gunicorn:2",
    "gunicorn:4",
    "gunicorn:6",
    "gunicorn:2x4",
    "granian:2x1",
    "granian:2x4",
    "granian:4x1",
    "granian:4x2",
)


# --- Server configurations ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ServerConfig:
    """One way of serving ``traceobject.wsgi``: a server, its worker processes and threads per worker."""

    server: str
    workers: int
    threads: int = 1

    @classmethod
    def parse(cls, spec: str) -> ServerConfig:
        """``gunicorn:4`` (sync), ``gunicorn:2x4`` (gthread), ``granian:2x2`` (blocking threads)."""
        server, _, size = spec.partition(":")
        workers, _, threads = (size or "4").partition("x")
        if server not in {"gunicorn", "granian"} or not workers.isdigit() or not (threads or "1").isdigit():
            raise argparse.ArgumentTypeError(
                f"expected gunicorn:W, gunicorn:WxT or granian:WxT, not {spec!r}"
            )
        return cls(server, int(workers), int(threads or "1"))

    @property
    def label(self) -> str:
        if self.server == "gunicorn":
            kind = "gthread" if self.threads > 1 else "sync"
            return f"gunicorn {kind} {self.workers}x{self.threads}"
        return f"granian {self.workers}x{self.threads}"

    def command(self, port: int | str) -> list[str]:
        """The production command line: ``traceobject serve`` for gunicorn, granian's CLI for granian."""
        if self.server == "gunicorn":
            return [
                *_traceobject_command(),
                "serve",
                "--host",
                HOST,
                "--port",
                str(port),
                "--no-task-worker",
                "--no-access-log",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
            ]
        return [
            str(BIN / "granian"),
            "--interface",
            "wsgi",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(self.workers),
            # Granian's WSGI default is hundreds of threads per worker; say what is measured.
            "--blocking-threads",
            str(self.threads),
            "--no-ws",
            "--log-level",
            "warning",
            "--no-access-log",
            "traceobject.wsgi:application",
        ]


def _traceobject_command() -> list[str]:
    script = BIN / "traceobject"
    return [str(script)] if script.exists() else [sys.executable, "-m", "traceobject.cli"]


def _server_env(data_dir: Path) -> dict[str, str]:
    """Embedded mode on a private SQLite file; nothing inherited may point the server elsewhere."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GRANIAN_")
        and key not in {"DATABASE_URL", "PORT", "TRACEOBJECT_WEB_WORKERS", "TRACEOBJECT_WEB_THREADS"}
    }
    env.update(
        TRACEOBJECT_ENV="embedded",
        TRACEOBJECT_DATA_DIR=str(data_dir),
        TRACEOBJECT_BENCH_FLOOR="1",
        # Load, not abuse: the per-address limits and the surge breaker would refuse or hold the tips.
        TRACEOBJECT_RATE_LIMITS="0",
        TRACEOBJECT_DEBUG="0",
        DJANGO_SETTINGS_MODULE="traceobject.settings",
    )
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def prepare_data(base: Path) -> tuple[Path, dict[str, Any]]:
    """Migrate, collect static files (the manifest storage needs them) and seed, once per run."""
    data_dir = base / "template"
    env = _server_env(data_dir)
    for args in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([*_traceobject_command(), *args], env=env, cwd=ROOT, check=True)
    seeded = subprocess.run(
        [sys.executable, "-m", "bench.seed"], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return data_dir, json.loads(seeded.stdout.strip().splitlines()[-1])


class Server:
    """A server subprocess in its own session, so that it and its workers can be stopped together."""

    def __init__(self, config: ServerConfig, data_dir: Path) -> None:
        self.config = config
        self.port = _free_port()
        self.log_path = data_dir / "server.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            config.command(self.port),
            env=_server_env(data_dir),
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.config.label} exited early:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(
            f"{self.config.label} did not answer /healthz in {timeout:.0f}s:\n{self.log_tail()}"
        )

    def crash(self) -> None:
        """SIGKILL the server's process group: no graceful shutdown, no chance to flush anything late."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


# --- The load: one process per visitor --------------------------------------------------------------
class Visitor:
    """A browser-like client: one keep-alive connection and one cookie jar, requests one at a time."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=SOCKET_TIMEOUT)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = {"Accept": "text/html", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = "null"  # what browsers send under Referrer-Policy: no-referrer
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        content = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, content


def _client_main(index: int, port: int, code: str, pipe: Connection) -> None:
    """One visitor process: fetch the form, then run the phases the coordinator sends."""
    rng = random.Random(1000 + index)
    visitor = Visitor(port)
    try:
        status, page = visitor.request("GET", f"/objects/{code}/")
    except (OSError, http.client.HTTPException) as exc:
        pipe.send({"error": f"GET object page: {exc!r}"})
        return
    match = TOKEN_RE.search(page)
    if status != 200 or match is None or "to_csrf" not in visitor.cookies:
        pipe.send({"error": f"GET object page: status {status}, token {bool(match)}, {visitor.cookies}"})
        return
    token = match.group(1).decode()
    bodies = [
        urlencode({"csrfmiddlewaretoken": token, **tip_fields(rng)}).encode()
        for _ in range(BODIES_PER_CLIENT)
    ]
    pipe.send({"ready": True, "body_bytes": statistics.mean(len(body) for body in bodies)})
    targets = {"intake": (f"/objects/{code}/tip/", RECEIPT_MARKER), "floor": (FLOOR_PATH, b"ok ")}
    sent = 0
    while True:
        command = pipe.recv()
        if command["op"] == "stop":
            return
        path, marker = targets[command["kind"]]
        visitor.conn.close()  # a fresh connection per phase: no idle keep-alive races
        latencies: list[float] = []
        accepted = accepted_window = 0
        refused: Counter[str] = Counter()
        while (started := time.monotonic()) < command["end_at"] and not pipe.poll():  # poll: stop early
            body = bodies[sent % len(bodies)]
            sent += 1
            try:
                status, content = visitor.request("POST", path, body)
                ok = status == 200 and marker in content
                outcome = "ok" if ok else str(status)
            except (OSError, http.client.HTTPException) as exc:
                visitor.conn.close()
                ok, outcome = False, type(exc).__name__
            finished = time.monotonic()
            accepted += ok
            if not ok:
                refused[outcome] += 1
            if command["measure_from"] <= finished <= command["end_at"]:
                latencies.append((finished - started) * 1000)
                accepted_window += ok
        pipe.send(
            {
                "accepted": accepted,
                "accepted_window": accepted_window,
                "latencies_ms": latencies,
                "refused": dict(refused),
            }
        )


def _machine_busy_seconds() -> float:
    """CPU seconds the whole machine (all cores) has spent busy since boot, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICKS  # guest time is already counted in user


def _process_cpu_seconds(*, pgid: int, pids: frozenset[int]) -> tuple[float, float]:
    """User + system CPU seconds of (the process group ``pgid``, the processes ``pids``).

    The group is the server and its workers. Unlike throughput, the server's CPU time per request
    hardly moves when other jobs share the machine, so it is the figure to compare on a noisy host.
    """
    group = listed = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields[0] is the state)
        if int(fields[2]) == pgid:
            group += ticks
        elif int(stat.parent.name) in pids:
            listed += ticks
    return group / CLOCK_TICKS, listed / CLOCK_TICKS


def wait_quiet(*, limit: float, threshold: float = QUIET_CORES) -> float:
    """Wait (at most ``limit`` seconds) until other jobs use less than ``threshold`` cores.

    Call it while the benchmark itself is idle: this machine is shared, and a test suite starting in
    the middle of a phase halves its figures. Returns the seconds waited.
    """
    started = time.monotonic()
    while True:
        before = _machine_busy_seconds()
        time.sleep(1.0)
        if _machine_busy_seconds() - before < threshold or time.monotonic() - started >= limit:
            return time.monotonic() - started


def _percentile(ordered: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class Load:
    """The coordinator's handle on the visitor processes."""

    def __init__(self, clients: int, port: int, code: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes: list[BaseProcess] = []
        for index in range(clients):
            parent, child = context.Pipe()
            process = context.Process(target=_client_main, args=(index, port, code, child), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)
        replies = [self._receive(pipe, time.monotonic() + 60) for pipe in self.pipes]
        errors = [reply["error"] for reply in replies if "error" in reply]
        if errors:
            self.stop()
            raise RuntimeError("a visitor could not start: " + "; ".join(errors))
        self.body_bytes = statistics.mean(reply["body_bytes"] for reply in replies)

    @staticmethod
    def _receive(pipe: Connection, deadline: float) -> dict[str, Any]:
        if not pipe.poll(max(0.0, deadline - time.monotonic())):
            raise TimeoutError("a visitor did not answer in time")
        try:
            reply: dict[str, Any] = pipe.recv()
        except EOFError as exc:
            raise RuntimeError("a visitor process died; see its traceback above") from exc
        return reply

    def phase(self, kind: str, *, warmup: float, duration: float, server_pgid: int) -> dict[str, Any]:
        """Run one closed-loop phase on every visitor; measure the last ``duration`` seconds."""
        pids = frozenset(process.pid for process in self.processes if process.pid is not None)
        start = time.monotonic() + 0.05
        measure_from, end_at = start + warmup, start + warmup + duration
        for pipe in self.pipes:
            pipe.send({"op": "run", "kind": kind, "measure_from": measure_from, "end_at": end_at})
        time.sleep(max(0.0, measure_from - time.monotonic()))
        busy0, (server0, visitors0) = (
            _machine_busy_seconds(),
            _process_cpu_seconds(pgid=server_pgid, pids=pids),
        )
        time.sleep(max(0.0, end_at - time.monotonic()))
        busy1, (server1, visitors1) = (
            _machine_busy_seconds(),
            _process_cpu_seconds(pgid=server_pgid, pids=pids),
        )
        busy, server_cpu, visitors_cpu = busy1 - busy0, server1 - server0, visitors1 - visitors0
        replies = [self._receive(pipe, end_at + SOCKET_TIMEOUT + 5) for pipe in self.pipes]
        latencies = sorted(latency for reply in replies for latency in reply["latencies_ms"])
        refused: Counter[str] = Counter()
        for reply in replies:
            refused.update(reply["refused"])
        window = sum(reply["accepted_window"] for reply in replies)
        return {
            "kind": kind,
            "per_s": window / duration if duration else math.nan,
            "p50_ms": _percentile(latencies, 50),
            "p99_ms": _percentile(latencies, 99),
            "requests": len(latencies),
            "accepted": sum(reply["accepted"] for reply in replies),
            "refused": dict(refused),
            "server_cpu_ms": server_cpu * 1000 / window if window else math.nan,
            "server_cores": server_cpu / duration if duration else math.nan,
            "load_cores": visitors_cpu / duration if duration else math.nan,
            # Everything else that ran meanwhile: other jobs on this machine, and the kernel's share.
            "other_cores": max(0.0, busy - server_cpu - visitors_cpu) / duration if duration else math.nan,
            "machine_cpu_busy": busy / (CORES * duration) if duration else math.nan,
        }

    def stop(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(OSError):
                pipe.send({"op": "stop"})
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()


# --- One configuration ----------------------------------------------------------------------------------
def _count_tips(database: Path) -> int:
    with sqlite3.connect(database) as db:
        (count,) = db.execute("SELECT count(*) FROM tips_tip").fetchone()
    db.close()
    return int(count)


def _median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "per_s": statistics.median(run["per_s"] for run in runs),
        "p50_ms": statistics.median(run["p50_ms"] for run in runs),
        "p99_ms": statistics.median(run["p99_ms"] for run in runs),
        "server_cpu_ms": statistics.median(run["server_cpu_ms"] for run in runs),
        "machine_cpu_busy": statistics.median(run["machine_cpu_busy"] for run in runs),
        "load_cores": statistics.median(run["load_cores"] for run in runs),
        "other_cores": statistics.median(run["other_cores"] for run in runs),
        "runs": runs,
    }


def bench_config(
    config: ServerConfig, template: Path, base: Path, code: str, args: argparse.Namespace
) -> dict[str, Any]:
    """Serve one configuration from a copy of the seeded data, measure, crash it, check the tips."""
    data_dir = base / config.label.replace(" ", "-")
    shutil.copytree(template, data_dir)
    print(f"\n== {config.label}", flush=True)
    server = Server(config, data_dir)
    load: Load | None = None
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    accepted_tips = 0
    try:
        server.wait_healthy()
        load = Load(args.clients, server.port, code)
        for kind in KINDS:  # first requests load templates, translations, connections: not measured
            warm = load.phase(kind, warmup=args.warmup, duration=0, server_pgid=server.process.pid)
            if kind == "intake":
                accepted_tips += warm["accepted"]
        for repeat in range(args.repeats):
            for kind in KINDS if repeat % 2 == 0 else KINDS[::-1]:
                for attempt in range(1 + args.reruns):
                    waited = wait_quiet(limit=args.quiet_wait) if args.quiet_wait > 0 else 0.0
                    run = load.phase(
                        kind, warmup=args.phase_warmup, duration=args.duration, server_pgid=server.process.pid
                    )
                    run.update(waited_for_quiet_s=round(waited, 1), attempt=attempt + 1)
                    if kind == "intake":
                        accepted_tips += run["accepted"]
                    print(
                        f"   {kind:6} {run['per_s']:7.1f}/s  p50 {run['p50_ms']:6.1f} ms  "
                        f"p99 {run['p99_ms']:6.1f} ms  server cpu {run['server_cpu_ms']:5.2f} ms/req  "
                        f"machine {run['machine_cpu_busy']:4.0%}, other jobs {run['other_cores']:4.2f} cores"
                        + (f"  refused {run['refused']}" if run["refused"] else ""),
                        flush=True,
                    )
                    if run["other_cores"] <= DISTURBED_CORES:
                        break
                    if attempt < args.reruns:
                        print("          (other jobs took the CPU: measured again)", flush=True)
                runs[kind].append(run)
    finally:
        if load is not None:
            load.stop()
        server.crash()
    stored = _count_tips(data_dir / "traceobject.sqlite3")
    intake, floor = _median_of(runs["intake"]), _median_of(runs["floor"])
    return {
        "config": config.label,
        "server": config.server,
        "workers": config.workers,
        "threads": config.threads,
        "command": " ".join(config.command("<port>")),
        "body_bytes": load.body_bytes if load else None,
        "intake": intake,
        "floor": floor,
        "ratio": intake["per_s"] / floor["per_s"] if floor["per_s"] else math.nan,
        # The same ratio from server CPU time per request: steadier when the machine is shared.
        "cpu_ratio": floor["server_cpu_ms"] / intake["server_cpu_ms"]
        if intake["server_cpu_ms"]
        else math.nan,
        "durability": {
            "acknowledged": accepted_tips,
            "stored_after_sigkill": stored,
            "lost": max(0, accepted_tips - stored),
            "stored_without_receipt": max(0, stored - accepted_tips),
            "ok": stored == accepted_tips,
        },
    }


# --- Reporting ------------------------------------------------------------------------------------------
def _versions() -> dict[str, str]:
    found = {}
    for name in ("django", "gunicorn", "granian", "pynacl"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def _json_safe(value: Any) -> Any:
    """NaN (a phase with nothing accepted) as null, so that the file is strict JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    return value


def table(results: list[dict[str, Any]]) -> str:
    """The medians, one line per configuration; "cpu ms" is the server's CPU time per request."""
    head = (
        f"{'configuration':21} {'tips/s':>6} {'p50':>5} {'p99':>5} {'cpu ms':>6} | {'floor/s':>7} {'p50':>5} "
        f"{'p99':>5} {'cpu ms':>6} | {'ratio':>5} {'load':>4} {'other':>5} {'durable':>7}"
    )
    lines = [head, "-" * len(head)]
    for result in results:
        intake, floor, durable = result["intake"], result["floor"], result["durability"]
        lines.append(
            f"{result['config']:21} {intake['per_s']:6.0f} {intake['p50_ms']:5.1f} {intake['p99_ms']:5.0f} "
            f"{intake['server_cpu_ms']:6.2f} | {floor['per_s']:7.0f} {floor['p50_ms']:5.1f} "
            f"{floor['p99_ms']:5.0f} {floor['server_cpu_ms']:6.2f} | {result['ratio']:5.2f} "
            f"{intake['load_cores']:4.2f} {intake['other_cores']:5.2f} {'yes' if durable['ok'] else 'NO':>7}"
        )
    lines.append(
        "latencies in ms; cpu ms = server CPU time per request; load = cores used by the visitors, "
        "other = cores used by everything else during the intake phases"
    )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else None)
    parser.add_argument("--server", choices=["gunicorn", "granian", "both"], default="both")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2, as serve)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread for gunicorn)")
    parser.add_argument(
        "--config",
        action="append",
        type=ServerConfig.parse,
        help="gunicorn:W, gunicorn:WxT or granian:WxT; repeatable; overrides --server/--workers/--threads",
    )
    parser.add_argument("--sweep", action="store_true", help="measure " + ", ".join(SWEEP))
    parser.add_argument("--clients", type=int, default=8, help="concurrent visitors (processes)")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds per kind at start")
    parser.add_argument("--phase-warmup", type=float, default=1.0, help="unmeasured seconds per phase")
    parser.add_argument("--repeats", type=int, default=3, help="phases per kind; the median is quoted")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=60.0,
        help="before each phase, wait up to this many seconds for other jobs to calm down (0: never)",
    )
    parser.add_argument(
        "--reruns",
        type=int,
        default=2,
        help=f"measure a phase again, up to this many times, when other jobs used > {DISTURBED_CORES} cores",
    )
    parser.add_argument("--goal", type=float, default=300.0, help="accepted tips per second to reach")
    parser.add_argument("--json-out", type=Path, help="also write the JSON summary here")
    parser.add_argument("--keep-data", action="store_true", help="keep the temporary data directories")
    args = parser.parse_args(argv)
    if args.sweep:
        args.config = [ServerConfig.parse(spec) for spec in SWEEP]
    elif not args.config:
        servers = ["gunicorn", "granian"] if args.server == "both" else [args.server]
        args.config = [ServerConfig(server, args.workers, args.threads) for server in servers]
    if not 1 <= args.clients <= 64 or args.repeats < 1 or args.duration <= 0:
        parser.error("need 1-64 clients, at least one repeat and a positive duration")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM becomes SystemExit, so that the finally blocks below stop the server and the visitors.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    per_config = 2 * args.warmup + 2 * args.repeats * (args.phase_warmup + args.duration) + 5
    print(
        f"{len(args.config)} configuration(s), {args.clients} visitors, about "
        f"{len(args.config) * per_config / 60:.1f} min plus start-up",
        flush=True,
    )
    base = Path(tempfile.mkdtemp(prefix="traceobject-bench-"))
    try:
        template, seeded = prepare_data(base)
        if seeded["pragmas"]["synchronous"] != 2 or seeded["pragmas"]["journal_mode"] != "wal":
            print(f"warning: not the durable SQLite settings: {seeded['pragmas']}", file=sys.stderr)
        results = [bench_config(config, template, base, seeded["code"], args) for config in args.config]
    finally:
        if args.keep_data:
            print(f"data kept in {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    best = max(results, key=lambda result: result["intake"]["per_s"])
    summary = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "-m", "bench.intake", *(argv or sys.argv[1:])]),
        "machine": {
            "cpus": os.cpu_count(),
            "cpu_model": _cpu_model(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            **_versions(),
        },
        "database": {key: seeded[key] for key in ("vendor", "transaction_mode", "pragmas")},
        "load": {
            "clients": args.clients,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "phase_warmup_s": args.phase_warmup,
            "repeats": args.repeats,
        },
        "results": results,
        "best": {
            "config": best["config"],
            "tips_per_s": best["intake"]["per_s"],
            "floor_per_s": best["floor"]["per_s"],
            "ratio": best["ratio"],
        },
        "goal_tips_per_s": args.goal,
        "goal_met": best["intake"]["per_s"] >= args.goal and all(r["durability"]["ok"] for r in results),
    }
    text = json.dumps(_json_safe(summary), indent=2, ensure_ascii=False, allow_nan=False)
    print(text)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(text + "\n", encoding="utf-8")
    print()
    print(table(results))
    verdict = "met" if summary["goal_met"] else "NOT met"
    print(
        f"\nbest: {best['config']}, {best['intake']['per_s']:.0f} tips/s, "
        f"floor {best['floor']['per_s']:.0f}/s, ratio {best['ratio']:.2f}; "
        f"goal {args.goal:.0f} tips/s {verdict}"
    )
    return 0 if all(result["durability"]["ok"] for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
