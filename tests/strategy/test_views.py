import pytest
from django.core.management import call_command

from tests.strategy.test_seed import LEITSAETZE

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
