"""Recording status updates: the one way a measure's status and progress change.

Every channel (the measure form, the status-update form, the CSV import, a revert) builds
a `StatusUpdate` and passes it to `record_stand`. In one transaction the update is
checked and saved, and the measure takes the status and progress of its latest update:
the public Stand box, the latest message, the timeline, the API and every PDF then tell
the same story. An update dated before the latest one (the Redaktion recording history
after the fact) changes the history, not the current Stand. A measure whose latest update
makes it "abgeschlossen" keeps the day it was finished (`finished_on`, its actual end).

A published update is not edited: the Redaktion corrects it by a new update that names
it (`corrects`). The corrected one then leaves the public record (`current()`), so a
correction of the latest update changes the Stand.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from .models import Measure, Status, StatusUpdate
from .models.measures import latest_update_date

NOTE_REQUIRED = "Bitte kurz vermerken, was sich geändert hat."

# Sent with `update=` inside the transaction that records a Stand; receivers write in it
# (the subscriptions app plans its mails to followers), so both happen or neither.
stand_recorded = Signal()


@transaction.atomic
def record_stand(update: StatusUpdate) -> StatusUpdate:
    """Save `update` (validated first: nothing is written if it is invalid) and give its
    measure the status and progress of the measure's latest update, and the day it was
    finished if that update says "abgeschlossen"."""
    update.note = update.note.strip()
    if not update.note:
        raise ValidationError({"note": NOTE_REQUIRED})
    update.full_clean()
    update.save()
    update.measure = follow_latest(update.measure_id, changed_at=update.recorded_at)
    stand_recorded.send(sender=StatusUpdate, update=update)
    return update


def follow_latest(measure_id, *, changed_at=None) -> Measure:
    """Give the measure the status and progress of its latest current update, and the day it
    was finished (part of `record_stand` and `delete_status_updates`; on its own only
    inside their transaction)."""
    measure = Measure.objects.select_for_update().get(pk=measure_id)
    history = list(
        measure.updates.current()
        .order_by("-date", "-recorded_at")
        .values_list("status", "progress", "date")
    )
    # The date of the latest update follows every change, also the last one deleted.
    last_update_on = history[0][2] if history else None
    if not history:
        stand = (measure.status, measure.progress, measure.finished_on)
    else:
        (status, progress, _) = history[0]
        stand = (status, progress, finished_on(history))
    if (measure.status, measure.progress, measure.finished_on) != stand:
        measure.status, measure.progress, measure.finished_on = stand
        measure.last_update_on = last_update_on
        # The measure's history dates this change at the moment the update was recorded:
        # the history page finds the update's note by it (MeasureAdmin).
        if changed_at is not None:
            measure._history_date = changed_at
        measure.save(
            update_fields=["status", "progress", "finished_on", "last_update_on", "updated_at"]
        )
        measure.__dict__.pop("_history_date", None)
    elif measure.last_update_on != last_update_on:
        # Only the date: no new version of the measure in its history.
        Measure.objects.filter(pk=measure.pk).update(last_update_on=last_update_on)
        measure.last_update_on = last_update_on
    return measure


def refresh_last_update(measures=None) -> None:
    """Set `last_update_on` of `measures` (a queryset, by default all) from their status
    updates: after writes that bypass `record_stand`, as loading a fixture or a backup."""
    measures = Measure.objects.all() if measures is None else measures
    measures.update(last_update_on=latest_update_date())


@transaction.atomic
def delete_status_updates(updates) -> None:
    """Delete status updates recorded by mistake (the Redaktion's); each measure then
    takes the Stand of its latest remaining update, so the Stand box never keeps what
    no update says."""
    measure_ids = {update.measure_id for update in updates}
    for update in updates:
        update.delete()
    for measure_id in measure_ids:
        follow_latest(measure_id)


def finished_on(history) -> datetime.date | None:
    """The day since which a measure is abgeschlossen, by its (status, progress, date)
    updates newest first: the date of the first of its latest run of "abgeschlossen"
    updates; None if the latest update says something else."""
    day = None
    for status, _, date in history:
        if status != Status.DONE:
            break
        day = date
    return day


def record_status_update(
    *,
    measure: Measure,
    note: str,
    status: str | None = None,
    progress: int | None = None,
    author=None,
    evidence_url: str = "",
    evidence_title: str = "",
    date: datetime.date | None = None,
) -> StatusUpdate:
    """Record a new Stand of `measure` (by default the status and progress it holds)."""
    return record_stand(
        StatusUpdate(
            measure=measure,
            date=date or timezone.localdate(),
            status=measure.status if status is None else status,
            progress=measure.progress if progress is None else progress,
            note=note,
            evidence_url=evidence_url,
            evidence_title=evidence_title,
            author=author,
        )
    )
