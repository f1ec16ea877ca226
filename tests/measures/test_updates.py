"""One truth for the Stand: whichever way status and progress change, the Steckbrief's
Stand box, its latest message, the API and the Steckbrief PDF say the same; a correction
takes the place of the update it corrects in all of them."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import RestrictedError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from measures.models import Measure, StatusUpdate
from measures.updates import record_stand
from tests.builders import make_field, make_measure, make_unit, make_update
from tests.conftest import signed_in_staff
from tests.measures.test_editing import change_url, form_data
from tests.worker import current_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(django_user_model):
    field = make_field(code="SC-1", slug="daten")
    unit = make_unit(slug="schule", name="Schule und Sport")
    own = make_measure(
        field_of_action=field, code="SC-1.1", lead_unit=unit, status="umsetzung", progress=40
    )
    make_update(own, date=timezone.localdate(), progress=40, note="Erster Stand.")
    fachbereich, _ = signed_in_staff(django_user_model, "fb", "Fachbereich", [unit])
    redaktion, _ = signed_in_staff(django_user_model, "red", "Redaktion")
    return {"own": own, "fachbereich": fachbereich, "redaktion": redaktion}


def assert_one_story(client, measure, *, status_label, progress, note):
    """The page's Stand box and latest message, the API and the PDF agree."""
    page = client.get(measure.get_absolute_url()).content.decode()
    box = re.search(r'<section class="status-box".*?</section>', page, re.S).group(0)
    assert status_label in box and f"<strong>{progress} %</strong>" in box
    assert note in box  # the latest message
    api = client.get(f"/api/v1/measures/{measure.code}").json()
    assert (api["status_label"], api["progress"]) == (status_label, progress)
    assert api["last_update"] == timezone.localdate().isoformat()
    pdf = current_pdf(client, reverse("measures:measure-pdf", args=[measure.code]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert status_label in text and f"{progress} %" in text


def test_a_status_update_added_on_its_own_is_the_measures_stand(setting, client):
    own = setting["own"]
    response = setting["fachbereich"].post(
        reverse("admin:measures_statusupdate_add"),
        {
            "measure": own.pk,
            "date": timezone.localdate().isoformat(),
            "status": "umsetzung",
            "progress": 60,
            "note": "Zehn Schulen angeschlossen.",
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.progress == 60
    assert_one_story(client, own, status_label="in Umsetzung", progress=60, note="Zehn Schulen")


def test_the_measure_form_changes_the_stand_by_a_status_update(setting, client):
    own = setting["own"]
    response = setting["fachbereich"].post(
        change_url(own), form_data(own, progress=55, status_note="Pilot läuft.")
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.updates.first().progress == 55 == own.progress
    assert_one_story(client, own, status_label="in Umsetzung", progress=55, note="Pilot läuft.")


def test_a_revert_that_changes_the_stand_asks_for_a_note_and_records_it(setting, client):
    own, redaktion = setting["own"], setting["redaktion"]
    redaktion.post(change_url(own), form_data(own, progress=70, status_note="Weiter."))
    earlier = own.history.filter(progress=40).first()
    url = reverse("admin:measures_measure_simple_history", args=[own.pk, earlier.history_id])
    own.refresh_from_db()
    refused = redaktion.post(url, form_data(own, progress=40))
    assert refused.status_code == 200
    assert "bitte kurz vermerken" in refused.content.decode()
    own.refresh_from_db()
    assert own.progress == 70
    done = redaktion.post(url, form_data(own, progress=40, status_note="Zahl korrigiert."))
    assert done.status_code == 302
    own.refresh_from_db()
    assert own.progress == 40 == own.updates.first().progress
    assert_one_story(client, own, status_label="in Umsetzung", progress=40, note="korrigiert")


def test_an_import_records_its_one_note_where_the_stand_changed(setting, client):
    from measures.csv_io import RowOutcome, export_measures

    own, redaktion = setting["own"], setting["redaktion"]
    other = make_measure(field_of_action=own.field_of_action, code="SC-1.2")
    make_update(other, date=timezone.localdate(), note="Anderer Stand.")
    stream = io.StringIO()
    export_measures(Measure.objects.all(), stream)
    text = stream.getvalue().replace("SC-1.1;", "SC-1.1;", 1)
    lines = text.split("\r\n")
    lines[1] = lines[1].replace(";umsetzung;40;", ";umsetzung;65;")
    data = "\r\n".join(lines).encode("utf-8")
    url = reverse("admin:measures_measure_import")
    dry = redaktion.post(url, {"file": SimpleUploadedFile("m.csv", data), "dry_run": "on"})
    assert dry.context["result"].count(RowOutcome.CHANGED) == 1
    pending = dry.context["form"].initial["pending"]
    without_note = redaktion.post(url, {"pending": pending})
    assert "bitte für den Import einen Vermerk" in without_note.content.decode()
    own.refresh_from_db()
    assert own.progress == 40
    done = redaktion.post(url, {"pending": pending, "note": "Halbjahresmeldung der Schulen."})
    assert done.status_code == 302
    own.refresh_from_db()
    assert own.progress == 65
    assert other.updates.count() == 1  # its Stand did not change: no message for it
    assert_one_story(client, own, status_label="in Umsetzung", progress=65, note="Halbjahres")


def correct(original, **changes) -> StatusUpdate:
    """A correction of `original` recorded as the Redaktion's form does."""
    values = {
        "measure": original.measure,
        "date": original.date,
        "status": original.status,
        "progress": original.progress,
        "note": original.note,
    }
    return record_stand(StatusUpdate(**(values | changes), corrects=original))


def test_a_correction_of_the_latest_update_is_the_stand_and_the_public_record(setting, client):
    own = setting["own"]
    original = own.updates.get()
    correction = correct(original, progress=35, note="Nachgezählt: fünf Schulen weniger.")
    assert own.updates.count() == 2  # a new entry; the original is kept as it was
    original.refresh_from_db()
    assert (original.progress, original.note) == (40, "Erster Stand.")
    own.refresh_from_db()
    assert own.progress == 35
    assert_one_story(client, own, status_label="in Umsetzung", progress=35, note="Nachgezählt")
    said = f"berichtigt die Meldung vom {original.date:%d.%m.%Y}"
    page = client.get(own.get_absolute_url()).content.decode()
    assert said in page and "Erster Stand." not in page
    measure = Measure.objects.with_details().get(pk=own.pk)
    assert [entry for kind, day, entry in measure.timeline()] == [correction]
    api = client.get("/api/v1/updates", {"measure": own.code}).json()["items"]
    assert [(u["progress"], u["corrects_date"]) for u in api] == [(35, original.date.isoformat())]
    feed = client.get(reverse("opendata:feed-measure", args=[own.code])).content.decode()
    assert said in feed and "Erster Stand." not in feed
    pdf = current_pdf(client, reverse("measures:measure-pdf", args=[own.code]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "berichtigt die Meldung" in text and "Erster Stand." not in text


def test_a_correction_of_an_earlier_update_changes_the_history_not_the_stand(setting):
    own = setting["own"]
    latest = own.updates.get()
    earlier = make_update(own, date=datetime.date(2026, 1, 5), progress=10, note="Start.")
    correct(earlier, progress=15)
    own.refresh_from_db()
    assert own.progress == 40
    assert list(StatusUpdate.objects.current().filter(measure=own).values_list("progress")) == [
        (latest.progress,),
        (15,),
    ]


def test_an_update_is_corrected_once_and_goes_only_with_its_measure(setting):
    own = setting["own"]
    original = own.updates.get()
    correction = correct(original, progress=35)
    with pytest.raises(ValidationError):
        correct(original, progress=30)
    correct(correction, progress=30)  # a further correction corrects the correction
    own.refresh_from_db()
    assert own.progress == 30
    with pytest.raises(RestrictedError):
        original.delete()
    own.delete()
    assert not StatusUpdate.objects.exists()


def test_deleting_the_latest_update_puts_the_measure_back_on_the_one_before(setting, client):
    own = setting["own"]
    earlier = own.updates.get()
    mistake = record_stand(
        StatusUpdate(
            measure=own, date=earlier.date, status="umsetzung", progress=90, note="Vertippt."
        )
    )
    own.refresh_from_db()
    assert own.progress == 90
    delete_url = reverse("admin:measures_statusupdate_delete", args=[mistake.pk])
    assert setting["fachbereich"].post(delete_url, {"post": "yes"}).status_code == 403
    assert setting["redaktion"].post(delete_url, {"post": "yes"}).status_code == 302
    own.refresh_from_db()
    assert own.progress == 40
    assert_one_story(client, own, status_label="in Umsetzung", progress=40, note="Erster Stand.")
    # The same through the list's bulk action.
    mistake = record_stand(
        StatusUpdate(
            measure=own, date=earlier.date, status="umsetzung", progress=70, note="Doppelt."
        )
    )
    setting["redaktion"].post(
        reverse("admin:measures_statusupdate_changelist"),
        {"action": "delete_selected", "_selected_action": [mistake.pk], "post": "yes"},
    )
    own.refresh_from_db()
    assert own.progress == 40


def test_record_stand_keeps_the_day_a_measure_was_finished_and_clears_it_if_reopened():
    import datetime

    from measures.updates import record_status_update

    measure = make_measure(status="umsetzung", progress=80, end_date=datetime.date(2025, 12, 31))
    day = datetime.date(2026, 3, 12)
    record_status_update(
        measure=measure, status="abgeschlossen", progress=100, note="Fertig.", date=day
    )
    measure.refresh_from_db()
    assert measure.finished_on == day
    assert measure.finish_delay == "3 Monate später"
    # A later report that it is still done does not move the day it was finished.
    record_status_update(measure=measure, note="Nachweis ergänzt.", date=datetime.date(2026, 4, 1))
    measure.refresh_from_db()
    assert measure.finished_on == day
    record_status_update(measure=measure, status="umsetzung", progress=90, note="Nacharbeit.")
    measure.refresh_from_db()
    assert measure.finished_on is None and measure.finish_delay == ""


def test_the_migration_fills_finished_on_of_measures_finished_before_it():
    import datetime
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("measures.migrations.0013_postponements")
    done = make_measure(status="abgeschlossen", progress=100)
    make_update(done, date=datetime.date(2025, 5, 1), status="umsetzung", progress=50)
    make_update(done, date=datetime.date(2025, 9, 1), status="abgeschlossen", progress=100)
    make_update(done, date=datetime.date(2025, 10, 1), status="abgeschlossen", progress=100)
    unknown = make_measure(status="abgeschlossen", progress=100)  # no update to tell
    running = make_measure(status="umsetzung", progress=50)
    make_update(running, date=datetime.date(2025, 5, 1))
    migration.fill_finished_on(apps, SimpleNamespace(connection=connection))
    finished = dict(Measure.objects.values_list("pk", "finished_on"))
    assert finished[done.pk] == datetime.date(2025, 9, 1)
    assert finished[unknown.pk] is None and finished[running.pk] is None
