"""DCAT-AP.de metadata of the portal's datasets, for harvesting by open-data portals."""

from django.conf import settings
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from measures.models import Indicator, IndicatorValue
from reports.models import Report
from strategy.models import ContentVersion

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
LICENCE = URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
# Amtlicher Gemeindeschlüssel of Iserlohn (Märkischer Kreis, NRW): 05 9 62 024, from the
# Gemeindeverzeichnis of the Statistisches Bundesamt (GV-ISys).
GEMEINDESCHLUESSEL = URIRef("http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05962024")
IANA = "https://www.iana.org/assignments/media-types/"
THEME = URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")
SPDX = Namespace("http://spdx.org/rdf/terms#")


def _url(name):
    return URIRef(settings.SITE_URL + reverse(name))


def _add_series_period(graph, dataset):
    """The days the Kennzahlen's Zeitreihen and Zielpfade span, as the dataset's period."""
    span = IndicatorValue.objects.filter(indicator__in=Indicator.objects.published()).aggregate(
        first=Min("date"), last=Max("date")
    )
    if span["first"] is None:
        return
    temporal = BNode()
    graph.add((dataset, DCTERMS.temporal, temporal))
    graph.add((temporal, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((temporal, DCAT.startDate, Literal(span["first"].isoformat(), datatype=XSD.date)))
    graph.add((temporal, DCAT.endDate, Literal(span["last"].isoformat(), datatype=XSD.date)))


def catalogue() -> Graph:
    graph = Graph()
    for prefix, namespace in [
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("dcatde", DCATDE),
        ("spdx", SPDX),
    ]:
        graph.bind(prefix, namespace)
    modified = Literal(
        timezone.localtime(ContentVersion.current().changed_at).isoformat(), datatype=XSD.dateTime
    )
    publisher = URIRef(settings.SITE_URL + "/#stadt-iserlohn")
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal("Stadt Iserlohn", lang="de")))
    contact = BNode()
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal("Stabsstelle Digitalisierung der Stadt Iserlohn")))
    graph.add((contact, VCARD.hasEmail, URIRef("mailto:digitalisierung@iserlohn.de")))

    catalog = _url("opendata:dcat-ttl")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal("Iserlohn digital – offene Daten", lang="de")))
    graph.add(
        (
            catalog,
            DCTERMS.description,
            Literal(
                "Daten der Digitalisierungsstrategie der Stadt Iserlohn "
                "und ihres Umsetzungsstands.",
                lang="de",
            ),
        )
    )
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, FOAF.homepage, _url("opendata:index")))
    graph.add(
        (
            catalog,
            DCTERMS.language,
            URIRef("http://publications.europa.eu/resource/authority/language/DEU"),
        )
    )
    graph.add((catalog, DCTERMS.modified, modified))

    dataset = URIRef(settings.SITE_URL + reverse("opendata:index") + "#massnahmen")
    graph.add((catalog, DCAT.dataset, dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add(
        (
            dataset,
            DCTERMS.title,
            Literal("Maßnahmen der Digitalisierungsstrategie Iserlohn", lang="de"),
        )
    )
    graph.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Alle veröffentlichten Maßnahmen mit Teilstrategie, Handlungsfeld, Zielen, Status, "
                "Fortschritt, Priorität, Zeitraum, Federführung, Schlagwörtern und letzter "
                "Statusmeldung; ihre Kennzahlen mit Zeitreihe (gemessene Werte nach Datum) "
                "und Zielpfad (Sollwerte nach Datum).",
                lang="de",
            ),
        )
    )
    _add_the_citys_facts(graph, dataset, publisher, contact)
    graph.add((dataset, DCTERMS.modified, modified))
    graph.add((dataset, DCAT.theme, THEME))
    graph.add((dataset, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/CONT")))
    for keyword in ("Digitalisierung", "Smart City", "E-Government", "Iserlohn", "Kennzahlen"):
        graph.add((dataset, DCAT.keyword, Literal(keyword, lang="de")))
    _add_series_period(graph, dataset)

    for name, title, media_type, fmt in [
        ("opendata:measures-csv", "Maßnahmen als CSV", "text/csv", "CSV"),
        ("opendata:measures-json", "Maßnahmen als JSON", "application/json", "JSON"),
        ("api-v1:openapi-json", "Programmierschnittstelle (OpenAPI)", "application/json", "JSON"),
    ]:
        _distribution(graph, dataset, _url(name), title, media_type, fmt, modified)

    _services_dataset(graph, catalog, publisher, contact, modified)

    for report in Report.objects.current().order_by("year", "sequence"):
        _report_dataset(graph, catalog, report, publisher, contact)
    return graph


def _services_dataset(graph, catalog, publisher, contact, modified):
    """The online services of the page /online-dienste/, with their Reifegrad."""
    dataset = URIRef(settings.SITE_URL + reverse("opendata:index") + "#online-dienste")
    graph.add((catalog, DCAT.dataset, dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("Online-Dienste der Stadt Iserlohn", lang="de")))
    graph.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Verwaltungsleistungen nach dem Onlinezugangsgesetz mit Reifegrad (0 bis 4, "
                "auch in verständlichen Worten), Adresse, Lebenslagen und der Maßnahme der "
                "Digitalisierungsstrategie, die sie online bringt.",
                lang="de",
            ),
        )
    )
    _add_the_citys_facts(graph, dataset, publisher, contact)
    graph.add((dataset, DCTERMS.modified, modified))
    graph.add((dataset, DCAT.theme, THEME))
    graph.add((dataset, DCAT.landingPage, _url("measures:online-services")))
    graph.add((dataset, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/CONT")))
    for keyword in ("Onlinezugangsgesetz", "OZG", "Verwaltungsleistungen", "Iserlohn"):
        graph.add((dataset, DCAT.keyword, Literal(keyword, lang="de")))
    for name, title, media_type, fmt in [
        ("opendata:services-csv", "Online-Dienste als CSV", "text/csv", "CSV"),
        ("opendata:services-json", "Online-Dienste als JSON", "application/json", "JSON"),
    ]:
        _distribution(graph, dataset, _url(name), title, media_type, fmt, modified)


def _distribution(graph, dataset, url, title, media_type, fmt, modified, sha256=None):
    distribution = URIRef(url + "#distribution")
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCTERMS.title, Literal(title, lang="de")))
    graph.add((distribution, DCAT.accessURL, url))
    graph.add((distribution, DCAT.downloadURL, url))
    graph.add((distribution, DCAT.mediaType, URIRef(IANA + media_type)))
    graph.add(
        (
            distribution,
            DCTERMS["format"],
            URIRef(f"http://publications.europa.eu/resource/authority/file-type/{fmt}"),
        )
    )
    graph.add((distribution, DCTERMS.license, LICENCE))
    graph.add((distribution, DCATDE.licenseAttributionByText, Literal("Stadt Iserlohn")))
    graph.add((distribution, DCTERMS.modified, modified))
    if sha256:
        checksum = BNode()
        graph.add((distribution, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))


