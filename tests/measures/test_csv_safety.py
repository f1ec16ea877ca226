"""CSV export and import of measures: formulas neutralised and restored, control characters
refused, and a checked file kept on the server between dry run and import."""

import csv
import datetime
import hashlib
import io
import time

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from measures.csv_io import COLUMNS, RowOutcome, escape_cell, import_measures, unescape_cell
from measures.models import Measure, PendingImport
from measures.models.imports import KEEP_FOR, TOKEN_SALT
from strategy.models import ContentVersion
from tests.builders import make_field, make_measure, make_unit
from tests.conftest import login_with_second_factor

pytestmark = pytest.mark.django_db

TITLE = '=HYPERLINK("http://x")'
DESCRIPTION = "- Punkt\n- Punkt"
SUMMARY = "'zitiert"


def import_url():
    return reverse("admin:measures_measure_import")


def upload(text, name="massnahmen.csv"):
    file = io.BytesIO(text.encode())
    file.name = name
    return file


def csv_text(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def new_row(field, unit, code, **values):
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        code=code,
        titel=f"Maßnahme {code}",
        handlungsfeld=field.slug,
        status="geplant",
        fortschritt="0",
        prioritaet="mittel",
        federfuehrung=unit.slug,
        kurzbeschreibung="Kurz.",
        veroeffentlicht="nein",
        beispiel="nein",
    )
    row.update(values)
    return row


def redaktion_client(django_user_model, username):
    user = django_user_model.objects.create_user(
        username, password="ein-langes-passwort-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Redaktion"))
    return login_with_second_factor(Client(), user), user


