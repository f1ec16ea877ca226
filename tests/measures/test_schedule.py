"""Changing the plan: moved or cleared dates and changed targets are recorded with reason,
who and when; the first planning is not a postponement."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from measures.models import Indicator, Postponement
from measures.schedule import change_schedule, change_target
from tests.builders import make_measure

pytestmark = pytest.mark.django_db

Q2_2025, Q4_2026 = datetime.date(2025, 6, 30), datetime.date(2026, 12, 31)


@pytest.fixture
def planned():
    return make_measure(start_date=datetime.date(2025, 1, 1), end_date=Q2_2025)


def test_moving_the_end_needs_a_reason_and_records_old_new_who_and_when(planned, django_user_model):
    author = django_user_model.objects.create_user("planer")
    with pytest.raises(ValidationError) as refused:
        change_schedule(measure=planned, start_date=planned.start_date, end_date=Q4_2026)
    assert "reason" in refused.value.message_dict
    planned.refresh_from_db()
    assert planned.end_date == Q2_2025 and not Postponement.objects.exists()

    [record] = change_schedule(
        measure=planned,
        start_date=planned.start_date,
        end_date=Q4_2026,
        reason="  Fördermittel kamen\r\nspäter. ",
        author=author,
    )
    planned.refresh_from_db()
    assert planned.end_date == Q4_2026
    record = Postponement.objects.get()
    assert (record.kind, record.old_date, record.new_date) == ("ende", Q2_2025, Q4_2026)
    assert record.reason == "Fördermittel kamen\nspäter."
    assert record.author == author and record.recorded_at is not None
    assert (record.old_label, record.new_label) == ("Q2 2025", "Q4 2026")


def test_moving_both_dates_records_two_and_clearing_one_is_recorded_as_open(planned):
    records = change_schedule(
        measure=planned,
        start_date=datetime.date(2025, 7, 1),
        end_date=None,
        reason="Neu zu planen.",
    )
    assert [(r.kind, r.new_label) for r in records] == [("beginn", "Q3 2025"), ("ende", "offen")]
    assert planned.postponements.count() == 2


def test_no_record_when_unchanged_or_planned_for_the_first_time():
    measure = make_measure()
    assert change_schedule(measure=measure, start_date=None, end_date=None) == []
    first = change_schedule(measure=measure, start_date=datetime.date(2026, 1, 1), end_date=Q4_2026)
    assert first == []
    measure.refresh_from_db()
    assert measure.end_date == Q4_2026
    again = change_schedule(measure=measure, start_date=measure.start_date, end_date=Q4_2026)
    assert again == [] and not Postponement.objects.exists()


def test_a_move_within_the_quarter_shows_the_days(planned):
    [record] = change_schedule(
        measure=planned,
        start_date=planned.start_date,
        end_date=datetime.date(2025, 5, 15),
        reason="Früher fertig.",
    )
    assert (record.old_label, record.new_label) == ("30.06.2025", "15.05.2025")


def test_an_end_before_the_start_is_refused(planned):
    with pytest.raises(ValidationError):
        change_schedule(measure=planned, start_date=Q4_2026, end_date=Q2_2025, reason="Vertauscht.")


def test_changing_a_target_needs_a_reason_and_a_new_kennzahl_none():
    measure = make_measure()
    indicator = Indicator(measure=measure, name="Nutzung", baseline=0, target=100, unit="%")
    assert change_target(indicator=indicator, target=Decimal(100)) is None
    assert indicator.pk is not None
    with pytest.raises(ValidationError) as refused:
        change_target(indicator=indicator, target=Decimal(80))
    assert "reason" in refused.value.message_dict
    indicator.refresh_from_db()
    assert indicator.target == 100
    record = change_target(indicator=indicator, target=Decimal(80), reason="Realistischer.")
    indicator.refresh_from_db()
    assert indicator.target == 80
    assert (record.kind, record.indicator, record.old_value, record.new_value) == (
        "zielwert",
        indicator,
        Decimal(100),
        Decimal(80),
    )
    assert (record.subject, record.old_label, record.new_label) == (
        "Zielwert „Nutzung“",
        "100",
        "80",
    )
    assert change_target(indicator=indicator, target=Decimal("80.00")) is None