def _report_dataset(graph, catalog, report, publisher, contact):
    """A frozen report's data as a dataset of its own: it never changes, so it is issued
    once, with the checksum of each file."""
    dataset = URIRef(settings.SITE_URL + report.get_absolute_url())
    issued = Literal(timezone.localtime(report.frozen_at).isoformat(), datatype=XSD.dateTime)
    graph.add((catalog, DCAT.dataset, dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add(
        (
            dataset,
            DCTERMS.title,
            Literal(f"Sachstandsbericht Nr. {report.number}: {report.title}", lang="de"),
        )
    )
    graph.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                f"Stand jeder Maßnahme der Digitalisierungsstrategie zum Stichtag "
                f"{report.as_of:%d.%m.%Y}, wie er dem Ausschuss für Digitalisierung und "
                "Zukunft berichtet wurde.",
                lang="de",
            ),
        )
    )
    graph.add((dataset, DCTERMS.identifier, Literal(report.number)))
    _add_the_citys_facts(graph, dataset, publisher, contact)
    graph.add((dataset, DCTERMS.issued, issued))
    graph.add((dataset, DCTERMS.modified, issued))
    graph.add((dataset, DCAT.theme, THEME))
    graph.add((dataset, DCAT.landingPage, dataset))
    temporal = BNode()
    graph.add((dataset, DCTERMS.temporal, temporal))
    graph.add((temporal, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((temporal, DCAT.endDate, Literal(report.as_of.isoformat(), datatype=XSD.date)))
    for keyword in ("Digitalisierung", "Sachstandsbericht", "Iserlohn"):
        graph.add((dataset, DCAT.keyword, Literal(keyword, lang="de")))
    for file in report.files():
        if file["format"] == "PDF":
            continue
        _distribution(
            graph,
            dataset,
            URIRef(settings.SITE_URL + file["url"]),
            f"Sachstandsbericht Nr. {report.number} als {file['format']}",
            file["media_type"],
            file["format"],
            issued,
            sha256=file["sha256"],
        )


def _add_the_citys_facts(graph, dataset, publisher, contact):
    """What every dataset of the portal says of its source: the city as publisher and
    contact, the municipality it covers (DCAT-AP.de geocoding) and the contributor."""
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCAT.contactPoint, contact))
    graph.add((dataset, DCTERMS.spatial, GEMEINDESCHLUESSEL))
    graph.add((dataset, DCATDE.politicalGeocodingURI, GEMEINDESCHLUESSEL))
    graph.add(
        (
            dataset,
            DCATDE.politicalGeocodingLevelURI,
            URIRef("http://dcat-ap.de/def/politicalGeocoding/Level/municipality"),
        )
    )
    graph.add(
        (dataset, DCATDE.contributorID, URIRef("http://dcat-ap.de/def/contributors/stadtIserlohn"))
    )
