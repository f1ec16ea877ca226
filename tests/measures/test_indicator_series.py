"""A Kennzahl over time: its Zeitreihe and Zielpfad are written by one operation that keeps
the Kennzahl's current value in step, and the Steckbrief shows them as chart, table and text."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.locking import current_version
from measures.models import Indicator, IndicatorValue
from measures.series import Standing, planned_on, record_value, replace_series, standing
from tests.builders import make_measure
from tests.measures.test_editing import change_url, form_data

pytestmark = pytest.mark.django_db

ACTUAL, PLANNED = IndicatorValue.Kind.ACTUAL, IndicatorValue.Kind.PLANNED


def day(year, month=1, date=1):
    return datetime.date(year, month, date)


def make_indicator(**overrides):
    measure = overrides.pop("measure", None) or make_measure(start_date=day(2022))
    values = {"measure": measure, "name": "Anlagen mit Solarstrom", "unit": "Anlagen"}
    return Indicator.objects.create(**(values | {"baseline": 0, "target": 60} | overrides))


def with_series(indicator, actual, planned):
    replace_series(indicator=indicator, kind=PLANNED, points=planned)
    replace_series(indicator=indicator, kind=ACTUAL, points=actual)
    return indicator


@pytest.fixture
def indicator():
    return with_series(
        make_indicator(),
        actual={
            day(2022, 6): 3,
            day(2023, 3): 8,
            day(2024, 2): 14,
            day(2025, 1): 22,
            day(2026, 2): 31,
        },
        planned={day(2024): 20, day(2026, 12, 31): 40, day(2030, 12, 31): 60},
    )


def test_the_latest_measured_value_becomes_the_current_one(indicator):
    indicator.refresh_from_db()
    assert (indicator.current, indicator.as_of) == (31, day(2026, 2))
    record_value(indicator=indicator, date=day(2025, 6), value=Decimal(25))
    indicator.refresh_from_db()
    assert (indicator.current, indicator.as_of) == (31, day(2026, 2))  # an earlier day
    record_value(indicator=indicator, date=day(2026, 5), value=Decimal(33))
    indicator.refresh_from_db()
    assert (indicator.current, indicator.as_of) == (33, day(2026, 5))
    assert indicator.values.filter(kind=ACTUAL).count() == 7


def test_replacing_the_series_removes_values_and_clears_the_current_one(indicator):
    replace_series(indicator=indicator, kind=ACTUAL, points={day(2023, 3): Decimal(9)})
    indicator.refresh_from_db()
    assert (indicator.current, indicator.as_of) == (9, day(2023, 3))
    replace_series(indicator=indicator, kind=ACTUAL, points={})
    indicator.refresh_from_db()
    assert (indicator.current, indicator.as_of) == (None, None)
    assert indicator.values.filter(kind=PLANNED).count() == 3


def test_the_path_runs_straight_between_its_points():
    points = [(day(2024), Decimal(20)), (day(2025), Decimal(40))]
    assert planned_on(points, day(2023)) is None
    assert round(planned_on(points, day(2024, 7, 2))) == 30
    assert planned_on(points, day(2027)) == 40


def test_standing_against_the_path(indicator):
    indicator = Indicator.objects.prefetch_related("values").get(pk=indicator.pk)
    assert standing(indicator) == Standing.BEHIND  # 31 on 1 Feb 2026, the path ~34
    record_value(indicator=indicator, date=day(2026, 3), value=Decimal(45))
    indicator = Indicator.objects.prefetch_related("values").get(pk=indicator.pk)
    assert standing(indicator) == Standing.ON_TRACK
    record_value(indicator=indicator, date=day(2026, 4), value=Decimal(60))
    indicator = Indicator.objects.prefetch_related("values").get(pk=indicator.pk)
    assert standing(indicator) == Standing.REACHED


def test_a_value_to_bring_down_is_on_track_below_its_path():
    indicator = with_series(
        make_indicator(name="Papieranträge", unit="%", baseline=90, target=10),
        actual={day(2024, 6): 50},
        planned={day(2024): 70, day(2026): 10},
    )
    indicator = Indicator.objects.prefetch_related("values").get(pk=indicator.pk)
    assert standing(indicator) == Standing.ON_TRACK


def test_the_steckbrief_shows_chart_table_and_summary(client, indicator):
    page = client.get(indicator.measure.get_absolute_url()).content.decode()
    assert "31 von 60\N{NO-BREAK SPACE}Anlagen, Ziel 2026: 40 — hinter dem Plan" in page
    assert '<svg class="chart"' in page and "Verlauf der Kennzahl Anlagen mit Solarstrom" in page
    assert page.count("<polyline") == 2
    assert "<caption>Zeitreihe und Zielpfad: Anlagen mit Solarstrom</caption>" in page
    assert '<th scope="row">01.02.2026</th><td class="num">31\N{NO-BREAK SPACE}Anlagen</td>' in page
    assert '<th scope="row">31.12.2030</th><td class="num">–</td>' in page


def test_a_kennzahl_without_dated_values_shows_no_chart(client):
    indicator = make_indicator()
    page = client.get(indicator.measure.get_absolute_url()).content.decode()
    assert "<strong>Ziel: 60\N{NO-BREAK SPACE}Anlagen</strong>" in page
    assert '<svg class="chart"' not in page


def test_the_steckbrief_reads_the_series_in_one_query(client, indicator):
    # Each count is of a page after a write, so neither comes from the page cache.
    url = indicator.measure.get_absolute_url()
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    with_series(
        make_indicator(measure=indicator.measure, name="Wallboxen"),
        actual={day(2025): 1, day(2026): 2},
        planned={day(2027): 5},
    )
    with CaptureQueriesContext(connection) as two:
        page = client.get(url).content.decode()
    assert "Verlauf der Kennzahl Wallboxen" in page
    assert len(two) == len(one)


@pytest.fixture
def staff(admin_client_logged_in):
    return admin_client_logged_in


def test_the_kennzahl_form_saves_its_rows_as_zeitreihe_and_zielpfad(staff):
    indicator = make_indicator()
    data = {"measure": indicator.measure.pk, "name": indicator.name, "unit": "Anlagen"}
    data |= {"baseline": "0", "target": "60", "position": "0", "target_reason": ""}
    rows = [("ist", "2025-01-01", "22"), ("ist", "2026-02-01", "31"), ("soll", "2026-12-31", "40")]
    data |= {"values-TOTAL_FORMS": str(len(rows) + 1), "values-INITIAL_FORMS": "0"}
    for i, (kind, date, value) in enumerate(rows):
        data |= {f"values-{i}-kind": kind, f"values-{i}-date": date, f"values-{i}-value": value}
    assert staff.post(change_url(indicator), data).status_code == 302
    indicator.refresh_from_db()
    assert (indicator.current, indicator.as_of) == (31, day(2026, 2))
    assert list(indicator.values.values_list("kind", "date", "value")) == [
        ("ist", day(2025), 22),
        ("ist", day(2026, 2), 31),
        ("soll", day(2026, 12, 31), 40),
    ]

    # Deleting the latest Istwert there makes the one before it the current value.
    latest = indicator.values.get(date=day(2026, 2))
    data |= {"values-TOTAL_FORMS": "3", "values-INITIAL_FORMS": "3"}
    for i, value in enumerate(indicator.values.all()):
        data[f"values-{i}-id"] = value.pk
        data[f"values-{i}-indicator"] = indicator.pk
    data[f"values-{list(indicator.values.all()).index(latest)}-DELETE"] = "on"
    assert staff.post(change_url(indicator), data).status_code == 302
    indicator.refresh_from_db()
    assert (indicator.current, indicator.as_of) == (22, day(2025))


def test_two_values_of_one_kind_on_one_day_are_refused_in_german(staff):
    indicator = make_indicator()
    data = {"measure": indicator.measure.pk, "name": indicator.name, "unit": "Anlagen"}
    data |= {"baseline": "0", "target": "60", "position": "0", "target_reason": ""}
    data |= {"values-TOTAL_FORMS": "2", "values-INITIAL_FORMS": "0"}
    for i in range(2):
        data |= {f"values-{i}-kind": "ist", f"values-{i}-date": "2025-01-01"}
        data[f"values-{i}-value"] = str(i)
    refused = staff.post(change_url(indicator), data)
    assert refused.status_code == 200
    assert "Bitte die doppelten Daten" in refused.content.decode()
    assert not indicator.values.exists()


def test_a_value_typed_into_the_measure_form_joins_the_zeitreihe(staff, indicator):
    measure = indicator.measure
    data = form_data(measure, start_date="2022-01-01")
    row = {"id": indicator.pk, "measure": measure.pk, "name": indicator.name}
    row |= {"unit": "Anlagen", "baseline": "0", "target": "60", "target_reason": ""}
    row |= {"current": "35", "as_of": "2026-06-01", "position": "0"}
    data |= {"indicators-TOTAL_FORMS": "1", "indicators-INITIAL_FORMS": "1"}
    data |= {f"indicators-0-{key}": value for key, value in row.items()}
    assert staff.post(change_url(measure), data).status_code == 302
    indicator.refresh_from_db()
    assert (indicator.current, indicator.as_of) == (35, day(2026, 6))
    assert indicator.values.filter(kind=ACTUAL).count() == 6

    # An older day typed in joins the series; the latest value stays the current one.
    data |= {"indicators-0-current": "10", "indicators-0-as_of": "2023-06-01"}
    data["version"] = current_version(measure.pk)
    assert staff.post(change_url(measure), data).status_code == 302
    indicator.refresh_from_db()
    assert (indicator.current, indicator.as_of) == (35, day(2026, 6))
    assert indicator.values.get(date=day(2023, 6)).value == 10


def test_the_api_and_the_open_data_carry_the_series(client, indicator):
    code = indicator.measure.code
    [api] = client.get(f"/api/v1/measures/{code}").json()["indicators"]
    assert api["series"] == [
        {"date": "2022-06-01", "value": 3},
        {"date": "2023-03-01", "value": 8},
        {"date": "2024-02-01", "value": 14},
        {"date": "2025-01-01", "value": 22},
        {"date": "2026-02-01", "value": 31},
    ]
    assert api["path"][0] == {"date": "2024-01-01", "value": 20}
    assert (api["current"], api["as_of"]) == (31, "2026-02-01")
    data = client.get("/daten/massnahmen.json").json()
    [kennzahl] = next(m for m in data["massnahmen"] if m["code"] == code)["kennzahlen"]
    assert kennzahl["zielpfad"][-1] == {"datum": "2030-12-31", "wert": 60}
    csv = client.get("/daten/massnahmen.csv").content.decode()
    assert "Zeitreihe 2022-06-01: 3, 2023-03-01: 8" in csv
    assert "Zielpfad 2024-01-01: 20, 2026-12-31: 40, 2030-12-31: 60" in csv


def test_the_dashboard_lists_kennzahlen_behind_their_path(client, indicator):
    on_track = with_series(
        make_indicator(name="Speicher", unit="Speicher"),
        actual={day(2026, 2): 50},
        planned={day(2026, 12, 31): 60},
    )
    hidden = with_series(
        make_indicator(measure=make_measure(is_published=False, start_date=day(2022))),
        actual={day(2026, 2): 1},
        planned={day(2024): 20},
    )
    page = client.get("/umsetzungsstand/").content.decode()
    section = page[page.index('id="hinter-dem-plan"') : page.index('id="veraltet"')]
    assert (
        f"{indicator.measure.code} {indicator.measure.title}</a>: Anlagen mit Solarstrom" in section
    )
    reading = "31 von 60\N{NO-BREAK SPACE}Anlagen (Stand 01.02.2026)"
    assert f"{reading}, geplant waren 34\N{NO-BREAK SPACE}Anlagen" in section
    assert on_track.name not in section
    assert hidden.measure.code not in section


def test_the_dcat_catalogue_names_the_span_of_the_series(client, indicator):
    from rdflib import Graph
    from rdflib.namespace import DCAT, DCTERMS

    graph = Graph().parse(data=client.get("/daten/dcat.ttl").content, format="turtle")
    [dataset] = [d for d in graph.subjects(DCTERMS.title, None) if str(d).endswith("#massnahmen")]
    [period] = graph.objects(dataset, DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2022-06-01"
    assert str(graph.value(period, DCAT.endDate)) == "2030-12-31"
    assert "Zeitreihe" in str(graph.value(dataset, DCTERMS.description))


def test_the_migration_moves_current_values_and_targets_into_the_series():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("measures.migrations.0025_indicator_series")
    measure = make_measure(start_date=day(2024), end_date=day(2027, 12, 31))
    measured = make_indicator(measure=measure, current=31, as_of=day(2026, 2))
    unmeasured = make_indicator(measure=measure, name="Speicher")
    unplanned = make_indicator(name="Wallboxen", current=4, as_of=day(2025, 5))
    migration.to_series(apps, None)
    assert list(measured.values.values_list("kind", "date", "value")) == [
        (ACTUAL, day(2026, 2), 31),
        (PLANNED, day(2027, 12, 31), 60),
    ]
    assert list(unmeasured.values.values_list("kind", "value")) == [(PLANNED, 60)]
    assert list(unplanned.values.values_list("kind", "value")) == [(ACTUAL, 4)]
    measured.refresh_from_db()
    assert (measured.current, measured.as_of, measured.target) == (31, day(2026, 2), 60)


def import_values(client, indicator, text):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("admin:measures_indicator_import_values", args=[indicator.pk])
    upload = SimpleUploadedFile("werte.csv", text.encode("cp1252"), content_type="text/csv")
    return client.post(url, {"file": upload})


def test_a_csv_adds_values_to_zeitreihe_and_zielpfad(staff):
    indicator = with_series(make_indicator(), actual={day(2024): 10}, planned={})
    text = "Datum;Istwert;Sollwert\n01.06.2025;22;\n2026-02-01;31,5;\n31.12.2026;;40\n"
    assert import_values(staff, indicator, text).status_code == 302
    indicator.refresh_from_db()
    assert (indicator.current, indicator.as_of) == (Decimal("31.5"), day(2026, 2))
    assert list(indicator.values.values_list("kind", "date", "value")) == [
        (ACTUAL, day(2024), 10),
        (ACTUAL, day(2025, 6), 22),
        (ACTUAL, day(2026, 2), Decimal("31.5")),
        (PLANNED, day(2026, 12, 31), 40),
    ]


def test_a_csv_with_a_bad_row_writes_nothing_and_says_why_in_german(staff):
    indicator = make_indicator()
    text = "datum;istwert;sollwert\n2025-06-01;22;\n31.02.2026;x;\n2026-03-01;;\n"
    refused = import_values(staff, indicator, text)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Zeile 3: Datum wie 2026-03-31 oder 31.03.2026 erwartet." in page
    assert "Zeile 3: Zahl wie 31, 31.5 oder 1.234,5 erwartet." in page
    assert "Zeile 4: Istwert oder Sollwert fehlt." in page
    assert not indicator.values.exists()
    missing = import_values(staff, indicator, "tag;wert\n2025-01-01;3\n")
    assert missing.status_code == 400
    assert "Es fehlen die Spalten datum, istwert, sollwert" in missing.content.decode()


def test_only_the_unit_of_the_measure_may_import_values(client, django_user_model, indicator):
    from tests.builders import make_unit
    from tests.conftest import signed_in_staff

    text = "datum;istwert;sollwert\n2026-03-01;33;\n"
    assert import_values(client, indicator, text).status_code == 302  # to the login
    other, _ = signed_in_staff(django_user_model, "fremd", "Fachbereich", [make_unit()])
    assert import_values(other, indicator, text).status_code == 403
    own, _ = signed_in_staff(
        django_user_model, "eigen", "Fachbereich", [indicator.measure.lead_unit]
    )
    assert not indicator.values.filter(date=day(2026, 3)).exists()
    assert import_values(own, indicator, text).status_code == 302
    assert indicator.values.get(date=day(2026, 3)).value == 33


def test_the_steckbrief_pdf_lists_the_series_as_a_table(client, indicator):
    from tests.measures.test_publications import pdf, text_of

    reader, _ = pdf(client, f"/massnahmen/{indicator.measure.code}/steckbrief.pdf")
    text = text_of(reader).replace("\N{NO-BREAK SPACE}", " ")
    assert "31 von 60 Anlagen, Ziel 2026: 40 — hinter dem Plan" in text
    assert "Zeitreihe und Zielpfad: Anlagen mit Solarstrom" in text
    assert "01.02.2026 31 Anlagen –" in text
    assert "31.12.2030 – 60 Anlagen" in text
