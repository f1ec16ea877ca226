"""Every page type in real Chromium at 320 px and 1280 px: axe finds no WCAG 2.1 AA
violation, nothing scrolls sideways at 320 px, the skip link works, and the keyboard
reaches every link and control with a visible focus."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from measures.models import FieldOfAction, Measure
from reports.freezing import freeze_report
from reports.models import Report
from strategy.models import Goal, SignLanguageVideo

pytestmark = pytest.mark.e2e

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = [320, 1280]


def frozen_report() -> Report:
    """A report frozen on the seed (once; the seed's data is shared by these tests)."""
    from django.contrib.auth import get_user_model

    report = Report.objects.current().first()
    if report is None:
        user, _ = get_user_model().objects.get_or_create(username="redaktion-e2e")
        report = freeze_report(
            as_of=datetime.date(2026, 3, 31),
            since=datetime.date(2025, 12, 31),
            title="Sachstandsbericht 1. Quartal 2026",
            foreword="Der Bericht an den Ausschuss, eingefroren zum Quartalsende.",
            user=user,
        )
    return report


def sign_language_video() -> str:
    """A published DGS video with captions (once); the page then plays it."""
    from django.core.files.base import ContentFile

    if not SignLanguageVideo.objects.exists():
        video = SignLanguageVideo(title="Was steht auf dieser Website?", is_published=True)
        video.text = "Die Stadt Iserlohn hat einen Plan für die Digitalisierung."
        video.video.save(
            "willkommen.mp4", ContentFile(b"\0\0\0\x18ftypmp42" + bytes(64)), save=False
        )
        video.captions.save("willkommen.vtt", ContentFile(b"WEBVTT\n"), save=False)
        video.save()
    return "/gebaerdensprache/"


PAGES = {
    "start": lambda: "/",
    "leitbild": lambda: "/leitbild/",
    "teilstrategie": lambda: "/smart-city/",
    "handlungsfeld-liste": lambda: "/handlungsfelder/",
    "handlungsfeld": lambda: FieldOfAction.objects.published().first().get_absolute_url(),
    "ziel": lambda: Goal.objects.published().strategic().first().get_absolute_url(),
    "ziel-uebergeordnet": lambda: Goal.objects.published().overarching().first().get_absolute_url(),
    "steckbrief": lambda: (
        Measure.objects.published()
        .filter(indicators__isnull=False, milestones__isnull=False)
        .first()
        .get_absolute_url()
    ),
    "katalog": lambda: "/massnahmen/?q=Daten",
    "katalog-leer": lambda: "/massnahmen/?q=Raumfahrtbahnhof",
    "katalog-filter": lambda: (
        "/massnahmen/?q=Glasfaser&teilstrategie=e-government&status=umsetzung"
    ),
    "katalog-hinweise": lambda: "/massnahmen/?status=unbekannt&seite=99",
    "umsetzungsstand": lambda: "/umsetzungsstand/",
    "schlagwoerter": lambda: "/schlagworte/",
    "downloads": lambda: "/downloads/",
    "aenderungen": lambda: (
        f"/aenderungen/?seit={datetime.date.today() - datetime.timedelta(days=700)}"
    ),
    "aenderungen-fehler": lambda: "/aenderungen/?seit=kein-datum",
    "berichte": lambda: frozen_report() and "/berichte/",
    "bericht": lambda: frozen_report().get_absolute_url(),
    "berichtsvergleich": lambda: frozen_report() and "/berichte/vergleich/",
    "online-dienste": lambda: "/online-dienste/",
    "online-dienste-nach-massnahme": lambda: "/online-dienste/?nach=massnahme",
    "online-dienste-fehler": lambda: "/online-dienste/?nach=unbekannt",
    "daten": lambda: "/daten/",
    "api-dokumentation": lambda: "/api/v1/docs/",
    "barrierefreiheit": lambda: "/barrierefreiheit/",
    "barriere-melden": lambda: "/barriere-melden/",
    "leichte-sprache": lambda: "/leichte-sprache/",
    "gebaerdensprache": lambda: "/gebaerdensprache/",
    "impressum": lambda: "/impressum/",
    "datenschutz": lambda: "/datenschutz/",
    "benachrichtigungen": lambda: "/benachrichtigungen/",
    "einbetten-massnahme": lambda: (
        f"/einbetten/massnahmen/{Measure.objects.published().order_by('code').first().code}/"
    ),
    "einbetten-handlungsfeld": lambda: (
        f"/einbetten/handlungsfelder/{FieldOfAction.objects.published().first().slug}/"
    ),
    "einbetten-umsetzungsstand": lambda: "/einbetten/umsetzungsstand/",
    "404": lambda: "/gibt-es-nicht/",
    # Last: once it is published, every page's header links the videos.
    "gebaerdensprache-video": sign_language_video,
}

axe = Axe()

# Elements reaching past the right edge, outside boxes that scroll on their own.
WIDE_SCRIPT = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5 && !el.closest('.scroll'))
    .slice(0, 5)
    .map(el => el.tagName + '.' + el.className + ': ' + (el.textContent || '').trim().slice(0, 30));
}"""


def assert_accessible(page, label):
    """No axe violation of WCAG 2.1 A/AA on the page as it is now."""
    results = axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    assert not violations, f"{label}:\n{describe(violations)}"


def horizontal_overflow(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def describe(violations):
    return "\n".join(
        f"{v['id']}: {v['help']} – {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )


@pytest.mark.parametrize("name", PAGES)
def test_page_is_accessible_at_both_widths(name, seeded_site, page_at):
    url = seeded_site.url + PAGES[name]()
    for width in WIDTHS:
        page = page_at(width)
        page.goto(url)
        assert_accessible(page, f"{name} bei {width} px")
        if width == 320:
            overflow = horizontal_overflow(page)
            assert overflow <= 0, (
                f"{name} scrollt bei 320 px um {overflow} px seitlich: {page.evaluate(WIDE_SCRIPT)}"
            )


@pytest.mark.parametrize("name", ["start", "steckbrief", "katalog"])
def test_skip_link_moves_focus_to_the_content(name, seeded_site, page_at):
    page = page_at(1280)
    page.goto(seeded_site.url + PAGES[name]())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Zum Inhalt springen"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top >= 0")
    page.keyboard.press("Enter")
    # Following the link moves focus asynchronously; wait for it (fails after 5 s).
    page.wait_for_function("document.activeElement.id === 'inhalt'", timeout=5000)
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('inhalt').contains(document.activeElement)")


FOCUS_SCRIPT = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== 'none';
  return {tag: el.tagName, text: (el.textContent || el.name || '').trim().slice(0, 40),
          key: el.tagName + '|' + (el.getAttribute('href') || el.name || el.id) + '|'
               + Math.round(el.getBoundingClientRect().top + window.scrollY),
          visible};
}"""

