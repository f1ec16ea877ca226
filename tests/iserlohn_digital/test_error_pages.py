"""Error pages in German and in the portal's design: staff (and anything under /admin/)
get the way back into the admin, the public the way to the start page; a refused form
(CSRF) says what to do; the 500 page needs no database."""

import pytest
from django.test import Client

from tests.builders import make_measure, make_unit
from tests.conftest import signed_in_staff

pytestmark = pytest.mark.django_db

ADMIN_HOME = 'href="/admin/"'


def test_another_units_measure_answers_a_german_403_with_the_way_back(django_user_model):
    own, other = make_unit(), make_unit()
    measure = make_measure(lead_unit=other)
    client, _ = signed_in_staff(django_user_model, "ben", "Fachbereich", [own])

    response = client.get(f"/admin/measures/measure/{measure.pk}/change/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Kein Zugriff</h1>" in page
    assert "Forbidden" not in page
    assert ADMIN_HOME in page
    assert 'href="/admin/measures/measure/">Zurück zur Liste „Maßnahmen“' in page
    assert 'class="site-header"' in page  # the portal's layout


def test_unknown_admin_address_answers_a_german_404_with_the_way_back(django_user_model):
    client, _ = signed_in_staff(django_user_model, "anna", "Redaktion")

    response = client.get("/admin/measures/measure/keine-zahl/history/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Seite nicht gefunden</h1>" in page
    assert ADMIN_HOME in page
    assert "Zurück zur Liste „Maßnahmen“" in page


def test_the_list_is_offered_only_to_who_may_see_it(django_user_model):
    client, _ = signed_in_staff(django_user_model, "ben", "Fachbereich")

    response = client.get("/admin/auth/user/1/change/")

    assert response.status_code == 403
    page = response.content.decode()
    assert ADMIN_HOME in page
    assert "Zurück zur Liste" not in page


def test_public_404_has_no_admin_links(client):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Seite nicht gefunden</h1>" in page
    assert ADMIN_HOME not in page


def test_public_404_offers_a_search_and_the_main_entry_points(client):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    page = response.content.decode()
    assert '<label for="suche-404">Maßnahmen durchsuchen</label>' in page
    assert 'action="/massnahmen/"' in page
    for address, name in [
        ("/leitbild/", "Leitbild"),
        ("/massnahmen/", "Maßnahmen"),
        ("/online-dienste/", "Online-Dienste"),
        ("/umsetzungsstand/", "Umsetzungsstand"),
        ("/downloads/", "Downloads"),
        ("/leichte-sprache/", "Leichte Sprache"),
    ]:
        assert f'<li><a href="{address}">{name}</a>' in page


def test_staff_on_a_public_page_that_is_gone_get_the_way_to_the_admin(django_user_model):
    client, _ = signed_in_staff(django_user_model, "anna", "Redaktion")

    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    assert ADMIN_HOME in response.content.decode()


def test_a_form_without_its_security_token_gets_a_german_page(django_user_model):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/admin/login/", {"username": "anna", "password": "x"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "Das Formular wurde nicht gesendet" in page
    assert "CSRF" not in page
    assert ADMIN_HOME in page


def test_the_500_page_in_the_admin_leads_back_without_the_database(rf, monkeypatch):
    from django.db import connection

    from iserlohn_digital.views import server_error

    def no_database(*args, **kwargs):
        raise AssertionError("the 500 page asked the database")

    monkeypatch.setattr(connection, "cursor", no_database)
    try:
        raise RuntimeError("kaputt")
    except RuntimeError:
        response = server_error(rf.get("/admin/measures/measure/1/change/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "Ein Fehler ist aufgetreten" in page
    assert ADMIN_HOME in page
    assert 'class="site-header"' in page


def test_an_unknown_host_gets_a_german_400_without_failing_again(client, settings):
    """DisallowedHost: the page must not use the request's address, which fails again."""
    settings.ALLOWED_HOSTS = ["portal.example"]

    response = Client(raise_request_exception=False).get("/admin/", HTTP_HOST="boese.example")

    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>Ungültige Anfrage</h1>" in page
    assert "Bad Request" not in page
