"""Ratsdokumente: the admin inline with and without the OParl endpoint (against the local
OParl server of tests/measures/test_oparl.py), the Fachbereich's limits and the
Steckbrief."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from measures.models import CouncilDocument
from tests.builders import make_measure, make_unit
from tests.measures import test_editing, test_oparl
from tests.measures.test_editing import change_url, form_data

pytestmark = pytest.mark.django_db

# Two units' measures and a Fachbereich and a Redaktion account signed in.
setting = test_editing.setting
# The Ratsinformationssystem as OParl endpoint, and another host.
ratsinfo = test_oparl.ratsinfo


def inline_data(measure, **row):
    """The measure's change form with one new council document."""
    data = form_data(measure)
    data.update({"council_documents-TOTAL_FORMS": "1", "council_documents-INITIAL_FORMS": "0"})
    data.update({f"council_documents-0-{key}": value for key, value in row.items()})
    return data


BY_HAND = {
    "reference": "V/2026/200",
    "title": "Ausbau des Glasfasernetzes",
    "date": "2026-02-03",
    "url": "https://ratsinfo.example/vorlage/200",
}
EMPTY = dict.fromkeys(BY_HAND, "")


def test_the_redaktion_fills_a_document_from_its_oparl_address(setting, ratsinfo):
    server, _ = ratsinfo
    client, measure = setting["redaktion"], setting["own"]
    page = client.get(change_url(measure)).content.decode()
    assert "OParl-Adresse der Vorlage" in page
    address = server.url("/oparl/v1/paper/123")
    # What the editor typed is replaced by what the council's system says.
    typed = EMPTY | {"reference": "V/2026/999", "oparl_id": address}
    response = client.post(change_url(measure), inline_data(measure, **typed))
    assert response.status_code == 302, response.context["inline_admin_formsets"]
    document = CouncilDocument.objects.get(measure=measure)
    assert (document.reference, document.title, document.date, document.url) == (
        "V/2026/123",
        "Digitalisierungsstrategie: Sachstand 2026",
        datetime.date(2026, 3, 12),
        "https://ratsinfo.example/vo0050.asp?__kvonr=123",
    )
    assert document.oparl_id == address


def test_a_failed_lookup_is_shown_on_the_form_and_saves_nothing(setting, ratsinfo):
    server, _ = ratsinfo
    client, measure = setting["redaktion"], setting["own"]
    data = inline_data(measure, **EMPTY, oparl_id=server.url("/oparl/v1/paper/fehlt"))
    response = client.post(change_url(measure), data)
    assert response.status_code == 200
    assert "Unter dieser Adresse gibt es keine Vorlage (HTTP 404)." in response.content.decode()
    assert not CouncilDocument.objects.exists()


def test_without_an_endpoint_the_fields_are_filled_by_hand(setting, settings):
    settings.OPARL_ENDPOINT = ""
    client, measure = setting["redaktion"], setting["own"]
    assert "OParl-Adresse" not in client.get(change_url(measure)).content.decode()
    missing = client.post(change_url(measure), inline_data(measure, **(BY_HAND | {"title": ""})))
    assert missing.status_code == 200 and not CouncilDocument.objects.exists()
    response = client.post(change_url(measure), inline_data(measure, **BY_HAND))
    assert response.status_code == 302
    document = CouncilDocument.objects.get(measure=measure)
    assert (document.reference, document.date, document.oparl_id) == (
        "V/2026/200",
        datetime.date(2026, 2, 3),
        "",
    )


def test_only_web_addresses_are_linked(setting, settings):
    settings.OPARL_ENDPOINT = ""
    client, measure = setting["redaktion"], setting["own"]
    data = inline_data(measure, **(BY_HAND | {"url": "javascript:alert(1)"}))
    assert client.post(change_url(measure), data).status_code == 200
    assert not CouncilDocument.objects.exists()


def test_a_fachbereich_links_documents_to_its_own_measures_only(setting, settings):
    settings.OPARL_ENDPOINT = ""
    client, own, other = setting["fachbereich"], setting["own"], setting["other"]
    assert client.post(change_url(own), inline_data(own, **BY_HAND)).status_code == 302
    assert CouncilDocument.objects.get().measure == own

    assert client.post(change_url(other), inline_data(other, **BY_HAND)).status_code == 403
    add = reverse("admin:measures_councildocument_add")
    response = client.post(add, BY_HAND | {"measure": other.pk, "reference": "V/2026/201"})
    assert response.status_code == 200
    assert "measure" in response.context["adminform"].form.errors
    assert not CouncilDocument.objects.filter(measure=other).exists()

    theirs = CouncilDocument.objects.create(measure=other, **(BY_HAND | {"date": None}))
    assert client.get(change_url(theirs)).status_code == 403


@pytest.fixture
def linked():
    measure = make_measure(lead_unit=make_unit())
    CouncilDocument.objects.create(
        measure=measure,
        reference="V/2026/123",
        title="Digitalisierungsstrategie: Sachstand 2026",
        date=datetime.date(2026, 3, 12),
        url="https://ratsinfo.example/vo0050.asp?__kvonr=123",
    )
    return measure


def test_the_steckbrief_lists_the_council_documents(client, linked):
    page = client.get(linked.get_absolute_url()).content.decode()
    assert '<h2 id="ratsdokumente">Ratsdokumente</h2>' in page
    assert (
        '<a href="https://ratsinfo.example/vo0050.asp?__kvonr=123">'
        "Digitalisierungsstrategie: Sachstand 2026</a> (V/2026/123, "
        '<time datetime="2026-03-12">12.03.2026</time>)'
    ) in page


def test_the_steckbrief_pdf_lists_them_too(linked):
    from measures.publications import measure_sheet_measures

    # The PDF's template, without rendering a PDF.
    measure = measure_sheet_measures().get(pk=linked.pk)
    html = render_to_string("pdf/includes/steckbrief.html", {"measure": measure})
    assert '<h4 class="subheading">Ratsdokumente</h4>' in html
    assert "V/2026/123 vom 12.03.2026" in html


def test_an_unpublished_measures_documents_are_not_public(client, linked):
    linked.is_published = False
    linked.save()
    assert client.get(linked.get_absolute_url()).status_code == 404
