import django.contrib.postgres.search
from django.db import migrations, models

from measures.search import update_search_index


def create_indexes_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # GIN indexes: full text on the vector, trigrams (typos) on the text.
        schema_editor.execute(
            "CREATE INDEX measure_search_vector ON measures_measure USING gin (search_vector)"
        )
        schema_editor.execute(
            "CREATE INDEX measure_search_text_trgm ON measures_measure "
            "USING gin (search_text gin_trgm_ops)"
        )
    Measure = apps.get_model("measures", "Measure")
    update_search_index(
        Measure.objects.using(schema_editor.connection.alias).values_list("pk", flat=True),
        models=(
            Measure,
            apps.get_model("measures", "TaggedMeasure"),
            apps.get_model("measures", "OrganisationalUnit"),
        ),
        using=schema_editor.connection.alias,
    )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS measure_search_vector")
        schema_editor.execute("DROP INDEX IF EXISTS measure_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("measures", "0007_constraint_messages")]

    operations = [
        migrations.AddField(
            model_name="measure",
            name="search_text",
            field=models.TextField(default="", editable=False, serialize=False),
        ),
        migrations.AddField(
            model_name="measure",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, serialize=False
            ),
        ),
        migrations.RunPython(create_indexes_and_fill, drop_indexes),
    ]
