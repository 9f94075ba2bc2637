"""Typed access to the environment.

Settings come from the environment so that one build runs anywhere; secrets may also come from a
``NAME_FILE`` path (Docker and systemd credentials), which keeps them out of ``/proc/*/environ``.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str | None:
    """Return ``NAME``, or the content of the file named by ``NAME_FILE``, or ``default``."""
    value = os.environ.get(name)
    if value is not None:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE points to {path!r}, which cannot be read: {exc}"
            ) from exc
    return default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no, on/off), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# --- The mode: explicit, or remembered by the data directory that ``make run`` filled -----------------

MODES = ("embedded", "production", "test")
# Written by embedded mode into its data directory, so that the commands ``make run`` prints
# (``.venv/bin/traceobject totp demo-analyst``) work from the repository root with no variable set.
MODE_MARKER = "MODE"


def data_dir_configured() -> Path:
    """The data directory that ``TRACEOBJECT_DATA_DIR`` names, by default ``./var``, made absolute."""
    return Path(env_str("TRACEOBJECT_DATA_DIR", "./var") or "./var").resolve()


def mode_marked(data_dir: Path) -> bool:
    """Whether ``data_dir`` was made by embedded mode: its marker file says exactly ``embedded``.

    Only a regular file owned by this user and writable by nobody else counts, so that another
    account on a shared machine cannot drop one into a production data directory.
    """
    marker = data_dir / MODE_MARKER
    try:
        info = marker.lstat()
        if not marker.is_file() or marker.is_symlink():
            return False
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return False
        if info.st_mode & 0o022:
            return False
        return marker.read_text(encoding="utf-8").strip() == "embedded"
    except OSError:
        return False


def mode_select(data_dir: Path) -> str:
    """``TRACEOBJECT_ENV`` when it is set (it always wins); otherwise ``embedded`` for a data directory
    that embedded mode marked, and ``production`` for anything else, so that a forgotten variable on a
    server still fails loudly for want of its secrets."""
    explicit = env_str("TRACEOBJECT_ENV")
    if explicit:
        if explicit not in MODES:
            raise ImproperlyConfigured(
                f"TRACEOBJECT_ENV must be embedded, production or test, not {explicit!r}"
            )
        return explicit
    return "embedded" if mode_marked(data_dir) else "production"


def mode_mark(data_dir: Path) -> None:
    """Mark ``data_dir`` as embedded mode's (idempotent; mode 0644, readable by the commands)."""
    marker = data_dir / MODE_MARKER
    if mode_marked(data_dir):
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    temporary = data_dir / f".{MODE_MARKER}.{os.getpid()}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("embedded\n")
    os.chmod(temporary, 0o644)  # whatever the umask
    os.replace(temporary, marker)
