"""The public views of the measures: edge cases of the dashboard, the catalogue's pages
and the Steckbrief's Stand dates, and methods they do not take."""

import datetime
from unittest import mock

import pytest

from tests.builders import make_measure, make_update, make_world

pytestmark = pytest.mark.django_db


def test_dashboard_works_on_a_leap_day(client):
    make_world(2)
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2028, 2, 29)):
        assert client.get("/umsetzungsstand/").status_code == 200


def test_pagination_keeps_an_explicit_sort_with_a_search(client):
    make_world(25)
    page = client.get("/massnahmen/", {"q": "Maßnahme", "sortierung": "code"}).content.decode()
    assert "sortierung=code" in page
    assert "seite=2" in page


def test_status_is_dated_from_when_it_began_not_from_the_latest_update(client):
    measure = make_measure(status="umsetzung", progress=60)
    make_update(measure, date=datetime.date(2025, 1, 10), status="vorbereitung", progress=10)
    make_update(measure, date=datetime.date(2025, 5, 2), progress=20)
    make_update(measure, date=datetime.date(2026, 9, 1), progress=60)
    page = client.get(measure.get_absolute_url()).content.decode()
    assert 'seit <time datetime="2025-05-02">' in page
    assert "Letzte Meldung vom <time" in page


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused_not_failed(client, method):
    assert getattr(client, method)("/massnahmen/").status_code == 405
