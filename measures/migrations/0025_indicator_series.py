"""Each Kennzahl's current value becomes the first Istwert of its Zeitreihe, and its
Zielwert the Sollwert at the planned end of its measure (the first point of its Zielpfad).
The Kennzahl keeps its fields: current value and date stay as the latest Istwert."""

from django.db import migrations


def to_series(apps, schema_editor):
    Indicator = apps.get_model("measures", "Indicator")
    IndicatorValue = apps.get_model("measures", "IndicatorValue")
    values = []
    for indicator in Indicator.objects.select_related("measure").iterator():
        if indicator.current is not None:
            values.append(
                IndicatorValue(
                    indicator=indicator, kind="ist", date=indicator.as_of, value=indicator.current
                )
            )
        if indicator.measure.end_date is not None:
            values.append(
                IndicatorValue(
                    indicator=indicator,
                    kind="soll",
                    date=indicator.measure.end_date,
                    value=indicator.target,
                )
            )
    IndicatorValue.objects.bulk_create(values)


def from_series(apps, schema_editor):
    # The Kennzahl still holds its current value and target: only the series goes.
    apps.get_model("measures", "IndicatorValue").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("measures", "0024_indicator_value")]

    operations = [migrations.RunPython(to_series, from_series)]
