from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    redaktion, _ = Group.objects.get_or_create(name="Redaktion")
    redaktion.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="strategy",
            codename__in=[
                "add_infopage",
                "change_infopage",
                "view_infopage",
                "view_barrierreport",
                "change_barrierreport",
            ],
        )  # fmt: skip
    )


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0006_info_pages_barrier_reports"),
        ("measures", "0006_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
