"""Every admin changelist, add and change page of the strategy answers for a superuser."""

import pytest
from django.core.management import call_command

from strategy.models import BarrierReport
from tests.measures.test_admin import admin_models, assert_admin_pages_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("load_seed", verbosity=0)
    BarrierReport.objects.create(page="/massnahmen/", description="Fokus unsichtbar")


@pytest.mark.parametrize("model", admin_models("strategy"), ids=lambda model: model._meta.label)
def test_admin_pages_answer_200(model, seeded, admin_client_logged_in):
    # Reports of barriers come only through the public form, so the admin adds none.
    expected_add = 403 if model._meta.label == "strategy.BarrierReport" else 200
    assert_admin_pages_answer(admin_client_logged_in, model, expected_add)
