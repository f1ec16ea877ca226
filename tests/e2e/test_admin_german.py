"""The admin speaks German: one page of every kind an editor meets, as the Redaktion and
as a Fachbereich user, with no English word in what the browser shows (text, button
labels, tooltips, placeholders). Strings Django and the admin apps bring untranslated are
translated in locale/de; a new admin page joins the scan with one line in PAGES."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from measures import renders
from measures.models import Measure, OrganisationalUnit, PendingChange, SynonymGroup
from tests.e2e.test_accessibility import WIDTHS, assert_accessible, horizontal_overflow
from tests.e2e.test_admin_roles import make_staff, sign_in

pytestmark = pytest.mark.e2e

# Whole words, case-sensitive: German shares "Filter", "Status", "Name", "Export" …
ENGLISH = re.compile(
    r"\b(?:Run|Select|Filter by|By|Changes?|None|History|Historical|Save|Delete|Add|View|"
    r"Search|Actions?|Go|Yes|No|Home|Log ?out|Welcome|Forbidden|Not Found|Today|Now|Note|"
    r"Clear|Show|Hide|Close|Cancel|Choose|Remove|Previous|Next|Page|Password|Username|"
    r"Token|Device|Enabled|Disabled|Reset|Set|Task|Results?|Ready|Running|Failed|"
    r"Successful|Priority|Queue|enqueued|traceback|the|and|of|you|your|this|with|are|is|"
    r"has|not|for|entries|entry|object|selected|all|Error|Server|Bad Request)\b"
)

# What the browser shows of a page: its title, the visible text, the options of selects
# and the labels a screen reader or a tooltip gives.
SHOWN_TEXT = """() => [
    document.title,
    document.body.innerText,
    ...[...document.querySelectorAll('option')].map(o => o.textContent),
    ...[...document.querySelectorAll('[title], [placeholder], [aria-label], img[alt]')].flatMap(
        e => [e.title, e.placeholder, e.getAttribute('aria-label'), e.alt]),
    ...[...document.querySelectorAll('input[type=submit], input[type=button], button')]
        .map(e => e.value || ''),
].filter(Boolean).join('\\n')"""

# Page kinds beyond each model's list (found on the start page), per role; placeholders
# are filled from `objects`. Another admin page joins with one line.
PAGES = {
    "Redaktion": [
        "/admin/measures/measure/add/",
        "/admin/measures/measure/{measure}/change/",
        "/admin/measures/measure/{measure}/delete/",
        "/admin/measures/measure/{measure}/history/",
        "/admin/measures/measure/{measure}/history/{version}/",
        "/admin/measures/organisationalunit/{unit}/change/",
        "/admin/measures/publicationfile/{pdf}/change/",
        "/admin/django_tasks_database/dbtaskresult/{task}/change/",
        "/admin/password_change/",
        "/admin/password_change/done/",
        "/admin/gibt-es-nicht/",
        "/admin/aufgaben/stand/{measure}/",
        "/admin/aufgaben/einstellungen/",
        "/admin/measures/pendingchange/{change}/change/",
        "/admin/measures/pendingchange/?zustand=alle",
        "/admin/measures/onlineservice/add/",
        "/admin/measures/lifesituation/add/",
        "/admin/measures/synonymgroup/{synonyms}/change/",
    ],
    "Fachbereich": [
        "/admin/measures/measure/{measure}/change/",
        "/admin/measures/measure/{measure}/history/",
        "/admin/measures/measure/{measure}/history/{version}/",  # 403: revert is Redaktion's
        "/admin/measures/measure/{other}/change/",  # 403: another unit's measure
        "/admin/measures/statusupdate/add/",
        "/admin/measures/onlineservice/add/",
        "/admin/password_change/",
        "/admin/gibt-es-nicht/",
        "/admin/aufgaben/stand/{measure}/",
        "/admin/aufgaben/stand/{other}/",  # 403: another unit's measure
        "/admin/aufgaben/einstellungen/",
        "/admin/aufgaben/link/ungueltig/",  # 404: not a valid link
        "/admin/measures/pendingchange/{change}/change/",
    ],
}


def english_in(page) -> list[str]:
    text = page.evaluate(SHOWN_TEXT)
    return sorted({match.group() for match in ENGLISH.finditer(text)})


def scan(page, url, found):
    page.goto(url)
    if words := english_in(page):
        found[page.url] = words


def model_lists(page, server):
    page.goto(server.url + reverse("admin:index"))
    hrefs = page.eval_on_selector_all(
        "#content-main tr[class^=model-] th a", "links => links.map(a => a.href)"
    )
    assert hrefs
    return hrefs


@pytest.mark.parametrize("role", PAGES)
def test_every_kind_of_admin_page_is_in_german(seeded_server, page_at, django_user_model, role):
    unit = OrganisationalUnit.objects.filter(measures__isnull=False).first()
    measure = Measure.objects.filter(lead_unit=unit).first()
    other = Measure.objects.exclude(lead_unit=unit).first()
    pdf = renders.request_render("kurzbroschuere")
    user, device = make_staff(django_user_model, role.lower(), role, unit)
    change = PendingChange.objects.create(
        measure=measure, author=user, proposed={"summary": "Neu."}, base={"summary": "Alt."}
    )
    objects = {
        "measure": measure.pk,
        "other": other.pk,
        "version": measure.history.first().history_id,
        "unit": unit.pk,
        "pdf": pdf.pk,
        "task": pdf.task_id,
        "change": change.pk,
        "synonyms": SynonymGroup.objects.get_or_create(words="Kita, Kindertagesstätte")[0].pk,
    }
    page = page_at(1280)  # fails the test on any Content Security Policy violation
    found = {}
    scan(page, seeded_server.url + "/admin/login/", found)
    sign_in(page, seeded_server, role.lower(), device)
    if words := english_in(page):
        found[page.url] = words
    for href in model_lists(page, seeded_server):
        scan(page, href, found)
        # The list with its first filter applied.
        choice = page.locator("#changelist-filter li:not(.selected) a").first
        if choice.count():
            with page.expect_navigation():
                choice.click()
            if words := english_in(page):
                found[page.url] = words
    for path in PAGES[role]:
        scan(page, seeded_server.url + path.format(**objects), found)
    if role == "Redaktion":
        # The confirmation of a bulk action and the date picker of a form.
        page.goto(seeded_server.url + "/admin/measures/measure/")
        page.check(f"input[name=_selected_action][value='{measure.pk}']")
        page.select_option("select[name=action]", "delete_selected")
        with page.expect_navigation():
            page.click("button[name=index]")
        if words := english_in(page):
            found[page.url] = words
    page.goto(seeded_server.url + f"/admin/measures/measure/{measure.pk}/change/")
    page.locator("[id^=calendarlink] >> visible=true").first.click()
    if words := english_in(page):
        found[page.url + " (Kalender)"] = words
    error_pages_are_accessible(page, seeded_server, objects, role)
    # Last, as it ends the session: the page after signing out.
    page.goto(seeded_server.url + reverse("admin:index"))
    with page.expect_navigation():
        page.click("#logout-form button")
    assert page.url.endswith("/admin/logout/")
    if words := english_in(page):
        found[page.url] = words
    assert not found, "Englisch in der Verwaltung:\n" + "\n".join(
        f"{url}: {', '.join(words)}" for url, words in found.items()
    )


def error_pages_are_accessible(page, server, objects, role):
    """The staff's 403 and 404 pages at both widths: axe finds nothing, nothing scrolls
    sideways at 320 px, and the way back leads into the admin."""
    paths = ["/admin/gibt-es-nicht/"]
    if role == "Fachbereich":
        paths.append(f"/admin/measures/measure/{objects['other']}/change/")
    for path in paths:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(server.url + path)
            assert page.get_by_role("link", name="Zur Startseite der Verwaltung").count() == 1
            assert_accessible(page, f"{path} bei {width} px")
            assert horizontal_overflow(page) <= 0


def test_no_time_zone_note_on_date_fields(seeded_server, browser, django_user_model):
    """A computer in another time zone gets no warning on the measure form, whose fields
    are dates only (Django's note concerns times)."""
    unit = OrganisationalUnit.objects.filter(measures__isnull=False).first()
    measure = Measure.objects.filter(lead_unit=unit).first()
    _, device = make_staff(django_user_model, "redaktion", "Redaktion")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, timezone_id="America/New_York"
    )
    page = context.new_page()
    try:
        sign_in(page, seeded_server, "redaktion", device)
        page.goto(seeded_server.url + f"/admin/measures/measure/{measure.pk}/change/")
        assert page.locator("input.vDateField").count()
        assert page.locator(".timezonewarning").count() == 0
        assert "Zeitzone" not in page.locator("#content").inner_text()
    finally:
        context.close()
    assert settings.TIME_ZONE == "Europe/Berlin"
