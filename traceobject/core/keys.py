"""Deployment secrets for embedded mode.

``make run`` must work on a fresh machine with no configuration, so in embedded mode the secrets are
generated once (mode 0600) and reused: by default into ``<data dir>/keys``, or into
``TRACEOBJECT_SECRETS_DIR``, a directory outside the data folder (another disk, a tmpfs, an encrypted
volume), so that a copy of the data folder does not carry the secret key and the receipt pepper with
it. Production never reaches this code: settings refuse to start without explicit secrets there.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from nacl.public import PrivateKey

from traceobject.core.env import env_str

SECRETS_DIR_VARIABLE = "TRACEOBJECT_SECRETS_DIR"
# What embedded mode generates there.
SECRET_FILES = ("django-secret.key", "receipt-pepper.key", "vault-public.key", "vault-private.key")


def embedded_keys_dir(data_dir: Path) -> Path:
    """Where embedded mode keeps its generated secrets: ``TRACEOBJECT_SECRETS_DIR`` or ``<data>/keys``.

    A secrets directory inside the data directory would protect nothing, and one that lacks a secret
    the data directory still holds would silently replace it (every receipt and term digest made under
    the old pepper would stop matching): both refuse to start, saying what to do.
    """
    default = data_dir / "keys"
    configured = env_str(SECRETS_DIR_VARIABLE)
    if not configured:
        return default
    secrets_dir = Path(configured).expanduser().resolve()
    if secrets_dir == data_dir or data_dir in secrets_dir.parents:
        raise ImproperlyConfigured(
            f"{SECRETS_DIR_VARIABLE} ({secrets_dir}) is inside the data directory ({data_dir}): "
            "choose a directory outside it, or unset the variable."
        )
    left = [name for name in SECRET_FILES if (default / name).exists() and not (secrets_dir / name).exists()]
    if left:
        raise ImproperlyConfigured(
            f"{SECRETS_DIR_VARIABLE} is {secrets_dir}, but {default} still holds {', '.join(left)}. "
            f"Move them there first (mkdir -p -m 700 {secrets_dir} && mv {default}/* {secrets_dir}/), "
            "or a new secret would replace each of them."
        )
    return secrets_dir


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)


def embedded_secret(keys_dir: Path, name: str) -> str:
    """Return the random secret stored as ``<keys_dir>/<name>``, creating it the first time."""
    path = keys_dir / name
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another process created it first
            _write_private(path, secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip()


def embedded_vault_keypair(keys_dir: Path) -> tuple[str, str]:
    """Return (public, private) base64 keys of the deployment's tip key pair, creating it once; the
    private one is empty once the key escrow has removed its file."""
    private_path = keys_dir / "vault-private.key"
    public_path = keys_dir / "vault-public.key"
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
