"""The way to the service: online services with their address and Lebenslagen, the page
/online-dienste/, the "Online nutzen" link of the Steckbrief and the catalogue, the open
data of the services, and who may edit them."""

import copy
import csv
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF

from measures.models import Measure, OnlineService
from tests.builders import (
    make_field,
    make_life_situation,
    make_measure,
    make_service,
    make_unit,
    make_world,
)
from tests.conftest import shared_by_class, signed_in_staff

pytestmark = pytest.mark.django_db

PORTAL = "https://www.iserlohn.de/"


def build_world():
    world = make_world(0)
    field, own_unit, other_unit = world["field"], make_unit(), make_unit()
    moving = make_life_situation(slug="umzug", name="Umzug", position=1)
    business = make_life_situation(slug="unternehmen", name="Unternehmen", position=2)
    make_life_situation(slug="familie", name="Familie und Kind", position=3)  # no service
    world["done"] = make_measure(
        field_of_action=field,
        code="SC-1.1",
        title="Online-Terminvergabe",
        status="abgeschlossen",
        progress=100,
        offer_url="https://termine.example.org/",
        lead_unit=own_unit,
    )
    world["planned"] = make_measure(
        field_of_action=field,
        code="SC-1.2",
        title="Geplantes Portal",
        status="geplant",
        offer_url="https://geplant.example.org/",
        lead_unit=other_unit,
    )
    world["draft"] = make_measure(
        field_of_action=field, code="SC-1.3", title="Geheimer Entwurf", is_published=False
    )
    hidden_field = make_field(substrategy=world["substrategy"], is_published=False)
    world["in_hidden_field"] = make_measure(field_of_action=hidden_field, title="Verborgen")
    world["registration"] = make_service(
        world["done"],
        name="Wohnsitz anmelden",
        maturity=4,
        url="https://melden.example.org/",
        life_situations=[moving, business],
    )
    make_service(
        world["done"],
        name="Gewerbe anmelden",
        maturity=2,
        url="https://gewerbe.example.org/",
        life_situations=[business],
    )
    make_service(
        world["planned"], name="Parkausweis beantragen", maturity=3, life_situations=[moving]
    )
    make_service(world["planned"], name="Fundsache melden", maturity=0)
    # A service whose measure was deleted (or never chosen) has no way to be a draft.
    make_service(None, name="Dienst ohne Maßnahme", maturity=3, url=PORTAL)
    world["other_service"] = make_service(
        world["planned"], name="Fremder Dienst", maturity=1, url=PORTAL
    )
    make_service(
        world["draft"], name="Dienst des Entwurfs", maturity=3, url=PORTAL, life_situations=[moving]
    )
    make_service(world["in_hidden_field"], name="Dienst im Verborgenen", maturity=3)
    world["own_unit"], world["other_unit"] = own_unit, other_unit
    return world


@pytest.fixture(scope="class")
def shared_world(request, django_db_setup, django_db_blocker):
    yield from shared_by_class(request, django_db_blocker, build_world)


@pytest.fixture
def world(shared_world):
    return copy.deepcopy(shared_world)


def headings(page: str, level: str = "h2") -> list[str]:
    """The headings of the page's main content."""
    page = page[page.index("<main") : page.index("</main>")]
    return [
        re.sub(r"<[^>]+>", "", match).strip()
        for match in re.findall(rf"<{level}[^>]*>(.*?)</{level}>", page, re.S)
    ]


def squeezed(text: str) -> str:
    return " ".join(text.split())


