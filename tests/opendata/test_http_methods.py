"""HEAD wherever GET answers (same status and headers, no body), CORS preflight for the
open data and the API, and calendar text that cannot break out of its line."""

import re

import icalendar
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from measures.models import FieldOfAction, Measure, Milestone, Tag
from strategy.models import Goal, SubStrategy
from tests.builders import make_world

pytestmark = pytest.mark.django_db

# Rendering the PDFs is slow; their HEAD answers are tested with the PDFs.
SKIPPED_ROUTES = {
    "measures:measure-list-pdf",
    "measures:measure-pdf",
    "measures:brochure-pdf",
    "measures:strategy-pdf",
    "measures:report-pdf",
}


def _routes(patterns, namespace=""):
    """The name of every URL pattern of the site, outside the admin."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from _routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


@pytest.fixture
def site_urls(seed_for_the_class):
    """One address per URL pattern of the site, from the seed (loaded once for the class)."""
    measure = Measure.objects.published().order_by("code").first()
    field = FieldOfAction.objects.published().order_by("code").first()
    goal = Goal.objects.published().order_by("code").first()
    tag = Tag.objects.order_by("slug").first()
    substrategy = SubStrategy.objects.order_by("slug").first()
    urls = [
        "/",
        "/leitbild/",
        "/downloads/",
        "/aenderungen/",
        "/aenderungen/?seit=kein-datum",
        "/barriere-melden/",
        "/leichte-sprache/",
        "/gebaerdensprache/",
        "/gebaerdensprache/videos/1/video/",
        "/barrierefreiheit/",
        "/impressum/",
        "/datenschutz/",
        f"/{substrategy.slug}/",
        f"/ziele/{goal.code}/",
        "/handlungsfelder/",
        f"/handlungsfelder/{field.slug}/",
        "/massnahmen/",
        "/massnahmen/export.csv",
        "/massnahmen/?status=umsetzung",
        f"/massnahmen/{measure.code}/",
        "/umsetzungsstand/",
        f"/einbetten/massnahmen/{measure.code}/",
        f"/einbetten/handlungsfelder/{field.slug}/",
        "/einbetten/umsetzungsstand/",
        "/massnahmen/vorschau.pdf",
        "/schlagworte/",
        f"/schlagworte/{tag.slug}/",
        "/sitemap.xml",
        "/berichte/",
        "/berichte/berichte.atom",
        # The seed has no frozen report: these answer 404 (tests/reports has them at 200).
        "/berichte/2026-99/",
        "/berichte/2026-99.pdf",
        "/berichte/2026-99.csv",
        "/berichte/2026-99.json",
        "/berichte/vergleich/",
        "/berichte/vergleich/?von=2026-99&bis=2026-98",
        "/robots.txt",
        "/daten/",
        "/daten/massnahmen.csv",
        "/daten/massnahmen.json",
        "/daten/online-dienste.csv",
        "/daten/online-dienste.json",
        "/online-dienste/",
        "/online-dienste/?nach=unsinn",
        "/daten/dcat.ttl",
        "/daten/dcat.jsonld",
        "/daten/dcat.rdf",
        "/daten/statusmeldungen.atom",
        "/daten/aenderungen.atom",
        f"/daten/handlungsfelder/{field.slug}/statusmeldungen.atom",
        f"/daten/massnahmen/{measure.code}/statusmeldungen.atom",
        "/daten/meilensteine.ics",
        f"/daten/massnahmen/{measure.code}/meilensteine.ics",
        "/api/v1/",
        "/api/v1/docs",
        "/api/v1/docs/",
        "/api/v1/openapi.json",
        "/api/v1/principles",
        "/api/v1/substrategies",
        "/api/v1/goals",
        "/api/v1/goals?page=2",
        f"/api/v1/goals/{goal.code}",
        "/api/v1/fields",
        f"/api/v1/fields/{field.slug}",
        "/api/v1/measures",
        "/api/v1/measures?status=umsetzung",
        "/api/v1/measures?status=x",
        f"/api/v1/measures/{measure.code}",
        "/api/v1/measures/XX-9.99",
        "/api/v1/updates",
        f"/api/v1/updates?measure={measure.code}",
        "/api/v1/milestones",
        f"/api/v1/milestones?measure={measure.code}",
        # The editors' workspace: sign-in first, an invalid link a German 404.
        f"/admin/aufgaben/stand/{measure.pk}/",
        "/admin/aufgaben/link/ungueltig/",
        "/admin/aufgaben/einstellungen/",
        "/admin/aufgaben/links/1/widerrufen/",
        # Following by e-mail: the forms' endpoints take POST only; a forged link is a 404.
        "/benachrichtigungen/",
        "/benachrichtigungen/abonnieren/",
        "/benachrichtigungen/uebersicht/",
        "/benachrichtigungen/bestaetigen/ungueltig/",
        "/benachrichtigungen/abmelden/ungueltig/",
        "/benachrichtigungen/verwalten/ungueltig/",
    ]
    return urls


class TestEverySiteAddress:
    """Every URL pattern of the site, on the seed data."""

    def test_the_list_covers_every_url_pattern_of_the_site(self, site_urls):
        covered = set()
        for url in site_urls:
            match = resolve(url.split("?")[0] + ("/" if url == "/api/v1/docs" else ""))
            covered.add(match.view_name)
        assert set(_routes(get_resolver().url_patterns)) - SKIPPED_ROUTES <= covered

    def test_head_answers_as_get_without_a_body_everywhere(self, client, site_urls):
        for url in site_urls:
            get = client.get(url)
            head = client.head(url)
            assert head.status_code == get.status_code, url
            assert head.content == b"", url
            assert head.get("Content-Type") == get.get("Content-Type"), url

    def test_head_on_the_api_and_the_feeds_carries_the_headers_of_get(self, client, site_urls):
        for url in site_urls:
            if not url.startswith(("/api/", "/daten/")):
                continue
            get = client.get(url)
            head = client.head(url)
            for header in ("Content-Type", "ETag", "Content-Length", "Access-Control-Allow-Origin"):
                assert head.get(header) == get.get(header), (url, header)
            if get.status_code == 200:
                assert head["ETag"], url

    def test_conditional_head_on_the_api_answers_304(self, client, site_urls):
        etag = client.get("/api/v1/measures")["ETag"]
        assert client.head("/api/v1/measures", HTTP_IF_NONE_MATCH=etag).status_code == 304
        feed = "/daten/statusmeldungen.atom"
        etag = client.get(feed)["ETag"]
        assert client.head(feed, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_the_openapi_document_lists_get_operations_only(client):
    paths = client.get(reverse("api-v1:openapi-json")).json()["paths"]
    assert paths
    assert {method for operations in paths.values() for method in operations} == {"get"}


PREFLIGHT = {
    "HTTP_ORIGIN": "https://example.org",
    "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET",
    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "if-none-match",
}


@pytest.mark.parametrize("path", ["/api/v1/measures", "/daten/massnahmen.json"])
def test_cors_preflight_allows_reading_from_any_origin(client, path):
    response = client.options(path, **PREFLIGHT)
    assert response.status_code == 204
    assert response.content == b""
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    allowed = {h.strip().lower() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"if-none-match", "if-modified-since"} <= allowed
    assert int(response["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in response


def test_cors_preflight_grants_no_writing_methods_or_credentials(client):
    response = client.options(
        "/api/v1/measures",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="DELETE",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, x-custom",
    )
    assert "DELETE" not in response.get("Access-Control-Allow-Methods", "")
    allowed = response.get("Access-Control-Allow-Headers", "").lower()
    assert "authorization" not in allowed
    assert "x-custom" not in allowed
    assert "Access-Control-Allow-Credentials" not in response


def test_no_cors_for_the_pages(client):
    response = client.options("/massnahmen/", **PREFLIGHT)
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in client.get("/massnahmen/")


@pytest.mark.parametrize("method", ["get", "head"])
@pytest.mark.parametrize("path", ["/api/v1/measures", "/daten/massnahmen.json"])
def test_api_answers_expose_etag_and_last_modified(client, method, path):
    response = getattr(client, method)(path, HTTP_ORIGIN="https://example.org")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "last-modified"} <= exposed
    assert "Access-Control-Allow-Credentials" not in response


INJECTION = "x\rEND:VEVENT\rBEGIN:VEVENT\rSUMMARY:Fake"


def test_calendar_text_with_line_breaks_and_controls_stays_in_its_property(client):
    world = make_world(2)
    first, second = world["measures"]
    first.title = "Titel\r\nSUMMARY:Fake\x01\x1b\x7f\u2028X-FAKE:1"
    first.save()
    Milestone.objects.filter(measure__in=world["measures"]).delete()
    Milestone.objects.create(measure=first, title="Start", note=INJECTION, due_date="2026-05-01")
    Milestone.objects.create(measure=first, title="A\rSUMMARY:Fake\nB\r\nC", due_date="2026-06-01")
    Milestone.objects.create(
        measure=second, title="Ende\x0bX", note="y\r\nEND:VCALENDAR", due_date="2026-07-01"
    )
    for url in ("/daten/meilensteine.ics", f"/daten/massnahmen/{first.code}/meilensteine.ics"):
        raw = client.get(url).content.decode()
        expected = Milestone.objects.filter(
            measure__in=[first] if first.code in url else world["measures"]
        ).count()
        events = list(icalendar.Calendar.from_ical(raw).walk("VEVENT"))
        assert len(events) == expected, url
        lines = re.split(r"\r\n|\r|\n", raw)
        assert not [line for line in lines if line.startswith(("SUMMARY:Fake", "X-FAKE"))]
        assert sum(line.startswith("END:VCALENDAR") for line in lines) == 1
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]", raw)
        assert re.fullmatch(r"(?:[^\r\n]*\r\n)+", raw), "only CRLF ends a line"
        notes = [str(event.get("DESCRIPTION")) for event in events]
        assert any(note.endswith("x\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:Fake") for note in notes)
    summaries = {str(event["SUMMARY"]) for event in events}
    assert f"{first.code}: A\nSUMMARY:Fake\nB\nC (geplant)" in summaries
