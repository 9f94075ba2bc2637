"""Files of object images: private uploads and public derivatives, written whole or not at all.

A file is first written under ``.incoming/`` beside its final folder (outside the served ``objects/``
tree, same file system) and then renamed into place, so no reader ever sees half a file. Paths come
from the database, so every join is checked to stay inside its root.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

PUBLIC_MODE = 0o644
PRIVATE_MODE = 0o600


def _inside(root: Path, rel: str) -> Path:
    path = (root / rel).resolve()
    if root.resolve() not in path.parents:
        raise ValueError(f"path outside its root: {rel!r}")
    return path


def public_path(rel: str) -> Path:
    return _inside(Path(settings.MEDIA_ROOT), rel)


def private_path(rel: str) -> Path:
    return _inside(Path(settings.PRIVATE_MEDIA_ROOT), rel)


def _write(root: Path, rel: str, data: bytes, mode: int) -> bool:
    """Write atomically; True if the file did not exist before (so the caller may remove it again)."""
    path = _inside(root, rel)
    existed = path.exists()
    incoming = root / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=incoming, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return not existed


def write_public(rel: str, data: bytes) -> bool:
    return _write(Path(settings.MEDIA_ROOT), rel, data, PUBLIC_MODE)


def write_private(rel: str, data: bytes) -> bool:
    return _write(Path(settings.PRIVATE_MEDIA_ROOT), rel, data, PRIVATE_MODE)


def read_private(rel: str) -> bytes:
    return private_path(rel).read_bytes()


def remove_public(paths: Iterable[str]) -> None:
    for rel in paths:
        public_path(rel).unlink(missing_ok=True)


def remove_private(paths: Iterable[str]) -> None:
    for rel in paths:
        private_path(rel).unlink(missing_ok=True)


def public_files(prefix: str = "objects") -> list[str]:
    """Every public file under ``prefix``, relative to MEDIA_ROOT (for the orphan sweep)."""
    root = Path(settings.MEDIA_ROOT)
    base = root / prefix
    if not base.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in base.rglob("*") if path.is_file())
