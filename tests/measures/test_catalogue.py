"""The catalogue: search, filters, sorting, pagination, CSV and bad parameters."""

import copy
import csv
import datetime
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from measures.models import Measure
from tests.builders import make_field, make_measure, make_substrategy, make_unit, make_world
from tests.conftest import shared_by_class

pytestmark = pytest.mark.django_db


def codes(response):
    return [m.code for m in response.context["measures"]]


def build_catalogue():
    smart = make_substrategy(slug="smart-city", code="SC", name="Smart City")
    egov = make_substrategy(slug="e-government", code="EG", name="E-Government")
    mobility = make_field(substrategy=smart, code="SC-3", slug="mobilitaet")
    online = make_field(substrategy=egov, code="EG-1", slug="online-dienste")
    school = make_unit(slug="schule", name="Schule und Sport")
    citizens = make_unit(slug="buergerservice", name="Bürgerservice")
    bus = make_measure(
        field_of_action=mobility,
        code="SC-3.1",
        title="Autonomer Bus",
        status="abgeschlossen",
        progress=100,
        priority="hoch",
        lead_unit=school,
        start_date=datetime.date(2021, 1, 1),
        end_date=datetime.date(2023, 12, 31),
        summary="Ein Bus fährt ohne Fahrer.",
    )
    portal = make_measure(
        field_of_action=online,
        code="EG-1.1",
        title="Serviceportal",
        status="umsetzung",
        progress=60,
        priority="hoch",
        lead_unit=citizens,
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        summary="Anträge an die Verwaltung online stellen.",
        description=(
            "Die Digitalisierung der **Verwaltung** macht Wege ins "
            "[Rathaus](https://www.iserlohn.de/) überflüssig."
        ),
    )
    akte = make_measure(
        field_of_action=online,
        code="EG-1.2",
        title="E-Akte",
        status="geplant",
        progress=0,
        priority="niedrig",
        lead_unit=citizens,
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2028, 12, 31),
        summary="Akten werden elektronisch geführt.",
    )
    portal.tags.add("OZG")
    akte.tags.add("OZG", "Papierlos")
    return {"bus": bus, "portal": portal, "akte": akte}


@pytest.fixture(scope="class")
def shared_catalogue(request, django_db_setup, django_db_blocker):
    yield from shared_by_class(request, django_db_blocker, build_catalogue)


@pytest.fixture
def catalogue(shared_catalogue):
    """The catalogue of the class, built once; the objects copied for each test."""
    return copy.deepcopy(shared_catalogue)


