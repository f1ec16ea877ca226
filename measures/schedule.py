"""Changing a measure's plan: the one way planned dates and Kennzahl targets change.

Every channel (the measure form, a revert, the Kennzahl forms, the CSV import) saves the
rest of its changes and passes the new dates to `change_schedule`, or an indicator with
its new target to `change_target`. In one transaction the stored values are read (locked),
the change is saved and each postponement is recorded with the reason, who and when.

What counts as a postponement: a planned date that was set and is moved or cleared, and
every change of a Kennzahl's target. Setting a date that was open is the first planning,
not a postponement: it needs no reason and leaves no record.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iserlohn_digital.text import normalize_text

from .models import Indicator, Measure, Postponement
from .series import take_current

REASON_REQUIRED = "Der Termin hat sich geändert: bitte den Grund angeben."
TARGET_REASON_REQUIRED = "Der Zielwert hat sich geändert: bitte den Grund angeben."
END_BEFORE_START = "Das Ende liegt nicht vor dem Beginn."


def moved_dates(
    measure: Measure, start_date: datetime.date | None, end_date: datetime.date | None
) -> list[tuple[str, datetime.date, datetime.date | None]]:
    """The postponements that giving `measure` (as it holds them now) these planned dates
    would make, as (kind, old, new): a date that was set and moves or is cleared."""
    changes = [
        (Postponement.Kind.START, measure.start_date, start_date),
        (Postponement.Kind.END, measure.end_date, end_date),
    ]
    return [(kind, old, new) for kind, old, new in changes if old is not None and old != new]


def target_changed(indicator: Indicator, target: Decimal | None) -> bool:
    """Whether giving the stored `indicator` this target is a change to record."""
    return indicator.pk is not None and target is not None and indicator.target != target


@transaction.atomic
def change_schedule(
    *,
    measure: Measure,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    reason: str = "",
    author=None,
) -> list[Postponement]:
    """Give `measure` these planned dates and record each postponement with `reason`,
    required when a planned date moves or is cleared (ValidationError on "reason",
    nothing written). Returns the postponements recorded."""
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": END_BEFORE_START})
    stored = Measure.objects.select_for_update().get(pk=measure.pk)
    changes = moved_dates(stored, start_date, end_date)
    reason = normalize_text(reason or "")
    if changes and not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    measure.start_date, measure.end_date = start_date, end_date
    if (stored.start_date, stored.end_date) != (start_date, end_date):
        measure.save(update_fields=["start_date", "end_date", "updated_at"])
    now = timezone.now()
    return [
        Postponement.objects.create(
            measure=measure,
            kind=kind,
            old_date=old,
            new_date=new,
            reason=reason,
            author=author,
            recorded_at=now,
        )
        for kind, old, new in changes
    ]


@transaction.atomic
def change_target(
    *, indicator: Indicator, target: Decimal, reason: str = "", author=None
) -> Postponement | None:
    """Save `indicator` (with whatever else was changed on it) with `target` as its target
    and, if that changes the stored target, record it with `reason`, then required
    (ValidationError on "reason", nothing written). A new indicator is saved without a
    record. A current value given with it joins its Zeitreihe (measures/series.py).
    Returns the postponement recorded, if any."""
    stored = None
    if indicator.pk is not None:
        stored = Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    reason = normalize_text(reason or "")
    changed = stored is not None and target_changed(stored, target)
    if changed and not reason:
        raise ValidationError({"reason": TARGET_REASON_REQUIRED})
    indicator.target = target
    indicator.save()
    take_current(indicator=indicator)
    if not changed:
        return None
    return Postponement.objects.create(
        measure_id=indicator.measure_id,
        kind=Postponement.Kind.TARGET,
        indicator=indicator,
        indicator_name=indicator.name,
        old_value=stored.target,
        new_value=Decimal(target),
        reason=reason,
        author=author,
    )
