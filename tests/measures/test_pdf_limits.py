"""What anyone can make the server render is bounded, and what shows drafts is for the
signed-in editor alone: public PDFs hold public data only, renders are capped per client
and per server, a document being rendered is not rendered again, keys fit one scheme."""

import copy
import io
from unittest import mock

import pytest
from django.test import Client
from pypdf import PdfReader

from iserlohn_digital.pdf import render_slot
from measures import publications, views
from measures.models import Measure, OnlineService, PublicationFile
from strategy.models import ContentVersion
from tests.builders import make_measure, make_unit, make_world
from tests.conftest import shared_by_class, signed_in_staff
from tests.worker import run_queued_tasks

pytestmark = pytest.mark.django_db


def text_of(response):
    if response.status_code == 202:  # queued: once the worker has run, the stored file
        run_queued_tasks()
        response = response.client.get(response.wsgi_request.get_full_path())
    assert response["Content-Type"] == "application/pdf", response.content[:300]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def build_world():
    world = make_world(3)
    own, other = make_unit(slug="eigene"), make_unit(slug="fremde")
    world["own_draft"] = make_measure(
        field_of_action=world["field"],
        code="SC-1.8",
        title="Eigener Entwurf",
        lead_unit=own,
        is_published=False,
        status="umsetzung",
    )
    world["other_draft"] = make_measure(
        field_of_action=world["field"],
        code="SC-1.9",
        title="Fremder Entwurf",
        lead_unit=other,
        is_published=False,
        status="umsetzung",
    )
    world["own_unit"], world["other_unit"] = own, other
    return world


@pytest.fixture(scope="class")
def shared_world(request, django_db_setup, django_db_blocker):
    yield from shared_by_class(request, django_db_blocker, build_world)


@pytest.fixture
def world(shared_world, django_user_model):
    """The world of the class, built once (the objects copied for each test), and staff of
    the Redaktion and of the own unit's Fachbereich, signed in for this test."""
    world = copy.deepcopy(shared_world)
    world["redaktion"] = signed_in_staff(django_user_model, "red", "Redaktion")[0]
    world["fachbereich"] = signed_in_staff(
        django_user_model, "fb", "Fachbereich", [world["own_unit"]]
    )[0]
    return world


# Drafts ---------------------------------------------------------------------------------


class TestDrafts:
    """Three published measures and two drafts of two units, built once for the class."""

    def test_the_public_list_pdf_never_shows_drafts_whoever_asked_first(self, client, world):
        first = world["redaktion"].get("/massnahmen/export.pdf?status=umsetzung")
        assert "Entwurf" not in text_of(first)
        anonymous = text_of(client.get("/massnahmen/export.pdf?status=umsetzung"))
        assert "Entwurf" not in anonymous
        assert world["measures"][0].title in anonymous

    def test_the_staff_preview_shows_drafts_uncached_and_only_to_staff(self, client, world):
        preview = world["redaktion"].get("/massnahmen/vorschau.pdf?status=umsetzung")
        text = text_of(preview)
        assert "Eigener Entwurf" in text and "Fremder Entwurf" in text
        assert "no-store" in preview["Cache-Control"] and "private" in preview["Cache-Control"]
        anonymous = client.get("/massnahmen/vorschau.pdf")
        assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]

    def test_a_fachbereich_sees_the_drafts_of_its_own_units_only(self, world):
        fachbereich = world["fachbereich"]
        page = fachbereich.get("/massnahmen/?status=umsetzung")
        assert "Eigener Entwurf" in page.text
        assert "Fremder Entwurf" not in page.text
        assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
        assert fachbereich.get(world["other_draft"].get_absolute_url()).status_code == 404
        preview = text_of(fachbereich.get("/massnahmen/vorschau.pdf?status=umsetzung"))
        assert "Eigener Entwurf" in preview and "Fremder Entwurf" not in preview

    def test_a_fachbereich_lists_only_its_own_units_online_services_in_the_admin(self, world):
        OnlineService.objects.create(
            slug="eigen", name="Eigener Dienst", measure=world["own_draft"]
        )
        OnlineService.objects.create(
            slug="fremd", name="Fremder Dienst", measure=world["other_draft"]
        )
        OnlineService.objects.create(slug="ohne", name="Dienst ohne Maßnahme")
        page = world["fachbereich"].get("/admin/measures/onlineservice/")
        assert page.status_code == 200
        assert "Eigener Dienst" in page.text
        assert "Fremder Dienst" not in page.text and "Dienst ohne Maßnahme" not in page.text
        other = OnlineService.objects.get(slug="fremd")
        assert (
            world["fachbereich"]
            .get(f"/admin/measures/onlineservice/{other.pk}/change/")
            .status_code
            == 403
        )

    def test_a_fachbereich_can_neither_link_nor_name_another_units_draft(self, world):
        from tests.measures.test_editing import form_data

        own, other = world["own_draft"], world["other_draft"]
        url = f"/admin/measures/measure/{own.pk}/change/"
        # An error elsewhere in the form shows the chosen dependencies back by title.
        invalid = world["fachbereich"].post(
            url, form_data(own, progress="abc", dependencies=[other.pk], is_published="")
        )
        assert invalid.status_code == 200
        assert "Fremder Entwurf" not in invalid.text
        saved = world["fachbereich"].post(
            url, form_data(own, dependencies=[other.pk, world["measures"][0].pk], is_published="")
        )
        assert saved.status_code == 200
        assert "dependencies" in saved.context["adminform"].form.errors
        assert not own.dependencies.exists()


