"""The public pages: content, query counts, hidden drafts, no foreign assets."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from measures.models import Milestone
from tests.builders import add_measures, make_field, make_measure, make_world

pytestmark = pytest.mark.django_db

# The most any page may need; test_page_queries.py holds the Steckbrief and the
# Umsetzungsstand to fewer.
MAX_QUERIES = 15


def page_paths(world):
    measure = world["measures"][0]
    return [
        "/",
        "/leitbild/",
        "/smart-city/",
        "/handlungsfelder/",
        world["field"].get_absolute_url(),
        world["goal"].get_absolute_url(),
        measure.get_absolute_url(),
        "/massnahmen/",
        "/massnahmen/?q=Ma%C3%9Fnahme&status=umsetzung&sortierung=aktualisiert&seite=1",
        "/massnahmen/?q=Breitband+Parken+Kita+Ma%C3%9Fnahme",
        "/massnahmen/?teilstrategie=smart-city&handlungsfeld=daten&schlagwort=daten&zeitraum=2026",
        "/massnahmen/export.csv?sortierung=status",
        "/umsetzungsstand/",
        "/schlagworte/",
        "/schlagworte/daten/",
        "/downloads/",
        "/aenderungen/",
        "/aenderungen/?seit=2026-01-01",
        "/sitemap.xml",
    ]


# Pages that render PDFs once per content version (to show their size); counted warm.
WARM_UP = {"/downloads/"}


def count_queries(client, path):
    if path in WARM_UP:
        client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_every_page_runs_the_same_few_queries_with_1_and_with_50_measures(client):
    world = make_world(1)
    paths = page_paths(world)
    with_one = {path: count_queries(client, path) for path in paths}
    add_measures(world, 49)
    with_fifty = {path: count_queries(client, path) for path in paths}
    assert with_fifty == with_one
    assert max(with_one.values()) <= MAX_QUERIES, with_one


def test_each_page_type_shows_its_key_content(client):
    world = make_world(2)
    measure = world["measures"][0]
    expectations = {
        "/": ["Leitbild „Iserlohn digital“", "Smart City", "Stand der Umsetzung"],
        "/leitbild/": [world["goal"].title],
        "/smart-city/": ["Smart City-Architektur", world["field"].name, measure.title],
        world["field"].get_absolute_url(): [world["field"].name, measure.title],
        world["goal"].get_absolute_url(): [world["goal"].title, measure.title],
        measure.get_absolute_url(): [
            measure.title,
            "in Umsetzung",
            'seit <time datetime="2025-06-01">01.06.2025</time>',
            "Nutzung",
            "Kennzahlen",
            "Meilenstein",
            "Q1 2025 – Q4 2027",
            world["unit"].name,
        ],
        "/massnahmen/": ["2 Maßnahmen", measure.title],
        "/umsetzungsstand/": ["Maßnahmen nach Status", "Fortschritt je Handlungsfeld", "Zeitplan"],
        "/schlagworte/daten/": [measure.title],
    }
    for path, texts in expectations.items():
        page = client.get(path).content.decode()
        for text in texts:
            assert text in page, (path, text)


def test_steckbrief_marks_stale_and_overdue_measures(client, settings):
    settings.STALE_AFTER_DAYS = 30
    world = make_world(1)
    measure = world["measures"][0]
    measure.end_date = measure.start_date
    measure.save()
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "Stand veraltet" in page
    assert "überfällig" in page


def test_drafts_are_404_for_the_public_and_shown_with_a_banner_to_staff(client, admin_user):
    world = make_world(1)
    draft = make_measure(field_of_action=world["field"], code="SC-1.9", is_published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.title not in client.get("/massnahmen/").content.decode()
    assert draft.title not in client.get(world["field"].get_absolute_url()).content.decode()
    assert draft.get_absolute_url() not in client.get("/sitemap.xml").content.decode()
    staff = Client()
    staff.force_login(admin_user)
    staff_page = staff.get(draft.get_absolute_url())
    assert staff_page.status_code == 200
    assert "Nicht veröffentlicht" in staff_page.content.decode()


def test_unpublished_field_hides_its_measures(client):
    world = make_world(1)
    world["field"].is_published = False
    world["field"].save()
    assert client.get(world["field"].get_absolute_url()).status_code == 404
    assert client.get(world["measures"][0].get_absolute_url()).status_code == 404


def test_unknown_codes_and_slugs_give_german_404(client):
    make_world(1)
    for path in [
        "/massnahmen/XX-9.9/",
        "/ziele/nix/",
        "/handlungsfelder/nix/",
        "/schlagworte/nix/",
        "/keine-teilstrategie/",
    ]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Seite nicht gefunden" in response.content.decode()


def test_sitemap_lists_every_published_measure_and_robots_names_it(client):
    world = make_world(3)
    sitemap = client.get("/sitemap.xml").content.decode()
    for measure in world["measures"]:
        assert f"http://testserver{measure.get_absolute_url()}</loc>" in sitemap
    assert "<lastmod>" in sitemap
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()


class AssetCollector(HTMLParser):
    """Collects every URL a browser would fetch on its own: styles, scripts, images, icons."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "video", "audio") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon", "preload"):
            self.urls.append(attrs["href"])


