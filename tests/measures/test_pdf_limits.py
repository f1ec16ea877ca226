"""What anyone can make the server render is bounded, and what shows drafts is for the
signed-in editor alone: public PDFs hold public data only, renders are capped per client
and per server, a document being rendered is not rendered again, keys fit one scheme."""

import copy
import datetime
import io
import threading
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from pypdf import PdfReader

from iserlohn_digital.pdf import render_slot
from measures import publications, views
from measures.models import Measure, OnlineService
from strategy.models import ContentVersion
from tests.builders import make_measure, make_unit, make_world
from tests.conftest import shared_by_class, signed_in_staff

pytestmark = pytest.mark.django_db


def text_of(response):
    assert response["Content-Type"] == "application/pdf", response.content[:300]
    reader = PdfReader(io.BytesIO(response.content))
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
        anonymous = client.get("/massnahmen/export.pdf?status=umsetzung")
        assert "Entwurf" not in text_of(anonymous)
        assert world["measures"][0].title in text_of(anonymous)

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

    def test_an_anonymous_client_makes_only_a_few_renders(self, client, world, settings):
        settings.PDF_RENDERS_PER_CLIENT = 3
        with mock.patch.object(publications, "render_pdf", wraps=publications.render_pdf) as render:
            answers = [client.get(f"/massnahmen/export.pdf?q=-zz{n}") for n in range(20)]
            assert render.call_count == 3
        assert [a.status_code for a in answers] == [200] * 3 + [429] * 17
        refused = answers[-1]
        assert int(refused["Retry-After"]) > 0
        assert "viele neue Dokumente" in refused.text
        assert refused["Cache-Control"] == "no-store"
        # What is cached costs nothing and is still served; another client still has its budget.
        assert client.get("/massnahmen/export.pdf?q=-zz0").status_code == 200
        assert (
            Client(REMOTE_ADDR="192.0.2.7").get("/massnahmen/export.pdf?q=-zz99").status_code == 200
        )

    def test_report_dates_are_today_or_quarter_ends(self, client, world):
        assert client.get("/downloads/sachstandsbericht.pdf?stichtag=2026-05-17").status_code == 400
        bad_since = client.get(
            "/downloads/sachstandsbericht.pdf?stichtag=2026-09-30&seit=2026-08-01"
        )
        assert bad_since.status_code == 400
        assert "Ende eines Quartals" in bad_since.text
        good = client.get("/downloads/sachstandsbericht.pdf?stichtag=2026-09-30&seit=2025-12-31")
        assert good.status_code == 200
        # The first quarter of the strategy: changes since the day before it began.
        first = client.get("/downloads/sachstandsbericht.pdf?stichtag=2020-03-31")
        assert first.status_code == 200
        assert "iserlohn-digital-sachstandsbericht-2020-03-31.pdf" in first["Content-Disposition"]

    def test_a_list_too_long_for_a_pdf_points_to_the_csv(self, client, world, monkeypatch):
        monkeypatch.setattr(views, "LIST_PDF_LIMIT", 2)
        with mock.patch.object(publications, "render_pdf") as render:
            response = client.get("/massnahmen/export.pdf?status=umsetzung")
            render.assert_not_called()
        assert response.status_code == 400
        assert "höchstens 2 Maßnahmen" in response.text
        assert "/massnahmen/export.csv?status=umsetzung" in response.text

    def test_with_every_render_slot_taken_pdfs_wait_and_pages_and_cached_pdfs_answer(
        self, client, world
    ):
        cached = client.get("/downloads/kurzbroschuere.pdf")
        assert cached.status_code == 200
        with render_slot():  # another request is rendering
            busy = client.get("/downloads/digitalisierungsstrategie.pdf")
            assert busy.status_code == 503
            assert busy["Retry-After"] == "15"
            assert "erstellt gerade andere Dokumente" in busy.text
            assert "Dokument erneut abrufen" in busy.text
            assert client.get("/downloads/kurzbroschuere.pdf").status_code == 200
            assert client.get("/").status_code == 200
        assert client.get("/downloads/digitalisierungsstrategie.pdf").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_requests_for_a_document_being_rendered_do_not_render_it_again():
    make_world(1)
    version = ContentVersion.current()
    started, release = threading.Event(), threading.Event()
    calls = []

    def slow_render(template, context, wait=False):
        calls.append(template)
        started.set()
        release.wait(30)
        return b"%PDF-1.7 fertig"

    def first_request(results):
        try:
            results.append(publications.get_pdf(publications.BROCHURE, dict, version=version))
        finally:
            from django.db import connection

            connection.close()

    results = []
    with mock.patch.object(publications, "render_pdf", side_effect=slow_render):
        thread = threading.Thread(target=first_request, args=(results,))
        thread.start()
        assert started.wait(30)
        with pytest.raises(publications.RenderRefused) as refused:
            publications.get_pdf(publications.BROCHURE, dict, version=version)
        assert refused.value.status == 503
        assert refused.value.retry_after == 10
        release.set()
        thread.join(30)
        again = publications.get_pdf(publications.BROCHURE, dict, version=version)
    assert calls == ["pdf/kurzbroschuere.html"]
    assert results[0].content == again.content == b"%PDF-1.7 fertig"


