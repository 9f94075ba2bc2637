"""The consensus ranks verified support first and weighs a verified cluster twice in the score: the
rank index follows the new order, and the scores of objects that already have verified clusters are
recomputed (the others do not change)."""

from typing import Any

from django.db import migrations, models
from django.db.models import Case, F, FloatField, Sum, When

VERIFIED_WEIGHT = 2  # triage.aggregates.VERIFIED_WEIGHT when this migration was written


def rescore(apps: Any, schema_editor: Any) -> None:
    ObjectSupport = apps.get_model("triage", "ObjectSupport")
    ClusterSupport = apps.get_model("triage", "ClusterSupport")
    weighted = Case(
        When(relevant_tips__gt=0, then=F("confidence") * VERIFIED_WEIGHT),
        default=F("confidence"),
        output_field=FloatField(),
    )
    object_ids = (
        ObjectSupport.objects.filter(relevant_clusters__gt=0).values_list("object_id", flat=True).distinct()
    )
    for object_id in list(object_ids):
        rows = (
            ClusterSupport.objects.filter(object_id=object_id, tips__gt=0)
            .values("kind", "value")
            .annotate(score=Sum(weighted))
        )
        for row in rows:
            ObjectSupport.objects.filter(object_id=object_id, kind=row["kind"], value=row["value"]).update(
                score=row["score"] or 0.0
            )


class Migration(migrations.Migration):
    dependencies = [
        ("gallery", "0002_staff_workflow"),
        ("triage", "0002_fingerprint_cluster"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="objectsupport", name="triage_object_support_rank"),
        migrations.AddIndex(
            model_name="objectsupport",
            index=models.Index(
                fields=["object", "kind", "-relevant_clusters", "-score"], name="triage_object_support_rank"
            ),
        ),
        migrations.RunPython(rescore, migrations.RunPython.noop),
    ]
