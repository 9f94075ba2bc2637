"""The sealed columns become ``SealedField`` (issue 13). A change of the migrations' state only: the
column type is the same as ``BinaryField``'s, and on SQLite a plain ``AlterField`` would rebuild the
table (a full copy) for nothing."""

from django.db import migrations

import traceobject.vault.fields


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0003_object_support_verified_first"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="term",
                    name="sealed",
                    field=traceobject.vault.fields.SealedField(sealed_to="tip_key"),
                ),
                migrations.AlterField(
                    model_name="tipnote",
                    name="sealed",
                    field=traceobject.vault.fields.SealedField(sealed_to="tip_key"),
                ),
            ],
        ),
    ]
