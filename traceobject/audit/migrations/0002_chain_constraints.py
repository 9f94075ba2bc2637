from django.conf import settings
from django.db import migrations, models

GENESIS = "0" * 64


def create_head(apps, schema_editor):
    """Start the chain with its head, so that no two first appends race to create it."""
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    if not AuditHead.objects.filter(pk=1).exists() and not AuditEvent.objects.exists():
        AuditHead.objects.create(pk=1, last_hash=GENESIS, count=0)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["actor_label", "id"], name="audit_event_actor_id_idx"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("prev_hash",), name="audit_event_prev_hash_unique"),
        ),
        migrations.AddConstraint(
            model_name="audithead",
            constraint=models.CheckConstraint(condition=models.Q(("pk", 1)), name="audit_head_singleton"),
        ),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
