"""The vault's models leave tips for the vault app (issue 13), and every sealed column becomes a
``SealedField``.

Removing the models is a change of state only (``SeparateDatabaseAndState`` with no database operation):
the tables stay, with their rows, and belong to ``vault`` from ``vault.0001_initial`` on. The
``AlterField`` operations are state only too: a ``SealedField`` is stored as a ``BinaryField``, and on
SQLite a plain ``AlterField`` would rebuild the table (a full copy of the tips) for nothing.
"""

from django.db import migrations

import traceobject.vault.fields


class Migration(migrations.Migration):
    dependencies = [
        ("tips", "0007_barrier_report"),
        ("vault", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="keyrotation",
                    name="new_key",
                ),
                migrations.RemoveField(
                    model_name="keyrotation",
                    name="old_key",
                ),
                migrations.RemoveField(
                    model_name="keyrotation",
                    name="started_by",
                ),
                migrations.RemoveField(
                    model_name="staffkey",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="vaultkey",
                    name="authority",
                ),
                migrations.DeleteModel(
                    name="KeyGrant",
                ),
                migrations.DeleteModel(
                    name="KeyRotation",
                ),
                migrations.DeleteModel(
                    name="StaffKey",
                ),
                migrations.DeleteModel(
                    name="VaultKey",
                ),
                migrations.AlterField(
                    model_name="barrierreport",
                    name="sealed",
                    field=traceobject.vault.fields.SealedField(sealed_to="tip_key"),
                ),
                migrations.AlterField(
                    model_name="followup",
                    name="sealed",
                    field=traceobject.vault.fields.SealedField(sealed_to="tip_key"),
                ),
                migrations.AlterField(
                    model_name="followup",
                    name="sealed_tipster",
                    field=traceobject.vault.fields.SealedField(
                        blank=True, copy_of="sealed", null=True, sealed_to="tipster"
                    ),
                ),
                migrations.AlterField(
                    model_name="tip",
                    name="sealed",
                    field=traceobject.vault.fields.SealedField(sealed_to="tip_key"),
                ),
                migrations.AlterField(
                    model_name="tip",
                    name="sealed_contact",
                    field=traceobject.vault.fields.SealedField(blank=True, null=True, sealed_to="tip_key"),
                ),
                migrations.AlterField(
                    model_name="tip",
                    name="sealed_tipster",
                    field=traceobject.vault.fields.SealedField(
                        blank=True, copy_of="sealed", null=True, sealed_to="tipster"
                    ),
                ),
            ],
        ),
    ]
