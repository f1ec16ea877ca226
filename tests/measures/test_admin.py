"""Every admin changelist, add and change page of the measures answers for a superuser;
the measure's search, filters and inlines; status updates added in the admin, never
edited in place, corrected by the Redaktion only."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from measures.models import StatusUpdate
from tests.builders import make_measure, make_unit, make_update
from tests.conftest import signed_in_staff
from tests.measures.test_editing import change_url

pytestmark = pytest.mark.django_db


def admin_models(app_label):
    return sorted(
        (model for model in admin.site._registry if model._meta.app_label == app_label),
        key=lambda model: model._meta.label,
    )


def assert_admin_pages_answer(client, model, expected_add=200):
    info = model._meta.app_label, model._meta.model_name
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
