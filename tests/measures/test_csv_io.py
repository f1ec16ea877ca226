"""The catalogue's CSV download (measures/csv_io.py)."""

import csv
import io

import pytest

from tests.builders import make_measure

pytestmark = pytest.mark.django_db


def test_csv_cells_that_look_like_formulas_are_neutralised(client):
    make_measure(title='=HYPERLINK("http://example.org")', summary="+49 Telefon")
    text = client.get("/massnahmen/export.csv").content.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["Titel"].startswith("'=")
    assert row["Kurzbeschreibung"].startswith("'+")


# Files as German Excel saves them, byte for byte: "CSV UTF-8" (with byte order mark) and
# "CSV (Trennzeichen-getrennt)" (Windows-1252), both with semicolons, CRLF, and the labels
# people read instead of codes (status, priority, Handlungsfeld and unit by name or code,
# German dates and amounts).
EXCEL_FILES = ["excel-csv-utf8.csv", "excel-csv-windows-1252.csv"]


@pytest.fixture
def excel_world():
    from tests.builders import make_field, make_unit

    field = make_field(code="SC-1", slug="daten", name="Datenmanagement und Beteiligung")
    unit = make_unit(slug="schule-und-sport", name="Schule und Sport", abbreviation="SUS")
    return field, unit


@pytest.mark.parametrize("name", EXCEL_FILES)
def test_a_file_saved_by_german_excel_imports(admin_client_logged_in, excel_world, name):
    import datetime
    import decimal
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from measures.models import Measure

    field, unit = excel_world
    data = (Path(__file__).parent / "files" / name).read_bytes()
    url = reverse("admin:measures_measure_import")
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    dry = admin_client_logged_in.post(url, {"file": upload, "dry_run": "on"})
    result = dry.context["result"]
    assert [row.errors for row in result.rows] == [[], []]
    assert result.count("angelegt") == 2
    pending = dry.context["form"].initial["pending"]
    done = admin_client_logged_in.post(url, {"pending": pending})
    assert done.status_code == 302
    first, second = Measure.objects.order_by("code")
    assert (first.title, first.status, first.priority) == (
        "Lernplattform für Grundschulen",
        "umsetzung",
        "hoch",
    )
    assert (first.start_date, first.end_date) == (
        datetime.date(2026, 1, 1),
        datetime.date(2027, 12, 31),
    )
    assert first.budget == decimal.Decimal("120000.50")
    assert (
        first.description
        == "Ziel: gemeinsame Plattform.\nVorgehen: Schule für Schule; Start im Frühjahr."
    )
    assert (first.field_of_action, first.lead_unit) == (field, unit)
    assert (second.field_of_action, second.lead_unit, second.status) == (field, unit, "geplant")
    assert second.summary == "Bodenfeuchte messen – Gießen nach Bedarf."


def test_an_unknown_label_names_row_column_and_the_values_allowed(excel_world):
    from measures.csv_io import import_measures

    text = (
        "code;titel;handlungsfeld;status;fortschritt;prioritaet;federfuehrung;kurzbeschreibung\r\n"
        "SC-1.9;Neu;SC-1;in Arbeit;10;mittel;Schule und Sport;Kurz.\r\n"
    )
    result = import_measures(text, dry_run=True)
    [row] = result.errors
    assert row.line == 2
    [message] = [error for error in row.errors if error.startswith("status:")]
    assert message.startswith("status: „in Arbeit“ gibt es nicht. Möglich: geplant (geplant); ")
    assert "in Umsetzung (umsetzung)" in message


def test_the_admin_export_opens_in_german_excel(admin_client_logged_in):
    from django.urls import reverse

    measure = make_measure()
    response = admin_client_logged_in.post(
        reverse("admin:measures_measure_changelist"),
        {"action": "export_csv", "_selected_action": [measure.pk]},
    )
    assert response.content.startswith(b"\xef\xbb\xbfcode;titel;handlungsfeld;status;")
