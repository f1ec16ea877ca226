"""The Umsetzungsstand's figures and lists in few queries, whatever the number of measures.

Every count of the page (by status, per Handlungsfeld and Teilstrategie, running, overdue,
stale) comes from one query over the published Handlungsfelder and their measures, each a
conditional count; totals are their sums. The three lists (roadmap, overdue, stale) are
read in one query of the measures any of them shows.
"""

import datetime

from django.db.models import Count, Q, Sum

from strategy.models import SubStrategy

from .models import FieldOfAction, Measure, Status
from .models.measures import COUNTED, OPEN, overdue_on, scheduled_within, stale_on
from .models.status import CLOSED_STATUSES, is_overdue, is_stale


def conditions(today, first, last) -> dict[str, Q]:
    """What the page counts, as conditions on a published measure: the ones
    MeasureQuerySet filters by (open().scheduled_within(), overdue(), stale())."""
    return {
        **{f"status_{status.value}": Q(status=status) for status in Status},
        "counted": COUNTED,
        "running": OPEN & scheduled_within(first, last),
        "overdue": overdue_on(today),
        "stale": stale_on(today),
    }


def _through_measures(condition: Q) -> Q:
    """`condition` on a measure as one on the measures of a Handlungsfeld."""
    return Q.create(
        [
            _through_measures(child)
            if isinstance(child, Q)
            else (f"measures__{child[0]}", child[1])
            for child in condition.children
        ],
        connector=condition.connector,
        negated=condition.negated,
    )


def figures(today, first, last) -> dict:
    """The page's counts: `fields` (the published Handlungsfelder with `measure_count`,
    `done` and `progress` as `with_progress()` gives them), `substrategies` (each with
    `measure_count` and `progress` of its measures not dropped), `status_counts`,
    `figures` (as MeasureQuerySet.figures() with `running` and `overdue`) and
    `stale_count`."""
    published = Q(is_published=True)
    counts = {
        name: Count("measures", filter=_through_measures(published & condition))
        for name, condition in conditions(today, first, last).items()
    }
    counted = _through_measures(published & COUNTED)
    fields = list(
        FieldOfAction.objects.published()
        .select_related("substrategy")
        .with_progress()
        .annotate(**counts, progress_sum=Sum("measures__progress", filter=counted))
    )
    status_counts = {
        status: sum(getattr(field, f"status_{status.value}") for field in fields)
        for status in Status
    }
    counted_total = sum(field.counted for field in fields)
    progress_total = sum(field.progress_sum or 0 for field in fields)
    substrategies = list(SubStrategy.objects.order_by("position"))
    for substrategy in substrategies:
        own = [field for field in fields if field.substrategy_id == substrategy.pk]
        substrategy.measure_count = sum(field.counted for field in own)
        progress = sum(field.progress_sum or 0 for field in own)
        substrategy.progress = (
            progress / substrategy.measure_count if own and substrategy.measure_count else None
        )
    return {
        "fields": fields,
        "substrategies": substrategies,
        "status_counts": status_counts,
        "figures": {
            "progress": round(progress_total / counted_total) if counted_total else None,
            "counted": counted_total,
            "done": status_counts[Status.DONE],
            "dropped": status_counts[Status.DROPPED],
            "running": sum(field.running for field in fields),
            "overdue": sum(field.overdue for field in fields),
        },
        "stale_count": sum(field.stale for field in fields),
    }


def lists(today, first, last, limit) -> dict:
    """The first `limit` measures of the roadmap (by planned end), of the overdue ones (by
    planned end) and of the stale ones (by code), in one query: the measures any of them
    shows. Each list is then what its condition selects of them, in its order: the first
    `limit` of all are among them, any other comes later."""
    published = Measure.objects.published()
    chosen = [
        published.open().scheduled_within(first, last).order_by("end_date", "code"),
        published.overdue(today).order_by("end_date", "code"),
        published.stale(today).order_by("code"),
    ]
    shown = Q()
    for queryset in chosen:
        shown |= Q(pk__in=queryset.values("pk")[:limit])
    measures = list(Measure.objects.listing().filter(shown).order_by("code"))
    # Read by code: sorting by the planned end alone keeps the database's order of codes.
    by_end = sorted(measures, key=lambda measure: measure.end_date or datetime.date.max)
    return {
        "roadmap": [m for m in by_end if _running(m, first, last)][:limit],
        "overdue": [m for m in by_end if is_overdue(m.status, m.end_date, today)][:limit],
        "stale": [m for m in measures if is_stale(m.status, m.last_seen, today)][:limit],
    }


def _running(measure, first, last) -> bool:
    """As MeasureQuerySet.open().scheduled_within(first, last)."""
    start, end = measure.start_date, measure.end_date
    scheduled = start is not None and end is not None and start <= last and end >= first
    return scheduled and measure.status not in CLOSED_STATUSES
