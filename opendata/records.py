"""One measure as open data: the same fields in CSV, JSON and the API."""


from measures.models import Measure

FIELDS = [
    "code", "titel", "teilstrategie", "handlungsfeld", "ziele", "status", "fortschritt",
    "prioritaet", "beginn", "ende", "federfuehrung", "schlagwoerter", "letzte_meldung",
    "url", "beispiel",
]  # fmt: skip


def published_measures():
    """Published measures with everything their open-data record shows."""
    return (
        Measure.objects.published()
        .select_related("field_of_action__substrategy", "lead_unit")
        .prefetch_related("goals", "tags")
        .with_last_update()
        .order_by("code")
    )


def measure_record(measure) -> dict:
    return {
        "code": measure.code,
        "titel": measure.title,
        "teilstrategie": measure.field_of_action.substrategy.name,
        "handlungsfeld": measure.field_of_action.name,
        "ziele": sorted(goal.code for goal in measure.goals.all() if goal.is_published),
        "status": measure.get_status_display(),
        "fortschritt": measure.progress,
        "prioritaet": measure.get_priority_display(),
        "beginn": measure.start_date.isoformat() if measure.start_date else None,
        "ende": measure.end_date.isoformat() if measure.end_date else None,
        "federfuehrung": measure.lead_unit.name,
        "schlagwoerter": sorted(tag.name for tag in measure.tags.all()),
        "letzte_meldung": measure.last_update.isoformat() if measure.last_update else None,
        "url": measure.get_full_url(),
        "beispiel": measure.is_example,
    }
