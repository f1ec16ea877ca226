"""The measure list and form in real Chromium at 1280 px, as the Redaktion and as a
Fachbereich: every column of the list in view, the summary's count and the Markdown
preview follow the typing, and axe finds no WCAG 2.1 AA violation."""

import pytest
from playwright.sync_api import expect

from measures.models import Measure, OrganisationalUnit
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.test_admin_roles import make_staff, sign_in

pytestmark = pytest.mark.e2e

# The list's right edge and what its scroll box hides to the right.
LIST_EDGES = """() => {
  const box = document.querySelector('#changelist .results');
  const table = document.querySelector('#result_list');
  return {
    page: document.documentElement.scrollWidth - window.innerWidth,
    hidden: box.scrollWidth - box.clientWidth,
    right: Math.max(...[...table.querySelectorAll('th, td')]
      .map(cell => cell.getBoundingClientRect().right)) - window.innerWidth,
  };
}"""


def assert_list_fits(page, label):
    edges = page.evaluate(LIST_EDGES)
    assert edges["page"] <= 0 and edges["hidden"] <= 0 and edges["right"] <= 0, (label, edges)


def test_redaktion_sees_every_column_of_the_measure_list(seeded_server, page_at, django_user_model):
    _, device = make_staff(django_user_model, "redaktion", "Redaktion")
    page = page_at(1280)
    sign_in(page, seeded_server, "redaktion", device)
    page.goto(f"{seeded_server.url}/admin/measures/measure/")
    assert page.locator("#result_list tbody tr").count() == Measure.objects.count()
    assert_list_fits(page, "Maßnahmen (Redaktion)")
    assert_accessible(page, "Maßnahmen (Redaktion)")

    measure = Measure.objects.filter(description__contains="**").first()
    page.goto(f"{seeded_server.url}/admin/measures/measure/{measure.pk}/change/")
    assert page.locator("#id_description_preview strong").count() > 0  # without typing
    assert_accessible(page, "Maßnahme ändern (Redaktion)")


def test_fachbereich_writes_with_count_and_preview(seeded_server, page_at, django_user_model):
    unit = OrganisationalUnit.objects.filter(measures__isnull=False).first()
    own = Measure.objects.filter(lead_unit=unit).first()
    _, device = make_staff(django_user_model, "fachbereich", "Fachbereich", unit)
    page = page_at(1280)
    sign_in(page, seeded_server, "fachbereich", device)
    page.goto(f"{seeded_server.url}/admin/measures/measure/")
    assert_list_fits(page, "Maßnahmen (Fachbereich)")
    assert_accessible(page, "Maßnahmen (Fachbereich)")
    assert page.locator("#changelist-filter", has_text="Federführung").count() == 0

    page.goto(f"{seeded_server.url}/admin/measures/measure/{own.pk}/change/")
    counter = page.locator(".char-counter")
    expect(counter).to_have_text(f"{len(own.summary)} von 300 Zeichen")
    page.fill("#id_summary", "Kurz und klar.")
    expect(counter).to_have_text("14 von 300 Zeichen")
    # Screen readers hear the count once typing pauses.
    expect(page.locator("#id_summary_count")).to_have_text("14 von 300 Zeichen")
    assert "id_summary_count" in page.get_attribute("#id_summary", "aria-describedby")

    page.fill("#id_description", "Ein **wichtiger** Satz.\n\n- erstens\n- zweitens")
    preview = page.locator("#id_description_preview")
    expect(preview.locator("li")).to_have_text(["erstens", "zweitens"])
    expect(preview.locator("strong")).to_have_text("wichtiger")
    region = page.get_by_role("region", name="Vorschau")
    expect(region).to_contain_text("zweitens")
    box = page.locator("#id_description").bounding_box()
    beside = preview.bounding_box()
    assert beside["x"] > box["x"] + box["width"] - 1  # beside the text at 1280 px
    assert_accessible(page, "Maßnahme ändern (Fachbereich)")
