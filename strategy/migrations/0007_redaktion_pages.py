from django.db import migrations


class Migration(migrations.Migration):
    """Granted the Redaktion the legal pages and barrier reports; the roles and their
    permissions now come from iserlohn_digital/roles.py, applied after every migrate."""

    dependencies = [("strategy", "0006_info_pages_barrier_reports")]

    operations = []
