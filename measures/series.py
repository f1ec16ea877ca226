"""A Kennzahl over time: the one way its Zeitreihe (Istwerte) and Zielpfad (Sollwerte)
change, and how a citizen reads them.

Every channel writes values through this module: the measure form's current value by
`take_current` (which `change_target` calls on every save of a Kennzahl, a revert's too),
the Kennzahl's own form by `replace_series`, other code by `record_value`. In one transaction
they lock the Kennzahl, write the values and give the Kennzahl its latest Istwert as current
value and date, so everything that reads those fields (lists, PDFs, reports, the open data)
stays correct.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from .models import Indicator, IndicatorValue

Kind = IndicatorValue.Kind


def _sync_latest(indicator: Indicator) -> None:
    latest = (
        IndicatorValue.objects.filter(indicator=indicator, kind=Kind.ACTUAL)
        .order_by("-date")
        .first()
    )
    current, as_of = (latest.value, latest.date) if latest else (None, None)
    if (indicator.current, indicator.as_of) != (current, as_of):
        indicator.current, indicator.as_of = current, as_of
        indicator.save(update_fields=["current", "as_of"])


@transaction.atomic
def take_current(*, indicator: Indicator) -> None:
    """After the Kennzahl was saved with a current value and date (typed into the measure
    form): that value becomes the Istwert of its day, and the Kennzahl holds its latest
    Istwert again. Called by `change_target`, which every form saves by."""
    current, as_of = indicator.current, indicator.as_of
    if current is not None and as_of is not None:
        stored = IndicatorValue.objects.filter(indicator=indicator, kind=Kind.ACTUAL, date=as_of)
        if not stored.filter(value=current).exists():
            IndicatorValue.objects.update_or_create(
                indicator=indicator, kind=Kind.ACTUAL, date=as_of, defaults={"value": current}
            )
    _sync_latest(indicator)


@transaction.atomic
def record_value(
    *, indicator: Indicator, date: datetime.date, value: Decimal, kind: str = Kind.ACTUAL
) -> IndicatorValue:
    """Record the Kennzahl's value of `kind` on `date` (replacing one of that day) and
    give it its latest Istwert as current value."""
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    stored, _ = IndicatorValue.objects.update_or_create(
        indicator=indicator, kind=kind, date=date, defaults={"value": value}
    )
    _sync_latest(indicator)
    return stored


@transaction.atomic
def replace_series(
    *, indicator: Indicator, kind: str, points: dict[datetime.date, Decimal]
) -> None:
    """Make the Kennzahl's values of `kind` exactly `points` (date → value): values of
    other days go, changed ones change; then its current value follows the Istwerte."""
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    stored = {v.date: v for v in IndicatorValue.objects.filter(indicator=indicator, kind=kind)}
    for date, value in stored.items():
        if date not in points:
            value.delete()
    for date, value in points.items():
        if date not in stored:
            IndicatorValue.objects.create(indicator=indicator, kind=kind, date=date, value=value)
        elif stored[date].value != value:
            stored[date].value = value
            stored[date].save(update_fields=["value"])
    _sync_latest(indicator)


def path_of(indicator: Indicator) -> list[tuple[datetime.date, Decimal]]:
    """The Zielpfad as (date, value), from the Ausgangswert at the start of the measure
    (when it has one before the first Sollwert) through the Sollwerte."""
    points = [(v.date, v.value) for v in indicator.planned_values]
    start = indicator.measure.start_date
    if start is not None and (not points or start < points[0][0]):
        points.insert(0, (start, indicator.baseline))
    return points


def planned_on(points: list[tuple[datetime.date, Decimal]], day: datetime.date) -> Decimal | None:
    """The value the Zielpfad plans for `day`, on a straight line between its points;
    after the last point its value, before the first none."""
    if not points or day < points[0][0]:
        return None
    for (start, low), (end, high) in zip(points, points[1:], strict=False):
        if start <= day <= end:
            days = (end - start).days
            return low + (high - low) * Decimal((day - start).days) / Decimal(days or 1)
    return points[-1][1]


def next_target(indicator: Indicator) -> IndicatorValue | None:
    """The Sollwert due next after the latest Istwert (or the last one, if all are past)."""
    planned = indicator.planned_values
    after = indicator.as_of
    if after is None:
        return planned[0] if planned else None
    return next((v for v in planned if v.date >= after), planned[-1] if planned else None)


class Standing:
    REACHED = "Ziel erreicht"
    ON_TRACK = "im Plan"
    BEHIND = "hinter dem Plan"


def standing(indicator: Indicator) -> str | None:
    """Where the latest Istwert stands against the Zielpfad on its day: the target reached,
    on or ahead of the path, or behind it; None without an Istwert or a path for its day."""
    if indicator.current is None:
        return None
    rising = indicator.target > indicator.baseline
    gap = indicator.current - indicator.target
    if (gap >= 0) if rising else (gap <= 0):
        return Standing.REACHED
    planned = planned_on(path_of(indicator), indicator.as_of)
    if planned is None:
        return None
    ahead = indicator.current - planned
    return Standing.ON_TRACK if ((ahead >= 0) if rising else (ahead <= 0)) else Standing.BEHIND


def behind_plan(indicators) -> list[tuple[Indicator, Decimal]]:
    """Those of `indicators` (with their values and measure read) behind their Zielpfad,
    each with the value the path planned for the day of its latest Istwert."""
    return [
        (indicator, planned_on(path_of(indicator), indicator.as_of).quantize(Decimal(1)))
        for indicator in indicators
        if standing(indicator) == Standing.BEHIND
    ]


def table_rows(indicator: Indicator) -> list[tuple[datetime.date, Decimal | None, Decimal | None]]:
    """(date, Istwert, Sollwert) for every day that has either, by date."""
    rows: dict[datetime.date, list] = {}
    for value in indicator.values.all():
        column = 0 if value.kind == Kind.ACTUAL else 1
        rows.setdefault(value.date, [None, None])[column] = value.value
    return [(date, *rows[date]) for date in sorted(rows)]
