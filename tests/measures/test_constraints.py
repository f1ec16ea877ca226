"""The database itself rejects invalid data, on PostgreSQL and on SQLite.

Each test writes around the model's validation (plain create/update) so only the
database's constraints stand between the bad value and the table, and states which
constraint it expects to refuse the write: the test fails if another one did.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import UniqueConstraint

from measures.models import (
    FieldOfAction,
    Indicator,
    Measure,
    Milestone,
    OnlineService,
    OrganisationalUnit,
    StatusUpdate,
)
from strategy.models import Goal
from tests.builders import make_field, make_goal, make_measure, make_unit, make_update

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Constraint:
    """A constraint as each database names it when it refuses a write: `sqlite` is the
    whole message there, `postgresql` a part of it; None where that database has no such
    constraint."""

    label: str
    error: type[Exception]
    sqlite: str | None
    postgresql: str | None

    def refused(self, error: Exception) -> bool:
        if not isinstance(error, self.error):
            return False
        if connection.vendor == "sqlite":
            return self.sqlite is not None and str(error) == self.sqlite
        return self.postgresql is not None and self.postgresql in str(error)


def check(model, name) -> Constraint:
    """One of the model's CHECK constraints; both databases name it."""
    assert name in {c.name for c in model._meta.constraints}, f"{model.__name__} has no {name}"
    return Constraint(
        name,
        IntegrityError,
        f"CHECK constraint failed: {name}",
        f'violates check constraint "{name}"',
    )


def column_check(model, field) -> Constraint:
    """The CHECK Django gives a column itself (a positive integer is >= 0): SQLite names
    the column, PostgreSQL "<table>_<column>_check"."""
    column, table = model._meta.get_field(field).column, model._meta.db_table
    return Constraint(
        f"{table}.{column} >= 0",
        IntegrityError,
        f"CHECK constraint failed: {column}",
        f'violates check constraint "{table}_{column}_check"',
    )


def unique(model, *fields) -> Constraint:
    """A UniqueConstraint of the model, or a field with unique=True: PostgreSQL names the
    constraint ("<table>_<column>_key" for the field), SQLite the columns."""
    table = model._meta.db_table
    columns = [model._meta.get_field(field).column for field in fields]
    names = [
        c.name
        for c in model._meta.constraints
        if isinstance(c, UniqueConstraint) and tuple(c.fields) == fields
    ]
    if not names:
        assert len(fields) == 1 and model._meta.get_field(fields[0]).unique, (model, fields)
        names = [f"{table}_{columns[0]}_key"]
    return Constraint(
        names[0],
        IntegrityError,
        "UNIQUE constraint failed: " + ", ".join(f"{table}.{column}" for column in columns),
        f'violates unique constraint "{names[0]}"',
    )


def too_long(model, field) -> Constraint:
    """PostgreSQL's varchar(n), which refuses a longer text before any CHECK is looked at;
    SQLite does not limit text by its type."""
    length = model._meta.get_field(field).max_length
    return Constraint(
        f"varchar({length})",
        DataError,
        None,
        f"value too long for type character varying({length})",
    )


def rejects(write, constraint, *alternatives):
    """The database refuses what `write` writes, by `constraint` or, where the data breaks
    several, by one of the `alternatives` (the database names the first it checks)."""
    expected = (constraint, *alternatives)
    with pytest.raises((IntegrityError, DataError)) as refused, transaction.atomic():
        write()
    assert any(c.refused(refused.value) for c in expected), (
        f"expected {' or '.join(c.label for c in expected)}, refused by: {refused.value}"
    )


@pytest.mark.parametrize("progress", [101, 250, -1])
def test_measure_progress_outside_0_to_100_is_rejected(progress):
    # Below 0 the column's own check (a positive integer) is broken too.
    also = [column_check(Measure, "progress")] if progress < 0 else []
    rejects(
        lambda: make_measure(progress=progress), check(Measure, "measure_progress_range"), *also
    )


def test_measure_progress_bounds_are_accepted():
    assert make_measure(progress=0).progress == 0
    assert make_measure(progress=100).progress == 100


def test_measure_end_before_start_is_rejected():
    rejects(
        lambda: make_measure(
            start_date=datetime.date(2026, 4, 1), end_date=datetime.date(2026, 3, 31)
        ),
        check(Measure, "measure_end_not_before_start"),
    )


def test_measure_end_equal_to_start_or_open_ended_is_accepted():
    day = datetime.date(2026, 4, 1)
    make_measure(start_date=day, end_date=day)
    make_measure(start_date=day, end_date=None)


def test_done_measure_below_100_percent_is_rejected():
    rejects(
        lambda: make_measure(status=Measure.Status.DONE, progress=99),
        check(Measure, "measure_done_is_complete"),
    )


