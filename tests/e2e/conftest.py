"""Browser and server tests against the real production stack.

They start ``traceobject serve`` (gunicorn, whitenoise, the embedded task worker) exactly as
``make run`` does, in a throw-away data directory, and drive Debian's Chromium through Playwright.
Missing Chromium skips these tests, unless REQUIRE_BROWSER=1, which turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@dataclass(frozen=True)
class Server:
    url: str
    data_dir: Path
    log_path: Path
    env: dict[str, str]

    def manage(self, *args: str) -> str:
        """Run a ``traceobject`` command against the server's own database."""
        result = subprocess.run(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "traceobject.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(data_dir: Path, steps: list[tuple[str, ...]]) -> Iterator[Server]:
    """Run ``steps`` (``traceobject`` commands) in a fresh data directory, then ``serve`` as make run does."""
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "TRACEOBJECT_ENV"}
    }
    env |= {"TRACEOBJECT_ENV": "embedded", "TRACEOBJECT_DATA_DIR": str(data_dir), "PORT": str(port)}
    server = Server(f"http://127.0.0.1:{port}", data_dir, data_dir / "server.log", env)
    for step in steps:
        server.manage(*step)
    with server.log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "traceobject.cli", "serve", "--workers", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:  # noqa: S310
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start:\n{server.log_path.read_text()}")
                time.sleep(0.2)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def production_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo content, with the accounts each test makes for itself."""
    steps = [
        ("migrate", "--noinput"),
        ("collectstatic", "--noinput", "--verbosity", "0"),
        ("demo", "--if-empty"),
    ]
    yield from _serve(tmp_path_factory.mktemp("server-data"), steps)


def make_run_steps() -> list[tuple[str, ...]]:
    """The ``traceobject`` steps of the Makefile's ``run`` target, read from the Makefile itself, so that
    the team's walk starts exactly where a newcomer's ``make run`` does."""
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    steps = []
    for line in recipe.splitlines()[1:]:
        words = line.split()
        command = words.index("$(BIN)/traceobject") if "$(BIN)/traceobject" in words else None
        if command is not None and words[command + 1] != "serve":
            steps.append(tuple(words[command + 1 :]))
    return steps


@pytest.fixture(scope="module")
def team_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Exactly what ``make run`` sets up: the demo team, the demo content, the key escrow."""
    steps = make_run_steps()
    assert [step[0] for step in steps] == ["migrate", "collectstatic", "demostaff", "demo", "vault"], steps
    yield from _serve(tmp_path_factory.mktemp("team-data"), steps)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but Chromium is not installed (run scripts/ensure-chromium)")
        pytest.skip("Chromium is not installed; run scripts/ensure-chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