class TestThePage:
    def test_services_are_grouped_by_lebenslage_in_the_redaktions_order(self, client, world):
        page = client.get("/online-dienste/").text
        assert headings(page) == [
            "Umzug",
            "Unternehmen",
            "Weitere Online-Dienste",
            "Was die Reifegrade bedeuten",
        ]
        # A service of two Lebenslagen stands in both; one without a Lebenslage at the end.
        assert page.count('<h3 class="service__name">Wohnsitz anmelden') == 2
        assert "Familie und Kind" not in page  # a Lebenslage without services is left out
        assert page.index("Fundsache melden") > page.index('id="unternehmen"')

    def test_each_entry_explains_its_reifegrad_and_links_service_and_measure(self, client, world):
        page = squeezed(client.get("/online-dienste/").text)
        assert "Vollständig online, ohne erneute Nachweise." in page
        assert "Sie können den Antrag vollständig online stellen." in page
        assert "Noch nicht online." in page and "(Reifegrad 0 von 4)" in page
        assert (
            '<a class="online-link" href="https://melden.example.org/" rel="external">'
            "Online nutzen" in page
        )
        # Reifegrad 2: the address is there, but not as "Online nutzen".
        assert '<a class="external" href="https://gewerbe.example.org/" rel="external">' in page
        assert 'href="/massnahmen/SC-1.1/"' in page
        # Reifegrad 3 without an address: no link at all.
        parking = page[page.index("Parkausweis beantragen") :]
        assert parking[: parking.index("</li>")].count("online-link") == 0

    def test_only_published_measures_lend_their_services(self, client, world):
        for view in ("", "?nach=massnahme"):
            page = client.get(f"/online-dienste/{view}").text
            assert "Dienst des Entwurfs" not in page and "Geheimer Entwurf" not in page
            assert "SC-1.3" not in page
            assert "Dienst im Verborgenen" not in page and "Verborgen" not in page
            assert "Dienst ohne Maßnahme" not in page

    def test_by_measure_lists_the_measures_by_code_and_no_service_without_one(self, client, world):
        page = client.get("/online-dienste/?nach=massnahme").text
        assert headings(page) == [
            "SC-1.1 Online-Terminvergabe",
            "SC-1.2 Geplantes Portal",
            "Was die Reifegrade bedeuten",
        ]
        assert 'aria-current="page">Nach Maßnahme' in page

    def test_an_unknown_view_is_a_german_400_and_other_parameters_are_ignored(self, client, world):
        bad = client.get("/online-dienste/?nach=alles")
        assert bad.status_code == 400
        assert "Diese Ansicht gibt es nicht" in bad.text
        assert client.get("/online-dienste/?seite=3&nach=").status_code == 200

    def test_the_page_takes_a_fixed_number_of_queries(
        self, client, world, django_assert_max_num_queries
    ):
        client.get("/online-dienste/")  # warms what any first request reads once
        with django_assert_max_num_queries(4):
            client.get("/online-dienste/")
        situations = [make_life_situation() for _ in range(5)]
        for n in range(30):
            make_service(world["done"], maturity=n % 5, url=PORTAL, life_situations=situations)
        client.get("/online-dienste/")  # the header asks once per content version
        for view in ("", "?nach=massnahme"):
            with django_assert_max_num_queries(4):
                assert client.get(f"/online-dienste/{view}").status_code == 200

    def test_the_page_is_in_the_navigation_the_sitemap_and_on_the_data_page(self, client, world):
        assert 'href="/online-dienste/"' in client.get("/").text
        assert "/online-dienste/</loc>" in client.get("/sitemap.xml").text
        data_page = client.get("/daten/").text
        assert 'href="/online-dienste/"' in data_page
        assert 'href="/daten/online-dienste.csv"' in data_page


class TestOnlineNutzen:
    def test_a_finished_measure_with_its_own_offer_shows_online_nutzen(self, client, world):
        page = squeezed(client.get("/massnahmen/SC-1.1/").text)
        assert (
            '<a class="online-link" href="https://termine.example.org/" rel="external">'
            "Online nutzen: Online-Terminvergabe" in page
        )
        # Its online service with an address, too; the form of Reifegrad 2 is no such link.
        assert "Online nutzen: Wohnsitz anmelden" in page
        assert "Online nutzen: Gewerbe anmelden" not in page
        assert "(externe Seite)" in page

    def test_a_planned_measure_does_not_offer_its_address_yet(self, client, world):
        page = client.get("/massnahmen/SC-1.2/").text
        assert "https://geplant.example.org/" not in page
        assert "Online nutzen" not in page

    def test_the_catalogue_card_links_the_offer(self, client, world):
        page = squeezed(client.get("/massnahmen/").text)
        assert '<a class="online-link" href="https://termine.example.org/"' in page
        assert "https://geplant.example.org/" not in page

    def test_the_steckbrief_explains_the_reifegrad_in_plain_german(self, client, world):
        page = squeezed(client.get("/massnahmen/SC-1.1/").text)
        assert "Formular online." in page and "(Reifegrad 2 von 4)" in page
        assert "Reifegrad 2 – Formular online" not in page


@pytest.mark.parametrize(
    "address", ["http://www.iserlohn.de/", "javascript:alert(1)", "ftp://example.org/x"]
)
def test_only_https_addresses_are_accepted(address):
    measure = make_measure(offer_url=address)
    with pytest.raises(ValidationError) as refused:
        measure.full_clean()
    assert "offer_url" in refused.value.message_dict
    service = OnlineService(slug="dienst", name="Dienst", url=address)
    with pytest.raises(ValidationError) as refused:
        service.full_clean()
    assert "url" in refused.value.message_dict


def test_an_https_address_is_accepted():
    make_measure(offer_url=PORTAL).full_clean()
    OnlineService(slug="dienst", name="Dienst", url=PORTAL).full_clean()


