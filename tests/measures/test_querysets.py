import datetime

import pytest
from django.utils import timezone

from measures.models import Measure
from strategy.models import Goal
from tests.builders import make_field, make_goal, make_measure, make_unit, make_update

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)


def test_published_hides_drafts_and_measures_in_unpublished_fields():
    shown = make_measure()
    make_measure(is_published=False)
    make_measure(field_of_action=make_field(is_published=False))
    assert list(Measure.objects.published()) == [shown]


def test_overdue_means_open_and_past_its_end():
    past = datetime.date(2026, 6, 30)
    late = make_measure(status="umsetzung", progress=40, end_date=past)
    make_measure(status="abgeschlossen", progress=100, end_date=past)
    make_measure(status="entfallen", end_date=past)
    make_measure(status="zurueckgestellt", progress=20, end_date=past)
    make_measure(status="umsetzung", end_date=datetime.date(2027, 3, 31))
    make_measure(status="geplant", end_date=None)
    assert list(Measure.objects.overdue(TODAY)) == [late]


def test_stale_counts_from_the_latest_update(settings):
    settings.STALE_AFTER_DAYS = 180
    fresh = make_measure(status="umsetzung", progress=10)
    make_update(fresh, date=datetime.date(2025, 1, 10))
    make_update(fresh, date=datetime.date(2026, 10, 1))
    old = make_measure(status="umsetzung", progress=10)
    make_update(old, date=datetime.date(2026, 3, 1))
    done = make_measure(status="abgeschlossen", progress=100)
    make_update(done, date=datetime.date(2024, 3, 1))
    assert list(Measure.objects.stale(TODAY)) == [old]


def test_a_measure_without_updates_is_stale_once_it_is_old_enough(settings):
    settings.STALE_AFTER_DAYS = 180
    never = make_measure(created_at=timezone.make_aware(datetime.datetime(2025, 1, 1)))
    make_measure(created_at=timezone.make_aware(datetime.datetime(2026, 11, 1)))
    assert list(Measure.objects.stale(TODAY)) == [never]


def test_last_update_on_holds_the_latest_date():
    measure = make_measure()
    make_update(measure, date=datetime.date(2026, 2, 1))
    make_update(measure, date=datetime.date(2026, 9, 1))
    other = make_measure()
    stored = {m.pk: m.last_update_on for m in Measure.objects.all()}
    assert stored == {measure.pk: datetime.date(2026, 9, 1), other.pk: None}


def test_editable_by_follows_unit_membership(django_user_model):
    user = django_user_model.objects.create_user("fb", password="ein-langes-passwort-123")
    unit = make_unit()
    unit.members.add(user)
    own = make_measure(lead_unit=unit)
    make_measure()
    assert list(Measure.objects.editable_by(user)) == [own]


def test_in_substrategy_and_in_field():
    field = make_field()
    inside = make_measure(field_of_action=field)
    make_measure()
    assert list(Measure.objects.in_substrategy(field.substrategy)) == [inside]
    assert list(Measure.objects.in_field(field)) == [inside]


def test_goal_kinds_and_publication():
    parent = make_goal()
    child = make_goal(parent=parent)
    make_goal(is_published=False)
    assert list(Goal.objects.overarching().published()) == [parent]
    assert list(Goal.objects.strategic()) == [child]


def test_period_is_shown_at_quarter_precision():
    measure = make_measure(
        start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2026, 12, 31)
    )
    assert measure.period == "Q1 2025 – Q4 2026"
    measure.end_date = None
    assert measure.period == "ab Q1 2025"


def test_model_validation_requires_code_prefix_of_the_field():
    from django.core.exceptions import ValidationError

    field = make_field(code="SC-3")
    measure = make_measure(field_of_action=field, code="SC-3.1")
    measure.full_clean()
    measure.code = "EG-3.1"
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "SC-3." in str(error.value)
