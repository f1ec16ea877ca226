"""Every admin changelist, add and change page of the measures answers for a superuser;
the measure's search, filters and inlines; status updates added in the admin, never
edited in place, corrected by the Redaktion only."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from measures import renders
from measures.models import (
    CouncilDocument,
    Indicator,
    Measure,
    PendingChange,
    Postponement,
    PublicationFile,
    StatusUpdate,
)
from measures.schedule import change_schedule
from tests.builders import make_measure, make_unit, make_update
from tests.conftest import signed_in_staff
from tests.measures.test_editing import change_url, form_data
from tests.worker import run_queued_tasks

pytestmark = pytest.mark.django_db


def admin_models(app_label):
    return sorted(
        (model for model in admin.site._registry if model._meta.app_label == app_label),
        key=lambda model: model._meta.label,
    )


def assert_admin_pages_answer(client, model, expected_add=200):
    info = model._meta.app_label, model._meta.model_name
    if model is Postponement:
        # The seed has no postponement, and none is added in the admin: one is recorded.
        measure = Measure.objects.filter(end_date__isnull=False).first()
        change_schedule(
            measure=measure,
            start_date=measure.start_date,
            end_date=measure.end_date + datetime.timedelta(days=92),
            reason="Verschoben.",
        )
        expected_add = 403
    if model is CouncilDocument:
        # The seed links no council documents: the real ones are the city's to enter.
        CouncilDocument.objects.create(
            measure=Measure.objects.first(),
            reference="V/2026/001",
            title="Sachstand",
            url="https://ratsinfo.example/vorlage/1",
        )
    if model is PublicationFile:
        # Made by the task worker: a Steckbrief rendered as a visitor asked for it.
        renders.request_render("steckbrief", "SC-1.1", {"code": "SC-1.1"})
        run_queued_tasks()
        expected_add = 403
    if model is PendingChange:
        # Made by a Fachbereich's save of the measure form (measures/review.py).
        measure = Measure.objects.first()
        PendingChange.objects.create(
            measure=measure, proposed={"title": "Neu gefasst"}, base={"title": measure.title}
        )
        expected_add = 403
    obj = model._default_manager.first()
    assert obj is not None, f"seed has no {model._meta.label}"
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == expected_add
    change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    assert client.get(change).status_code == 200


@pytest.mark.usefixtures("seed_for_the_class")
class TestWithTheSeed:
    @pytest.mark.parametrize("model", admin_models("measures"), ids=lambda model: model._meta.label)
    def test_admin_pages_answer_200(self, model, admin_client_logged_in):
        assert_admin_pages_answer(admin_client_logged_in, model)

    def test_measure_changelist_search_and_filters_answer(self, admin_client_logged_in):
        url = reverse("admin:measures_measure_changelist")
        response = admin_client_logged_in.get(
            url, {"q": "Serviceportal", "status__exact": "umsetzung"}
        )
        assert response.status_code == 200

    def test_measure_change_page_has_inlines(self, admin_client_logged_in):
        from measures.models import Measure

        measure = Measure.objects.filter(milestones__isnull=False).first()
        response = admin_client_logged_in.get(
            reverse("admin:measures_measure_change", args=[measure.pk])
        )
        page = response.content.decode()
        for heading in ("Statusmeldungen", "Meilensteine", "Kennzahlen"):
            assert heading in page


def test_admin_requires_login(client):
    response = client.get(reverse("admin:measures_measure_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_status_update_added_in_the_admin_records_its_author(admin_client_logged_in):
    measure = make_measure(status="umsetzung", progress=10)
    url = reverse("admin:measures_statusupdate_add")
    response = admin_client_logged_in.post(
        url,
        {
            "measure": measure.pk,
            "date": "2026-11-01",
            "status": "umsetzung",
            "progress": "30",
            "note": "Weiter gekommen.",
            "evidence_url": "",
            "evidence_title": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert StatusUpdate.objects.get(measure=measure).author.username == "redaktion"


@pytest.fixture
def reported(django_user_model):
    """A measure of the Fachbereich's unit with one status update, and both roles."""
    unit = make_unit(slug="schule")
    measure = make_measure(code="SC-1.1", lead_unit=unit, status="umsetzung", progress=40)
    update = make_update(measure, date=timezone.localdate(), note="Erster Stand.")
    fachbereich, _ = signed_in_staff(django_user_model, "fb", "Fachbereich", [unit])
    redaktion, _ = signed_in_staff(django_user_model, "red", "Redaktion")
    return {
        "measure": measure,
        "update": update,
        "fachbereich": fachbereich,
        "redaktion": redaktion,
    }


