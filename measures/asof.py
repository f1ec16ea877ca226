"""The published strategy as it stood on a past day, rebuilt from the recorded history.

A measure's change history (django-simple-history) keeps every version of a measure, a
Handlungsfeld and a Kennzahl with the moment it was saved; the status updates carry the
moment they were recorded. So the state on a day is, for each object, its latest version
saved by the end of that day (Europe/Berlin): a measure created later has none, one
deleted or unpublished later still has the version of that day. The Sachstandsbericht
for a Stichtag is built from this.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from .models import FieldOfAction, Indicator, Measure, Status, StatusUpdate


@dataclass
class MeasureOnDay:
    """A published measure as it stood on a day, with its Stand and Kennzahlen then."""

    measure: Measure  # its values on the day; status and progress those of `update`
    update: StatusUpdate | None  # the latest status update on record that day
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def status_label(self):
        return self.update.get_status_display() if self.update else "keine Meldung"

    @property
    def status(self):
        """The status on the day; without any update a measure counts as planned."""
        return self.update.status if self.update else Status.PLANNED

    @property
    def last_seen(self) -> datetime.date:
        return self.update.date if self.update else self.measure.created_on


def end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after `day` in the portal's time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def _versions_on(history: QuerySet, day: datetime.date) -> dict:
    """The latest historical record of each object saved by the end of `day`, by id,
    leaving out objects whose latest record then is their deletion."""
    # First only the keys of every version, then the full rows of the latest ones: a
    # measure edited a hundred times is read once.
    latest = {}
    versions = (
        history.filter(history_date__lt=end_of(day))
        .order_by("history_date", "history_id")
        .values_list("id", "history_id", "history_type")
    )
    for pk, history_id, history_type in versions:
        latest[pk] = (history_id, history_type)
    wanted = [history_id for history_id, history_type in latest.values() if history_type != "-"]
    return {record.id: record for record in history.filter(history_id__in=wanted)}


def updates_on(day: datetime.date, measures: dict[int, Measure]) -> list[StatusUpdate]:
    """The status updates of `measures` (by id) in the public record as it stood at the
    end of `day`: dated and recorded by then, and not yet superseded by a correction
    recorded by then. Newest first, each with its measure from `measures` and the update
    it corrects."""
    end = end_of(day)
    updates = list(
        StatusUpdate.objects.filter(measure__in=list(measures), date__lte=day, recorded_at__lt=end)
        .exclude(corrections__recorded_at__lt=end)
        .select_related("corrects")
    )
    updates += _updates_of_deleted_measures(day, measures)
    for update in updates:
        update.measure = measures[update.measure_id]
    return sorted(updates, key=lambda update: (update.date, update.recorded_at), reverse=True)


def _updates_of_deleted_measures(day: datetime.date, measures) -> list[StatusUpdate]:
    """The updates in the record at the end of `day` of those of `measures` deleted
    since: they went with their measure and are kept in their change history."""
    end = end_of(day)
    history = StatusUpdate.history.filter(measure_id__in=list(measures)).exclude(
        measure_id__in=Measure.objects.values("pk")
    )
    versions = _versions_on(history, day)
    kept = {pk: _instance(StatusUpdate, record) for pk, record in versions.items()}
    on_record = [u for u in kept.values() if u.date <= day and u.recorded_at < end]
    corrected = {update.corrects_id for update in on_record}
    for update in on_record:
        if update.corrects_id in kept:
            update.corrects = kept[update.corrects_id]
    return [update for update in on_record if update.pk not in corrected]


def measures_on(day: datetime.date) -> list[MeasureOnDay]:
    """The measures published at the end of `day` (themselves and their Handlungsfeld, by
    their versions then), ordered by code, with the values, latest status update and
    Kennzahlen of that day. The Handlungsfeld attached is today's object of the field the
    measure then belonged to. A fixed number of queries, however many measures."""
    fields_then = _versions_on(FieldOfAction.history.all(), day)
    published_fields = {pk for pk, record in fields_then.items() if record.is_published}
    measures = {
        pk: _instance(Measure, record)
        for pk, record in _versions_on(Measure.history.all(), day).items()
        if record.is_published and record.field_of_action_id in published_fields
    }
    fields = FieldOfAction.objects.select_related("substrategy").in_bulk(
        {measure.field_of_action_id for measure in measures.values()}
    )
    latest = {}
    for update in updates_on(day, measures):
        latest.setdefault(update.measure_id, update)
    indicators = {}
    for record in _versions_on(Indicator.history.all(), day).values():
        if record.measure_id in measures:
            indicators.setdefault(record.measure_id, []).append(_indicator_on(record, day))
    lines = []
    for pk, measure in sorted(measures.items(), key=lambda item: item[1].code):
        if measure.field_of_action_id in fields:
            measure.field_of_action = fields[measure.field_of_action_id]
        update = latest.get(pk)
        measure.status = update.status if update else Status.PLANNED
        measure.progress = update.progress if update else 0
        kennzahlen = sorted(indicators.get(pk, []), key=lambda i: (i.position, i.name))
        lines.append(MeasureOnDay(measure, update, kennzahlen))
    return lines


def _instance(model, record):
    """The object as its historical `record` holds it; fields the history leaves out
    (derived ones) keep their defaults rather than being read from today's row."""
    return model(
        **{field.attname: getattr(record, field.attname) for field in record.tracked_fields}
    )


def _indicator_on(record, day: datetime.date) -> Indicator:
    indicator = _instance(Indicator, record)
    if indicator.as_of is not None and indicator.as_of > day:
        # A value measured after the day was not known on it (a version entered before
        # its Stand, e.g. by the seed).
        indicator.current = indicator.as_of = None
    return indicator