class TestOpenData:
    def test_csv_holds_the_published_services_with_plain_reifegrad(self, client, world):
        response = client.get("/daten/online-dienste.csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [row["name"] for row in rows] == [
            "Fremder Dienst",
            "Fundsache melden",
            "Gewerbe anmelden",
            "Parkausweis beantragen",
            "Wohnsitz anmelden",
        ]
        registration = rows[-1]
        assert registration["reifegrad"] == "4"
        assert registration["reifegrad_in_worten"] == "Vollständig online, ohne erneute Nachweise"
        assert registration["lebenslagen"] == "Umzug; Unternehmen"
        assert registration["adresse"] == "https://melden.example.org/"
        assert registration["massnahme"] == "SC-1.1"
        assert registration["massnahme_url"].endswith("/massnahmen/SC-1.1/")
        assert rows[1]["massnahme"] == "SC-1.2"

    def test_json_holds_the_same_services(self, client, world):
        data = json.loads(client.get("/daten/online-dienste.json").content)
        assert data["anzahl"] == 5 and data["herausgeber"] == "Stadt Iserlohn"
        names = [service["name"] for service in data["online_dienste"]]
        assert "Dienst des Entwurfs" not in names and "Dienst im Verborgenen" not in names
        assert "Dienst ohne Maßnahme" not in names
        registration = data["online_dienste"][-1]
        assert registration["lebenslagen"] == ["Umzug", "Unternehmen"]
        assert registration["reifegrad"] == 4 and registration["beispiel"] is False

    def test_the_dcat_catalogue_lists_the_services_dataset(self, client, world):
        graph = Graph().parse(data=client.get("/daten/dcat.ttl").content, format="turtle")
        datasets = {str(dataset) for dataset in graph.subjects(RDF.type, DCAT.Dataset)}
        [services] = [dataset for dataset in datasets if dataset.endswith("#online-dienste")]
        urls = {
            str(url)
            for distribution in graph.objects(URIRef(services), DCAT.distribution)
            for url in graph.objects(distribution, DCAT.downloadURL)
        }
        assert {url.rsplit("/", 1)[1] for url in urls} == {
            "online-dienste.csv",
            "online-dienste.json",
        }


class TestEditing:
    @pytest.fixture
    def editors(self, world, django_user_model):
        redaktion = signed_in_staff(django_user_model, "red", "Redaktion")[0]
        fachbereich = signed_in_staff(django_user_model, "fb", "Fachbereich", [world["own_unit"]])[
            0
        ]
        return redaktion, fachbereich

    def form(self, measure, **values):
        return {
            "slug": "neuer-dienst",
            "name": "Neuer Dienst",
            "maturity": "3",
            "url": "https://neu.example.org/",
            "measure": str(measure.pk) if measure else "",
            **values,
        }

    def test_a_fachbereich_adds_a_service_to_its_own_measure(self, world, editors):
        _, fachbereich = editors
        response = fachbereich.post(
            "/admin/measures/onlineservice/add/", self.form(world["done"], is_example="on")
        )
        assert response.status_code == 302, response.text[:2000]
        service = OnlineService.objects.get(slug="neuer-dienst")
        assert service.measure == world["done"]
        assert service.is_example is False  # the Redaktion's call, not the Fachbereich's

    def test_a_fachbereich_cannot_touch_another_units_services(self, world, editors):
        _, fachbereich = editors
        other = world["other_service"]
        change = f"/admin/measures/onlineservice/{other.pk}/change/"
        assert fachbereich.get(change).status_code == 403
        assert fachbereich.post(change, self.form(world["done"])).status_code == 403
        for measure in (world["planned"], None):
            response = fachbereich.post("/admin/measures/onlineservice/add/", self.form(measure))
            assert response.status_code == 200
            assert not OnlineService.objects.filter(slug="neuer-dienst").exists()

    def test_an_http_address_is_refused_with_a_german_message(self, world, editors):
        redaktion, _ = editors
        response = redaktion.post(
            "/admin/measures/onlineservice/add/",
            self.form(world["done"], url="http://neu.example.org/"),
        )
        assert response.status_code == 200
        assert "mit „https://“ beginnt" in response.text

    def test_the_redaktion_keeps_the_lebenslagen(self, world, editors):
        redaktion, fachbereich = editors
        response = redaktion.post(
            "/admin/measures/lifesituation/add/",
            {"name": "Gesundheit", "slug": "gesundheit", "position": "5"},
        )
        assert response.status_code == 302
        assert fachbereich.get("/admin/measures/lifesituation/add/").status_code == 403

    def test_an_example_address_is_marked_for_the_editor(self, world, editors):
        redaktion, _ = editors
        make_service(world["done"], slug="beispiel", name="Beispieldienst", is_example=True)
        page = redaktion.get("/admin/measures/onlineservice/?is_example__exact=1").text
        assert "Beispieldienst" in page and "Wohnsitz anmelden" not in page
        form = redaktion.get(f"/admin/measures/measure/{world['done'].pk}/change/").text
        assert "Adresse des Angebots" in form and "Startseite der Stadt" in form


def test_measure_offer_link_follows_the_status():
    measure = Measure(status="umsetzung", offer_url=PORTAL)
    assert measure.offer_link == PORTAL
    for status in ("geplant", "vorbereitung", "zurueckgestellt", "entfallen"):
        measure.status = status
        assert measure.offer_link == ""
