"""Edge cases: malformed paths, leap days, sort order across pages, Stand dates."""

import csv
import datetime
import io
from unittest import mock

import pytest
from django.urls import reverse

from measures.models import StatusUpdate
from tests.builders import make_measure, make_update, make_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/massnahmen/%00/", "/ziele/%00/", "/schlagworte/%00/", "/massnahmen/SC-1.1%00/",
     "/handlungsfelder/%00/", "/massnahmen/%00/steckbrief.pdf", "/%00/"],
)  # fmt: skip
def test_malformed_paths_are_404_not_500(client, path):
    make_world(1)
    assert client.get(path).status_code == 404


def test_nul_bytes_in_query_parameters_are_dropped_with_a_notice(client):
    make_world(1)
    response = client.get("/massnahmen/", {"q": "Daten\x00", "status": "\x00"})
    assert response.status_code == 200
    assert "ungültig und wurde ignoriert" in response.content.decode()


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


def test_sqlite_fallback_and_postgres_search_ignore_case_of_umlauts(client):
    make_measure(title="Bürgerservice digital", code="HF-1.1")
    response = client.get("/massnahmen/", {"q": "BÜRGERSERVICE"})
    assert [m.code for m in response.context["measures"]] == ["HF-1.1"]


def test_csv_cells_that_look_like_formulas_are_neutralised(client):
    make_measure(title='=HYPERLINK("http://example.org")', summary="+49 Telefon")
    text = client.get("/massnahmen/export.csv").content.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["Titel"].startswith("'=")
    assert row["Kurzbeschreibung"].startswith("'+")


def test_status_update_added_in_the_admin_records_its_author(admin_client_logged_in):
    measure = make_measure(status="umsetzung", progress=10)
    url = reverse("admin:measures_statusupdate_add")
    response = admin_client_logged_in.post(
        url,
        {"measure": measure.pk, "date": "2026-11-01", "status": "umsetzung", "progress": "30",
         "note": "Weiter gekommen.", "evidence_url": "", "evidence_title": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert StatusUpdate.objects.get(measure=measure).author.username == "redaktion"


def test_tag_and_unit_filters_offer_nothing_that_only_drafts_use(client):
    world = make_world(1)
    draft = make_measure(field_of_action=world["field"], code="SC-1.8", is_published=False)
    draft.tags.add("Nur im Entwurf")
    page = client.get("/massnahmen/").content.decode()
    assert "Nur im Entwurf" not in page
    assert "Nur im Entwurf" not in client.get("/schlagworte/").content.decode()