@pytest.mark.parametrize(
    "value", ["=1+1", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "'", "''x", "- a", "x", ""]
)
def test_escaping_a_cell_is_undone_by_the_import(value):
    assert unescape_cell(escape_cell(value)) == value
    assert not escape_cell(value).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_admin_export_neutralises_formulas_and_imports_back_unchanged(admin_client_logged_in):
    measure = make_measure(title=TITLE, description=DESCRIPTION, summary=SUMMARY)
    url = reverse("admin:measures_measure_changelist")
    response = admin_client_logged_in.post(
        url, {"action": "export_csv", "_selected_action": [measure.pk]}
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert row["titel"] == "'" + TITLE
    assert row["beschreibung"] == "'" + DESCRIPTION
    assert row["kurzbeschreibung"] == "'" + SUMMARY

    dry = import_measures(text, dry_run=True)
    assert not dry.errors
    assert dry.count(RowOutcome.CHANGED) == 0 and dry.count(RowOutcome.UNCHANGED) == 1
    result = import_measures(text, dry_run=False)
    assert result.written and result.count(RowOutcome.UNCHANGED) == 1
    measure.refresh_from_db()
    assert (measure.title, measure.description, measure.summary) == (TITLE, DESCRIPTION, SUMMARY)


def test_export_command_neutralises_formulas_too(tmp_path):
    make_measure(title="+1+1", summary="@SUM(A1)")
    path = tmp_path / "massnahmen.csv"
    call_command("export_measures", str(path), stderr=io.StringIO())
    [row] = list(csv.DictReader(path.open(encoding="utf-8-sig", newline=""), delimiter=";"))
    assert (row["titel"], row["kurzbeschreibung"]) == ("'+1+1", "'@SUM(A1)")
    out = io.StringIO()
    call_command("import_measures", str(path), stdout=out)
    assert "0 angelegt, 0 geändert, 1 unverändert" in out.getvalue()


def test_a_nul_byte_in_a_cell_is_a_row_error_and_writes_nothing(admin_client_logged_in):
    field, unit = make_field(code="SC-1", slug="daten"), make_unit(slug="schule")
    text = csv_text(
        [
            new_row(field, unit, "SC-1.1"),
            new_row(field, unit, "SC-1.2", beschreibung="Text mit \x00 darin"),
        ]
    )
    response = admin_client_logged_in.post(import_url(), {"file": upload(text), "dry_run": "on"})
    assert response.status_code == 200
    result = response.context["result"]
    assert [(row.line, row.errors) for row in result.errors] == [
        (3, ["beschreibung: enthält ein unzulässiges Steuerzeichen."])
    ]
    assert "beschreibung: enthält ein unzulässiges Steuerzeichen." in response.content.decode()
    assert "Jetzt importieren" not in response.content.decode()
    real = admin_client_logged_in.post(import_url(), {"file": upload(text)})
    assert real.status_code == 200 and not real.context["result"].written
    assert not Measure.objects.exists()
    assert not PendingImport.objects.exists()


def test_other_control_characters_and_a_nul_in_the_header_are_refused():
    field, unit = make_field(code="SC-1", slug="daten"), make_unit(slug="schule")
    result = import_measures(
        csv_text([new_row(field, unit, "SC-1.1", titel="A\x1bB")]), dry_run=False
    )
    assert result.errors[0].errors == ["titel: enthält ein unzulässiges Steuerzeichen."]
    header = import_measures("code,titel\x00,handlungsfeld,federfuehrung\r\n", dry_run=False)
    assert header.errors[0].errors == ["Die Kopfzeile enthält ein unzulässiges Steuerzeichen."]
    assert not Measure.objects.exists()


def test_a_large_file_is_imported_by_its_signed_token_after_the_dry_run(django_user_model):
    field, unit = make_field(code="SC-1", slug="daten"), make_unit(slug="schule")
    long_text = "- Ein langer Absatz der Beschreibung.\n" * 4000  # about 150 KB
    rows = [new_row(field, unit, f"SC-1.{i}", beschreibung=long_text) for i in range(1, 21)]
    text = csv_text(rows)
    assert 2.5 * 1024 * 1024 < len(text.encode()) < 5 * 1024 * 1024
    client, user = redaktion_client(django_user_model, "red")
    version = ContentVersion.current().number

    dry = client.post(import_url(), {"file": upload(text), "dry_run": "on"})
    assert dry.status_code == 200
    assert dry.context["result"].count(RowOutcome.CREATED) == 20
    assert len(dry.content) < 100_000  # the file does not travel back to the browser
    pending = PendingImport.objects.get()
    assert pending.author == user and pending.content == text
    token = dry.context["form"].initial["pending"]
    assert token in dry.content.decode()
    assert ContentVersion.current().number == version  # keeping the file changes no page
    assert not Measure.objects.exists()

    other, _ = redaktion_client(django_user_model, "red2")
    refused = other.post(import_url(), {"pending": token})
    assert refused.status_code == 400
    assert "nicht von Ihnen hochgeladen" in refused.content.decode()
    for forged in (str(pending.pk), "00000000-0000-0000-0000-000000000000", "kein-schlüssel"):
        refused = client.post(import_url(), {"pending": forged})
        assert refused.status_code == 400
        assert "Verweis auf die geprüfte Datei ist ungültig" in refused.content.decode()
    assert not Measure.objects.exists()

    done = client.post(import_url(), {"pending": token})
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:measures_measure_changelist")
    assert Measure.objects.count() == 20
    assert Measure.objects.get(code="SC-1.7").description == long_text.strip()  # normalised
    assert not PendingImport.objects.exists()
    again = client.post(import_url(), {"pending": token})
    assert again.status_code == 400


def test_a_token_older_than_a_day_or_signed_otherwise_is_refused(django_user_model):
    client, user = redaktion_client(django_user_model, "red")
    pending = PendingImport.keep("code\r\n", user)

    class Yesterday(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - KEEP_FOR.total_seconds() - 60))

    expired = Yesterday(salt=TOKEN_SALT).sign_object([str(pending.pk), user.pk])
    refused = client.post(import_url(), {"pending": expired})
    assert refused.status_code == 400
    assert "mehr als einen Tag zurück" in refused.content.decode()
    other_salt = signing.dumps([str(pending.pk), user.pk], salt="anderer-zweck")
    refused = client.post(import_url(), {"pending": other_salt})
    assert refused.status_code == 400
    assert "ungültig" in refused.content.decode()
    assert PendingImport.objects.get() == pending


def test_checked_files_older_than_a_day_are_deleted_when_another_is_kept(django_user_model):
    user = django_user_model.objects.create_user("red")
    old = PendingImport.keep("code\r\n", user)
    PendingImport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1, minutes=1)
    )
    recent = PendingImport.keep("code\r\n", user)
    assert list(PendingImport.objects.all()) == [recent]
    assert recent.digest == hashlib.sha256(b"code\r\n").hexdigest()


def test_a_measure_created_by_someone_else_during_the_import_is_a_row_error(monkeypatch):
    from measures import csv_io

    template = make_measure(field_of_action=make_field(code="SC-1"), code="SC-1.1")
    stream = io.StringIO()
    csv_io.export_measures(Measure.objects.all(), stream)
    text = stream.getvalue().replace("SC-1.1;", "SC-1.2;")
    assert import_measures(text, dry_run=True).count(RowOutcome.CREATED) == 1
    apply = csv_io._apply

    def another_editor_first(rows, **kwargs):
        # Between the plan and the writing, another editor saves the same new code.
        make_measure(code="SC-1.2", field_of_action=template.field_of_action)
        return apply(rows, **kwargs)

    monkeypatch.setattr(csv_io, "_apply", another_editor_first)
    result = import_measures(text, dry_run=False)
    assert not result.written
    assert [row.errors for row in result.errors] == [
        [csv_io.CREATED_MEANWHILE.format(code="SC-1.2")]
    ]
    assert not Measure.objects.filter(code="SC-1.2").exists()  # the whole import rolled back
