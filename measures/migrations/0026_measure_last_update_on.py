"""Each measure stores the date of its latest status update (kept by measures/updates.py),
filled here from the updates there are; covering indexes for the dashboard's counts and
the related measures of a Steckbrief."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Measure = apps.get_model("measures", "Measure")
    StatusUpdate = apps.get_model("measures", "StatusUpdate")
    alias = schema_editor.connection.alias
    # The public record: updates not superseded by a correction (StatusUpdate.current()).
    latest = (
        StatusUpdate.objects.using(alias)
        .filter(measure=OuterRef("pk"), corrections__isnull=True)
        .order_by("-date")
        .values("date")[:1]
    )
    Measure.objects.using(alias).update(last_update_on=Subquery(latest))


class Migration(migrations.Migration):
    dependencies = [("measures", "0025_indicator_series")]

    operations = [
        migrations.AddField(
            model_name="measure",
            name="last_update_on",
            field=models.DateField(
                blank=True,
                editable=False,
                null=True,
                serialize=False,
                verbose_name="letzte Statusmeldung",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(
                fields=[
                    "field_of_action",
                    "is_published",
                    "status",
                    "progress",
                    "start_date",
                    "end_date",
                    "last_update_on",
                    "created_at",
                ],
                name="measure_dashboard_figures",
            ),
        ),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(
                fields=["field_of_action", "is_published", "code", "id"], name="measure_related"
            ),
        ),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(fields=["end_date", "code"], name="measure_end"),
        ),
        migrations.AddIndex(
            model_name="taggedmeasure",
            index=models.Index(fields=["tag", "content_object"], name="tagged_measure_by_tag"),
        ),
    ]
