from django.db import migrations

from iserlohn_digital.text import normalize_stored_text


def normalize(apps, schema_editor):
    """Text stored before it was normalised at every boundary (CRLF from browsers, stray
    spaces): normalised once, so that an unchanged form no longer differs from it."""
    models = apps.get_app_config("strategy").get_models()
    normalize_stored_text(models, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("strategy", "0009_goal_code_pattern")]

    operations = [migrations.RunPython(normalize, migrations.RunPython.noop, elidable=True)]
