"""Open data: files, API, DCAT-AP.de, feeds and calendars hold exactly the published
content and parse as what they claim to be."""

import csv
import io
import json

import feedparser
import icalendar
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from measures.models import Milestone
from tests.builders import make_measure, make_update, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = make_world(3)
    world["measures"][0].title = "Bürgerbüro über Straßen hinweg"
    world["measures"][0].save()
    world["draft"] = make_measure(
        field_of_action=world["field"], code="SC-1.9", title="Entwurf", is_published=False
    )
    make_update(world["draft"], note="Geheime Meldung")
    Milestone.objects.create(measure=world["draft"], title="Geheimer Termin", due_date="2026-05-01")
    return world


def published_codes(world):
    return sorted(m.code for m in world["measures"])


def test_csv_holds_exactly_the_published_measures_with_umlauts(client, world):
    response = client.get("/daten/massnahmen.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(row["code"] for row in rows) == published_codes(world)
    assert "Bürgerbüro über Straßen hinweg" in {row["titel"] for row in rows}
    assert set(rows[0]) >= {
        "code",
        "titel",
        "teilstrategie",
        "handlungsfeld",
        "ziele",
        "status",
        "fortschritt",
        "federfuehrung",
        "letzte_meldung",
        "url",
    }


def test_json_holds_exactly_the_published_measures(client, world):
    data = json.loads(client.get("/daten/massnahmen.json").content)
    assert data["anzahl"] == 3
    assert sorted(m["code"] for m in data["massnahmen"]) == published_codes(world)
    assert "Namensnennung" in data["lizenz"]


def test_api_lists_and_details_only_published_content(client, world):
    listing = client.get("/api/v1/measures").json()
    assert sorted(m["code"] for m in listing["items"]) == published_codes(world)
    assert listing["count"] == 3
    assert client.get("/api/v1/measures/SC-1.9").status_code == 404
    detail = client.get(f"/api/v1/measures/{world['measures'][0].code}").json()
    assert detail["title"] == "Bürgerbüro über Straßen hinweg"
    updates = client.get("/api/v1/updates").json()["items"]
    assert "Geheime Meldung" not in {u["note"] for u in updates}
    milestones = client.get("/api/v1/milestones").json()["items"]
    assert "Geheimer Termin" not in {m["title"] for m in milestones}


def test_api_filters_paginates_and_answers_errors_as_json(client, world):
    assert client.get("/api/v1/measures?status=geplant").json()["count"] == 0
    assert client.get("/api/v1/measures?q=Bürgerbüro").json()["count"] == 1
    bad = client.get("/api/v1/measures?status=erledigt")
    assert bad.status_code == 400
    assert "detail" in bad.json()
    assert client.get("/api/v1/measures?page=0").status_code == 400
    assert client.get("/api/v1/measures?page=2").json()["items"] == []
    missing = client.get("/api/v1/goals/EG-Z9")  # the builders make SC-Z0 … SC-Z99 only
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Nicht gefunden."}


def test_api_answers_carry_etag_cors_and_304(client, world):
    response = client.get("/api/v1/principles")
    assert response["Access-Control-Allow-Origin"] == "*"
    etag = response["ETag"]
    assert client.get("/api/v1/principles", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_openapi_document_and_self_hosted_docs(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/measures", "/api/v1/measures/{code}", "/api/v1/principles"} <= set(
        document["paths"]
    )
    docs = client.get("/api/v1/docs/")
    page = docs.content.decode()
    assert docs.status_code == 200
    assert '<html lang="de"' in page
    assert "<h1>Dokumentation der API</h1>" in page
    assert "<code>GET /api/v1/measures/{code}</code>" in page
    # A parameter with its meaning, a schema with its fields, the raw document linked.
    assert "<code>teilstrategie</code>" in page and "Kurzname, z. B. smart-city" in page
    assert '<h3 id="schema-measurerecord">MeasureRecord</h3>' in page
    assert 'href="/api/v1/openapi.json"' in page
    assert "swagger" not in page


def test_dcat_catalogue_parses_and_has_the_required_properties(client, world):
    for path, fmt in [
        ("/daten/dcat.ttl", "turtle"),
        ("/daten/dcat.jsonld", "json-ld"),
        ("/daten/dcat.rdf", "xml"),
    ]:
        graph = Graph().parse(data=client.get(path).content, format=fmt)
        catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
        datasets = {
            str(dataset).rsplit("#", 1)[1]: dataset
            for dataset in graph.subjects(RDF.type, DCAT.Dataset)
        }
        assert len(catalogs) == 1 and set(datasets) == {"massnahmen", "online-dienste"}
        for name, count in [("massnahmen", 3), ("online-dienste", 2)]:
            dataset = datasets[name]
            for prop in (
                DCTERMS.title,
                DCTERMS.description,
                DCTERMS.publisher,
                DCTERMS.spatial,
                DCTERMS.modified,
                DCAT.contactPoint,
                DCAT.distribution,
            ):
                assert graph.value(dataset, prop) is not None, (path, prop)
            distributions = list(graph.objects(dataset, DCAT.distribution))
            assert len(distributions) == count
            for distribution in distributions:
                assert graph.value(distribution, DCTERMS.license) == URIRef(
                    "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
                )
                assert graph.value(distribution, DCAT.accessURL) is not None
            assert "05962024" in str(graph.value(dataset, DCTERMS.spatial))


def test_atom_feeds_parse_and_show_only_published_updates(client, world):
    measure = world["measures"][0]
    for path in [
        "/daten/statusmeldungen.atom",
        f"/daten/handlungsfelder/{world['field'].slug}/statusmeldungen.atom",
        f"/daten/massnahmen/{measure.code}/statusmeldungen.atom",
    ]:
        feed = feedparser.parse(client.get(path).content)
        assert not feed.bozo, (path, feed.bozo_exception)
        assert feed.version == "atom10"
        assert feed.entries
        assert all("Geheime Meldung" not in e.get("summary", "") for e in feed.entries)
    own = feedparser.parse(
        client.get(f"/daten/massnahmen/{measure.code}/statusmeldungen.atom").content
    )
    assert {e.title.split()[0] for e in own.entries} == {measure.code}
    assert client.get("/daten/massnahmen/SC-1.9/statusmeldungen.atom").status_code == 404


def test_pages_announce_their_feeds(client, world):
    measure = world["measures"][0]
    page = client.get(measure.get_absolute_url()).content.decode()
    assert f'href="/daten/massnahmen/{measure.code}/statusmeldungen.atom"' in page
    assert 'type="text/calendar"' in page
    field_page = client.get(world["field"].get_absolute_url()).content.decode()
    assert f"/daten/handlungsfelder/{world['field'].slug}/statusmeldungen.atom" in field_page


def test_ical_parses_and_holds_only_published_milestones(client, world):
    calendar = icalendar.Calendar.from_ical(client.get("/daten/meilensteine.ics").content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 3
    assert all("Geheimer Termin" not in str(event["SUMMARY"]) for event in events)
    one = icalendar.Calendar.from_ical(
        client.get(f"/daten/massnahmen/{world['measures'][0].code}/meilensteine.ics").content
    )
    assert len(list(one.walk("VEVENT"))) == 1


def test_data_page_explains_licence_formats_api_and_feeds(client, world):
    page = client.get("/daten/").content.decode()
    expected = [
        "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        "/daten/massnahmen.csv",
        "/daten/massnahmen.json",
        "/api/v1/docs/",
        "/api/v1/openapi.json",
        "/daten/statusmeldungen.atom",
        "/daten/meilensteine.ics",
        "/daten/dcat.ttl",
    ]
    for text in expected:
        assert text in page


def test_data_page_lists_every_field_of_the_record_and_the_csv_formats(client, world):
    from django.utils.html import escape

    from measures.records import MeasureRecord

    page = client.get("/daten/").content.decode()
    for column in MeasureRecord.columns():
        assert f'<tr id="feld-{column.key}">' in page
        assert f"<code>{column.name}</code>" in page
        assert escape(column.description) in page
        for part in column.parts:
            assert f"<code>{part.key}</code> ({escape(part.description)}" in page
    assert (
        "Name: Ausgangswert → Zielwert Einheit (aktuell Wert am Datum; "
        "Zeitreihe Datum: Wert, …; Zielpfad Datum: Wert, …)"
    ) in page
    assert "Termin Titel (erreicht Datum)" in page
    assert "Name (Reifegrad n) Adresse" in page


def test_open_data_csv_and_json_carry_the_new_facts(client, world):
    rows = list(
        csv.DictReader(io.StringIO(client.get("/daten/massnahmen.csv").content.decode("utf-8-sig")))
    )
    assert rows[0]["kennzahlen"] == "Nutzung: 0 → 100 (aktuell 40 am 2026-06-01)"
    assert rows[0]["meilensteine"] == "2025-03-01 Start"
    assert rows[0]["status_wert"] == "umsetzung"
    data = json.loads(client.get("/daten/massnahmen.json").content)
    first = data["massnahmen"][0]
    assert first["kennzahlen"][0]["zielwert"] == 100
    assert first["meilensteine"] == [
        {"titel": "Start", "termin": "2025-03-01", "erreicht_am": None}
    ]
    assert (first["budget"], first["beteiligte"], first["online_dienste"]) == (None, [], [])
