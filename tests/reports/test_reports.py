"""Frozen council reports: freezing in the admin, the archive, the stored files."""

import csv
import datetime
import hashlib
import io
import json
from unittest import mock
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from rdflib import Graph, URIRef

from iserlohn_digital.roles import apply_roles
from reports import freezing
from reports.models import Report
from tests.builders import make_update, make_world
from tests.clock import frozen_clock
from tests.conftest import login_with_second_factor, shared_by_class, signed_in_staff

AS_OF = datetime.date(2026, 3, 31)
SINCE = datetime.date(2025, 12, 31)
ADD_URL = reverse("admin:reports_report_add")


def freeze_form(as_of=AS_OF, **overrides):
    return {
        "as_of": as_of.isoformat(),
        "since": SINCE.isoformat(),
        "title": "Sachstandsbericht 1. Quartal 2026",
        "foreword": "Der erste Bericht mit festem Stand.",
    } | overrides


def stored(report, field):
    """The bytes stored for the report's file `field`."""
    file = getattr(report, field)
    with file.storage.open(file.name, "rb") as handle:
        return handle.read()


@pytest.fixture(scope="class")
def media_root(tmp_path_factory):
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


def _freeze_in_the_admin():
    # The report shows the measures as they were on its Stichtag: they exist before it.
    with frozen_clock(datetime.date(2026, 1, 15)):
        world = make_world(3)
    with frozen_clock(datetime.date(2026, 2, 1)):
        make_update(world["measures"][0], date=datetime.date(2026, 2, 1), progress=40)
    apply_roles()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("red", password="x", is_staff=True)
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name="Redaktion"))
    response = login_with_second_factor(Client(), user).post(ADD_URL, freeze_form())
    assert response.status_code == 302, response.content.decode()
    return {"world": world, "report": Report.objects.get(), "response": response}


@pytest.fixture(scope="class")
def frozen(request, media_root, django_db_setup, django_db_blocker):
    """One report frozen by the Redaktion in the admin, for the tests of a class."""
    yield from shared_by_class(request, django_db_blocker, _freeze_in_the_admin)