# Bounded renders ------------------------------------------------------------------------


class TestBoundedRenders:
    """The world of TestDrafts, built once for the class."""

    def test_an_anonymous_client_asks_for_only_a_few_new_documents(self, client, world, settings):
        settings.PDF_RENDERS_PER_CLIENT = 3
        with mock.patch.object(publications, "render_pdf") as render:
            answers = [client.get(f"/massnahmen/export.pdf?q=-zz{n}") for n in range(20)]
            render.assert_not_called()  # never in the request
        assert [a.status_code for a in answers] == [202] * 3 + [429] * 17
        assert PublicationFile.objects.count() == 3
        refused = answers[-1]
        assert int(refused["Retry-After"]) > 0
        assert "viele neue Dokumente" in refused.text
        assert refused["Cache-Control"] == "no-store"
        # What is queued or stored costs nothing more and is still served; another client
        # still has its budget.
        assert client.get("/massnahmen/export.pdf?q=-zz0").status_code == 202
        assert run_queued_tasks() == 3
        assert client.get("/massnahmen/export.pdf?q=-zz0").status_code == 200
        assert (
            Client(REMOTE_ADDR="192.0.2.7").get("/massnahmen/export.pdf?q=-zz99").status_code == 202
        )

    def test_report_dates_are_today_or_quarter_ends(self, client, world):
        assert client.get("/downloads/sachstandsbericht.pdf?stichtag=2026-05-17").status_code == 400
        bad_since = client.get(
            "/downloads/sachstandsbericht.pdf?stichtag=2026-09-30&seit=2026-08-01"
        )
        assert bad_since.status_code == 400
        assert "Ende eines Quartals" in bad_since.text
        good = client.get("/downloads/sachstandsbericht.pdf?stichtag=2026-09-30&seit=2025-12-31")
        assert good.status_code == 202
        # The first quarter of the strategy: changes since the day before it began.
        first = client.get("/downloads/sachstandsbericht.pdf?stichtag=2020-03-31")
        assert first.status_code == 202
        run_queued_tasks()
        first = client.get("/downloads/sachstandsbericht.pdf?stichtag=2020-03-31")
        assert first.status_code == 200
        assert "iserlohn-digital-sachstandsbericht-2020-03-31.pdf" in first["Content-Disposition"]

    def test_a_list_too_long_for_a_pdf_points_to_the_csv(self, client, world, monkeypatch):
        monkeypatch.setattr(views, "LIST_PDF_LIMIT", 2)
        response = client.get("/massnahmen/export.pdf?status=umsetzung")
        assert response.status_code == 400
        assert "höchstens 2 Maßnahmen" in response.text
        assert "/massnahmen/export.csv?status=umsetzung" in response.text
        assert not PublicationFile.objects.exists()

    def test_while_the_worker_renders_pages_and_stored_pdfs_answer(self, client, world):
        client.get("/downloads/kurzbroschuere.pdf")
        run_queued_tasks()
        with render_slot():  # the worker is rendering
            waiting = client.get("/downloads/digitalisierungsstrategie.pdf")
            assert waiting.status_code == 202
            assert waiting["Retry-After"] == "3"
            assert "wird gerade aus den aktuellen Daten erzeugt" in waiting.text
            assert 'data-pdf-wait="/downloads/digitalisierungsstrategie.pdf"' in waiting.text
            assert client.get("/downloads/kurzbroschuere.pdf").status_code == 200
            assert client.get("/").status_code == 200
        run_queued_tasks()
        assert client.get("/downloads/digitalisierungsstrategie.pdf").status_code == 200

    def test_a_failed_render_keeps_the_previous_file_and_says_so_in_the_admin(
        self, client, world, settings
    ):
        client.get("/massnahmen/SC-1.1/steckbrief.pdf")
        run_queued_tasks()
        before = client.get("/massnahmen/SC-1.1/steckbrief.pdf")
        Measure.objects.filter(code="SC-1.1").update(title="Geändert")
        ContentVersion.bump()
        # Far less address space than the process has already: the render cannot start.
        settings.PDF_RENDER_MEMORY_LIMIT_MIB = 16
        assert client.get("/massnahmen/SC-1.1/steckbrief.pdf")["ETag"] == before["ETag"]
        run_queued_tasks()
        document = PublicationFile.objects.get(kind="steckbrief", key="SC-1.1")
        assert document.state == PublicationFile.State.FAILED
        assert "Speichergrenze" in document.error
        assert client.get("/massnahmen/SC-1.1/steckbrief.pdf")["ETag"] == before["ETag"]
        admin = world["redaktion"].get("/admin/measures/publicationfile/")
        assert admin.status_code == 200
        assert "fehlgeschlagen" in admin.text
        assert world["fachbereich"].get("/admin/measures/publicationfile/").status_code == 403


# One key scheme ---------------------------------------------------------------------------


class TestOneKeyScheme:
    """The world of TestDrafts, built once for the class."""

    def test_cached_pdfs_still_need_no_render_and_drafts_stay_out_of_steckbriefe(
        self, client, world
    ):
        draft = Measure.objects.get(code="SC-1.8")
        assert client.get(f"/massnahmen/{draft.code}/steckbrief.pdf").status_code == 404
        assert world["redaktion"].get(f"/massnahmen/{draft.code}/steckbrief.pdf").status_code == 404