# One key scheme ---------------------------------------------------------------------------


class TestOneKeyScheme:
    """The world of TestDrafts, built once for the class."""

    def test_another_database_with_the_same_version_number_gets_its_own_pdfs(self, client, world):
        first = client.get("/downloads/kurzbroschuere.pdf")
        # A restore (or a second database on the same Redis) counts its versions anew: same
        # number, another time of change.
        ContentVersion.objects.update(
            changed_at=ContentVersion.current().changed_at - datetime.timedelta(days=3)
        )
        with mock.patch.object(publications, "render_pdf", wraps=publications.render_pdf) as render:
            second = client.get("/downloads/kurzbroschuere.pdf")
            assert render.call_count == 1
        assert first["ETag"] != second["ETag"]

    def test_pdfs_are_cached_for_a_finite_time(self, world):
        """A PDF's cache entry expires (Redis TTL), however the cache was configured."""
        from redis import Redis
        from redis.exceptions import ConnectionError as RedisDown

        from iserlohn_digital.cache import SharedClientRedisCache

        location = "redis://127.0.0.1:6379/13"
        try:
            Redis.from_url(location).ping()
        except RedisDown:
            pytest.fail("Redis läuft nicht auf 127.0.0.1:6379 (CI startet ihn in .ci/run).")
        redis_cache = SharedClientRedisCache(location, {"KEY_PREFIX": "test-ttl", "TIMEOUT": 300})
        redis_cache.clear()
        redis_cache.set("ohne-angabe", b"x")  # the default timeout, not "forever"
        with mock.patch.object(publications, "cache", redis_cache):
            publications.get_pdf(
                publications.MEASURE_SHEET,
                lambda: {"measure": world["measures"][0]},
                key=world["measures"][0].code,
            )
        client = Redis.from_url(location)
        keys = client.keys("test-ttl:*")
        assert len(keys) == 2
        for key in keys:
            assert 0 < client.ttl(key) <= 60 * 60 * 24 * 7, key
        redis_cache.clear()

    def test_the_lock_of_a_render_is_released_when_it_fails(self, client, world):
        with (
            mock.patch.object(publications, "render_pdf", side_effect=RuntimeError("kaputt")),
            pytest.raises(RuntimeError),
        ):
            publications.get_pdf(publications.BROCHURE, dict)
        assert not [key for key in getattr(cache, "_cache", {}) if "wird-erstellt" in str(key)]
        assert client.get("/downloads/kurzbroschuere.pdf").status_code == 200

    def test_cached_pdfs_still_need_no_render_and_drafts_stay_out_of_steckbriefe(
        self, client, world
    ):
        draft = Measure.objects.get(code="SC-1.8")
        assert client.get(f"/massnahmen/{draft.code}/steckbrief.pdf").status_code == 404
        assert world["redaktion"].get(f"/massnahmen/{draft.code}/steckbrief.pdf").status_code == 404
