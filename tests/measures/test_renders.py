"""The PDFs are rendered by the task worker, never in a visitor's request: after an edit
the previous file is served at once and the new one once the worker is done; however many
ask, a document is rendered once; edits close together cause one render."""

import datetime
import io
import threading
import time
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from iserlohn_digital.pdf import render_pdf, render_slot
from measures import publications, renders
from measures.models import Measure, PublicationFile
from tests.builders import make_world
from tests.worker import run_queued_tasks, run_worker, worker_running

pytestmark = pytest.mark.django_db

STRATEGY = "/downloads/digitalisierungsstrategie.pdf"
BROCHURE = "/downloads/kurzbroschuere.pdf"


def text_of(response):
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def wait_until(condition, what):
    """An upper bound for the worker, not a measure of its speed."""
    deadline = time.monotonic() + 300
    while not condition():
        assert time.monotonic() < deadline, f"Der Worker hat nicht {what}."
        time.sleep(0.1)


def nothing_queued():
    return not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()


def rename(measure, title):
    measure.title = title
    measure.save()


@pytest.mark.django_db(transaction=True)
def test_with_the_worker_running_an_edit_serves_the_previous_file_until_the_new_one_is_ready(
    client, settings
):
    settings.PUBLICATION_DEBOUNCE = datetime.timedelta(0)
    # The first visitor waits for the first render (a second or two in real life).
    settings.PUBLICATION_WAIT = 300
    measure = make_world(1)["measures"][0]
    with worker_running():
        first = client.get(BROCHURE)
        etag = first["ETag"]
        assert measure.title in text_of(first)
        wait_until(nothing_queued, "die Hauptdokumente erstellt")
        with render_slot(wait=True):  # the worker's next render waits for this slot
            rename(measure, "Neuer Titel nach der Redaktion")
            during = client.get(BROCHURE)
            assert during["ETag"] == etag
            text = text_of(during)
            assert measure.title not in text and "Neuer Titel" not in text
            downloads = client.get("/downloads/").text
            assert "wird das Dokument aktualisiert" in downloads
        wait_until(nothing_queued, "das neue Dokument erstellt")
        after = client.get(BROCHURE)
        assert after["ETag"] != etag
        assert "Neuer Titel nach der Redaktion" in text_of(after)
        assert "wird das Dokument aktualisiert" not in client.get("/downloads/").text


def parallel_requests(path, count=10):
    answers = []

    def request():
        try:
            answers.append(Client().get(path))
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_requests_for_the_strategy_after_an_edit_cause_one_render(settings):
    settings.PUBLICATION_DEBOUNCE = datetime.timedelta(0)
    measure = make_world(2)["measures"][0]
    run_worker()
    etag = PublicationFile.objects.get(kind="digitalisierungsstrategie").etag
    rename(measure, "Geändert")
    with mock.patch.object(publications, "strategy", wraps=publications.strategy) as strategy:
        answers = parallel_requests(STRATEGY)
        assert [answer.status_code for answer in answers] == [200] * 10
        assert {answer["ETag"] for answer in answers} == {etag}
        strategy.assert_not_called()  # not in any request
        run_worker()
        assert strategy.call_count == 1
    assert Client().get(STRATEGY)["ETag"] != etag


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_first_requests_for_a_steckbrief_cause_one_render(settings):
    measure = make_world(1)["measures"][0]
    path = f"/massnahmen/{measure.code}/steckbrief.pdf"
    answers = parallel_requests(path)
    assert [answer.status_code for answer in answers] == [202] * 10
    assert "wird erstellt" in answers[0].text
    sheet = PublicationFile.objects.get(kind="steckbrief")
    queued = [task for task in DBTaskResult.objects.all() if task.args_kwargs["args"] == [sheet.pk]]
    assert len(queued) == 1
    with mock.patch.object(
        publications, "measure_sheet", wraps=publications.measure_sheet
    ) as sheet:
        run_worker()
        assert sheet.call_count == 1
    assert measure.title in text_of(Client().get(path))


@pytest.mark.django_db(transaction=True)
def test_ten_edits_within_a_minute_cause_one_render_of_each_main_document(settings):
    settings.PUBLICATION_DEBOUNCE = datetime.timedelta(minutes=1)
    before = timezone.now()
    measure = make_world(1)["measures"][0]
    for number in range(10):
        rename(measure, f"Titel Nummer {number}")
    tasks = DBTaskResult.objects.all()
    assert tasks.count() == 3
    for task in tasks:
        assert before + datetime.timedelta(seconds=59) < task.run_after
        assert task.run_after < timezone.now() + datetime.timedelta(seconds=61)
    assert run_queued_tasks() == 0  # not due yet
    tasks.update(run_after=timezone.now())  # a minute later
    with mock.patch.object(publications, "render_pdf", wraps=publications.render_pdf) as render:
        assert run_queued_tasks() == 3
        assert render.call_count == 3
    assert "Titel Nummer 9" in text_of(Client().get(BROCHURE))


def test_a_render_reports_its_progress_and_peak_memory(settings):
    measure = make_world(1)["measures"][0]
    notes, stats = [], {}
    content = render_pdf(
        "pdf/steckbrief.html",
        {"measure": Measure.objects.get(pk=measure.pk), "publication": publications.MEASURE_SHEET},
        isolated=True,
        progress=notes.append,
        stats=stats,
    )
    assert content.startswith(b"%PDF-")
    assert "Seiten werden gesetzt: Seite 1" in notes
    assert notes[-1] == "PDF wird abgeschlossen"
    assert 20 < stats["peak_mib"] < settings.PDF_RENDER_MEMORY_LIMIT_MIB


def test_documents_nobody_asked_for_in_a_while_are_deleted_with_their_files(client, settings):
    settings.PUBLICATION_KEEP_DAYS = 90
    make_world(2)
    for code in ("SC-1.1", "SC-1.2"):
        client.get(f"/massnahmen/{code}/steckbrief.pdf")
    renders.renew_main_documents(delay=datetime.timedelta(0))
    run_queued_tasks()
    long_ago = timezone.now() - datetime.timedelta(days=91)
    PublicationFile.objects.update(requested_at=long_ago)
    client.get("/massnahmen/SC-1.1/steckbrief.pdf")  # still asked for
    old = PublicationFile.objects.get(key="SC-1.2")
    assert renders.prune() == 1
    assert not old.file.storage.exists(old.file.name)
    kept = set(PublicationFile.objects.values_list("kind", "key"))
    assert kept == {
        ("kurzbroschuere", ""),
        ("digitalisierungsstrategie", ""),
        ("sachstandsbericht", ""),
        ("steckbrief", "SC-1.1"),
    }


def test_a_first_request_and_make_run_do_not_wait_for_the_delay_of_a_change(client, settings):
    settings.PUBLICATION_DEBOUNCE = datetime.timedelta(minutes=1)
    make_world(1)
    renders.renew_main_documents()  # as after a change: due in a minute
    assert run_queued_tasks() == 0
    # The first visitor's request for the brochure queues a render due at once.
    assert client.get(BROCHURE).status_code == 202
    assert run_queued_tasks() == 1
    assert client.get(BROCHURE).status_code == 200
    # `renew_publications` (make run, after loading data) too, for the other two.
    call_command("renew_publications", stdout=io.StringIO())
    with mock.patch.object(publications, "render_pdf", wraps=publications.render_pdf) as render:
        run_queued_tasks()
        assert render.call_count == 2  # the brochure is current already
    assert {d.state for d in PublicationFile.objects.all()} == {PublicationFile.State.READY}
