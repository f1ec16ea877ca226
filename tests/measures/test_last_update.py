"""The stored date of a measure's latest status update (Measure.last_update_on) follows
every channel that records or removes a Stand."""

import datetime

import pytest
from django.urls import reverse

from measures.models import Measure, StatusUpdate
from measures.updates import (
    delete_status_updates,
    record_stand,
    record_status_update,
    refresh_last_update,
)
from tests.builders import make_measure

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


def stored(measure) -> datetime.date | None:
    return Measure.objects.values_list("last_update_on", flat=True).get(pk=measure.pk)


def record(measure, day, **changes) -> StatusUpdate:
    return record_status_update(measure=measure, note="Stand erfasst.", date=day, **changes)


def test_recording_a_stand_stores_its_date_and_an_earlier_one_keeps_it():
    measure = make_measure()
    assert stored(measure) is None
    record(measure, DAY, status="umsetzung", progress=10)
    assert stored(measure) == DAY
    # The Redaktion records history after the fact: the latest date stays.
    record(measure, DAY - datetime.timedelta(days=40), status="vorbereitung", progress=5)
    assert stored(measure) == DAY
    # A Stand that changes neither status nor progress still moves the date.
    later = DAY + datetime.timedelta(days=3)
    record(measure, later)
    assert stored(measure) == later


def test_a_correction_takes_the_place_of_the_update_it_corrects():
    measure = make_measure()
    record(measure, DAY - datetime.timedelta(days=10), status="umsetzung", progress=10)
    latest = record(measure, DAY, progress=20)
    corrected_day = DAY - datetime.timedelta(days=1)
    values = {"status": latest.status, "progress": 25, "note": "Berichtigt."}
    record_stand(StatusUpdate(measure=measure, date=corrected_day, corrects=latest, **values))
    assert stored(measure) == corrected_day


def test_deleting_updates_falls_back_to_the_latest_remaining_one_then_to_none():
    measure = make_measure()
    first = record(measure, DAY - datetime.timedelta(days=30), status="umsetzung", progress=10)
    second = record(measure, DAY, progress=20)
    delete_status_updates([second])
    assert stored(measure) == first.date
    delete_status_updates([first])
    assert stored(measure) is None


def test_the_admin_deletes_through_the_same_operation(admin_client_logged_in):
    measure = make_measure()
    first = record(measure, DAY - datetime.timedelta(days=30), status="umsetzung", progress=10)
    second = record(measure, DAY, progress=20)
    third = record(measure, DAY + datetime.timedelta(days=1), progress=30)
    delete_url = reverse("admin:measures_statusupdate_delete", args=[third.pk])
    assert admin_client_logged_in.post(delete_url, {"post": "yes"}).status_code == 302
    assert stored(measure) == second.date
    admin_client_logged_in.post(
        reverse("admin:measures_statusupdate_changelist"),
        {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"},
    )
    assert stored(measure) == first.date


def test_a_reverted_version_or_a_stale_copy_of_the_measure_does_not_write_the_date():
    measure = make_measure(title="Erster Titel")
    old_copy = Measure.objects.get(pk=measure.pk)
    record(measure, DAY, status="umsetzung", progress=10)
    # A form saves the measure it read before the update was recorded.
    old_copy.title = "Zweiter Titel"
    old_copy.save()
    assert stored(measure) == DAY
    # The history's revert saves the version's instance, which has no date at all.
    version = measure.history.earliest().instance
    version.last_update_on = None
    version.save()
    assert stored(measure) == DAY
    assert Measure.objects.get(pk=measure.pk).title == "Erster Titel"


def test_refresh_recomputes_the_date_from_the_public_record():
    measure = make_measure()
    record(measure, DAY, status="umsetzung", progress=10)
    Measure.objects.filter(pk=measure.pk).update(last_update_on=None)  # as a fixture loads it
    refresh_last_update()
    assert stored(measure) == DAY


def test_generated_measures_carry_the_date_of_their_latest_update():
    from django.core.management import call_command
    from django.db.models import Max

    call_command("load_seed", verbosity=0)
    call_command("generate_measures", "30", verbosity=0)
    # Neither the seed nor the generated measures have corrected updates.
    measures = Measure.objects.annotate(newest=Max("updates__date"))
    assert measures.filter(newest__isnull=False).count() > 30
    for measure in measures:
        assert measure.last_update_on == measure.newest, measure.code
