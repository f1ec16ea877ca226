import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0011_normalize_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalstatusupdate",
            name="corrects",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="measures.statusupdate",
                verbose_name="berichtigt die Meldung",
            ),
        ),
        migrations.AddField(
            model_name="statusupdate",
            name="corrects",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="corrections",
                to="measures.statusupdate",
                verbose_name="berichtigt die Meldung",
            ),
        ),
        migrations.AddConstraint(
            model_name="statusupdate",
            constraint=models.UniqueConstraint(
                fields=("corrects",),
                name="update_corrected_once",
                violation_error_message="Diese Meldung ist bereits berichtigt.",
            ),
        ),
    ]
