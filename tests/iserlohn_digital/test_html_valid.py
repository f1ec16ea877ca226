"""Every page type is valid HTML: one page of each, as the test server renders it, goes
through the Nu Html Checker (vnu.jar, `make vnu`) in one Java run, and no heading skips a
level. Public pages, the portal's own admin pages and the error pages."""

import datetime
import json
import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client

from measures.models import FieldOfAction, Measure, OrganisationalUnit, PendingChange
from reports.freezing import freeze_report
from strategy.models import Goal
from tests.conftest import signed_in_staff

VNU_JAR = Path(
    os.environ.get("VNU_JAR")
    or settings.BASE_DIR / "build/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
)

PUBLIC = [
    "/",
    "/leitbild/",
    "/smart-city/",
    "/handlungsfelder/",
    "/massnahmen/",
    "/massnahmen/?q=Daten&status=umsetzung",
    "/massnahmen/?q=Raumfahrtbahnhof",
    "/massnahmen/?status=unbekannt&seite=99",
    "/umsetzungsstand/",
    "/aenderungen/?seit=2024-01-01",
    "/aenderungen/?seit=kein-datum",
    "/schlagworte/",
    "/downloads/",
    "/online-dienste/",
    "/online-dienste/?nach=massnahme",
    "/berichte/",
    "/daten/",
    "/api/v1/docs/",
    "/barrierefreiheit/",
    "/barriere-melden/",
    "/leichte-sprache/",
    "/gebaerdensprache/",
    "/impressum/",
    "/datenschutz/",
]


def vnu_errors(pages: dict[str, str]) -> list[str]:
    """The checker's errors over all `pages` (name → HTML), from one run of vnu.jar."""
    if not VNU_JAR.exists():
        if os.environ.get("VNU_REQUIRED"):
            pytest.fail(f"{VNU_JAR} fehlt: `make vnu` installiert ihn.")
        pytest.skip("vnu.jar fehlt: `make vnu` installiert ihn.")
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java fehlt: der Nu Html Checker braucht Java 11 oder neuer.")
    with tempfile.TemporaryDirectory() as folder:
        return _check(java, Path(folder), pages)


def _check(java, folder, pages):
    files = []
    for number, (name, html) in enumerate(pages.items()):
        file = folder / f"{number:02d}.html"
        file.write_text(html, encoding="utf-8")
        files.append((file, name))
    names = {f"file:{file}": name for file, name in files}
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            *(str(file) for file, _ in files),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{names.get(message.get('url'), message.get('url'))}:{message.get('lastLine')}: "
        f"{message['message']} – {message.get('extract', '').strip()!r}"
        for message in messages
        if message["type"] in {"error", "non-document-error"}
    ]


class Headings(HTMLParser):
    """Records a heading that comes more than one level below the one before it."""

    def __init__(self):
        super().__init__()
        self.level, self.skips = 0, []

    def handle_starttag(self, tag, attrs):
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            level = int(tag[1])
            if level > self.level + 1:
                self.skips.append(f"h{level} nach h{self.level or '–'}")
            self.level = level


def skipped_headings(html: str) -> list[str]:
    parser = Headings()
    parser.feed(html)
    return parser.skips


