import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import measures.models.synonyms
from measures.search import update_search_index

# Common vocabulary, not the city's content: the Redaktion changes and adds to it.
SYNONYMS = [
    "Bürgerportal, Serviceportal",
    "Breitband, Glasfaser",
    "Parken, Parkleitsystem",
    "Kita, Kindertagesstätte",
]


def add_synonyms(apps, schema_editor):
    SynonymGroup = apps.get_model("measures", "SynonymGroup")
    for words in SYNONYMS:
        SynonymGroup.objects.using(schema_editor.connection.alias).get_or_create(words=words)


def remove_synonyms(apps, schema_editor):
    SynonymGroup = apps.get_model("measures", "SynonymGroup")
    SynonymGroup.objects.using(schema_editor.connection.alias).filter(words__in=SYNONYMS).delete()


def refold_search_text(apps, schema_editor):
    """The stored search text is now folded (accents removed as well as case)."""
    Measure = apps.get_model("measures", "Measure")
    update_search_index(
        Measure.objects.using(schema_editor.connection.alias).values_list("pk", flat=True),
        models=(
            Measure,
            apps.get_model("measures", "TaggedMeasure"),
            apps.get_model("measures", "OrganisationalUnit"),
        ),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0021_indicator_unit_words"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SynonymGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "words",
                    models.CharField(
                        help_text="Wörter mit gleicher Bedeutung, durch Kommas getrennt, zum Beispiel „Kita, Kindertagesstätte“. Wer nach einem davon sucht, findet auch die Maßnahmen mit den anderen. Groß- und Kleinschreibung und Umlaute spielen keine Rolle.",
                        max_length=500,
                        unique=True,
                        validators=[measures.models.synonyms.validate_words],
                        verbose_name="Wörter",
                    ),
                ),
            ],
            options={
                "verbose_name": "Synonymgruppe",
                "verbose_name_plural": "Synonyme der Suche",
                "ordering": ["words"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalSynonymGroup",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "words",
                    models.CharField(
                        db_index=True,
                        help_text="Wörter mit gleicher Bedeutung, durch Kommas getrennt, zum Beispiel „Kita, Kindertagesstätte“. Wer nach einem davon sucht, findet auch die Maßnahmen mit den anderen. Groß- und Kleinschreibung und Umlaute spielen keine Rolle.",
                        max_length=500,
                        validators=[measures.models.synonyms.validate_words],
                        verbose_name="Wörter",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical Synonymgruppe",
                "verbose_name_plural": "historical Synonyme der Suche",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(add_synonyms, remove_synonyms),
        migrations.RunPython(refold_search_text, migrations.RunPython.noop),
    ]