def correct_url(update):
    return reverse("admin:measures_statusupdate_correct", args=[update.pk])


def update_form(measure, **changes):
    return {
        "measure": measure.pk,
        "date": timezone.localdate().isoformat(),
        "status": "umsetzung",
        "progress": "40",
        "note": "Erster Stand.",
        "evidence_url": "",
        "evidence_title": "",
    } | changes


@pytest.mark.parametrize("role", ["fachbereich", "redaktion"])
def test_no_one_edits_a_status_update_in_place(reported, role):
    client, update = reported[role], reported["update"]
    url = change_url(update)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="note"' not in page.content.decode()  # shown, not a form
    edit = update_form(reported["measure"], progress="90", note="Umgeschrieben.")
    assert client.post(url, edit).status_code == 403
    history = reverse("admin:measures_statusupdate_simple_history", args=[update.pk, 1])
    assert client.post(history, edit).status_code == 403  # nor by a "revert"
    update.refresh_from_db()
    assert (update.progress, update.note) == (40, "Erster Stand.")


def test_the_redaktion_corrects_an_update_by_a_new_one(reported):
    client, update, measure = reported["redaktion"], reported["update"], reported["measure"]
    page = client.get(change_url(update)).content.decode()
    assert f'href="{correct_url(update)}"' in page and "Berichtigen" in page
    form = client.get(correct_url(update))
    assert form.status_code == 200
    initial = form.context["adminform"].form.initial
    assert (initial["progress"], initial["note"]) == (40, "Erster Stand.")
    assert "Sie berichtigen die Meldung vom" in form.content.decode()
    data = update_form(measure, progress="35", note="Nachgezählt.")
    refused = client.post(correct_url(update), data)  # without the reason
    assert refused.status_code == 200 and "reason" in refused.context["adminform"].form.errors
    other = make_measure(status="geplant", progress=0)
    data |= {"measure": other.pk, "reason": "Fortschritt falsch übertragen"}
    assert client.post(correct_url(update), data).status_code == 302
    correction = StatusUpdate.objects.get(corrects=update)
    assert correction.measure == measure  # the measure of the original, whatever is posted
    assert (correction.progress, correction.author.username) == (35, "red")
    assert correction.history.get().history_change_reason == "Fortschritt falsch übertragen"
    update.refresh_from_db()
    assert (update.progress, update.note) == (40, "Erster Stand.")  # unchanged
    measure.refresh_from_db()
    assert measure.progress == 35
    # The admin keeps both, each linking to the other; the original is corrected once.
    listing = client.get(reverse("admin:measures_statusupdate_changelist"))
    assert {update, correction} <= set(listing.context["cl"].result_list)
    original_page = client.get(change_url(update)).content.decode()
    assert "Berichtigt durch" in original_page and change_url(correction) in original_page
    assert correct_url(update) not in original_page
    assert client.get(correct_url(update)).status_code == 403
    correction_page = client.get(change_url(correction)).content.decode()
    assert "Berichtigt die Meldung" in correction_page and change_url(update) in correction_page
    # The measure's list of its updates marks both.
    day = f"{update.date:%d.%m.%Y}"
    measure_page = client.get(change_url(measure)).content.decode()
    assert f"berichtigt durch die Meldung vom {day}" in measure_page
    assert f"berichtigt die Meldung vom {day}" in measure_page


def test_a_fachbereich_cannot_correct_an_update(reported):
    client, update, measure = reported["fachbereich"], reported["update"], reported["measure"]
    assert correct_url(update) not in client.get(change_url(update)).content.decode()
    data = update_form(measure, progress="35", note="Nachgezählt.", reason="Falsch")
    assert client.get(correct_url(update)).status_code == 403
    assert client.post(correct_url(update), data).status_code == 403
    # Nor by naming the update to correct in a new one: the form has no such field.
    added = client.post(reverse("admin:measures_statusupdate_add"), data | {"corrects": update.pk})
    assert added.status_code == 302
    assert not StatusUpdate.objects.filter(corrects__isnull=False).exists()
    assert update in StatusUpdate.objects.current()  # still in the public record


