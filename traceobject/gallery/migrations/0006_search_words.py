"""The search's word dictionary (traceobject/gallery/search.py): ``SearchWord`` and each object's word ids
(``SearchDocument.words``), their GIN indexes on PostgreSQL, and the index of every object already there
built again. PostgreSQL then looks longer words up among the dictionary's words instead of the texts, and
the trigram index over ``gallery_searchtext`` is dropped. On SQLite the new tables stay empty (FTS5 keeps
answering); the rebuild leaves its index as it was."""

from django.db import migrations, models


def _models(apps):
    from traceobject.gallery import search

    return search.IndexModels(
        object=apps.get_model("gallery", "Object"),
        translation=apps.get_model("gallery", "ObjectTranslation"),
        text=apps.get_model("gallery", "SearchText"),
        document=apps.get_model("gallery", "SearchDocument"),
        word=apps.get_model("gallery", "SearchWord"),
    )


def index_build(apps, schema_editor):
    from traceobject.gallery import search

    search.search_rebuild(models=_models(apps), using=schema_editor.connection.alias)


def index_back(apps, schema_editor):
    """Back to 0005: the texts' trigram index again, and the pieces' index."""
    from traceobject.gallery import search

    search.schema_drop(schema_editor.connection)
    search.schema_install(schema_editor.connection, dictionary=False)


class Migration(migrations.Migration):
    dependencies = [
        ("gallery", "0005_search_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="words",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=32, unique=True)),
                ("word", models.TextField()),
            ],
        ),
        migrations.RunPython(index_build, index_back),
    ]
