"""The database itself rejects invalid data, on PostgreSQL and on SQLite.

Each test writes around the model's validation (plain create/update) so only the
database's constraints stand between the bad value and the table.
"""

import datetime

import pytest
from django.db import DataError, IntegrityError, transaction

from measures.models import Indicator, Measure, Milestone, OnlineService, StatusUpdate
from tests.builders import make_field, make_goal, make_measure, make_unit, make_update

pytestmark = pytest.mark.django_db

REJECTED = (IntegrityError, DataError)


def rejects(create):
    with pytest.raises(REJECTED), transaction.atomic():
        create()


@pytest.mark.parametrize("progress", [101, 250, -1])
def test_measure_progress_outside_0_to_100_is_rejected(progress):
    rejects(lambda: make_measure(progress=progress))


def test_measure_progress_bounds_are_accepted():
    assert make_measure(progress=0).progress == 0
    assert make_measure(progress=100).progress == 100


def test_measure_end_before_start_is_rejected():
    rejects(
        lambda: make_measure(
            start_date=datetime.date(2026, 4, 1), end_date=datetime.date(2026, 3, 31)
        )
    )


def test_measure_end_equal_to_start_or_open_ended_is_accepted():
    day = datetime.date(2026, 4, 1)
    make_measure(start_date=day, end_date=day)
    make_measure(start_date=day, end_date=None)


def test_done_measure_below_100_percent_is_rejected():
    rejects(lambda: make_measure(status=Measure.Status.DONE, progress=99))


def test_done_at_100_percent_is_accepted():
    assert make_measure(status=Measure.Status.DONE, progress=100).pk


def test_changing_a_done_measure_to_less_than_100_is_rejected():
    measure = make_measure(status=Measure.Status.DONE, progress=100)
    with pytest.raises(REJECTED), transaction.atomic():
        Measure.objects.filter(pk=measure.pk).update(progress=80)


def test_unknown_status_and_priority_are_rejected():
    rejects(lambda: make_measure(status="erledigt"))
    rejects(lambda: make_measure(priority="dringend"))


def test_duplicate_measure_code_is_rejected():
    field = make_field()
    make_measure(field_of_action=field, code="SC-1.1")
    rejects(lambda: make_measure(field_of_action=field, code="SC-1.1"))


def test_duplicate_slugs_are_rejected():
    make_unit(slug="buergerservice")
    rejects(lambda: make_unit(slug="buergerservice"))
    make_field(slug="bildung")
    rejects(lambda: make_field(slug="bildung"))


def test_summary_longer_than_300_characters_is_rejected():
    rejects(lambda: make_measure(summary="x" * 301))
    assert make_measure(summary="ä" * 300).pk


def test_negative_budget_is_rejected():
    rejects(lambda: make_measure(budget=-1))


def test_strategic_goal_without_parent_is_rejected():
    rejects(lambda: make_goal(kind="strategisch"))


def test_overarching_goal_with_parent_is_rejected():
    parent = make_goal()
    rejects(lambda: make_goal(parent=parent, kind="uebergeordnet"))


def test_strategic_goal_under_overarching_goal_is_accepted():
    parent = make_goal()
    assert make_goal(parent=parent).kind == "strategisch"


def test_duplicate_goal_code_is_rejected():
    make_goal(code="SC-Z1")
    rejects(lambda: make_goal(code="SC-Z1"))


def test_status_update_invariants_are_enforced():
    measure = make_measure()
    rejects(lambda: make_update(measure, progress=101))
    rejects(lambda: make_update(measure, status="abgeschlossen", progress=50))
    rejects(lambda: make_update(measure, note=""))
    rejects(lambda: make_update(measure, status="fertig"))


def test_two_updates_of_one_measure_need_distinct_moments():
    measure = make_update(make_measure()).measure
    first = measure.updates.get()
    rejects(lambda: make_update(measure, recorded_at=first.recorded_at))


def test_milestone_titles_are_unique_per_measure():
    measure = make_measure()
    Milestone.objects.create(measure=measure, title="Start", due_date=datetime.date(2026, 1, 1))
    rejects(
        lambda: Milestone.objects.create(
            measure=measure, title="Start", due_date=datetime.date(2026, 2, 1)
        )
    )


def test_indicator_needs_a_target_other_than_its_baseline_and_a_date_for_its_value():
    measure = make_measure()
    rejects(lambda: Indicator.objects.create(measure=measure, name="A", baseline=5, target=5))
    rejects(
        lambda: Indicator.objects.create(
            measure=measure, name="B", baseline=0, target=10, current=3, as_of=None
        )
    )


@pytest.mark.parametrize("maturity", [5, 9])
def test_online_service_maturity_above_4_is_rejected(maturity):
    rejects(lambda: OnlineService.objects.create(slug="dienst", name="Dienst", maturity=maturity))


def test_status_update_rejects_progress_that_skips_validation():
    measure = make_measure()
    update = make_update(measure)
    with pytest.raises(REJECTED), transaction.atomic():
        StatusUpdate.objects.filter(pk=update.pk).update(progress=150)
