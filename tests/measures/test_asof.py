"""The strategy as published on a past day, rebuilt from the change history and updates."""

import datetime
from decimal import Decimal

import pytest

from measures.asof import measures_on
from measures.models import Indicator, StatusUpdate
from measures.publications import report_context
from measures.schedule import change_schedule, change_target
from measures.updates import record_stand, record_status_update
from tests.builders import make_field, make_measure
from tests.clock import frozen_clock

pytestmark = pytest.mark.django_db

MARCH, MAY, AUGUST, OCTOBER = (
    datetime.date(2025, 3, 10),
    datetime.date(2025, 5, 15),
    datetime.date(2025, 8, 1),
    datetime.date(2025, 10, 1),
)
STICHTAG = datetime.date(2025, 6, 30)
LATER_STICHTAG = datetime.date(2025, 10, 31)


@pytest.fixture
def story():
    """Measures created, reported on, edited, withdrawn and deleted on known days."""
    with frozen_clock(MARCH):
        field = make_field(code="SC-1")
        kept = make_measure(
            field_of_action=field,
            code="SC-1.1",
            title="Alter Titel",
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2025, 6, 1),
        )
        indicator = Indicator.objects.create(
            measure=kept, name="Nutzung", baseline=0, target=100, current=40, as_of=MARCH
        )
        record_status_update(measure=kept, status="vorbereitung", progress=10, note="Begonnen")
    with frozen_clock(MAY):
        withdrawn = make_measure(field_of_action=field, code="SC-1.2", title="Zurückgezogen")
        deleted = make_measure(field_of_action=field, code="SC-1.3", title="Gelöscht")
        record_status_update(measure=deleted, status="umsetzung", progress=15, note="Gestartet")
        wrong = record_status_update(
            measure=withdrawn, status="umsetzung", progress=30, note="Vertippt"
        )
    with frozen_clock(datetime.date(2025, 7, 1)):
        record_stand(
            StatusUpdate(
                measure=withdrawn,
                date=wrong.date,
                status="umsetzung",
                progress=35,
                note="Berichtigt",
                corrects=wrong,
            )
        )
    with frozen_clock(AUGUST):
        kept.title = "Neuer Titel"
        kept.save()
        change_schedule(
            measure=kept,
            start_date=kept.start_date,
            end_date=datetime.date(2026, 6, 30),
            reason="Ausschreibung wiederholt",
        )
        change_target(indicator=indicator, target=Decimal(200), reason="Mehr Nutzer erwartet")
        record_status_update(measure=kept, status="umsetzung", progress=50, note="Läuft")
        withdrawn.is_published = False
        withdrawn.save()
        deleted.delete()
    with frozen_clock(OCTOBER):
        make_measure(field_of_action=field, code="SC-1.4", title="Später angelegt")
    return {"field": field}


def test_a_past_day_shows_the_measures_then_with_their_values_then(story):
    lines = {line.measure.code: line for line in measures_on(STICHTAG)}
    assert list(lines) == ["SC-1.1", "SC-1.2", "SC-1.3"]
    kept = lines["SC-1.1"]
    assert kept.measure.title == "Alter Titel"
    assert kept.measure.end_date == datetime.date(2025, 6, 1)
    assert (kept.status, kept.update.progress, kept.update.note) == ("vorbereitung", 10, "Begonnen")
    assert [(i.name, i.target, i.current) for i in kept.indicators] == [
        ("Nutzung", Decimal(100), Decimal(40))
    ]
    assert kept.measure.field_of_action == story["field"]
    # The correction was recorded after the day: the update as it stood then.
    assert lines["SC-1.2"].update.progress == 30
    # Deleted since, with its status updates: they are kept in the change history.
    deleted = lines["SC-1.3"]
    assert (deleted.measure.title, deleted.update.note, deleted.update.progress) == (
        "Gelöscht",
        "Gestartet",
        15,
    )


def test_today_leaves_out_what_was_withdrawn_and_shows_what_came_later(story):
    lines = {line.measure.code: line for line in measures_on(LATER_STICHTAG)}
    assert list(lines) == ["SC-1.1", "SC-1.4"]
    kept = lines["SC-1.1"]
    assert kept.measure.title == "Neuer Titel"
    assert (kept.status, kept.update.progress) == ("umsetzung", 50)
    assert [i.target for i in kept.indicators] == [Decimal(200)]
    assert lines["SC-1.4"].update is None and lines["SC-1.4"].status_label == "keine Meldung"


def test_a_day_before_anything_existed_has_no_measures(story):
    assert measures_on(datetime.date(2025, 3, 9)) == []


def test_the_report_for_a_past_stichtag_judges_by_the_values_of_that_day(story, settings):
    settings.STALE_AFTER_DAYS = 60
    report = report_context(STICHTAG, datetime.date(2025, 3, 31))
    assert [line.measure.code for line in report["lines"]] == ["SC-1.1", "SC-1.2", "SC-1.3"]
    # Overdue by the end planned then (01.06.2025), not by today's 30.06.2026.
    assert [line.measure.code for line in report["overdue"]] == ["SC-1.1"]
    assert [line.measure.code for line in report["outdated"]] == ["SC-1.1"]
    assert [(u.measure.code, u.note) for u in report["changes"]] == [
        ("SC-1.2", "Vertippt"),
        ("SC-1.3", "Gestartet"),
    ]
    assert report["postponements"] == []

    later = report_context(LATER_STICHTAG, STICHTAG)
    assert [line.measure.code for line in later["overdue"]] == []
    assert "SC-1.4" not in [line.measure.code for line in later["outdated"]]
    assert [(u.measure.title, u.note) for u in later["changes"]] == [("Neuer Titel", "Läuft")]
    assert [(p.measure.title, p.subject) for p in later["postponements"]] == [
        ("Neuer Titel", "Ende"),
        ("Neuer Titel", "Zielwert „Nutzung“"),
    ]


def test_a_measure_created_after_the_stichtag_is_not_reported_as_outdated(settings):
    settings.STALE_AFTER_DAYS = 30
    with frozen_clock(OCTOBER):
        make_measure(title="Neu")
    report = report_context(datetime.date(2025, 9, 30), datetime.date(2025, 6, 30))
    assert report["lines"] == [] and report["outdated"] == []


@pytest.mark.parametrize("count", [2, 12])
def test_the_report_takes_a_fixed_number_of_queries(count, django_assert_max_num_queries):
    with frozen_clock(MARCH):
        field = make_field(code="SC-1")
        for i in range(1, count + 1):
            measure = make_measure(field_of_action=field, code=f"SC-1.{i}")
            Indicator.objects.create(measure=measure, name="Nutzung", baseline=0, target=10)
            record_status_update(measure=measure, status="umsetzung", progress=i, note="Stand")
    with django_assert_max_num_queries(12):
        report = report_context(STICHTAG, datetime.date(2025, 3, 1))
        assert len(report["lines"]) == len(report["changes"]) == count
        assert all(line.indicators for line in report["lines"])