def test_no_page_loads_anything_from_another_host(client):
    world = make_world(2)
    for path in page_paths(world)[:10]:
        collector = AssetCollector()
        collector.feed(client.get(path).content.decode())
        assert collector.urls, path
        for url in collector.urls:
            assert not urlsplit(url).netloc, (path, url)
    for css in ["css/site.css", "css/print.css"]:
        with open(finders.find(css), encoding="utf-8") as stream:
            for url in re.findall(r"url\(([^)]+)\)", stream.read()):
                assert not urlsplit(url.strip("\"'")).netloc, url


def test_every_published_measure_is_reachable_in_three_clicks_from_the_start_page(client):
    world = make_world(5)
    link = re.compile(r'href="(/[^"#?]*)"')
    seen, frontier = {"/"}, ["/"]
    for _ in range(3):
        found = []
        for path in frontier:
            for target in link.findall(client.get(path).content.decode()):
                if target not in seen and not target.startswith(("/static/", "/admin/")):
                    seen.add(target)
                    found.append(target)
        frontier = [p for p in found if not p.endswith((".csv", ".xml", ".pdf"))]
    for measure in world["measures"]:
        assert measure.get_absolute_url() in seen


def test_the_dashboard_lists_stay_short_and_say_how_many_there_are(client):
    import datetime

    from measures.views import DASHBOARD_LIMIT

    field = make_field()
    for _ in range(DASHBOARD_LIMIT + 5):
        make_measure(
            field_of_action=field,
            status="umsetzung",
            progress=50,
            start_date=datetime.date(2020, 1, 1),
            end_date=datetime.date(2021, 1, 1),
        )
    response = client.get("/umsetzungsstand/")
    assert len(response.context["overdue"]) == DASHBOARD_LIMIT
    assert response.context["overdue_count"] == DASHBOARD_LIMIT + 5
    assert f"{DASHBOARD_LIMIT + 5} Maßnahmen sind überfällig" in response.text


def test_a_milestone_past_its_date_says_it_is_not_reached(client):
    measure = make_world(1)["measures"][0]
    today = timezone.localdate()
    Milestone.objects.create(
        measure=measure, title="Entwurf abgestimmt", due_date=today - timedelta(days=1)
    )
    Milestone.objects.create(
        measure=measure, title="Ratsbeschluss gefasst", due_date=today + timedelta(days=9)
    )
    Milestone.objects.create(
        measure=measure,
        title="Auftakt erfolgt",
        due_date=today - timedelta(days=99),
        reached_on=today,
    )
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "Entwurf abgestimmt – geplant, noch nicht erreicht" in page
    assert "Ratsbeschluss gefasst – geplant<" in page
    assert "Auftakt erfolgt – erreicht" in page
