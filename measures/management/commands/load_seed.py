from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from measures.models import (
    FieldOfAction,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    StatusUpdate,
)
from measures.series import record_value, take_current
from measures.updates import refresh_last_update

# Loaded in this order: later files refer to earlier ones by natural key.
SEED_FIXTURES = ["strategy", "units", "measures", "pages"]


class Command(BaseCommand):
    help = (
        "Lädt die Seed-Daten aus fixtures/. Nur fehlende Einträge werden angelegt; "
        "was schon da ist (auch von der Redaktion Geändertes), bleibt unverändert."
    )

    def handle(self, *args, **options):
        created = kept = 0
        deferred = []
        with transaction.atomic():
            for name in SEED_FIXTURES:
                path = settings.FIXTURE_DIRS[0] / f"{name}.json"
                with path.open(encoding="utf-8") as stream:
                    for item in serializers.deserialize(
                        "json", stream, handle_forward_references=True
                    ):
                        manager = type(item.object)._default_manager
                        if (
                            item.object.pk is not None
                            and manager.filter(pk=item.object.pk).exists()
                        ):
                            kept += 1
                            continue
                        item.save()
                        created += 1
                        if item.deferred_fields:
                            deferred.append(item)
            for item in deferred:
                item.save_deferred_fields()
            date_creation_in_history()
            start_series()
            # The fixtures hold status updates, not the date derived from them.
            refresh_last_update()
        self.stdout.write(f"Seed-Daten: {created} angelegt, {kept} schon vorhanden.")


def start_series():
    """As migration 0025 did for the Kennzahlen there were: a seeded Kennzahl without dated
    values gets its current value as first Istwert and its Zielwert as Sollwert at the
    planned end of its measure (measures/series.py)."""
    for indicator in Indicator.objects.filter(values__isnull=True).select_related("measure"):
        # The current value first: recording a Sollwert makes the Kennzahl's current value
        # its latest Istwert, which would be none yet.
        take_current(indicator=indicator)
        end = indicator.measure.end_date
        if end is not None:
            record_value(
                indicator=indicator,
                date=end,
                value=indicator.target,
                kind=IndicatorValue.Kind.PLANNED,
            )


def date_creation_in_history():
    """Give each measure, Handlungsfeld, Kennzahl, milestone and status update whose change
    history lacks its creation (a fixture records none, only its many-to-many fields as a
    change at the moment of loading) a creation record, dated when the seed says it came
    about: a measure at its `created_at`, a Handlungsfeld with its first measure, a
    Kennzahl or milestone with its measure, a status update when it was recorded. It holds
    the values of the earliest record there is (or today's, without any). A
    Sachstandsbericht for a past Stichtag (measures/asof.py) then shows the measures of
    that day."""
    created = dict(Measure.objects.values_list("pk", "created_at"))
    first_measure = dict(
        Measure.objects.values("field_of_action")
        .annotate(first=Min("created_at"))
        .values_list("field_of_action", "first")
    )
    dating = {
        Measure: lambda measure: measure.created_at,
        FieldOfAction: lambda field: first_measure.get(field.pk) or timezone.now(),
        Indicator: lambda indicator: created[indicator.measure_id],
        Milestone: lambda milestone: created[milestone.measure_id],
        StatusUpdate: lambda update: update.recorded_at,
    }
    for model, dated in dating.items():
        _record_creation(model, dated)


def _record_creation(model, dated):
    uncreated = list(
        model.objects.exclude(pk__in=model.history.filter(history_type="+").values("id"))
    )
    earliest = {}
    records = model.history.filter(id__in=[instance.pk for instance in uncreated])
    for record in records.order_by("-history_date", "-history_id"):
        earliest[record.id] = record
    copies, unrecorded = [], []
    for instance in uncreated:
        record = earliest.get(instance.pk)
        if record is None:
            instance._history_date = dated(instance)
            unrecorded.append(instance)
            continue
        record.history_id, record.history_type = None, "+"
        record.history_date = dated(instance)
        copies.append(record)
    model.history.model.objects.bulk_create(copies)
    model.history.bulk_history_create(unrecorded)
