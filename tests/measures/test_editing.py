"""Staff editing: roles, own-unit limits, status notes, history and revert, publishing,
CSV round trip, lockout and second factor."""

import io

import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from measures.csv_io import Change, RowOutcome, export_measures, import_measures
from measures.locking import current_version
from measures.models import Measure, StatusUpdate
from tests.builders import make_field, make_measure, make_unit
from tests.conftest import login_with_second_factor, signed_in_staff

pytestmark = pytest.mark.django_db

PASSWORD = "ein-langes-passwort-123"


@pytest.fixture
def setting(django_user_model):
    field = make_field(code="SC-1", slug="daten")
    own_unit, other_unit = make_unit(slug="schule"), make_unit(slug="umwelt")
    own = make_measure(
        field_of_action=field, code="SC-1.1", lead_unit=own_unit, status="umsetzung", progress=30
    )
    other = make_measure(field_of_action=field, code="SC-1.2", lead_unit=other_unit)
    fachbereich, fb_user = signed_in_staff(django_user_model, "fb", "Fachbereich", [own_unit])
    redaktion, red_user = signed_in_staff(django_user_model, "red", "Redaktion")
    return locals()


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(measure, **changes):
    data = {
        "code": measure.code,
        "field_of_action": measure.field_of_action_id,
        "title": measure.title,
        "summary": measure.summary,
        "description": measure.description,
        "status": measure.status,
        "progress": measure.progress,
        "priority": measure.priority,
        "start_date": "",
        "end_date": "",
        "lead_unit": measure.lead_unit_id,
        "partners": "",
        "funding": "",
        "budget": "",
        "easy_language_summary": "",
        "source": "",
        "source_url": "",
        "status_note": "",
        "evidence_url": "",
        "evidence_title": "",
        "is_published": "on",
        "version": current_version(measure.pk),
    }
    for prefix in ("updates", "milestones", "indicators", "online_services", "council_documents"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    data["updates-TOTAL_FORMS"] = str(measure.updates.count())
    data["updates-INITIAL_FORMS"] = str(measure.updates.count())
    for i, update in enumerate(measure.updates.all()):
        data[f"updates-{i}-id"] = update.pk
        data[f"updates-{i}-measure"] = measure.pk
        data[f"updates-{i}-note"] = update.note
    data.update(changes)
    return data


def test_groups_have_exactly_their_permissions():
    redaktion = set(
        Group.objects.get(name="Redaktion").permissions.values_list("codename", flat=True)
    )
    fachbereich = set(
        Group.objects.get(name="Fachbereich").permissions.values_list("codename", flat=True)
    )
    assert {"publish_measure", "delete_measure", "add_measure", "change_goal"} <= redaktion
    assert {
        "change_measure",
        "add_statusupdate",
        "add_milestone",
        "change_indicator",
    } <= fachbereich
    assert (
        not {
            "publish_measure",
            "delete_measure",
            "add_measure",
            "change_goal",
            "delete_statusupdate",
            "change_statusupdate",  # published updates are a record the Redaktion corrects
            "change_fieldofaction",
        }
        & fachbereich
    )


def test_fachbereich_sees_only_its_own_measures(setting):
    page = setting["fachbereich"].get(reverse("admin:measures_measure_changelist"))
    assert page.status_code == 200
    codes = [m.code for m in page.context["cl"].result_list]
    assert codes == ["SC-1.1"]


@pytest.mark.parametrize("suffix", ["change", "history", "delete"])
def test_another_units_measure_by_url_is_forbidden(setting, suffix):
    url = reverse(f"admin:measures_measure_{suffix}", args=[setting["other"].pk])
    assert setting["fachbereich"].get(url).status_code == 403
    post = setting["fachbereich"].post(url, form_data(setting["other"], title="Übernommen"))
    assert post.status_code == 403
    setting["other"].refresh_from_db()
    assert setting["other"].title != "Übernommen"


def test_another_units_status_update_and_milestone_are_forbidden(setting):
    from measures.models import Milestone

    update = StatusUpdate.objects.create(
        measure=setting["other"], status="geplant", progress=0, note="x"
    )
    milestone = Milestone.objects.create(measure=setting["other"], title="M", due_date="2026-01-01")
    assert setting["fachbereich"].get(change_url(update)).status_code == 403
    assert setting["fachbereich"].get(change_url(milestone)).status_code == 403
    listing = setting["fachbereich"].get(reverse("admin:measures_statusupdate_changelist"))
    assert update not in listing.context["cl"].result_list


def test_fachbereich_cannot_change_code_field_unit_or_publication(setting):
    own = setting["own"]
    other_field = make_field(code="SC-2", slug="bildung")
    response = setting["fachbereich"].post(
        change_url(own),
        form_data(
            own,
            code="SC-9.9",
            field_of_action=other_field.pk,
            lead_unit=setting["other_unit"].pk,
            is_published="",
            title="Neuer Titel",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    own.refresh_from_db()
    assert own.title == "Neuer Titel"
    assert (own.code, own.field_of_action_id, own.lead_unit_id, own.is_published) == (
        "SC-1.1",
        setting["field"].pk,
        setting["own_unit"].pk,
        True,
    )
    changelist = setting["fachbereich"].get(reverse("admin:measures_measure_changelist"))
    actions = changelist.context["action_form"]
    assert actions is None or "publish" not in str(actions.fields["action"].choices)
    assert setting["fachbereich"].get(reverse("admin:measures_measure_add")).status_code == 403


def test_changing_status_needs_a_note_and_records_a_dated_update(setting):
    own, client = setting["own"], setting["fachbereich"]
    refused = client.post(change_url(own), form_data(own, progress=60))
    assert refused.status_code == 200
    assert "bitte kurz vermerken" in refused.content.decode()
    assert own.updates.count() == 0
    response = client.post(
        change_url(own),
        form_data(
            own,
            progress=60,
            status_note="Pilotschulen angeschlossen",
            evidence_url="https://example.org/ratsvorlage",
        ),
    )
    assert response.status_code == 302
    update = own.updates.get()
    assert (update.progress, update.note, update.author.username) == (
        60,
        "Pilotschulen angeschlossen",
        "fb",
    )
    assert update.evidence_url == "https://example.org/ratsvorlage"
    page = Client().get(own.get_absolute_url()).content.decode()
    assert "Pilotschulen angeschlossen" in page


def test_every_edit_is_in_the_history_with_user_and_can_be_reverted(setting):
    own, client = setting["own"], setting["redaktion"]
    client.post(change_url(own), form_data(own, title="Zwischenstand"))
    own.refresh_from_db()
    assert own.title == "Zwischenstand"
    latest = own.history.first()
    assert latest.history_user.username == "red"
    assert latest.history_type == "~"
    history_page = client.get(reverse("admin:measures_measure_history", args=[own.pk]))
    assert history_page.status_code == 200
    assert "Zwischenstand" in history_page.content.decode()
    original = own.history.earliest()
    revert_url = reverse(
        "admin:measures_measure_simple_history", args=[own.pk, original.history_id]
    )
    form = client.get(revert_url)
    assert form.status_code == 200
    response = client.post(revert_url, form_data(own, title=original.title))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == original.title
    assert own.history.first().history_user.username == "red"


def test_publishing_in_bulk_is_for_the_redaktion(setting):
    draft = make_measure(
        field_of_action=setting["field"],
        code="SC-1.3",
        lead_unit=setting["own_unit"],
        is_published=False,
    )
    url = reverse("admin:measures_measure_changelist")
    data = {"action": "publish", "_selected_action": [draft.pk]}
    setting["fachbereich"].post(url, data)
    draft.refresh_from_db()
    assert not draft.is_published
    setting["redaktion"].post(url, data)
    draft.refresh_from_db()
    assert draft.is_published
    assert draft.history.first().history_user.username == "red"


def export_text():
    stream = io.StringIO()
    export_measures(Measure.objects.all(), stream)
    return stream.getvalue()


def edited_export(edit):
    """The export as a list of row dicts, changed by `edit`, written back as CSV text."""
    import csv

    rows = list(csv.DictReader(io.StringIO(export_text()), delimiter=";"))
    edit(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue(), rows


@pytest.mark.usefixtures("seed_for_the_class")
class TestCsvWithTheSeed:
    """The seed's catalogue exported and imported back (the seed loaded once for these)."""

    def test_csv_export_then_import_changes_nothing(self):
        text = export_text()
        history = sum(1 for _ in Measure.history.all())
        result = import_measures(text, dry_run=False)
        assert not result.errors
        assert result.count(RowOutcome.UNCHANGED) == Measure.objects.count()
        assert sum(1 for _ in Measure.history.all()) == history
        assert export_text() == text

    def test_csv_import_dry_run_reports_each_row_and_writes_nothing(self):
        def edit(rows):
            rows[0]["titel"] = "Neuer Titel im Probelauf"
            new = dict.fromkeys(rows[0], "")
            new_code = rows[0]["code"].rsplit(".", 1)[0] + ".77"
            new.update(
                code=new_code,
                titel="Neue Maßnahme",
                handlungsfeld=rows[0]["handlungsfeld"],
                status="geplant",
                fortschritt="0",
                prioritaet="mittel",
                federfuehrung=rows[0]["federfuehrung"],
                kurzbeschreibung="Kurz.",
                veroeffentlicht="nein",
                beispiel="ja",
            )
            rows.append(new)

        text, rows = edited_export(edit)
        dry = import_measures(text, dry_run=True)
        outcomes = {row.code: row.outcome for row in dry.rows}
        new_code = rows[-1]["code"]
        assert outcomes[new_code] == RowOutcome.CREATED, dry.rows[-1].errors
        assert outcomes[rows[0]["code"]] == RowOutcome.CHANGED
        old_title = Measure.objects.get(code=rows[0]["code"]).title
        assert dry.rows[0].changes == [Change("titel", old_title, "Neuer Titel im Probelauf")]
        assert list(outcomes.values()).count(RowOutcome.UNCHANGED) == len(rows) - 2
        assert not dry.written
        assert not Measure.objects.filter(code=new_code).exists()
        assert not Measure.objects.filter(title="Neuer Titel im Probelauf").exists()

    def test_csv_import_with_one_bad_row_writes_nothing_and_names_the_row(self):
        def edit(rows):
            rows[0]["titel"] = "Geänderter Titel"
            rows[1]["veroeffentlicht"] = "vielleicht"
            rows[2]["fortschritt"] = "150"

        text, rows = edited_export(edit)
        result = import_measures(text, dry_run=False)
        assert not result.written
        assert [row.line for row in result.errors] == [3, 4]
        assert "„ja“ oder „nein“" in result.errors[0].errors[0]
        assert "100" in " ".join(result.errors[1].errors)
        assert not Measure.objects.filter(title="Geänderter Titel").exists()


def test_marking_a_measure_done_below_100_percent_is_a_form_error(setting):
    own = setting["own"]
    response = setting["redaktion"].post(
        change_url(own), form_data(own, status="abgeschlossen", progress=80, status_note="Fertig")
    )
    assert response.status_code == 200
    assert "Eine abgeschlossene Maßnahme steht bei 100 %" in response.content.decode()


def test_csv_import_in_the_admin_shows_the_dry_run_then_imports(setting):
    client = setting["redaktion"]
    url = reverse("admin:measures_measure_import")
    text = export_text().replace("Maßnahme", "Umbenannte Maßnahme", 1)
    upload = io.BytesIO(text.encode())
    upload.name = "massnahmen.csv"
    dry = client.post(url, {"file": upload, "dry_run": "on"})
    assert dry.status_code == 200
    page = dry.content.decode()
    assert "Probelauf" in page and "geändert" in page
    done = client.post(url, {"pending": dry.context["form"].initial["pending"]})
    assert done.status_code == 302
    assert Measure.objects.filter(title__startswith="Umbenannte").exists()
    assert setting["fachbereich"].get(url).status_code == 403


def test_login_is_locked_after_repeated_failures_for_a_while(django_user_model, settings):
    import datetime

    from axes.models import AccessAttempt
    from django.utils import timezone

    django_user_model.objects.create_user("red", password=PASSWORD, is_staff=True)
    client = Client()
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(url, {"username": "red", "password": "falsch"}).status_code == 200
    assert client.post(url, {"username": "red", "password": "falsch"}).status_code == 429
    locked = client.post(url, {"username": "red", "password": PASSWORD})
    assert locked.status_code == 429
    assert "vorübergehend gesperrt" in locked.content.decode()
    # The cool-off passes: the failed attempts now lie longer ago than it lasts.
    past = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)
    after = client.post(url, {"username": "red", "password": "falsch"})
    assert after.status_code == 200


def test_staff_need_the_second_factor(django_user_model):
    user = django_user_model.objects.create_superuser("admin", "a@example.org", PASSWORD)
    client = Client()
    client.force_login(user)
    assert client.get("/admin/").status_code == 302
    assert "otp_token" in client.get("/admin/login/").content.decode()
    login_with_second_factor(client, user)
    assert client.get("/admin/").status_code == 200


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError):
        password_validation.validate_password("kurz-pw-123")
    password_validation.validate_password("Ein-langes-Passwort-2026")


def test_editor_accounts_and_totp_enrolment_by_command(monkeypatch, django_user_model):
    unit = make_unit(slug="buergerservice")
    monkeypatch.setenv("EDITOR_PASSWORD", PASSWORD)
    call_command(
        "create_editor",
        "fb2",
        "--rolle",
        "fachbereich",
        "--einheit",
        "buergerservice",
        stdout=io.StringIO(),
    )
    user = django_user_model.objects.get(username="fb2")
    assert user.is_staff and user.groups.filter(name="Fachbereich").exists()
    assert unit.members.filter(pk=user.pk).exists()
    out = io.StringIO()
    call_command("enrol_totp", "fb2", stdout=out)
    assert "otpauth://totp/" in out.getvalue()


def test_saving_an_unchanged_form_as_a_browser_sends_it_changes_and_logs_nothing(setting):
    """Browsers send line breaks as CRLF: the stored text (LF) is the same text."""
    from django.contrib.admin.models import LogEntry

    own, client = setting["own"], setting["redaktion"]
    own.description = "Ziel und Wirkung.\n\n- Schulen\n- Ämter"
    own.save()
    history, updates, log = own.history.count(), own.updates.count(), LogEntry.objects.count()
    sent = form_data(own, description=own.description.replace("\n", "\r\n") + "\r\n")
    response = client.post(change_url(own), sent)
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.description == "Ziel und Wirkung.\n\n- Schulen\n- Ämter"
    assert (own.history.count(), own.updates.count()) == (history, updates)
    assert LogEntry.objects.count() == log

    client.post(change_url(own), form_data(own, title="Neuer Titel\r\n"))
    own.refresh_from_db()
    assert own.title == "Neuer Titel"
    assert own.history.count() == history + 1
    assert LogEntry.objects.get().get_change_message() == "Titel geändert."