# A group of radio buttons is one stop of the Tab key (the arrow keys choose within it).
FOCUSABLE_SCRIPT = """() => { const groups = new Set(); return [...document.querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])'
)].filter(el => el.offsetParent !== null || el === document.activeElement).filter(el => {
  if (el.type !== "radio") return true;
  const key = (el.form ? el.form.id || el.form.action : "") + "|" + el.name;
  if (groups.has(key)) return false;
  groups.add(key);
  return true;
}).length; }"""


@pytest.mark.parametrize(
    "name", ["start", "teilstrategie", "steckbrief", "katalog", "umsetzungsstand"]
)
def test_keyboard_reaches_every_control_with_visible_focus(name, seeded_site, page_at):
    page = page_at(1280)
    page.goto(seeded_site.url + PAGES[name]())
    expected = page.evaluate(FOCUSABLE_SCRIPT)
    reached, invisible = set(), []
    for _ in range(expected + 5):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_SCRIPT)
        if state["tag"] == "BODY":
            break
        reached.add(state["key"])
        if not state["visible"]:
            invisible.append(state["text"])
    assert not invisible, f"ohne sichtbaren Fokus: {invisible[:5]}"
    assert len(reached) >= expected - 1, (len(reached), expected)


def test_feedback_form_in_its_error_state_is_accessible(seeded_site, page_at):
    for width in WIDTHS:
        page = page_at(width)
        page.goto(seeded_site.url + "/barriere-melden/")
        page.fill("#id_email", "keine-adresse")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert page.locator("[role=alert]").count() == 1
        assert page.locator("[aria-invalid=true]").count() >= 2
        assert_accessible(page, f"Formular mit Fehlern bei {width} px")
        assert horizontal_overflow(page) <= 0


def test_pages_shown_instead_of_a_pdf_are_accessible(seeded_server, page_at, monkeypatch):
    """What a visitor sees instead of a PDF: too long a list, a bad report date, a
    document the worker is still making (the page reloads itself)."""
    from measures import views

    monkeypatch.setattr(views, "LIST_PDF_LIMIT", 2)
    answers = {
        "zu lang": ("/massnahmen/export.pdf?status=umsetzung", 400),
        "falsches Datum": ("/downloads/sachstandsbericht.pdf?stichtag=2026-05-17", 400),
        "wird erstellt": ("/massnahmen/SC-1.1/steckbrief.pdf", 202),
    }
    for label, (path, status) in answers.items():
        for width in WIDTHS:
            page = page_at(width)
            response = page.goto(seeded_server.url + path)
            assert response.status == status, (label, response.status)
            assert_accessible(page, f"{label} bei {width} px")
            assert horizontal_overflow(page) <= 0, label


def test_the_waiting_page_opens_the_pdf_once_the_worker_has_made_it(seeded_server, page_at):
    from tests.worker import run_worker

    page = page_at(320)
    path = "/massnahmen/SC-1.2/steckbrief.pdf"
    assert page.goto(seeded_server.url + path).status == 202
    assert "öffnet sich dann in diesem Fenster von selbst" in page.text_content("[role=status]")
    run_worker()
    # The page asks again every three seconds and then shows the document itself.
    page.wait_for_function("() => document.contentType === 'application/pdf'", timeout=120_000)
    assert page.url == seeded_server.url + path


def test_postponements_and_a_finished_measure_are_accessible(seeded_server, page_at):
    """The Steckbrief's and the dashboard's postponements, with a long reason, at both
    widths; the Steckbrief of a finished measure with its planned against actual end."""
    import datetime

    from measures.schedule import change_schedule
    from measures.updates import record_status_update

    measure = Measure.objects.published().filter(end_date__isnull=False).first()
    change_schedule(
        measure=measure,
        start_date=measure.start_date,
        end_date=measure.end_date + datetime.timedelta(days=183),
        reason="Die Ausschreibung musste wiederholt werden; Vergabeverfahrensunterlagen"
        "überarbeitungsbedarf " * 3,
    )
    record_status_update(measure=measure, status="abgeschlossen", progress=100, note="Fertig.")
    for path in (measure.get_absolute_url(), "/umsetzungsstand/"):
        for width in WIDTHS:
            page = page_at(width)
            page.goto(seeded_server.url + path)
            assert page.locator("text=Grund: Die Ausschreibung").count() == 1
            assert_accessible(page, f"{path} bei {width} px")
            if width == 320:
                assert horizontal_overflow(page) <= 0, page.evaluate(WIDE_SCRIPT)
