"""The gallery's search index (traceobject/gallery/search.py): two derived tables, the database's own
indexes over them, and the index of every object already there.

On PostgreSQL this needs the pg_trgm extension: the migration creates it when the role may (a superuser,
or since PostgreSQL 13 the database's owner, pg_trgm being a trusted extension) and otherwise stops with
a message saying what to ask the database's administrator for (docs/operations.md, "Search"). On SQLite
it needs FTS5 with the trigram tokenizer (SQLite 3.34 or later)."""

import django.db.models.deletion
from django.db import migrations, models


def index_build(apps, schema_editor):
    from traceobject.gallery import search

    search.search_rebuild(
        models=search.IndexModels(
            object=apps.get_model("gallery", "Object"),
            translation=apps.get_model("gallery", "ObjectTranslation"),
            text=apps.get_model("gallery", "SearchText"),
            document=apps.get_model("gallery", "SearchDocument"),
            word=None,  # the dictionary comes with 0006
        ),
        using=schema_editor.connection.alias,
    )


def index_drop(apps, schema_editor):
    from traceobject.gallery import search

    search.schema_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("gallery", "0004_translation_review"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "object",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="gallery.object",
                    ),
                ),
                ("grams", models.TextField()),
            ],
        ),
        migrations.CreateModel(
            name="SearchText",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("part", models.CharField(blank=True, max_length=16)),
                ("text", models.TextField()),
                (
                    "object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="gallery.object"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("object", "part"), name="gallery_searchtext_part")
                ],
            },
        ),
        migrations.RunPython(index_build, index_drop),
    ]
