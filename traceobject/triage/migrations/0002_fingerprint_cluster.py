from django.db import migrations, models

# Copy each fingerprinted tip's cluster (portable SQL: a correlated subquery, on SQLite and PostgreSQL).
BACKFILL = (
    "UPDATE triage_fingerprint SET cluster_id = "
    "(SELECT cluster_id FROM tips_tip WHERE tips_tip.id = triage_fingerprint.tip_id)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="fingerprint",
            name="cluster_id",
            field=models.BigIntegerField(null=True),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
