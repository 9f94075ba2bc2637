"""An existing database (one made before the vault was an app) migrates with its keys, copying nothing.

The real migration executor takes the test database back to the state before the move (tips owns the
vault's models), rows are written through that state's historical models, and migrating forward must
show the same rows through ``traceobject.vault.models``, in the same tables. Runs on SQLite and, with
``DATABASE_URL``, on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from traceobject.vault.models import KeyGrant, KeyRotation, StaffKey, VaultKey

BEFORE = [("tips", "0007_barrier_report"), ("vault", None)]


@pytest.fixture
def executor(transactional_db: None) -> Iterator[MigrationExecutor]:
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    yield executor
    executor = MigrationExecutor(connection)  # whatever happened, leave the database at the latest state
    executor.migrate(leaves)


def test_migrating_an_existing_database_keeps_its_keys(executor: MigrationExecutor) -> None:
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    old = executor._create_project_state(with_applied_migrations=True).apps  # every applied migration
    with pytest.raises(LookupError):
        old.get_model("vault", "VaultKey")
    user = old.get_model("accounts", "User").objects.create(username="keeper", role="administrator")
    tip_key = old.get_model("tips", "VaultKey").objects.create(key_id="aa" * 8, public_key=b"p" * 32)
    new_key = old.get_model("tips", "VaultKey").objects.create(key_id="bb" * 8, public_key=b"q" * 32)
    old.get_model("tips", "StaffKey").objects.create(
        user_id=user.pk,
        public_key=b"s" * 32,
        wrapped_private=b"w" * 72,
        salt=b"t" * 16,
        opslimit=2,
        memlimit=8192,
    )
    old.get_model("tips", "KeyGrant").objects.create(
        user_id=user.pk, key_id=tip_key.pk, sealed_private=b"TV1grant"
    )
    old.get_model("tips", "KeyRotation").objects.create(
        old_key_id=tip_key.pk, new_key_id=new_key.pk, started_by_id=user.pk, progress={"pass": 2}
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert VaultKey._meta.db_table == "tips_vaultkey"
    assert sorted(VaultKey.objects.values_list("key_id", flat=True)) == ["aa" * 8, "bb" * 8]
    assert bytes(VaultKey.objects.get(key_id="aa" * 8).public_key) == b"p" * 32
    staff_key = StaffKey.objects.get(user_id=user.pk)
    assert (bytes(staff_key.wrapped_private), bytes(staff_key.salt)) == (b"w" * 72, b"t" * 16)
    grant = KeyGrant.objects.get()
    assert (grant.user_id, grant.key.key_id, bytes(grant.sealed_private)) == (user.pk, "aa" * 8, b"TV1grant")
    rotation = KeyRotation.objects.get()
    assert (rotation.old_key.key_id, rotation.new_key.key_id, rotation.progress) == (
        "aa" * 8,
        "bb" * 8,
        {"pass": 2},
    )
