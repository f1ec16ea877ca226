"""Every admin changelist, add and change page of the strategy answers for a superuser."""

import pytest

from strategy.models import BarrierReport, SignLanguageVideo
from tests.conftest import load_seed, shared_by_class
from tests.measures.test_admin import admin_models, assert_admin_pages_answer

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="class")
def seeded(request, django_db_setup, django_db_blocker):
    def build():
        load_seed()
        BarrierReport.objects.create(page="/massnahmen/", description="Fokus unsichtbar")
        # The seed has no video in Gebärdensprache: the city's own are still being made.
        SignLanguageVideo.objects.create(title="Willkommen", link="https://www.iserlohn.de/dgs")

    yield from shared_by_class(request, django_db_blocker, build)


@pytest.mark.usefixtures("seeded")
class TestWithTheSeed:
    @pytest.mark.parametrize("model", admin_models("strategy"), ids=lambda model: model._meta.label)
    def test_admin_pages_answer_200(self, model, admin_client_logged_in):
        # Reports of barriers come only through the public form, so the admin adds none.
        expected_add = 403 if model._meta.label == "strategy.BarrierReport" else 200
        assert_admin_pages_answer(admin_client_logged_in, model, expected_add)