def public_pages(client) -> dict[str, str]:
    measure = (
        Measure.objects.published()
        .filter(indicators__isnull=False, milestones__isnull=False)
        .first()
    )
    tag = measure.tags.first()
    urls = [
        *PUBLIC,
        measure.get_absolute_url(),
        FieldOfAction.objects.published().first().get_absolute_url(),
        Goal.objects.published().strategic().first().get_absolute_url(),
        Goal.objects.published().overarching().first().get_absolute_url(),
        f"/schlagworte/{tag.slug}/",
        "/gibt-es-nicht/",
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in {200, 400, 404}, (url, response.status_code)
        pages[url] = response.content.decode()
    return pages


def admin_and_error_pages(django_user_model, rf) -> dict[str, str]:
    from iserlohn_digital.views import server_error

    redaktion, anna = signed_in_staff(django_user_model, "anna", "Redaktion")
    unit = OrganisationalUnit.objects.filter(measures__isnull=False).first()
    fachbereich, ben = signed_in_staff(django_user_model, "ben", "Fachbereich", [unit])
    own = Measure.objects.filter(lead_unit=unit).first()
    other = Measure.objects.exclude(lead_unit=unit).first()
    proposal = PendingChange.objects.create(
        measure=own,
        author=ben,
        proposed={"summary": own.summary + " Ergänzt."},
        base={"summary": own.summary},
    )
    own.title += " (geändert)"
    own.save()
    version = own.history.earliest()
    report = freeze_report(
        as_of=datetime.date(2026, 3, 31),
        since=datetime.date(2025, 12, 31),
        title="Sachstandsbericht 1. Quartal 2026",
        user=anna,
    )
    public = {
        "Bericht": report.get_absolute_url(),
        "Berichtsvergleich": "/berichte/vergleich/",
        "Entwurf für die Redaktion": Measure.objects.filter(is_published=False).first(),
    }
    pages = {}
    for name, url in public.items():
        url = url if isinstance(url, str) else url.get_absolute_url()
        response = redaktion.get(url)
        assert response.status_code == 200, (url, response.status_code)
        pages[name] = response.content.decode()
    for client, url, status in [
        (redaktion, "/admin/", 200),
        (redaktion, "/admin/measures/measure/", 200),
        (redaktion, f"/admin/measures/measure/{own.pk}/change/", 200),
        (redaktion, f"/admin/measures/measure/{own.pk}/history/", 200),
        (redaktion, f"/admin/measures/measure/{own.pk}/history/{version.history_id}/", 200),
        (redaktion, "/admin/measures/measure/import/", 200),
        (redaktion, "/admin/measures/pendingchange/", 200),
        (redaktion, f"/admin/measures/pendingchange/{proposal.pk}/change/", 200),
        (fachbereich, f"/admin/measures/statusupdate/add/?measure={own.pk}", 200),
        (fachbereich, f"/admin/aufgaben/stand/{own.pk}/", 200),
        (fachbereich, "/admin/aufgaben/einstellungen/", 200),
        (fachbereich, f"/admin/measures/measure/{other.pk}/change/", 403),
        (redaktion, "/admin/measures/measure/keine-zahl/history/", 404),
        (Client(), "/admin/aufgaben/link/ungueltig/", 404),
    ]:
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        pages[f"{url} ({status})"] = response.content.decode()
    refused = Client(enforce_csrf_checks=True).post("/barriere-melden/", {})
    pages["CSRF (403)"] = refused.content.decode()
    pages["400"] = (
        Client(raise_request_exception=False).get("/", HTTP_HOST="boese.example").content.decode()
    )
    try:
        raise RuntimeError("kaputt")
    except RuntimeError:
        pages["500"] = server_error(rf.get("/massnahmen/")).content.decode()
    pages["503"] = render_to_string("503.html")
    pages["Anmeldung gesperrt"] = render_to_string("admin/lockout.html")
    return pages


@pytest.mark.usefixtures("seed_for_the_class")
class TestEveryPageType:
    def test_every_page_type_is_valid_html_without_skipped_headings(
        self, db, client, django_user_model, rf
    ):
        pages = public_pages(client) | admin_and_error_pages(django_user_model, rf)

        skips = {name: found for name, html in pages.items() if (found := skipped_headings(html))}
        assert not skips, f"Überschriften überspringen eine Ebene: {skips}"
        errors = vnu_errors(pages)
        assert not errors, "\n".join(errors)

    def test_the_checker_finds_a_duplicate_id(self, db):
        html = "<!doctype html><html lang=de><title>x</title><p id=a>1</p><p id=a>2</p>"

        assert [error for error in vnu_errors({"doppelt": html}) if "Duplicate ID" in error]
