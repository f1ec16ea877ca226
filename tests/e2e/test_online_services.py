"""The way to the service in real Chromium at 320 and 1280 px: a finished measure's
"Online nutzen" link and those of /online-dienste/ lead, in the same tab, to the
service's address (answered here by a stand-in page: no request leaves the machine)."""

import re

import pytest

from measures.models import Measure, OnlineService

from .test_accessibility import WIDE_SCRIPT, WIDTHS, horizontal_overflow

pytestmark = pytest.mark.e2e

STAND_IN = "<!doctype html><html lang='de'><title>Dienst</title><h1>Der Dienst</h1></html>"


def answer_external_addresses(page):
    """Every request to another host gets the stand-in page: the test sees the browser go
    there without the network."""
    page.route(
        re.compile(r"^https://(?!localhost)"),
        lambda route: route.fulfill(status=200, content_type="text/html", body=STAND_IN),
    )


def online_nutzen(name):
    """The accessible name of an "Online nutzen" link to `name`: "Online nutzen: Name
    (externe Seite)" where the name is shown, "Online nutzen – Name (externe Seite)" where
    only screen readers hear it."""
    return re.compile(rf"^Online nutzen\W+{re.escape(name)}\s+\(externe Seite\)\s*$")


def fits_the_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return (
        box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    )


def test_a_finished_measure_has_a_working_online_nutzen_link(seeded_site, page_at):
    measure = (
        Measure.objects.published().filter(status=Measure.Status.DONE).exclude(offer_url="").first()
    )
    for width in WIDTHS:
        page = page_at(width)
        answer_external_addresses(page)
        page.goto(seeded_site.url + measure.get_absolute_url())
        link = page.get_by_role("link", name=online_nutzen(measure.title))
        assert link.is_visible() and fits_the_screen(page, link)
        # Near the top: within the first screen, above the Stand.
        assert link.bounding_box()["y"] < page.locator("#stand").bounding_box()["y"]
        assert link.get_attribute("target") is None
        with page.expect_navigation():
            link.click()
        assert page.url == measure.offer_url
        assert page.get_by_role("heading", name="Der Dienst").is_visible()


def test_the_online_services_page_leads_to_each_service_and_its_measure(seeded_site, page_at):
    service = (
        OnlineService.objects.published()
        .filter(maturity__gte=3, life_situations__isnull=False)
        .exclude(url="")
        .first()
    )
    situation = service.life_situations.order_by("position").first()
    for width in WIDTHS:
        page = page_at(width)
        answer_external_addresses(page)
        page.goto(seeded_site.url + "/online-dienste/")
        assert horizontal_overflow(page) <= 0, page.evaluate(WIDE_SCRIPT)
        section = page.locator(f"section:has(h2#{situation.slug})")
        entry = section.locator("li.service", has_text=service.name)
        assert entry.get_by_text("Vollständig online").first.is_visible()
        link = entry.get_by_role("link", name=online_nutzen(service.name))
        assert link.is_visible() and fits_the_screen(page, link)
        with page.expect_navigation():
            link.click()
        assert page.url == service.url

        page.goto(seeded_site.url + "/online-dienste/")
        page.get_by_role("link", name="Nach Maßnahme").click()
        page.wait_for_url("**/online-dienste/?nach=massnahme")
        heading = page.get_by_role("heading", name=re.compile(re.escape(service.measure.code)))
        assert heading.is_visible()
        heading.get_by_role("link").click()
        page.wait_for_url(f"**{service.measure.get_absolute_url()}")
        # At the top of the Steckbrief, and again in its list of services.
        links = page.get_by_role("link", name=online_nutzen(service.name))
        assert links.count() == 2 and links.first.is_visible()
