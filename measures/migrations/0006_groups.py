from django.db import migrations


class Migration(migrations.Migration):
    """Created the groups Redaktion and Fachbereich. They and their permissions now come
    from iserlohn_digital/roles.py, applied after every migrate (measures/apps.py)."""

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("strategy", "0005_permissions_markdown_help"),
        ("measures", "0005_permissions_markdown_help"),
    ]

    operations = []