@pytest.mark.django_db
class TestFrozenReport:
    def test_freezing_numbers_and_stores_the_three_files(self, frozen):
        report = frozen["report"]
        assert report.number == "2026-1"
        assert (report.as_of, report.since, report.frozen_by.username) == (AS_OF, SINCE, "red")
        for field in ("pdf", "csv", "json"):
            content = stored(report, field)
            assert len(content) == getattr(report, f"{field}_size") > 0
            assert hashlib.sha256(content).hexdigest() == getattr(report, f"{field}_sha256")

    def test_the_report_page_shows_number_checksums_and_downloads(self, client, frozen):
        report = frozen["report"]
        page = client.get("/berichte/2026-1/").content.decode()
        assert "Sachstandsbericht 1. Quartal 2026" in page
        assert "Der erste Bericht mit festem Stand." in page
        for checksum in (report.pdf_sha256, report.csv_sha256, report.json_sha256):
            assert checksum in page
        for suffix in ("pdf", "csv", "json"):
            assert f'href="/berichte/2026-1.{suffix}"' in page

    def test_the_redaktion_links_council_documents_after_freezing(self, client, frozen, settings):
        settings.OPARL_ENDPOINT = ""  # filled in by hand (the OParl lookup: tests/measures)
        report = frozen["report"]
        add = reverse("admin:reports_reportcouncildocument_add")
        document = {
            "report": report.pk,
            "reference": "V/2026/140",
            "title": "Sachstandsbericht Digitalisierung, 1. Quartal 2026",
            "date": "2026-04-20",
            "url": "https://ratsinfo.example/vorlage/140",
        }
        redaktion = login_with_second_factor(Client(), report.frozen_by)
        assert redaktion.post(add, document).status_code == 302
        page = client.get("/berichte/2026-1/").content.decode()
        assert '<h2 id="ratsdokumente">Ratsdokumente</h2>' in page
        assert "nicht Teil der Dateien oben" in page
        assert (
            '<a href="https://ratsinfo.example/vorlage/140">Sachstandsbericht Digitalisierung, '
            '1. Quartal 2026</a> (V/2026/140, <time datetime="2026-04-20">20.04.2026</time>)'
        ) in page
        # The frozen files stay as they were.
        assert hashlib.sha256(stored(report, "pdf")).hexdigest() == report.pdf_sha256

    def test_a_fachbereich_may_not_link_council_documents_to_reports(
        self, frozen, django_user_model
    ):
        client, _ = signed_in_staff(django_user_model, "fb", "Fachbereich")
        add = reverse("admin:reports_reportcouncildocument_add")
        assert client.get(add).status_code == 403

    def test_the_pdf_is_served_as_stored_never_rendered_again(self, client, frozen):
        report, measure = frozen["report"], frozen["world"]["measures"][0]
        before = stored(report, "pdf")
        measure.title = "Ein ganz neuer Titel"
        measure.save()
        with (
            mock.patch("iserlohn_digital.pdf.HTML") as html,
            mock.patch.object(freezing, "render_pdf") as render,
        ):
            response = client.get("/berichte/2026-1.pdf")
            served = b"".join(response.streaming_content)
        assert not html.called and not render.called
        assert served == before
        assert hashlib.sha256(served).hexdigest() == Report.objects.get().pdf_sha256
        assert response["Content-Type"] == "application/pdf"
        assert response["ETag"] == f'"{report.pdf_sha256}"'

    def test_head_answers_like_get_and_downloads_are_attachments(self, client, frozen):
        report = frozen["report"]
        for suffix, size in [("pdf", report.pdf_size), ("json", report.json_size)]:
            get, head = (
                client.get(f"/berichte/2026-1.{suffix}"),
                client.head(f"/berichte/2026-1.{suffix}"),
            )
            assert head.status_code == 200 and b"".join(head.streaming_content) == b""
            for header in ("Content-Type", "ETag", "Content-Length", "Content-Disposition"):
                assert head[header] == get[header]
            assert int(get["Content-Length"]) == size
        assert get["Content-Disposition"].startswith("attachment;")
        assert "iserlohn-digital-sachstandsbericht-2026-1.json" in get["Content-Disposition"]

    def test_the_redaktion_sees_the_freeze_form_in_german(self, frozen):
        client = login_with_second_factor(Client(), frozen["report"].frozen_by)
        page = client.get(ADD_URL).content.decode()
        assert "Stichtag" in page and "Änderungen seit" in page and "Vorwort" in page

    def test_the_pdf_carries_csv_and_json_with_the_rows_of_the_report(self, client, frozen):
        pdf = b"".join(client.get("/berichte/2026-1.pdf").streaming_content)
        attachments = PdfReader(io.BytesIO(pdf)).attachments
        text = attachments["sachstandsbericht-2026-1.csv"][0].decode("utf-8-sig")
        csv_rows = list(csv.DictReader(io.StringIO(text)))
        data = json.loads(attachments["sachstandsbericht-2026-1.json"][0])
        codes = sorted(measure.code for measure in frozen["world"]["measures"])
        assert [row["code"] for row in csv_rows] == codes
        assert [row["code"] for row in data["massnahmen"]] == codes
        # The same rows: each CSV cell is the JSON value as text.
        for row, record in zip(csv_rows, data["massnahmen"], strict=True):
            assert row["status"] == record["status"]
            assert row["fortschritt"] == (
                "" if record["fortschritt"] is None else str(record["fortschritt"])
            )
            assert row["veraltet"] == ("ja" if record["veraltet"] else "nein")
        assert data["bericht"]["nummer"] == "2026-1"
        first = next(row for row in data["massnahmen"] if row["fortschritt"] == 40)
        assert first["meldung_vom"] == "2026-02-01"
        # The attachments are the files served for download, byte for byte.
        served_csv = b"".join(client.get("/berichte/2026-1.csv").streaming_content)
        assert attachments["sachstandsbericht-2026-1.csv"][0] == served_csv

    def test_freezing_the_same_stichtag_again_is_refused(self, frozen, django_user_model):
        client, _ = signed_in_staff(django_user_model, "red2", "Redaktion")
        response = client.post(ADD_URL, freeze_form(title="Noch einmal"))
        assert response.status_code == 200
        assert (
            "Zu diesem Stichtag gibt es schon einen eingefrorenen Bericht (2026-1)."
            in response.content.decode()
        )
        assert Report.objects.count() == 1

    def test_the_freeze_function_refuses_it_too(self, frozen):
        with pytest.raises(freezing.ValidationError, match="schon einen eingefrorenen"):
            freezing.freeze_report(
                as_of=AS_OF, since=SINCE, title="x", user=frozen["report"].frozen_by
            )

    def test_a_fachbereich_may_not_freeze(self, frozen, django_user_model):
        client, _ = signed_in_staff(django_user_model, "fb", "Fachbereich")
        assert client.get(ADD_URL).status_code == 403
        assert client.post(ADD_URL, freeze_form(datetime.date(2026, 1, 5))).status_code == 403

    def test_the_redaktion_may_neither_change_nor_delete(self, frozen):
        report = frozen["report"]
        client = login_with_second_factor(Client(), report.frozen_by)
        change = reverse("admin:reports_report_change", args=[report.pk])
        delete = reverse("admin:reports_report_delete", args=[report.pk])
        assert client.post(change, {"withdrawal_reason": "weg"}).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
        page = client.get(change)  # read-only view
        assert page.status_code == 200 and 'name="withdrawal_reason"' not in page.content.decode()
        assert Report.objects.current().count() == 1

    def test_the_archive_lists_newest_first_with_size_and_checksum(self, client, frozen):
        report = Report.objects.get()
        older = Report.objects.create(
            **{
                field.attname: getattr(report, field.attname)
                for field in Report._meta.concrete_fields
                if not field.primary_key
            }
            | {
                "number": "2025-1",
                "year": 2025,
                "sequence": 1,
                "as_of": datetime.date(2025, 12, 31),
                "since": datetime.date(2025, 9, 30),
                "pdf_sha256": "a" * 64,
            }
        )
        page = client.get("/berichte/").content.decode()
        assert page.index("Nr. 2026-1") < page.index("Nr. 2025-1")
        assert "31.03.2026" in page and "31.12.2025" in page
        assert report.pdf_sha256 in page and older.pdf_sha256 in page
        assert "KB" in page  # the PDF's size

    def test_the_sitemap_lists_the_archive_and_the_report(self, client, frozen):
        sitemap = client.get("/sitemap.xml").content.decode()
        assert "/berichte/</loc>" in sitemap and "/berichte/2026-1/</loc>" in sitemap

    def test_the_archive_pages_run_a_few_queries(self, client, frozen):
        counts = {}
        for url in ("/berichte/", "/berichte/2026-1/", "/berichte/2026-1.pdf"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[url] = len(queries)
        # The first page of a content version also asks the header's two flags (example
        # content published, a video in Gebärdensprache) in one query; the next pages find
        # them in the cache.
        assert counts == {"/berichte/": 3, "/berichte/2026-1/": 3, "/berichte/2026-1.pdf": 2}

    def test_an_unknown_number_is_not_found(self, client, frozen):
        for url in ("/berichte/2026-9/", "/berichte/2026-9.pdf", "/berichte/2026-9.json"):
            assert client.get(url).status_code == 404

    def test_the_feed_announces_the_report(self, client, frozen):
        feed = ElementTree.fromstring(client.get("/berichte/berichte.atom").content)
        atom = "{http://www.w3.org/2005/Atom}"
        titles = [entry.findtext(f"{atom}title") for entry in feed.iter(f"{atom}entry")]
        assert titles == ["Nr. 2026-1: Sachstandsbericht 1. Quartal 2026 (Stichtag 31.03.2026)"]

    def test_the_catalogue_lists_the_reports_data(self, client, frozen, settings):
        graph = Graph().parse(data=client.get("/daten/dcat.ttl").content, format="turtle")
        downloads = {
            str(url) for url in graph.objects(None, URIRef("http://www.w3.org/ns/dcat#downloadURL"))
        }
        assert settings.SITE_URL + "/berichte/2026-1.csv" in downloads
        assert settings.SITE_URL + "/berichte/2026-1.json" in downloads


@pytest.mark.django_db
class TestWithdrawal:
    """Withdrawing deletes the files: a class of its own, with its own frozen report."""

    def test_a_superuser_withdrawing_leaves_a_tombstone(
        self, client, frozen, django_user_model, django_capture_on_commit_callbacks
    ):
        report = Report.objects.get()
        admin = django_user_model.objects.create_superuser("chef", "c@example.org", "x")
        login_with_second_factor(client, admin)
        change = reverse("admin:reports_report_change", args=[report.pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(change, {"withdrawal_reason": "Falsche Zahlen übergeben."})
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.withdrawn_by == admin
        assert not report.pdf.storage.exists(report.pdf.name)
        client.logout()
        page = client.get("/berichte/2026-1/")
        assert page.status_code == 410
        text = page.content.decode()
        assert "Dieser Bericht wurde zurückgezogen" in text
        assert "Falsche Zahlen übergeben." in text
        assert "chef" not in text  # who withdrew it stays in the admin
        assert client.get("/berichte/2026-1.pdf").status_code == 404
        assert "Zurückgezogen" in client.get("/berichte/").content.decode()

    def test_deleting_in_the_admin_withdraws(self, frozen, django_user_model):
        report = Report.objects.get()
        admin = django_user_model.objects.create_superuser("chef", "c@example.org", "x")
        client = login_with_second_factor(Client(), admin)
        delete = reverse("admin:reports_report_delete", args=[report.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 302
        report.refresh_from_db()
        assert report.withdrawal_reason == "Im Admin gelöscht."
        # The Stichtag is free again, under a new number.
        assert freezing._next_number(2026) == 2


@pytest.mark.django_db
def test_two_freezes_of_one_year_get_consecutive_numbers(django_user_model):
    """The number is taken by the unique constraint: a freeze that read the same last
    number as another retries with the next one."""
    user = django_user_model.objects.create_user("red")

    def report(day):
        return Report(
            year=2026,
            as_of=day,
            since=SINCE,
            title="t",
            frozen_at=timezone.now(),
            frozen_by=user,
            pdf_size=0,
            csv_size=0,
            json_size=0,
        )

    first = freezing._reserve(report(datetime.date(2026, 1, 10)))
    with mock.patch.object(freezing, "_next_number", side_effect=[1, 2]):
        second = freezing._reserve(report(datetime.date(2026, 1, 20)))
    assert (first.number, second.number) == ("2026-1", "2026-2")
    with pytest.raises(
        freezing.ValidationError, match=r"schon einen eingefrorenen Bericht \(2026-1\)"
    ):
        freezing._reserve(report(datetime.date(2026, 1, 10)))
