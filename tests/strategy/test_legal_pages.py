"""Legal pages from the admin with defaults, and the feedback form of § 10b BGG NRW."""

import pytest
from django.core import mail

from iserlohn_digital import mail as background_mail
from strategy.models import BarrierReport, InfoPage

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("seed_for_the_class")
class TestWithTheSeed:
    def test_accessibility_statement_has_what_the_law_asks(self, client):
        page = client.get("/barrierefreiheit/").content.decode()
        expected = [
            "teilweise barrierefrei",
            "Was ist noch nicht barrierefrei?",
            "Gebärdensprache",
            "Erstellt am",
            "Zuletzt überprüft am",
            "/barriere-melden/",
            "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen",
            "ombudsstelle-barrierefreie-it@mags.nrw.de",
        ]
        for text in expected:
            assert text in page, text
        assert "Schlichtungsstelle" not in page

    def test_accessibility_statement_speaks_to_citizens_not_to_testers(self, client):
        page = client.get("/barrierefreiheit/").content.decode()
        for heading in [
            "Wie barrierefrei ist die Website?",
            "Was ist noch nicht barrierefrei?",
            "Wie ist diese Erklärung entstanden?",
            "Barriere melden",
        ]:
            assert f">{heading}</h2>" in page, heading
        assert "Selbstbewertung" in page
        assert 'href="/leichte-sprache/"' in page
        for jargon in ["axe", "Chromium", "Pixel", "PDF/UA", "getaggt", "EN 301 549"]:
            assert jargon not in page, jargon

    def test_redaktion_edits_a_legal_page_in_the_admin(self, client, admin_client_logged_in):
        imprint = InfoPage.objects.get(slug="impressum")
        response = admin_client_logged_in.post(
            f"/admin/strategy/infopage/{imprint.pk}/change/",
            {
                "slug": "impressum",
                "title": "Impressum",
                "body": "Neuer **Text** der Redaktion.",
                "stated_on": "",
                "reviewed_on": "2026-11-24",
            },
        )
        assert response.status_code == 302
        assert (
            "Neuer <strong>Text</strong> der Redaktion."
            in client.get("/impressum/").content.decode()
        )


def test_pages_without_admin_text_show_their_defaults(client):
    assert "Digitalisierungs-Strategie" in client.get("/leichte-sprache/").content.decode()
    sign = client.get("/gebaerdensprache/").content.decode()
    assert "in Vorbereitung" in sign


@pytest.mark.django_db(transaction=True)  # the mail leaves after the commit
def test_report_is_stored_and_mailed(client, settings):
    settings.BARRIER_REPORT_EMAIL = "redaktion@example.org"
    response = client.post(
        "/barriere-melden/",
        {
            "page": "/massnahmen/",
            "name": "",
            "email": "leser@example.org",
            "website": "",
            "description": "Der Filter lässt sich nicht mit der Tastatur öffnen.",
        },
    )
    assert response.status_code == 302
    assert "Vielen Dank" in client.get(response["Location"]).content.decode()
    report = BarrierReport.objects.get()
    assert report.email == "leser@example.org"
    background_mail.wait_for_pending(timeout=30)  # sent in the background, after the answer
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["redaktion@example.org"]
    assert mail.outbox[0].subject == "Barriere gemeldet: /massnahmen/"
    assert "Tastatur" in mail.outbox[0].body


def test_invalid_report_keeps_the_input_and_explains_the_errors(client):
    response = client.post(
        "/barriere-melden/",
        {"page": "", "description": "Mein Text", "email": "kaputt", "website": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bitte geben Sie an, auf welcher Seite die Barriere ist." in page
    assert "gültige E-Mail-Adresse" in page
    assert "Mein Text" in page
    assert 'aria-invalid="true"' in page
    assert not BarrierReport.objects.exists()


def test_honeypot_and_rate_limit_stop_bots(client):
    data = {"page": "/", "description": "Spam", "email": "", "website": "http://spam.example"}
    assert client.post("/barriere-melden/", data).status_code == 302
    assert not BarrierReport.objects.exists()
    data["website"] = ""
    for _ in range(5):
        assert client.post("/barriere-melden/", data).status_code == 302
    limited = client.post("/barriere-melden/", data)
    assert limited.status_code == 429
    assert BarrierReport.objects.count() == 5


def test_report_form_requires_csrf(settings):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/barriere-melden/", {"page": "/", "description": "x"})
    assert response.status_code == 403


def test_the_footer_offers_citizens_no_xml_sitemap_but_robots_still_name_it(client):
    page = client.get("/impressum/").content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    assert "Sitemap" not in footer
    assert 'href="/sitemap.xml"' not in page
    assert client.get("/sitemap.xml").status_code == 200
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()
