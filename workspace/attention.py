"""What needs an editor's attention: one answer for "Meine Aufgaben" and the reminders.

A measure needs attention when its Stand is stale (status.is_stale), when it is overdue
(status.is_overdue), when one of its milestones is not reached and falls due within
MILESTONE_HORIZON or is past, or when the value of one of its Kennzahlen is due: never
given, or older than the stale limit (STALE_AFTER_DAYS), as a Stand would be. Only
measures still being worked on (planned, prepared, implemented) are asked about.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch

from iserlohn_digital.roles import is_redaktion
from measures.models import Indicator, Measure, Milestone, OrganisationalUnit
from measures.models.status import is_overdue, is_stale, stale_cutoff

MILESTONE_HORIZON = datetime.timedelta(days=30)


@dataclass
class Task:
    """One measure and, in words, why it needs attention."""

    measure: Measure
    reasons: list[str] = field(default_factory=list)


def measures_of(user):
    """The measures the user keeps: all for the Redaktion, else those of their units."""
    if is_redaktion(user):
        return Measure.objects.all()
    return Measure.objects.editable_by(user)


def tasks(measures, day: datetime.date) -> list[Task]:
    """The measures among `measures` that need attention on `day`, by code, with reasons."""
    horizon = day + MILESTONE_HORIZON
    cutoff = stale_cutoff(day)
    candidates = (
        measures.active()
        .listing()
        .prefetch_related(
            Prefetch(
                "milestones",
                Milestone.objects.filter(reached_on__isnull=True, due_date__lte=horizon),
                to_attr="open_milestones",
            ),
            Prefetch("indicators", Indicator.objects.all(), to_attr="all_indicators"),
        )
        .order_by("lead_unit__name", "code")
        .distinct()
    )
    found = []
    for measure in candidates:
        reasons = []
        if is_stale(measure.status, measure.last_seen, day):
            since = stale_since(measure.last_seen)
            reasons.append(f"Stand veraltet seit {since:%d.%m.%Y}")
        if is_overdue(measure.status, measure.end_date, day):
            reasons.append(f"Ende geplant {measure.end_date:%d.%m.%Y} – überfällig")
        for milestone in measure.open_milestones:
            if milestone.due_date < day:
                reasons.append(
                    f"Meilenstein „{milestone.title}“ am {milestone.due_date:%d.%m.%Y} "
                    "nicht erreicht"
                )
            else:
                reasons.append(
                    f"Meilenstein „{milestone.title}“ fällig am {milestone.due_date:%d.%m.%Y}"
                )
        for indicator in measure.all_indicators:
            if indicator.as_of is None or indicator.as_of < cutoff:
                reasons.append(f"Kennzahl „{indicator.name}“: Wert fällig")
        if reasons:
            found.append(Task(measure, reasons))
    return found


def stale_since(last_seen: datetime.date) -> datetime.date:
    """The first day on which a measure last seen on `last_seen` counts as stale."""
    return last_seen + datetime.timedelta(days=settings.STALE_AFTER_DAYS + 1)


def by_unit(found: list[Task]) -> list[tuple[OrganisationalUnit, list[Task]]]:
    """The tasks grouped by lead unit, in the order given (by unit name)."""
    groups: dict[int, tuple[OrganisationalUnit, list[Task]]] = {}
    for task in found:
        unit = task.measure.lead_unit
        groups.setdefault(unit.pk, (unit, []))[1].append(task)
    return list(groups.values())


def drafts_waiting():
    """Measures not published yet: the Redaktion decides about them."""
    return Measure.objects.filter(is_published=False).select_related("lead_unit").order_by("code")