class TestWithOneCatalogue:
    """Three measures in two Teilstrategien, built once for these tests."""

    def test_without_parameters_lists_all_published_by_code(self, client, catalogue):
        make_measure(
            field_of_action=catalogue["bus"].field_of_action, code="SC-3.9", is_published=False
        )
        response = client.get("/massnahmen/")
        assert codes(response) == ["EG-1.1", "EG-1.2", "SC-3.1"]
        assert "3 Maßnahmen" in response.content.decode()

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("teilstrategie=e-government", ["EG-1.1", "EG-1.2"]),
            ("handlungsfeld=mobilitaet", ["SC-3.1"]),
            ("status=umsetzung", ["EG-1.1"]),
            ("prioritaet=hoch", ["EG-1.1", "SC-3.1"]),
            ("einheit=buergerservice", ["EG-1.1", "EG-1.2"]),
            ("schlagwort=papierlos", ["EG-1.2"]),
            ("schlagwort=ozg&prioritaet=niedrig", ["EG-1.2"]),
            ("zeitraum=2022", ["EG-1.1", "SC-3.1"]),
            ("zeitraum=2027", ["EG-1.2"]),
            ("sortierung=ende", ["SC-3.1", "EG-1.1", "EG-1.2"]),
            ("sortierung=status", ["EG-1.2", "EG-1.1", "SC-3.1"]),
        ],
    )
    def test_filters_and_sorting_select_exactly(self, client, catalogue, query, expected):
        assert codes(client.get(f"/massnahmen/?{query}")) == expected

    def test_sorting_by_last_update_puts_the_latest_first(self, client, catalogue):
        from tests.builders import make_update

        make_update(catalogue["akte"], date=datetime.date(2026, 10, 1))
        make_update(catalogue["bus"], date=datetime.date(2025, 1, 1))
        assert codes(client.get("/massnahmen/?sortierung=aktualisiert"))[:2] == ["EG-1.2", "SC-3.1"]

    def test_search_finds_words_in_title_summary_tags_and_unit(self, client, catalogue):
        assert codes(client.get("/massnahmen/?q=bus")) == ["SC-3.1"]
        assert codes(client.get("/massnahmen/?q=Papierlos")) == ["EG-1.2"]
        assert "EG-1.1" in codes(client.get("/massnahmen/?q=Bürgerservice"))
        assert "SC-3.1" in codes(client.get("/massnahmen/?q=SC-3.1"))

    def test_empty_result_says_so_and_offers_no_downloads(self, client, catalogue):
        response = client.get("/massnahmen/?q=Raumfahrt&status=umsetzung")
        assert codes(response) == []
        page = response.content.decode()
        assert "Keine Maßnahme passt zu Ihrer Suche" in page
        assert "Prüfen Sie die Schreibweise" in page
        assert "herunterladen" not in page
        assert "export.csv" not in page and "export.pdf" not in page
        # The filters that narrowed it down can be removed one by one.
        assert 'aria-label="Filter Status: in Umsetzung entfernen"' in page
        found = client.get("/massnahmen/?q=Serviceportal").content.decode()
        assert "Diese Liste herunterladen" in found

    def test_each_active_filter_is_a_link_that_removes_just_it(self, client, catalogue):
        response = client.get("/massnahmen/?q=Akte&status=geplant&schlagwort=ozg")
        assert codes(response) == ["EG-1.2"]
        chips = {chip["label"]: chip for chip in response.context["chips"]}
        assert [(c["label"], c["value"]) for c in response.context["chips"]] == [
            ("Suche", "„Akte“"),
            ("Status", "geplant"),
            ("Schlagwort", "OZG"),
        ]
        assert chips["Status"]["query"].urlencode() == "q=Akte&schlagwort=ozg"
        page = response.content.decode()
        assert (
            '<a class="chip" href="/massnahmen/?q=Akte&amp;schlagwort=ozg" '
            'aria-label="Filter Status: geplant entfernen">'
        ) in page
        assert 'aria-label="Filter Suche: „Akte“ entfernen"' in page
        assert "Alle Filter zurücksetzen" in page
        assert "Filter und Sortierung (2 aktiv)" in page
        without_status = client.get("/massnahmen/?" + chips["Status"]["query"].urlencode())
        assert codes(without_status) == ["EG-1.2"]
        assert "Status" not in {chip["label"] for chip in without_status.context["chips"]}

    def test_the_words_found_are_marked_in_title_and_summary(self, client, catalogue):
        page = client.get("/massnahmen/?q=portal+VERWALTUNG").content.decode()
        assert "Service<mark>portal</mark>" in page
        assert "Anträge an die <mark>Verwaltung</mark> online stellen." in page

    def test_a_measure_found_by_its_description_shows_the_passage(self, client, catalogue):
        response = client.get("/massnahmen/?q=Rathaus")
        assert codes(response) == ["EG-1.1"]
        page = response.content.decode()
        assert (
            "Gefunden in der Beschreibung: Die Digitalisierung der Verwaltung macht Wege ins "
            "<mark>Rathaus</mark> überflüssig." in page
        )
        # Where the title or summary shows why, no passage is added.
        assert "Gefunden in" not in client.get("/massnahmen/?q=Verwaltung").content.decode()

    def test_the_synonyms_searched_as_well_are_named(self, client, catalogue):
        page = client.get("/massnahmen/?q=B%C3%BCrgerportal").content.decode()
        assert "Mit gleicher Bedeutung auch gesucht: „Serviceportal“ (für „Bürgerportal“)." in page
        assert "<mark>Serviceportal</mark>" in page
        assert "Mit gleicher Bedeutung" not in client.get("/massnahmen/?q=Bus").content.decode()

    def test_marks_are_escaped_whatever_is_typed(self, client, catalogue):
        response = client.get("/massnahmen/", {"q": '<script>alert("x")</script> Bus'})
        page = response.content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;" in page

    @pytest.mark.postgres
    def test_search_on_postgresql_finds_inflected_forms(self, client, catalogue):
        found = codes(client.get("/massnahmen/?q=Verwaltungen"))
        assert found[0] == "EG-1.1"
        assert "SC-3.1" not in found

    @pytest.mark.postgres
    def test_search_on_postgresql_survives_typos(self, client, catalogue):
        assert codes(client.get("/massnahmen/?q=Digitalisirung")) == ["EG-1.1"]
        assert codes(client.get("/massnahmen/?q=Servicportal")) == ["EG-1.1"]

    @pytest.mark.postgres
    def test_search_on_postgresql_ranks_title_above_description(self, client, catalogue):
        make_measure(
            field_of_action=catalogue["portal"].field_of_action,
            code="EG-1.3",
            title="Bus-Fahrplan im Portal",
            summary="Kurz.",
        )
        assert codes(client.get("/massnahmen/?q=Bus"))[:2] in (
            ["SC-3.1", "EG-1.3"],
            ["EG-1.3", "SC-3.1"],
        )

    def test_invalid_parameters_are_dropped_with_a_visible_notice(self, client, catalogue):
        response = client.get("/massnahmen/?status=erledigt&farbe=rot&handlungsfeld=nix&seite=abc")
        assert response.status_code == 200
        page = response.content.decode()
        assert "„farbe“ wurde ignoriert" in page
        assert "Der Wert für „Status“ ist ungültig" in page
        assert "Der Wert für „Handlungsfeld“ ist ungültig" in page
        assert "Seitenzahl ist ungültig" in page
        assert codes(response) == ["EG-1.1", "EG-1.2", "SC-3.1"]

    def test_csv_download_holds_the_filtered_list(self, client, catalogue):
        response = client.get("/massnahmen/export.csv?teilstrategie=e-government")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        text = response.content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [row["Code"] for row in rows] == ["EG-1.1", "EG-1.2"]
        assert rows[0]["Federführung"] == "Bürgerservice"
        assert rows[1]["Schlagwörter"] == "OZG; Papierlos"

    def test_measure_model_matches_the_catalogue_count(self, client, catalogue):
        assert client.get("/massnahmen/").context["page"].paginator.count == (
            Measure.objects.published().count()
        )


