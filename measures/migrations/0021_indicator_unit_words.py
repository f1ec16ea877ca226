from django.db import migrations, models

# Units that only said "counted" ("5 Anzahl"); without one a Kennzahl reads "5 von 60".
COUNT_UNITS = ["Anzahl", "anzahl", "Stück", "stück", "Stk.", "Stk"]


def drop_count_units(apps, schema_editor):
    Indicator = apps.get_model("measures", "Indicator")
    Indicator.objects.filter(unit__in=COUNT_UNITS).update(unit="")


class Migration(migrations.Migration):
    """The unit of a Kennzahl is the word for what is counted ("Schulen") or a measure
    ("%", "Euro"), so that it reads "5 von 60 Schulen"; "Anzahl" becomes no unit."""

    dependencies = [
        ("measures", "0020_online_service_addresses"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalindicator",
            name="unit",
            field=models.CharField(
                blank=True,
                help_text="Was gezählt wird, in der Mehrzahl: z. B. „Schulen“, „Gebäude“, „Anträge“; oder eine Maßeinheit wie „%“, „Euro“, „MWh/Jahr“. Die Seite zeigt dann „5 von 60 Schulen“ oder „45 % (Ziel 80 %)“.",
                max_length=40,
                verbose_name="Einheit (Wort)",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="unit",
            field=models.CharField(
                blank=True,
                help_text="Was gezählt wird, in der Mehrzahl: z. B. „Schulen“, „Gebäude“, „Anträge“; oder eine Maßeinheit wie „%“, „Euro“, „MWh/Jahr“. Die Seite zeigt dann „5 von 60 Schulen“ oder „45 % (Ziel 80 %)“.",
                max_length=40,
                verbose_name="Einheit (Wort)",
            ),
        ),
        migrations.RunPython(drop_count_units, migrations.RunPython.noop),
    ]
