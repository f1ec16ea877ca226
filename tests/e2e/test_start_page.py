"""The start page in Chromium at 320 px and 1280 px: what is new, what comes next, and a
search that leads to the catalogue, from the start page and from any page's header."""

import datetime
import re

import pytest

from tests.e2e.test_accessibility import WIDTHS, assert_accessible, horizontal_overflow

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", WIDTHS)
def test_start_page_shows_news_next_steps_and_a_search(seeded_site, page_at, width):
    page = page_at(width)
    page.goto(seeded_site.url + "/")
    news = page.get_by_role("region", name="Was ist neu?")
    assert news.get_by_role("listitem").count() == 5
    assert news.get_by_role("link", name="Alle Änderungen der letzten 30 Tage").is_visible()
    upcoming = page.get_by_role("region", name="Was kommt als Nächstes?")
    assert upcoming.get_by_role("listitem").count() >= 1
    assert page.get_by_text("Stand: ").first.is_visible()
    assert page.get_by_role("searchbox", name="Maßnahmen durchsuchen").count() == 2
    assert horizontal_overflow(page) <= 0
    assert_accessible(page, f"Startseite bei {width} px")

    page.get_by_role("search", name="Maßnahmen auf der Startseite").get_by_role("searchbox").fill(
        "Terminvergabe"
    )
    with page.expect_navigation():
        page.get_by_role("search", name="Maßnahmen auf der Startseite").get_by_role(
            "button", name="Suchen"
        ).click()
    assert "/massnahmen/?q=Terminvergabe" in page.url
    assert page.get_by_role("link", name=re.compile("Online-Terminvergabe")).count() >= 1


@pytest.mark.parametrize("width", WIDTHS)
def test_the_header_search_works_from_any_page(seeded_site, page_at, width):
    page = page_at(width)
    page.goto(seeded_site.url + "/leitbild/")
    header = page.get_by_role("search", name="Maßnahmen", exact=True)
    header.get_by_role("searchbox", name="Maßnahmen durchsuchen").fill("WLAN")
    with page.expect_navigation():
        header.get_by_role("button", name="Suchen").click()
    assert "/massnahmen/?q=WLAN" in page.url
    assert page.locator("main h1").first.is_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_changes_page_lists_changes_by_day(seeded_site, page_at, width):
    page = page_at(width)
    page.goto(seeded_site.url + "/aenderungen/?seit=" + _two_years_ago())
    assert page.locator(".changes-day h2").count() >= 1
    assert page.locator(".change").count() >= 1
    assert horizontal_overflow(page) <= 0
    assert_accessible(page, f"Änderungen bei {width} px")


def _two_years_ago():
    return (datetime.date.today() - datetime.timedelta(days=700)).isoformat()
