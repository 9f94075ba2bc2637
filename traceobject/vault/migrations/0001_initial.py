"""The vault becomes an app of its own (issue 13): its four models move here from tips.

The tables stay where tips created them (``tips_vaultkey``, ``tips_staffkey``, ``tips_keygrant``,
``tips_keyrotation``, kept through ``db_table``), so this migration only changes the migrations' state:
an existing database keeps every key, grant and rotation with no row copied, and a new one gets the
tables from tips' migrations 0004 and 0007 as before. ``tips.0008_vault_app`` removes the models from
tips' state after this one.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import traceobject.vault.fields


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("leads", "0001_initial"),
        ("tips", "0007_barrier_report"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="StaffKey",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("public_key", models.BinaryField()),
                        ("wrapped_private", models.BinaryField()),
                        ("salt", models.BinaryField()),
                        ("opslimit", models.PositiveIntegerField()),
                        ("memlimit", models.PositiveBigIntegerField()),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="vault_key",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "tips_staffkey",
                    },
                ),
                migrations.CreateModel(
                    name="VaultKey",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("key_id", models.CharField(max_length=16, unique=True)),
                        ("public_key", models.BinaryField()),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("retired_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "authority",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="vault_keys",
                                to="leads.authority",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "tips_vaultkey",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="KeyRotation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "sealed_old_private",
                            traceobject.vault.fields.SealedField(blank=True, null=True, sealed_to="one_off"),
                        ),
                        ("started_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("resealed", models.PositiveIntegerField(default=0)),
                        ("progress", models.JSONField(blank=True, default=dict)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "started_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "new_key",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="vault.vaultkey",
                            ),
                        ),
                        (
                            "old_key",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="vault.vaultkey",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "tips_keyrotation",
                    },
                ),
                migrations.CreateModel(
                    name="KeyGrant",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("sealed_private", traceobject.vault.fields.SealedField(sealed_to="staff")),
                        ("granted_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "granted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="key_grants",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "key",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="grants",
                                to="vault.vaultkey",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "tips_keygrant",
                        "constraints": [
                            models.UniqueConstraint(fields=("user", "key"), name="tips_keygrant_unique")
                        ],
                    },
                ),
            ],
        ),
    ]
