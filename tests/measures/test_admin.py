"""Every admin changelist, add and change page answers for a superuser."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

OWN_APPS = {"strategy", "measures"}
MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in OWN_APPS),
    key=lambda model: model._meta.label,
)


@pytest.fixture
def seeded():
    from strategy.models import BarrierReport

    call_command("load_seed", verbosity=0)
    BarrierReport.objects.create(page="/massnahmen/", description="Fokus unsichtbar")


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_admin_pages_answer_200(model, seeded, admin_client_logged_in):
    client = admin_client_logged_in
    info = model._meta.app_label, model._meta.model_name
    obj = model._default_manager.first()
    assert obj is not None, f"seed has no {model._meta.label}"
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    # Reports of barriers come only through the public form, so the admin adds none.
    expected_add = 403 if model._meta.label == "strategy.BarrierReport" else 200
    assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == expected_add
    change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    assert client.get(change).status_code == 200


def test_measure_changelist_search_and_filters_answer(seeded, admin_client_logged_in):
    url = reverse("admin:measures_measure_changelist")
    response = admin_client_logged_in.get(url, {"q": "Serviceportal", "status__exact": "umsetzung"})
    assert response.status_code == 200


def test_measure_change_page_has_inlines(seeded, admin_client_logged_in):
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
