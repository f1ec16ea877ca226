"""Every admin changelist, add and change page of the measures answers for a superuser;
the measure's search, filters and inlines; status updates added in the admin."""

import pytest
from django.contrib import admin
from django.urls import reverse

from measures.models import StatusUpdate
from tests.builders import make_measure

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
