from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = {
    "strategy": ["principle", "substrategy", "goal"],
    "measures": [
        "organisationalunit", "fieldofaction", "tag", "taggedmeasure", "measure",
        "statusupdate", "milestone", "indicator", "onlineservice",
    ],
}  # fmt: skip

# A Fachbereich reads the structure and edits its own measures (restricted in the admin):
# texts, status, progress, status updates, milestones and Kennzahlen. No deleting, no
# publishing.
FACHBEREICH = [
    *[f"view_{model}" for models in CONTENT_MODELS.values() for model in models],
    "change_measure",
    "add_statusupdate", "change_statusupdate",
    "add_milestone", "change_milestone",
    "add_indicator", "change_indicator",
    "add_taggedmeasure", "delete_taggedmeasure",
]  # fmt: skip


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content = Permission.objects.filter(
        content_type__app_label__in=CONTENT_MODELS,
        content_type__model__in=[m for models in CONTENT_MODELS.values() for m in models],
    )
    redaktion, _ = Group.objects.get_or_create(name="Redaktion")
    redaktion.permissions.set(content | Permission.objects.filter(codename="publish_measure"))
    fachbereich, _ = Group.objects.get_or_create(name="Fachbereich")
    fachbereich.permissions.set(content.filter(codename__in=FACHBEREICH))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Redaktion", "Fachbereich"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("strategy", "0005_permissions_markdown_help"),
        ("measures", "0005_permissions_markdown_help"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
