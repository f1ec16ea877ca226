from django.db import migrations


def enable_trigram_extension(apps, schema_editor):
    # Typo-tolerant search needs pg_trgm; SQLite has no extensions and needs nothing.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial")]

    operations = [
        migrations.RunPython(enable_trigram_extension, migrations.RunPython.noop, elidable=False),
    ]
