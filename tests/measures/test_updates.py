"""One truth for the Stand: whichever way status and progress change, the Steckbrief's
Stand box, its latest message, the API and the Steckbrief PDF say the same."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from measures.models import Measure
from tests.builders import make_field, make_measure, make_unit, make_update
from tests.conftest import signed_in_staff
from tests.measures.test_editing import change_url, form_data

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
    pdf = client.get(reverse("measures:measure-pdf", args=[measure.code]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
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
    from measures.csv_io import export_measures

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
    assert dry.context["result"].count("geändert") == 1
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
