"""Deployment secrets for embedded mode.

``make run`` must work on a fresh machine with no configuration, so in embedded mode the secrets are
generated once into the data directory (mode 0600) and reused. Production never reaches this code:
settings refuse to start without explicit secrets there.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
from pathlib import Path

from nacl.public import PrivateKey


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)


def embedded_secret(data_dir: Path, name: str) -> str:
    """Return the random secret stored as ``keys/<name>``, creating it the first time."""
    path = data_dir / "keys" / name
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another process created it first
            _write_private(path, secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip()


def embedded_vault_keypair(data_dir: Path) -> tuple[str, str]:
    """Return (public, private) base64 keys of the deployment's tip key pair, creating it once; the
    private one is empty once the key escrow has removed its file."""
    private_path = data_dir / "keys" / "vault-private.key"
    public_path = data_dir / "keys" / "vault-public.key"
    if public_path.exists() and not private_path.exists():
        # ``traceobject vault escrow`` has moved the private key into the staff's grants: no file again.
        return public_path.read_text(encoding="utf-8").strip(), ""
    if not private_path.exists():
        key = PrivateKey.generate()
        try:
            _write_private(private_path, base64.b64encode(bytes(key)).decode())
            _write_private(public_path, base64.b64encode(bytes(key.public_key)).decode())
        except FileExistsError:
            pass
    return (
        public_path.read_text(encoding="utf-8").strip(),
        private_path.read_text(encoding="utf-8").strip(),
    )