def test_pagination_has_20_per_page_and_keeps_the_filters(client):
    world = make_world(45)
    first = client.get("/massnahmen/?status=umsetzung")
    assert len(first.context["measures"]) == 20
    page = first.content.decode()
    assert "Seite 1 von 3" in page
    assert 'href="?status=umsetzung&amp;seite=2"' in page
    last = client.get("/massnahmen/?status=umsetzung&seite=3")
    assert len(last.context["measures"]) == 5
    beyond = client.get("/massnahmen/?status=umsetzung&seite=9")
    assert "Seite 9 gibt es nicht" in beyond.content.decode()
    assert beyond.context["page"].number == 3
    assert world


PARAMETERS = [
    "q",
    "teilstrategie",
    "handlungsfeld",
    "status",
    "prioritaet",
    "einheit",
    "schlagwort",
    "zeitraum",
    "sortierung",
    "seite",
    "x",
]


class CatalogueFuzzTest(TestCase):
    """Whatever the query string, the catalogue answers 200 (with notices), never 5xx."""

    @classmethod
    def setUpTestData(cls):
        make_world(3)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.dictionaries(
            st.sampled_from(PARAMETERS),
            st.one_of(
                st.text(max_size=40),
                st.sampled_from(
                    [
                        "0",
                        "-1",
                        "99999999999999999999",
                        "2026",
                        "smart-city",
                        "umsetzung",
                        "daten",
                        "relevanz",
                        "%00",
                        "' OR 1=1 --",
                    ]
                ),
            ),
            max_size=6,
        )
    )
    def test_any_parameters_never_give_a_server_error(self, params):
        for path in ("/massnahmen/", "/massnahmen/export.csv"):
            response = self.client.get(path, params)
            self.assertEqual(response.status_code, 200, (path, params))


def test_a_catalogue_page_counts_the_measures_once_without_grouping(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_world(45)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/massnahmen/", {"seite": "2"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 45
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1, counts
    assert "GROUP BY" not in counts[0].upper()