@pytest.fixture
def planned(admin_client_logged_in):
    measure = make_measure(
        status="umsetzung",
        progress=10,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 6, 30),
    )
    return measure, admin_client_logged_in


def test_moving_a_planned_date_in_the_measure_form_needs_a_reason_in_german(planned):
    measure, client = planned
    data = form_data(measure, start_date="2025-01-01", end_date="2026-12-31")
    refused = client.post(change_url(measure), data)
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    assert errors["schedule_reason"] == ["Der Termin hat sich geändert: bitte den Grund angeben."]
    measure.refresh_from_db()
    assert measure.end_date == datetime.date(2025, 6, 30)
    assert not Postponement.objects.exists()

    data["schedule_reason"] = "Die Ausschreibung musste wiederholt werden."
    response = client.post(change_url(measure), data)
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.end_date == datetime.date(2026, 12, 31)
    record = Postponement.objects.get()
    assert (record.measure, record.kind, record.old_label, record.new_label) == (
        measure,
        "ende",
        "Q2 2025",
        "Q4 2026",
    )
    assert record.reason == "Die Ausschreibung musste wiederholt werden."
    assert record.author.username == "redaktion"
    page = client.get(change_url(measure)).content.decode()
    assert "Bisherige Terminänderungen" in page and "Ausschreibung musste wiederholt" in page


def test_first_planning_and_other_edits_need_no_reason(planned):
    measure, client = planned
    unplanned = make_measure()
    data = form_data(unplanned, start_date="2026-01-01", end_date="2026-12-31")
    assert client.post(change_url(unplanned), data).status_code == 302
    unplanned.refresh_from_db()
    assert unplanned.end_date == datetime.date(2026, 12, 31)
    data = form_data(measure, start_date="2025-01-01", end_date="2025-06-30", title="Neu")
    assert client.post(change_url(measure), data).status_code == 302
    assert not Postponement.objects.exists()


def test_a_target_changed_in_the_kennzahl_form_needs_a_reason(planned):
    measure, client = planned
    indicator = Indicator.objects.create(measure=measure, name="Nutzung", baseline=0, target=100)
    url = change_url(indicator)
    data = {"measure": measure.pk, "name": "Nutzung", "unit": "", "baseline": "0"}
    data |= {"target": "120", "position": "0", "values-TOTAL_FORMS": "0"}
    data |= {"values-INITIAL_FORMS": "0"}
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["target_reason"]
    assert client.post(url, data | {"target_reason": "Mehr Nachfrage."}).status_code == 302
    indicator.refresh_from_db()
    assert indicator.target == 120
    assert Postponement.objects.get().reason == "Mehr Nachfrage."


def test_a_target_changed_in_the_kennzahl_inline_needs_a_reason_and_is_recorded(planned):
    measure, client = planned
    indicator = Indicator.objects.create(
        measure=measure, name="Nutzung", baseline=0, target=100, unit="%"
    )
    data = form_data(measure, start_date="2025-01-01", end_date="2025-06-30")
    row = {
        "id": indicator.pk,
        "measure": measure.pk,
        "name": "Nutzung",
        "unit": "%",
        "baseline": "0",
        "target": "80",
        "target_reason": "",
        "current": "",
        "as_of": "",
        "position": "0",
    }
    data.update({"indicators-TOTAL_FORMS": "1", "indicators-INITIAL_FORMS": "1"})
    data.update({f"indicators-0-{key}": value for key, value in row.items()})
    refused = client.post(change_url(measure), data)
    assert refused.status_code == 200
    assert "Der Zielwert hat sich geändert: bitte den Grund angeben." in refused.content.decode()
    indicator.refresh_from_db()
    assert indicator.target == 100

    data["indicators-0-target_reason"] = "Bundesweiter Richtwert gesenkt."
    assert client.post(change_url(measure), data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.target == 80
    record = Postponement.objects.get()
    assert (record.kind, record.indicator, record.old_label, record.new_label) == (
        "zielwert",
        indicator,
        "100",
        "80",
    )
    assert record.author.username == "redaktion"
