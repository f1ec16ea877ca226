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

    from measures.csv_io import RowOutcome
    from measures.models import Measure

    field, unit = excel_world
    data = (Path(__file__).parent / "files" / name).read_bytes()
    url = reverse("admin:measures_measure_import")
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    dry = admin_client_logged_in.post(url, {"file": upload, "dry_run": "on"})
    result = dry.context["result"]
    assert [row.errors for row in result.rows] == [[], []]
    assert result.count(RowOutcome.CREATED) == 2
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


def test_a_row_form_reads_german_dates_amounts_yes_no_and_lists(excel_world):
    import datetime
    import decimal

    from measures.csv_io import COLUMNS, MeasureRowForm

    row = dict.fromkeys(COLUMNS, "")
    row.update(
        code="SC-1.3",
        handlungsfeld="Datenmanagement und Beteiligung",
        status="in Umsetzung",
        fortschritt="40",
        prioritaet="HOCH",
        beginn="2026-03-31",
        ende="31.12.2027",
        federfuehrung="SUS",
        budget="120.000,5",
        schlagwoerter="Schule; ; Schule;Daten ",
        voraussetzungen="SC-1.1;SC-1.2",
        veroeffentlicht="ja",
        beispiel="nein",
    )
    form = MeasureRowForm(row, options=MeasureRowForm.options())
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    assert (data["handlungsfeld"], data["federfuehrung"]) == excel_world
    assert (data["status"], data["prioritaet"]) == ("umsetzung", "hoch")
    assert (data["beginn"], data["ende"]) == (
        datetime.date(2026, 3, 31),
        datetime.date(2027, 12, 31),
    )
    assert data["budget"] == decimal.Decimal("120000.50")
    assert data["schlagwoerter"] == ["Schule", "Daten"]
    assert data["voraussetzungen"] == ["SC-1.1", "SC-1.2"]
    assert (data["veroeffentlicht"], data["beispiel"]) == (True, False)
    assert form.text()["budget"] == "120000.50"

    row.update(beginn="31/03/2026", budget="viel", veroeffentlicht="Ja", fortschritt="150")
    row.update(ziele="Z-99")
    form = MeasureRowForm(row, options=MeasureRowForm.options())
    assert form.error_lines() == [
        "fortschritt: ganze Zahl von 0 bis 100 erwartet.",
        "beginn: Datum wie 2026-03-31 oder 31.03.2026 erwartet.",
        "budget: Betrag wie 120000.00 oder 120.000,00 erwartet.",
        "ziele: unbekanntes Ziel „Z-99“.",
        "veroeffentlicht: „ja“ oder „nein“ erwartet.",
    ]


