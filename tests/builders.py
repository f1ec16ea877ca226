"""Plain builders for test data: each makes a valid object and takes overrides."""

import datetime
import itertools

from measures.models import (
    FieldOfAction,
    LifeSituation,
    Measure,
    OnlineService,
    OrganisationalUnit,
    StatusUpdate,
)
from measures.updates import refresh_last_update
from strategy.models import Goal, Principle, SubStrategy

_numbers = itertools.count(1)


def make_substrategy(**overrides) -> SubStrategy:
    n = next(_numbers)
    values = {
        "slug": f"teilstrategie-{n}",
        "code": f"T{n % 999}",
        "name": f"Teilstrategie {n}",
        "tagline": "behandelt etwas",
    }
    return SubStrategy.objects.create(**(values | overrides))


def make_principle(**overrides) -> Principle:
    n = next(_numbers)
    values = {"number": n, "slug": f"leitsatz-{n}", "title": f"Leitsatz {n}", "text": "Text"}
    return Principle.objects.create(**(values | overrides))


def make_goal(**overrides) -> Goal:
    n = next(_numbers)
    parent = overrides.get("parent")
    values = {
        "code": f"SC-Z{n % 100}",
        "kind": Goal.Kind.STRATEGIC if parent else Goal.Kind.OVERARCHING,
        "title": f"Ziel {n}",
        "is_published": True,
    }
    if "substrategy" not in overrides:
        values["substrategy"] = parent.substrategy if parent else make_substrategy()
    return Goal.objects.create(**(values | overrides))


def make_unit(**overrides) -> OrganisationalUnit:
    n = next(_numbers)
    values = {"slug": f"einheit-{n}", "name": f"Einheit {n}"}
    return OrganisationalUnit.objects.create(**(values | overrides))


def make_field(**overrides) -> FieldOfAction:
    n = next(_numbers)
    values = {
        "code": f"HF-{n % 100}",
        "slug": f"handlungsfeld-{n}",
        "name": f"Handlungsfeld {n}",
        "is_published": True,
    }
    if "substrategy" not in overrides:
        values["substrategy"] = make_substrategy()
    return FieldOfAction.objects.create(**(values | overrides))


def make_measure(**overrides) -> Measure:
    n = next(_numbers)
    field = overrides.pop("field_of_action", None) or make_field()
    values = {
        "code": f"{field.code}.{n % 100}",
        "field_of_action": field,
        "title": f"Maßnahme {n}",
        "summary": "Kurz gesagt.",
        "lead_unit": overrides.pop("lead_unit", None) or make_unit(),
        "is_published": True,
    }
    return Measure.objects.create(**(values | overrides))


def make_life_situation(**overrides) -> LifeSituation:
    n = next(_numbers)
    values = {"slug": f"lebenslage-{n}", "name": f"Lebenslage {n}", "position": n}
    return LifeSituation.objects.create(**(values | overrides))


def make_service(measure: Measure | None = None, *, life_situations=(), **overrides):
    """An online service of `measure` (of none if None), in the given Lebenslagen."""
    n = next(_numbers)
    values = {"slug": f"dienst-{n}", "name": f"Dienst {n}", "measure": measure}
    service = OnlineService.objects.create(**(values | overrides))
    service.life_situations.set(life_situations)
    return service


def make_update(measure: Measure, **overrides) -> StatusUpdate:
    values = {
        "measure": measure,
        "date": datetime.date(2026, 1, 15),
        "status": measure.status,
        "progress": measure.progress,
        "note": "Stand erfasst.",
    }
    update = StatusUpdate.objects.create(**(values | overrides))
    # Saved around record_stand (the Stand stays as it is), but the stored date of the
    # latest update follows, as it does for every channel.
    refresh_last_update(Measure.objects.filter(pk=update.measure_id))
    measure.refresh_from_db(fields=["last_update_on"])
    return update


def make_world(measure_count: int, *, substrategy=None) -> dict:
    """A published Teilstrategie with goals, one Handlungsfeld and `measure_count` measures,
    each with updates, a milestone, a Kennzahl, a tag, a goal and a dependency."""

    substrategy = substrategy or make_substrategy(slug="smart-city", code="SC", name="Smart City")
    principle = make_principle()
    parent = make_goal(substrategy=substrategy)
    goal = make_goal(parent=parent)
    goal.principles.add(principle)
    field = make_field(substrategy=substrategy, code="SC-1", slug="daten")
    field.goals.add(parent, goal)
    unit = make_unit()
    world = {"substrategy": substrategy, "goal": goal, "field": field, "unit": unit}
    world["measures"] = add_measures(world, measure_count)
    return world


def add_measures(world: dict, count: int) -> list:
    from measures.models import CouncilDocument, Indicator, Milestone

    field, unit, goal = world["field"], world["unit"], world["goal"]
    start = field.measures.count()
    created = []
    for i in range(start + 1, start + count + 1):
        measure = make_measure(
            field_of_action=field,
            lead_unit=unit,
            code=f"{field.code}.{i}",
            status="umsetzung",
            progress=i % 100,
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2027, 12, 31),
        )
        measure.goals.add(goal)
        measure.tags.add("Daten", f"Thema {i % 3}")
        make_update(measure, date=datetime.date(2025, 6, 1), progress=0)
        make_update(measure, date=datetime.date(2026, 6, 1))
        Milestone.objects.create(measure=measure, title="Start", due_date=datetime.date(2025, 3, 1))
        Indicator.objects.create(
            measure=measure,
            name="Nutzung",
            baseline=0,
            target=100,
            current=40,
            as_of=datetime.date(2026, 6, 1),
        )
        CouncilDocument.objects.create(
            measure=measure,
            reference=f"V/2025/{i:03}",
            title=f"Beschluss zu {measure.code}",
            date=datetime.date(2025, 2, 1),
            url=f"https://ratsinfo.example/vorlage/{i}",
        )
        if created:
            measure.dependencies.add(created[-1])
        created.append(measure)
    return created
