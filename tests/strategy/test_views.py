"""The strategy's public views: the start page, the 404 page and the form "Barriere
melden", which never fails and stores only valid reports."""

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from strategy.models import BarrierReport
from tests.measures.test_seed import LEITSAETZE

pytestmark = pytest.mark.django_db


def test_start_page_shows_the_leitbild_and_both_substrategies(client):
    call_command("load_seed", verbosity=0)
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in LEITSAETZE:
        assert text in page
    assert "Smart City" in page
    assert "E-Government" in page
    assert 'lang="de"' in page


def test_unknown_address_gives_a_german_404(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_start_page_rejects_post(client):
    assert client.post("/").status_code == 405


class FeedbackFormFuzzTest(TestCase):
    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        data=st.fixed_dictionaries(
            {},
            optional={
                "page": st.text(max_size=600),
                "description": st.text(max_size=50),
                "email": st.text(max_size=40),
                "name": st.text(max_size=250),
            },
        )
    )
    def test_feedback_form_never_fails_and_writes_only_valid_reports(self, data):
        before = BarrierReport.objects.count()
        response = self.client.post("/barriere-melden/", data, REMOTE_ADDR="10.1.2.3")
        self.assertLess(response.status_code, 500)
        if response.status_code != 302:
            self.assertEqual(BarrierReport.objects.count(), before)
