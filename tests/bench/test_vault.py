"""bench/vault.py at a tiny scale, on the tests' database: every step it times really runs (the login
unlocks a key, the rotation re-seals every record and retires the old key)."""

from __future__ import annotations

from typing import Any

import pytest

from bench import vault as vault_bench
from traceobject.tips.models import Tip
from traceobject.vault.models import VaultKey


@pytest.mark.django_db
def test_tiny_run(settings: Any) -> None:
    settings.VAULT_PRIVATE_KEY = ""
    result = vault_bench.measure(tips=30, runs=2)
    assert result["rotation_records"] == 60
    assert result["rotation_records_per_second"] > 0
    assert result["login_unlock_ms"] > 0
    assert result["intake_ratio"] > 1  # three seals and a key derivation against one seal
    [active] = VaultKey.objects.filter(retired_at__isnull=True, authority=None)
    assert all(bytes(tip.sealed)[3:11].hex() == active.key_id for tip in Tip.objects.all())
