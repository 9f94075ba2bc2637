"""What the vault's second stage costs: the login, each staff request, the intake, and a key rotation.

    .venv/bin/python -m bench.vault                      # 20,000 tips for the rotation
    .venv/bin/python -m bench.vault --tips 100000 --json-out var/bench-vault.json

On a scratch SQLite database in a temporary data directory (``TRACEOBJECT_ENV=test``, but with the
production key derivation, ``TRACEOBJECT_VAULT_KDF=interactive``), with the real functions:

* **login**: ``keyring.keys_unlock`` (Argon2id of the password, then the grants opened), the work a
  staff login adds; baseline: the production password hasher's check (Django's Argon2PasswordHasher),
  in the same run;
* **each staff request**: ``keyring.session_keys`` (the session half joined with the cookie half);
* **intake**: the sealing ``tip_submit`` does now (the tip without contact, the contact, the tipster's copy
  and the receipt-derived key pair) against the first stage's single seal, in the same run;
* **rotation**: ``vault.rotation.rotation_run`` over N tips with contact details (2N sealed records), in
  records per second, through the real task function (both passes).

Medians of repeated runs; the machine is noisy, so the ratios are the figures to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PASSWORD = "a long benchmark passphrase 2026"  # noqa: S105 - a throw-away account in a scratch database


def _median_ms(action: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 3)


def _setup() -> Path:
    data_dir = Path(tempfile.mkdtemp(prefix="traceobject-vault-"))
    os.environ.update(
        {
            "TRACEOBJECT_ENV": "test",
            "TRACEOBJECT_DATA_DIR": str(data_dir),
            "TRACEOBJECT_VAULT_KDF": "interactive",
            "DJANGO_SETTINGS_MODULE": "traceobject.settings",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.VAULT_PRIVATE_KEY = ""  # the embedded key file of the test data directory: not used
    call_command("migrate", verbosity=0)
    return data_dir


def measure(*, tips: int, runs: int) -> dict[str, Any]:
    from django.contrib.auth.hashers import Argon2PasswordHasher
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpRequest

    from bench.seed import bench_object
    from traceobject import vault
    from traceobject.accounts.services import user_create
    from traceobject.tips.models import Tip
    from traceobject.tips.payload import TipPayload
    from traceobject.tips.receipts import receipt_generate, receipt_private_key
    from traceobject.vault import keyring
    from traceobject.vault.models import KeyRotation, StaffKey, VaultKey
    from traceobject.vault.rotation import rotation_run, rotation_start

    admin = user_create(
        actor=None, actor_label="cli", username="bench-admin", role="administrator", password=PASSWORD
    )
    obj = bench_object()
    result: dict[str, Any] = {"kdf": "argon2id interactive (ops 2, 64 MiB)"}

    result["login_unlock_ms"] = _median_ms(lambda: keyring.keys_unlock(user=admin, password=PASSWORD), runs)
    # The production password hasher (the test mode's is MD5): what a login already costs.
    production = Argon2PasswordHasher()
    encoded = production.encode(PASSWORD, production.salt())
    result["login_password_check_ms"] = _median_ms(lambda: production.verify(PASSWORD, encoded), runs)
    result["login_ratio"] = round(result["login_unlock_ms"] / result["login_password_check_ms"], 2)

    keys = keyring.keys_unlock(user=admin, password=PASSWORD)
    request = HttpRequest()
    request.session = SessionStore()
    keyring.session_hold(request, keys)
    cookie = getattr(request, keyring.REQUEST_COOKIE_ATTR)
    result["request_join_ms"] = _median_ms(lambda: keyring.session_keys(request, cookie), runs * 50)

    payload = TipPayload(text="Sold at a market in Lyon around 2014. " * 8, contact="someone@example.org")
    plain = payload.to_bytes()

    def stage_one() -> None:
        vault.seal(plain)

    def stage_two() -> None:
        vault.seal(plain)
        vault.seal(payload.contact.encode())
        vault.seal_to(bytes(receipt_private_key(receipt_generate()).public_key), plain)

    result["intake_seal_stage1_ms"] = _median_ms(stage_one, runs * 50)
    result["intake_seal_stage2_ms"] = _median_ms(stage_two, runs * 50)
    result["intake_ratio"] = round(result["intake_seal_stage2_ms"] / result["intake_seal_stage1_ms"], 2)

    # The rotation: N tips with contact details, inserted directly (the intake's triage rows are not
    # what a rotation reads), then the real task over both passes.
    sealed_tip = vault.seal(TipPayload(text=payload.text).to_bytes())
    sealed_contact = vault.seal(payload.contact.encode())
    batch = 2000
    for offset in range(0, tips, batch):
        Tip.objects.bulk_create(
            [
                Tip(object=obj, sealed=sealed_tip, sealed_contact=sealed_contact)
                for _n in range(min(batch, tips - offset))
            ]
        )
    staff_private = keyring.staff_key_unwrap(StaffKey.objects.get(user=admin), PASSWORD)
    assert staff_private is not None
    # Under TRACEOBJECT_ENV=test the task backend is the immediate one: the task runs when the start
    # commits, so timing the start times the whole re-sealing (the key generation and grant are ~ms).
    start = time.perf_counter()
    with vault.unlocked(keyring.grants_open(user=admin, staff_private=staff_private)):
        rotation = rotation_start(actor=admin)
    # Inside a test's transaction nothing commits: run the task here (it says "done" if it ran already).
    rotation_run.call(rotation_id=rotation.pk)
    seconds = time.perf_counter() - start
    rotation = KeyRotation.objects.get(pk=rotation.pk)
    assert rotation.finished_at is not None
    assert rotation.resealed == 2 * tips, rotation.resealed
    assert VaultKey.objects.filter(pk=rotation.old_key_id, retired_at__isnull=False).exists()
    result["rotation_records"] = rotation.resealed
    result["rotation_seconds"] = round(seconds, 2)
    result["rotation_records_per_second"] = round(rotation.resealed / seconds)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--tips", type=int, default=20_000, help="tips for the rotation (each has a contact)")
    parser.add_argument("--runs", type=int, default=11, help="repetitions of each timed step")
    parser.add_argument("--json-out", type=Path, default=None)
    args = parser.parse_args(argv)
    data_dir = _setup()
    try:
        result = measure(tips=args.tips, runs=args.runs)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    result["when"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    print(json.dumps(result, indent=2))
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
