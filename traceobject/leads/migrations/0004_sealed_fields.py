"""The sealed columns become ``SealedField`` (issue 13). A change of the migrations' state only: the
column type is the same as ``BinaryField``'s, and on SQLite a plain ``AlterField`` would rebuild the
table (a full copy) for nothing."""

from django.db import migrations

import traceobject.vault.fields


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0003_outcome_corrects"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="lead",
                    name="sealed",
                    field=traceobject.vault.fields.SealedField(sealed_to="tip_key"),
                ),
                migrations.AlterField(
                    model_name="lead",
                    name="sealed_partner",
                    field=traceobject.vault.fields.SealedField(
                        authority="authority", blank=True, copy_of="sealed", null=True, sealed_to="authority"
                    ),
                ),
                migrations.AlterField(
                    model_name="outcome",
                    name="sealed_partner_update",
                    field=traceobject.vault.fields.SealedField(
                        authority="lead__authority",
                        blank=True,
                        copy_of="sealed_update",
                        null=True,
                        sealed_to="authority",
                    ),
                ),
                migrations.AlterField(
                    model_name="outcome",
                    name="sealed_update",
                    field=traceobject.vault.fields.SealedField(sealed_to="tip_key"),
                ),
            ],
        ),
    ]