def exported_with(client, edit):
    """All measures exported by the admin action, the rows changed by `edit` (as a
    spreadsheet would: semicolons, UTF-8 with byte order mark), as an upload."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from measures.models import Measure

    response = client.post(
        reverse("admin:measures_measure_changelist"),
        {
            "action": "export_csv",
            "_selected_action": list(Measure.objects.values_list("pk", flat=True)),
        },
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    edit(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("massnahmen.csv", ("\ufeff" + out.getvalue()).encode("utf-8"))


def history_counts():
    from collections import Counter

    from measures.models import Measure

    return Counter(Measure.history.values_list("id", flat=True))


@pytest.mark.usefixtures("seed_for_the_class")
class TestTheDryRunIsTheImport:
    """All seed measures exported, one cell changed, imported back: the dry run shows the
    one change and the import writes exactly it, or nothing if the data changed between."""

    @pytest.fixture
    def redaktion(self, django_user_model):
        from tests.conftest import signed_in_staff

        client, _ = signed_in_staff(django_user_model, "red", "Redaktion")
        return client

    def test_one_changed_cell_is_one_change_in_dry_run_and_import(self, redaktion):
        from django.urls import reverse

        from measures.csv_io import Change, RowOutcome
        from measures.models import Measure, StatusUpdate

        target = Measure.objects.order_by("code")[3]
        total = Measure.objects.count()

        def edit(rows):
            [row] = [row for row in rows if row["code"] == target.code]
            row["titel"] = "Ein neuer Titel"

        url = reverse("admin:measures_measure_import")
        dry = redaktion.post(url, {"file": exported_with(redaktion, edit), "dry_run": "on"})
        result = dry.context["result"]
        assert not result.errors
        assert [(row.code, row.outcome) for row in result.rows if row.changes] == [
            (target.code, RowOutcome.CHANGED)
        ]
        assert result.count(RowOutcome.UNCHANGED) == total - 1
        [row] = [row for row in result.rows if row.changes]
        assert row.changes == [Change("titel", target.title, "Ein neuer Titel")]
        assert f"„{target.title}“ → „Ein neuer Titel“" in dry.content.decode()
        others = {m.pk: measure_state(m) for m in Measure.objects.exclude(pk=target.pk)}
        before, updates = history_counts(), StatusUpdate.objects.count()

        done = redaktion.post(url, {"pending": dry.context["form"].initial["pending"]}, follow=True)
        assert done.redirect_chain[-1][1] == 302
        message = f"Import abgeschlossen: 0 angelegt, 1 geändert, {total - 1} unverändert."
        assert [str(m) for m in done.context["messages"]] == [message]
        target.refresh_from_db()
        assert target.title == "Ein neuer Titel"
        assert {m.pk: measure_state(m) for m in Measure.objects.exclude(pk=target.pk)} == others
        assert history_counts() - before == {target.pk: 1}
        assert StatusUpdate.objects.count() == updates

    def test_a_change_between_dry_run_and_import_refuses_and_writes_nothing(self, redaktion):
        from django.urls import reverse

        from measures.csv_io import RowOutcome
        from measures.models import Measure, PendingImport

        target, other = Measure.objects.order_by("code")[3:5]

        def edit(rows):
            [row] = [row for row in rows if row["code"] == target.code]
            row["titel"] = "Ein neuer Titel"

        url = reverse("admin:measures_measure_import")
        dry = redaktion.post(url, {"file": exported_with(redaktion, edit), "dry_run": "on"})
        token = dry.context["form"].initial["pending"]
        assert dry.context["result"].count(RowOutcome.CHANGED) == 1
        # Another editor changes a measure the file holds, in the meantime.
        other.summary = "Von jemand anderem geändert."
        other.save()
        before = history_counts()

        refused = redaktion.post(url, {"pending": token})
        assert refused.status_code == 409
        page = refused.content.decode()
        assert f"Seit dem Probelauf wurden Maßnahmen geändert ({other.code})" in page
        result = refused.context["result"]
        assert not result.written and result.stale == [other.code]
        assert result.count(RowOutcome.CHANGED) == 2  # the file would undo the other edit
        assert "„Von jemand anderem geändert.“ →" in page
        assert history_counts() == before
        target.refresh_from_db()
        assert target.title != "Ein neuer Titel"
        # The new dry run is what the same token now imports, and nothing else.
        assert PendingImport.objects.get().plan == result.plan()
        done = redaktion.post(url, {"pending": refused.context["form"].initial["pending"]})
        assert done.status_code == 302
        assert history_counts() - before == {target.pk: 1, other.pk: 1}

    def test_a_moved_end_date_is_a_postponement_with_the_import_note_as_reason(self, redaktion):
        import datetime

        from django.urls import reverse

        from measures.csv_io import MISSING_REASON
        from measures.models import Measure, Postponement

        target = Measure.objects.filter(end_date__isnull=False).order_by("code").first()
        planned = target.end_date
        moved = planned + datetime.timedelta(days=200)

        def edit(rows):
            [row] = [row for row in rows if row["code"] == target.code]
            row["ende"] = f"{moved:%d.%m.%Y}"

        url = reverse("admin:measures_measure_import")
        dry = redaktion.post(url, {"file": exported_with(redaktion, edit), "dry_run": "on"})
        token = dry.context["form"].initial["pending"]
        without_note = redaktion.post(url, {"pending": token})
        rows = without_note.context["result"].rows
        assert MISSING_REASON in [error for row in rows for error in row.errors]
        target.refresh_from_db()
        assert target.end_date == planned and not Postponement.objects.exists()

        note = "Förderbescheid kam später."
        done = redaktion.post(url, {"pending": token, "note": note})
        assert done.status_code == 302
        target.refresh_from_db()
        assert target.end_date == moved
        [postponement] = Postponement.objects.all()
        assert (postponement.measure, postponement.old_date, postponement.new_date) == (
            target,
            planned,
            moved,
        )
        assert postponement.reason == note and postponement.author.username == "red"


def measure_state(measure):
    from measures.csv_io import measure_row

    return measure_row(measure)
