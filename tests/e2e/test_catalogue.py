"""The catalogue in real Chromium: on a phone its filters wait behind one button, so the
results follow the search field; each active filter is removed by its own link."""

import pytest

pytestmark = pytest.mark.e2e


def test_on_a_phone_the_filters_wait_behind_one_button(seeded_site, page_at):
    page = page_at(320)
    page.goto(seeded_site.url + "/massnahmen/")
    search = page.locator("form.filters input[type=search]")
    button = page.locator("form.filters summary")
    first = page.locator(".measure-card").first
    assert button.inner_text() == "Filter und Sortierung"
    assert page.locator("form.filters select:visible").count() == 0
    # The button is the last thing between the search field and the results.
    assert search.bounding_box()["y"] < button.bounding_box()["y"] < first.bounding_box()["y"]
    assert first.bounding_box()["y"] - search.bounding_box()["y"] < 250

    button.click()
    assert page.locator("form.filters select:visible").count() == 8
    page.select_option("#id_status", "umsetzung")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter anwenden").click()
    assert "status=umsetzung" in page.url
    assert page.locator("form.filters summary").inner_text() == "Filter und Sortierung (1 aktiv)"

    with page.expect_navigation():
        page.get_by_role("link", name="Filter Status: in Umsetzung entfernen").click()
    assert "status" not in page.url
    assert page.locator(".chip").count() == 0


def test_on_a_wide_screen_the_filters_are_open(seeded_site, page_at):
    page = page_at(1280)
    page.goto(seeded_site.url + "/massnahmen/?q=glasfaser")
    page.wait_for_load_state("load")
    assert page.locator("form.filters select:visible").count() == 8
    card = page.locator(".measure-card").first
    assert card.locator("mark").first.inner_text() == "Glasfaser"
