"""The public record of a measure (measures/records.py): one definition behind the catalogue
CSV, the open-data CSV and JSON and the API; every field, only published content, formulas
neutralised in every CSV, the same columns in both CSVs and a constant number of queries."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.models import Indicator, Measure, Milestone, OnlineService
from measures.records import (
    MeasureRecord,
    catalogue_csv,
    csv_response,
    for_records,
    number_text,
    records,
)
from tests.builders import (
    add_measures,
    make_field,
    make_goal,
    make_measure,
    make_substrategy,
    make_unit,
    make_update,
    make_world,
)

pytestmark = pytest.mark.django_db

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The keys and meanings each output had before the record; they must not change.
API_KEYS = {
    "code",
    "title",
    "summary",
    "status",
    "status_label",
    "progress",
    "priority",
    "start_date",
    "end_date",
    "field_of_action",
    "substrategy",
    "lead_unit",
    "goals",
    "tags",
    "last_update",
    "example",
    "url",
}
OPEN_DATA_KEYS = [
    "code",
    "titel",
    "teilstrategie",
    "handlungsfeld",
    "ziele",
    "status",
    "fortschritt",
    "prioritaet",
    "beginn",
    "ende",
    "federfuehrung",
    "schlagwoerter",
    "letzte_meldung",
    "url",
    "beispiel",
]
CATALOGUE_HEADINGS = {
    "Code",
    "Titel",
    "Teilstrategie",
    "Handlungsfeld",
    "Status",
    "Fortschritt (%)",
    "Priorität",
    "Beginn",
    "Ende",
    "Federführung",
    "Stand",
    "Schlagwörter",
    "Kurzbeschreibung",
    "Beispielinhalt",
}
NEW_API_KEYS = {
    "substrategy_name",
    "field_of_action_name",
    "priority_label",
    "budget",
    "partners",
    "indicators",
    "milestones",
    "online_services",
    "offer_url",
}


@pytest.fixture
def full():
    """A published measure with every fact of the record, next to a draft measure and an
    unpublished goal that must appear nowhere."""
    substrategy = make_substrategy(slug="e-government", code="EG", name="E-Government")
    field = make_field(
        substrategy=substrategy, code="EG-1", slug="online-dienste", name="Online-Dienste (OZG)"
    )
    unit = make_unit(slug="buergerservice", name="Bürgerservice")
    measure = make_measure(
        field_of_action=field,
        code="EG-1.2",
        title="Leistungen online",
        lead_unit=unit,
        summary="Anträge online stellen.",
        status="umsetzung",
        progress=40,
        priority="hoch",
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2027, 12, 31),
        budget=Decimal("380000.00"),
        partners="Kommunaler IT-Dienstleister\n\n  Land NRW  \n",
        offer_url="https://service.example/portal",
        is_example=True,
    )
    published_goal = make_goal(substrategy=substrategy, code="EG-Z1.2")
    other_goal = make_goal(substrategy=substrategy, code="EG-Z1.1")
    secret_goal = make_goal(substrategy=substrategy, code="EG-Z9.9", is_published=False)
    measure.goals.add(published_goal, other_goal, secret_goal)
    measure.tags.add("OZG", "Anträge")
    make_update(measure, date=datetime.date(2025, 5, 1), progress=10)
    make_update(measure, date=datetime.date(2026, 1, 15))
    Indicator.objects.create(
        measure=measure,
        name="Anteil online gestellter Anträge",
        unit="%",
        baseline=10,
        target=50,
        current=Decimal("20.50"),
        as_of=datetime.date(2026, 1, 31),
        position=1,
    )
    Indicator.objects.create(measure=measure, name="Dienste", baseline=12, target=120)
    Milestone.objects.create(
        measure=measure,
        title="Ausschreibung",
        due_date=datetime.date(2026, 3, 31),
        reached_on=datetime.date(2026, 3, 20),
    )
    Milestone.objects.create(
        measure=measure, title="Alle online", due_date=datetime.date(2027, 12, 31)
    )
    OnlineService.objects.create(
        slug="gewerbe",
        name="Gewerbe anmelden",
        maturity=3,
        url="https://service.example/gewerbe",
        measure=measure,
    )
    OnlineService.objects.create(slug="hund", name="Hundesteuer", maturity=1, measure=measure)
    draft = make_measure(field_of_action=field, code="EG-1.9", title="Entwurf", is_published=False)
    OnlineService.objects.create(slug="geheim", name="Geheimer Dienst", measure=draft)
    Milestone.objects.create(
        measure=draft, title="Geheimer Termin", due_date=datetime.date(2026, 5, 1)
    )
    Indicator.objects.create(measure=draft, name="Geheime Kennzahl", baseline=0, target=1)
    return {"measure": measure, "draft": draft}


def the_record():
    [record] = records()
    return record


def test_the_record_carries_every_field(full):
    record = the_record()
    assert record.model_dump() == {
        "code": "EG-1.2",
        "title": "Leistungen online",
        "substrategy_name": "E-Government",
        "field_of_action_name": "Online-Dienste (OZG)",
        "goals": ["EG-Z1.1", "EG-Z1.2"],
        "status_label": "in Umsetzung",
        "progress": 40,
        "priority_label": "hoch",
        "start_date": datetime.date(2024, 1, 1),
        "end_date": datetime.date(2027, 12, 31),
        "lead_unit": "Bürgerservice",
        "tags": ["Anträge", "OZG"],
        "last_update": datetime.date(2026, 1, 15),
        "url": full["measure"].get_full_url(),
        "example": True,
        "summary": "Anträge online stellen.",
        "status": "umsetzung",
        "priority": "hoch",
        "substrategy": "e-government",
        "field_of_action": "online-dienste",
        "budget": 380000,
        "partners": ["Kommunaler IT-Dienstleister", "Land NRW"],
        "indicators": [
            {
                "name": "Dienste",
                "unit": "",
                "baseline": 12,
                "target": 120,
                "current": None,
                "as_of": None,
                "series": [],
                "path": [],
            },
            {
                "name": "Anteil online gestellter Anträge",
                "unit": "%",
                "baseline": 10,
                "target": 50,
                "current": 20.5,
                "as_of": datetime.date(2026, 1, 31),
                "series": [],
                "path": [],
            },
        ],
        "milestones": [
            {
                "title": "Ausschreibung",
                "due_date": datetime.date(2026, 3, 31),
                "reached_on": datetime.date(2026, 3, 20),
            },
            {"title": "Alle online", "due_date": datetime.date(2027, 12, 31), "reached_on": None},
        ],
        "online_services": [
            {
                "name": "Gewerbe anmelden",
                "maturity": 3,
                "maturity_label": "3 – Antrag vollständig online",
                "url": "https://service.example/gewerbe",
            },
            {
                "name": "Hundesteuer",
                "maturity": 1,
                "maturity_label": "1 – Informationen online",
                "url": "",
            },
        ],
        "offer_url": "https://service.example/portal",
    }


def test_every_field_has_a_german_key_heading_and_description():
    columns = MeasureRecord.columns()
    keys = [column.key for column in columns]
    assert keys[: len(OPEN_DATA_KEYS)] == OPEN_DATA_KEYS  # old columns keep their place
    assert len(set(keys)) == len(keys)
    assert len({column.heading for column in columns}) == len(columns)
    assert {column.heading for column in columns} >= CATALOGUE_HEADINGS
    assert {column.name for column in columns} == API_KEYS | NEW_API_KEYS
    parts = [part for column in columns for part in column.parts]
    for each in columns + parts:
        assert each.key and each.heading and each.description, each
    nested = {column.key: [part.key for part in column.parts] for column in columns}
    assert nested["kennzahlen"] == [
        "name",
        "einheit",
        "ausgangswert",
        "zielwert",
        "aktueller_wert",
        "stand",
        "zeitreihe",
        "zielpfad",
    ]
    assert nested["meilensteine"] == ["titel", "termin", "erreicht_am"]
    assert nested["online_dienste"] == ["name", "reifegrad", "reifegrad_bezeichnung", "url"]


def test_api_keeps_its_keys_and_meanings_and_gains_the_new_facts(client, full):
    data = client.get("/api/v1/measures/EG-1.2").json()
    assert set(data) == API_KEYS | NEW_API_KEYS
    assert (data["status"], data["status_label"]) == ("umsetzung", "in Umsetzung")
    assert (data["substrategy"], data["field_of_action"]) == ("e-government", "online-dienste")
    assert (data["priority"], data["lead_unit"]) == ("hoch", "Bürgerservice")
    assert data["goals"] == ["EG-Z1.1", "EG-Z1.2"]
    assert (data["start_date"], data["last_update"]) == ("2024-01-01", "2026-01-15")
    assert data["budget"] == 380000
    assert data["indicators"][1] == {
        "name": "Anteil online gestellter Anträge",
        "unit": "%",
        "baseline": 10,
        "target": 50,
        "current": 20.5,
        "as_of": "2026-01-31",
        "series": [],
        "path": [],
    }
    assert data["milestones"][0]["reached_on"] == "2026-03-20"
    assert data["online_services"][0]["maturity"] == 3
    assert client.get("/api/v1/measures").json()["items"] == [data]


def test_open_data_json_keeps_its_keys_and_meanings_and_gains_the_new_facts(client, full):
    data = json.loads(client.get("/daten/massnahmen.json").content)
    [measure] = data["massnahmen"]
    assert list(measure)[: len(OPEN_DATA_KEYS)] == OPEN_DATA_KEYS
    assert {key: measure[key] for key in OPEN_DATA_KEYS} == {
        "code": "EG-1.2",
        "titel": "Leistungen online",
        "teilstrategie": "E-Government",
        "handlungsfeld": "Online-Dienste (OZG)",
        "ziele": ["EG-Z1.1", "EG-Z1.2"],
        "status": "in Umsetzung",
        "fortschritt": 40,
        "prioritaet": "hoch",
        "beginn": "2024-01-01",
        "ende": "2027-12-31",
        "federfuehrung": "Bürgerservice",
        "schlagwoerter": ["Anträge", "OZG"],
        "letzte_meldung": "2026-01-15",
        "url": full["measure"].get_full_url(),
        "beispiel": True,
    }
    assert measure["status_wert"] == "umsetzung"
    assert measure["teilstrategie_kurzname"] == "e-government"
    assert measure["budget"] == 380000
    assert measure["beteiligte"] == ["Kommunaler IT-Dienstleister", "Land NRW"]
    assert measure["kennzahlen"][1] == {
        "name": "Anteil online gestellter Anträge",
        "einheit": "%",
        "ausgangswert": 10,
        "zielwert": 50,
        "aktueller_wert": 20.5,
        "stand": "2026-01-31",
        "zeitreihe": [],
        "zielpfad": [],
    }
    assert measure["meilensteine"][0] == {
        "titel": "Ausschreibung",
        "termin": "2026-03-31",
        "erreicht_am": "2026-03-20",
    }
    assert measure["online_dienste"][1] == {
        "name": "Hundesteuer",
        "reifegrad": 1,
        "reifegrad_bezeichnung": "1 – Informationen online",
        "url": "",
    }


def rows_of(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text)))


def test_csv_cells_are_readable_text(client, full):
    [header, row] = rows_of(client.get("/daten/massnahmen.csv"))
    cells = dict(zip(header, row, strict=True))
    assert cells["ziele"] == "EG-Z1.1; EG-Z1.2"
    assert cells["schlagwoerter"] == "Anträge; OZG"
    assert cells["beispiel"] == "ja"
    assert cells["budget"] == "380000"
    assert cells["beteiligte"] == "Kommunaler IT-Dienstleister; Land NRW"
    assert cells["kennzahlen"] == (
        "Dienste: 12 → 120; "
        "Anteil online gestellter Anträge: 10 → 50 % (aktuell 20.5 am 2026-01-31)"
    )
    assert cells["meilensteine"] == (
        "2026-03-31 Ausschreibung (erreicht 2026-03-20); 2027-12-31 Alle online"
    )
    assert cells["online_dienste"] == (
        "Gewerbe anmelden (Reifegrad 3) https://service.example/gewerbe; Hundesteuer (Reifegrad 1)"
    )


def test_number_text_drops_trailing_zeros_only():
    assert [number_text(Decimal(v)) for v in ("380000.00", "12.50", "0.00", "100", "10.05")] == [
        "380000",
        "12.5",
        "0",
        "100",
        "10.05",
    ]


def test_both_csvs_have_the_same_columns_and_cells(client, full):
    open_data = rows_of(client.get("/daten/massnahmen.csv"))
    catalogue = rows_of(catalogue_csv(Measure.objects.published()))
    assert open_data[0] == [column.key for column in MeasureRecord.columns()]
    assert catalogue[0] == [column.heading for column in MeasureRecord.columns()]
    assert open_data[1:] == catalogue[1:]


def test_catalogue_csv_keeps_the_order_of_its_queryset_and_names_the_day(full):
    world = make_world(3)
    ordered = Measure.objects.published().order_by("-code")
    response = catalogue_csv(ordered)
    assert response["Content-Disposition"].startswith(
        'attachment; filename="iserlohn-digital-massnahmen-20'
    )
    codes = [row[0] for row in rows_of(response)[1:]]
    assert codes == sorted([m.code for m in world["measures"]] + ["EG-1.2"], reverse=True)


def test_csv_response_takes_records_and_refuses_an_unknown_header(full):
    rows = rows_of(csv_response(records(), filename="x.csv"))
    assert rows[1][0] == "EG-1.2"
    with pytest.raises(ValueError):
        csv_response([], filename="x.csv", header="German")


def test_drafts_and_unpublished_goals_appear_in_no_output(client, full):
    secrets = [
        "EG-Z9.9",
        "EG-1.9",
        "Entwurf",
        "Geheimer Dienst",
        "Geheimer Termin",
        "Geheime Kennzahl",
    ]
    outputs = {
        "csv": client.get("/daten/massnahmen.csv").content.decode("utf-8-sig"),
        "json": client.get("/daten/massnahmen.json").content.decode(),
        "api": client.get("/api/v1/measures").content.decode(),
        "api detail": client.get("/api/v1/measures/EG-1.2").content.decode(),
        "catalogue": client.get("/massnahmen/export.csv").content.decode("utf-8-sig"),
        "catalogue_csv": catalogue_csv(Measure.objects.published()).content.decode("utf-8-sig"),
    }
    for name, text in outputs.items():
        for secret in secrets:
            assert secret not in text, (name, secret)
    assert client.get("/api/v1/measures/EG-1.9").status_code == 404


FORMULAS = {"title": '=HYPERLINK("http://evil")', "summary": "+1+1", "partners": "-2+3"}


def test_every_csv_neutralises_formulas(client, full):
    measure = full["measure"]
    for name, value in FORMULAS.items():
        setattr(measure, name, value)
    measure.save()
    measure.tags.set(["@SUM(A1)"])
    measure.lead_unit.name = "'Zitat"
    measure.lead_unit.save()
    measure.indicators.filter(name="Dienste").update(name="=1+1")
    responses = {
        "open data": client.get("/daten/massnahmen.csv"),
        "catalogue_csv": catalogue_csv(Measure.objects.published()),
        "catalogue view": client.get("/massnahmen/export.csv"),
    }
    for name, response in responses.items():
        [header, row] = rows_of(response)
        for heading, cell in zip(header, row, strict=True):
            assert not cell.startswith(FORMULA_STARTS), (name, heading, cell)
        assert "'" + FORMULAS["title"] in row, name
        assert "'+1+1" in row, name
        assert "''Zitat" in row, name
    [header, row] = rows_of(responses["open data"])
    cells = dict(zip(header, row, strict=True))
    assert cells["schlagwoerter"] == "'@SUM(A1)"
    assert cells["beteiligte"] == "'-2+3"
    assert cells["kennzahlen"].startswith("'=1+1: ")


def queries_for(client, path):
    client.get(path)  # what is read once per content version (the catalogue form's lists)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


# The measures and their five prefetched relations (goals, tags, indicators, milestones,
# online services) are six queries; the JSON adds the content version, the API list the
# content version and the count of its pagination.
@pytest.mark.parametrize(
    "path, expected",
    [
        ("/daten/massnahmen.csv", 7),
        ("/daten/massnahmen.json", 8),
        ("/api/v1/measures", 9),
        ("/api/v1/measures/SC-1.1", 7),
    ],
)
def test_queries_do_not_grow_with_the_number_of_measures(client, settings, path, expected):
    settings.PAGE_CACHE = False  # the view itself answers every request
    world = make_world(3)
    for measure in world["measures"]:
        OnlineService.objects.create(
            slug=f"dienst-{measure.pk}", name="Dienst", maturity=2, measure=measure
        )
    few = queries_for(client, path)
    more = add_measures(world, 27)
    for measure in more:
        OnlineService.objects.create(
            slug=f"dienst-{measure.pk}", name="Dienst", maturity=2, measure=measure
        )
    assert Measure.objects.published().count() == 30
    assert queries_for(client, path) == few == expected


def test_catalogue_csv_reads_a_fixed_number_of_queries():
    world = make_world(3)

    def count():
        with CaptureQueriesContext(connection) as queries:
            catalogue_csv(Measure.objects.published())
        return len(queries)

    few = count()
    add_measures(world, 27)
    # measures, goals, tags, indicators, their values, milestones, services
    assert count() == few == 7


def test_for_records_reads_the_stored_last_update(full):
    ordered = Measure.objects.published().order_by("-last_update_on")
    [measure] = for_records(ordered)
    assert measure.last_update == datetime.date(2026, 1, 15)


def test_openapi_document_shows_the_record_with_english_keys(client):
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    properties = schemas["MeasureRecord"]["properties"]
    assert set(properties) == API_KEYS | NEW_API_KEYS
    assert properties["budget"]["description"].startswith("geplantes Budget")
    assert {"name", "unit", "baseline", "target", "current", "as_of", "series", "path"} == set(
        schemas["IndicatorRecord"]["properties"]
    )
    assert set(schemas["IndicatorValueRecord"]["properties"]) == {"date", "value"}
    assert set(schemas["OnlineServiceRecord"]["properties"]) == {
        "name",
        "maturity",
        "maturity_label",
        "url",
    }
