from django.db import migrations, models

# The seed's sentence on the adoption as it was shipped, and as it reads now: the council's
# own document is not known, so the decision is cited as what the press reported. Texts
# the Redaktion has changed stay as they are.
SHIPPED = (
    "Der Haupt- und Personalausschuss hat die Digitalisierungsstrategie im Februar 2021 "
    "beschlossen. Über den Umsetzungsstand der Digitalisierungsmaßnahmen berichtet die "
    "Verwaltung regelmäßig dem Ausschuss für Digitalisierung und Zukunft (Quelle: "
    "unser-iserlohn.de; ikz-online.de)."
)
AS_PRESS_REPORTS = (
    "Laut Presseberichten (unser-iserlohn.de; ikz-online.de) hat der Haupt- und "
    "Personalausschuss die Digitalisierungsstrategie im Februar 2021 beschlossen; die "
    "Beschlussvorlage im Ratsinformationssystem ist hier noch nicht verlinkt. Über den "
    "Umsetzungsstand der Digitalisierungsmaßnahmen berichtet die Verwaltung, ebenfalls laut "
    "diesen Berichten, regelmäßig dem Ausschuss für Digitalisierung und Zukunft."
)


def cite_the_press_as_such(apps, schema_editor):
    SubStrategy = apps.get_model("strategy", "SubStrategy")
    for substrategy in SubStrategy.objects.filter(introduction__contains=SHIPPED):
        substrategy.introduction = substrategy.introduction.replace(SHIPPED, AS_PRESS_REPORTS)
        substrategy.save(update_fields=["introduction"])


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0011_sign_language_videos"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalsubstrategy",
            name="introduction",
            field=models.TextField(
                blank=True,
                help_text="Markdown: **fett**, *kursiv*, Listen mit „- “ am Zeilenanfang, Links als [Text](https://…), Leerzeile für einen neuen Absatz. Einen Beschluss des Rates oder eines Ausschusses mit seiner Vorlage im Ratsinformationssystem belegen, z. B. „[Vorlage V/2021/012](https://…)“. Solange nur Presseberichte ihn belegen, so kennzeichnen: „Laut Presseberichten (Quelle) hat …“.",
                verbose_name="Einleitung",
            ),
        ),
        migrations.AlterField(
            model_name="substrategy",
            name="introduction",
            field=models.TextField(
                blank=True,
                help_text="Markdown: **fett**, *kursiv*, Listen mit „- “ am Zeilenanfang, Links als [Text](https://…), Leerzeile für einen neuen Absatz. Einen Beschluss des Rates oder eines Ausschusses mit seiner Vorlage im Ratsinformationssystem belegen, z. B. „[Vorlage V/2021/012](https://…)“. Solange nur Presseberichte ihn belegen, so kennzeichnen: „Laut Presseberichten (Quelle) hat …“.",
                verbose_name="Einleitung",
            ),
        ),
        migrations.RunPython(cite_the_press_as_such, migrations.RunPython.noop),
    ]