def test_done_at_100_percent_is_accepted():
    assert make_measure(status=Measure.Status.DONE, progress=100).pk


def test_changing_a_done_measure_to_less_than_100_is_rejected():
    measure = make_measure(status=Measure.Status.DONE, progress=100)
    rejects(
        lambda: Measure.objects.filter(pk=measure.pk).update(progress=80),
        check(Measure, "measure_done_is_complete"),
    )


def test_unknown_status_and_priority_are_rejected():
    rejects(lambda: make_measure(status="erledigt"), check(Measure, "measure_status_valid"))
    rejects(lambda: make_measure(priority="dringend"), check(Measure, "measure_priority_valid"))


def test_duplicate_measure_code_is_rejected():
    field = make_field()
    make_measure(field_of_action=field, code="SC-1.1")
    rejects(lambda: make_measure(field_of_action=field, code="SC-1.1"), unique(Measure, "code"))


def test_duplicate_slugs_are_rejected():
    make_unit(slug="buergerservice")
    rejects(lambda: make_unit(slug="buergerservice"), unique(OrganisationalUnit, "slug"))
    make_field(slug="bildung")
    rejects(lambda: make_field(slug="bildung"), unique(FieldOfAction, "slug"))


def test_summary_longer_than_300_characters_is_rejected():
    # PostgreSQL's varchar(300) refuses the text before the check would.
    rejects(
        lambda: make_measure(summary="x" * 301),
        check(Measure, "measure_summary_max_300"),
        too_long(Measure, "summary"),
    )
    assert make_measure(summary="ä" * 300).pk


def test_negative_budget_is_rejected():
    rejects(lambda: make_measure(budget=-1), check(Measure, "measure_budget_not_negative"))


def test_strategic_goal_without_parent_is_rejected():
    rejects(lambda: make_goal(kind="strategisch"), check(Goal, "goal_parent_matches_kind"))


def test_overarching_goal_with_parent_is_rejected():
    parent = make_goal()
    rejects(
        lambda: make_goal(parent=parent, kind="uebergeordnet"),
        check(Goal, "goal_parent_matches_kind"),
    )


def test_strategic_goal_under_overarching_goal_is_accepted():
    parent = make_goal()
    assert make_goal(parent=parent).kind == "strategisch"


def test_duplicate_goal_code_is_rejected():
    make_goal(code="SC-Z1")
    rejects(lambda: make_goal(code="SC-Z1"), unique(Goal, "code"))


def test_status_update_invariants_are_enforced():
    measure = make_measure()
    rejects(
        lambda: make_update(measure, progress=101), check(StatusUpdate, "update_progress_range")
    )
    rejects(
        lambda: make_update(measure, status="abgeschlossen", progress=50),
        check(StatusUpdate, "update_done_is_complete"),
    )
    rejects(lambda: make_update(measure, note=""), check(StatusUpdate, "update_note_required"))
    rejects(
        lambda: make_update(measure, status="fertig"), check(StatusUpdate, "update_status_valid")
    )


def test_two_updates_of_one_measure_need_distinct_moments():
    measure = make_update(make_measure()).measure
    first = measure.updates.get()
    rejects(
        lambda: make_update(measure, recorded_at=first.recorded_at),
        unique(StatusUpdate, "measure", "recorded_at"),
    )


def test_milestone_titles_are_unique_per_measure():
    measure = make_measure()
    Milestone.objects.create(measure=measure, title="Start", due_date=datetime.date(2026, 1, 1))
    rejects(
        lambda: Milestone.objects.create(
            measure=measure, title="Start", due_date=datetime.date(2026, 2, 1)
        ),
        unique(Milestone, "measure", "title"),
    )


def test_indicator_needs_a_target_other_than_its_baseline_and_a_date_for_its_value():
    measure = make_measure()
    rejects(
        lambda: Indicator.objects.create(measure=measure, name="A", baseline=5, target=5),
        check(Indicator, "indicator_target_differs"),
    )
    rejects(
        lambda: Indicator.objects.create(
            measure=measure, name="B", baseline=0, target=10, current=3, as_of=None
        ),
        check(Indicator, "indicator_current_has_date"),
    )


@pytest.mark.parametrize("maturity", [5, 9])
def test_online_service_maturity_above_4_is_rejected(maturity):
    rejects(
        lambda: OnlineService.objects.create(slug="dienst", name="Dienst", maturity=maturity),
        check(OnlineService, "service_maturity_range"),
    )


def test_status_update_rejects_progress_that_skips_validation():
    measure = make_measure()
    update = make_update(measure)
    rejects(
        lambda: StatusUpdate.objects.filter(pk=update.pk).update(progress=150),
        check(StatusUpdate, "update_progress_range"),
    )
