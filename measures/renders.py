"""The stored PDF publications and their renders in the task worker.

Visitors are only ever served a stored file (measures.models.PublicationFile); nothing is
rendered in their request. After a content change, the Kurzbroschüre, the strategy and
the current Sachstandsbericht are rendered anew once, PUBLICATION_DEBOUNCE later (every
change until then is in that one render); until the new file is ready, visitors get the
previous one, with its own Stand. Steckbriefe, lists and reports for other Stichtage are
rendered on their first request and renewed when requested after a change. However many
ask, a document has at most one render queued or running for the current content.
"""

import datetime
import hashlib
import logging
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone

from iserlohn_digital import ratelimit
from strategy.models import ContentVersion

from . import publications
from .models import Measure, PublicationFile

Kind = PublicationFile.Kind
State = PublicationFile.State

logger = logging.getLogger(__name__)

# The documents renewed after every content change.
MAIN_DOCUMENTS = (Kind.BROCHURE, Kind.STRATEGY, Kind.REPORT)
# A render that has not finished by then was cut off (a worker that died); it no longer
# keeps another from starting.
RENDER_TIMEOUT = datetime.timedelta(minutes=15)

TOO_MANY = (
    "Von Ihrem Anschluss wurden in kurzer Zeit viele neue Dokumente angefordert. Bitte "
    "versuchen Sie es später noch einmal; die Kurzbroschüre und die übrigen Dokumente der "
    "Downloads-Seite stehen sofort bereit."
)


def current_report_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Stichtag and start of the current Sachstandsbericht: today, since the end of the
    quarter before."""
    from .forms import ReportForm

    return today, ReportForm.default_since(today)


def stored(kind: str, key: str = "") -> PublicationFile | None:
    return PublicationFile.objects.filter(kind=kind, key=key).first()


def is_current(document: PublicationFile, version: int, today: datetime.date) -> bool:
    """Whether the stored file shows the current content (the current report: of today)."""
    if not document.has_file or document.version != version:
        return False
    if document.kind == Kind.REPORT and document.key == "":
        return document.params.get("stichtag") == today.isoformat()
    return True


def _render_pending(document: PublicationFile, version: int, due: datetime.datetime) -> bool:
    """Whether a render that will show `version` is queued (to start by `due`) or
    running."""
    from .tasks import render_publication

    if not document.task_id or document.state not in (State.QUEUED, State.RUNNING):
        return False
    if document.state == State.RUNNING:
        return (
            document.rendering_version == version
            and document.started_at is not None
            and timezone.now() - document.started_at < RENDER_TIMEOUT
        )
    try:
        result = render_publication.get_result(document.task_id)
    except TaskResultDoesNotExist:
        return False
    # A queued task renders whatever the content is when it starts; one that waits
    # longer than asked (a change's delay, when a first visitor asks) is overtaken.
    run_after = result.task.run_after
    return result.status == "READY" and (run_after is None or run_after <= due)


def request_render(
    kind: str,
    key: str = "",
    params: dict | None = None,
    *,
    delay: datetime.timedelta | None = None,
    client: str | None = None,
) -> PublicationFile:
    """Makes sure a render of the current content is queued or running for the document,
    to start `delay` from now (or sooner), and returns the document's row. `client`, an
    anonymous visitor's address, may ask for at most PDF_RENDERS_PER_CLIENT documents
    that do not exist yet in PDF_RENDER_WINDOW (RenderRefused 429 beyond)."""
    from .tasks import render_publication

    version = ContentVersion.number_and_time()[0]
    now = timezone.now()
    try:
        with transaction.atomic():
            document = (
                PublicationFile.objects.select_for_update().filter(kind=kind, key=key).first()
            )
            if document is None:
                if client is not None:
                    verdict = ratelimit.hit(
                        "pdf",
                        client,
                        limit=settings.PDF_RENDERS_PER_CLIENT,
                        window=settings.PDF_RENDER_WINDOW,
                    )
                    if not verdict.allowed:
                        raise publications.RenderRefused(429, verdict.retry_after, TOO_MANY)
                document = PublicationFile.objects.create(kind=kind, key=key, params=params or {})
            elif _render_pending(document, version, now + (delay or datetime.timedelta(0))):
                return document
            task = render_publication
            if delay:
                task = task.using(run_after=now + delay)
            result = task.enqueue(document.pk)
            document.task_id = str(result.id)
            document.state = State.QUEUED
            document.requested_at = now
            document.save(update_fields=["task_id", "state", "requested_at"])
            return document
    except IntegrityError:
        # Created by a parallel request in the meantime, with its render.
        return stored(kind, key)


def mark_requested(document: PublicationFile) -> None:
    """Notes that the document is still asked for (at most one write a day), so that
    `prune` keeps it."""
    now = timezone.now()
    if now - document.requested_at > datetime.timedelta(days=1):
        PublicationFile.objects.filter(pk=document.pk).update(requested_at=now)


def renew_main_documents(delay: datetime.timedelta | None = None, **kwargs):
    """After a content change: the main documents are rendered anew, once."""
    if delay is None:
        delay = settings.PUBLICATION_DEBOUNCE
    for kind in MAIN_DOCUMENTS:
        request_render(kind, delay=delay)


def wait_for_file(document: PublicationFile, seconds: float) -> PublicationFile:
    """The document once its file exists or its render failed, or after `seconds`."""
    deadline = time.monotonic() + seconds
    while not document.has_file and document.state != State.FAILED:
        if time.monotonic() >= deadline:
            break
        time.sleep(0.2)
        document = PublicationFile.objects.get(pk=document.pk)
    return document


def _build(document: PublicationFile, progress) -> tuple[publications.Rendered, dict]:
    """Builds the document with the one function of its kind; returns it and the params
    it was built for."""
    params = document.params
    if document.kind == Kind.BROCHURE:
        return publications.brochure(progress), params
    if document.kind == Kind.STRATEGY:
        return publications.strategy(progress), params
    if document.kind == Kind.REPORT:
        if document.key == "":
            as_of, since = current_report_period(timezone.localdate())
        else:
            as_of = datetime.date.fromisoformat(params["stichtag"])
            since = datetime.date.fromisoformat(params["seit"])
        rendered = publications.report(as_of, since, progress)
        return rendered, {"stichtag": as_of.isoformat(), "seit": since.isoformat()}
    if document.kind == Kind.MEASURE_SHEET:
        measure = Measure.objects.published().get(code=params["code"])
        return publications.measure_sheet(measure, progress), params
    return publications.measure_list(params["filters"], progress), params


def run_render(document_id: int, task_id: str) -> str:
    """The task: renders the document from the current content unless its file shows it
    already, stores the new file and then deletes the previous one."""
    document = PublicationFile.objects.filter(pk=document_id).first()
    if document is None:
        return "gelöscht"
    version = ContentVersion.current()
    rows = PublicationFile.objects.filter(pk=document_id)
    if is_current(document, version.number, timezone.localdate()):
        rows.filter(task_id=task_id).update(state=State.READY, progress="")
        return "aktuell"
    rows.update(
        state=State.RUNNING,
        task_id=task_id,
        rendering_version=version.number,
        started_at=timezone.now(),
        progress="Daten werden zusammengestellt",
        error="",
    )

    def progress(note):
        rows.update(progress=note[:200])

    try:
        rendered, params = _build(document, progress)
    except Exception as error:
        rows.filter(task_id=task_id).update(state=State.FAILED, progress="", error=str(error))
        raise
    digest = hashlib.sha256(document.key.encode()).hexdigest()[:12]
    name = default_storage.save(
        f"publikationen/{document.kind}-{digest}-{rendered.version}.pdf",
        ContentFile(rendered.content),
    )
    previous = document.file.name
    fields = {
        "file": name,
        "filename": rendered.filename,
        "size": len(rendered.content),
        "etag": rendered.etag,
        "version": rendered.version,
        "stand": rendered.stand,
        "rendered_at": timezone.now(),
        "render_seconds": round(rendered.seconds, 2),
        "peak_mib": rendered.peak_mib,
        "params": params,
        "progress": "",
    }
    with transaction.atomic():
        rows.update(**fields)
        # Ready unless a newer render was queued meanwhile.
        rows.filter(task_id=task_id).update(state=State.READY)
        if previous and previous != name:
            transaction.on_commit(lambda: default_storage.delete(previous))
    prune()
    return f"{rendered.filename}, {len(rendered.content)} Bytes"


def prune(today: datetime.date | None = None) -> int:
    """Deletes the Steckbriefe, lists and other reports nobody asked for in
    PUBLICATION_KEEP_DAYS days, with their files."""
    limit = timezone.now() - datetime.timedelta(days=settings.PUBLICATION_KEEP_DAYS)
    old = PublicationFile.objects.filter(requested_at__lt=limit).exclude(
        kind__in=MAIN_DOCUMENTS, key=""
    )
    names = [name for name in old.values_list("file", flat=True) if name]
    deleted, _ = old.delete()
    for name in names:
        default_storage.delete(name)
    return deleted


def downloads(today: datetime.date) -> list[dict]:
    """The downloads page's entries: each main document with its stored file's size,
    Stand and name, and whether a newer one is being made."""
    version = ContentVersion.number_and_time()[0]
    documents = {
        document.kind: document
        for document in PublicationFile.objects.filter(kind__in=MAIN_DOCUMENTS, key="")
    }
    entries = []
    for kind, publication, url_name in (
        (Kind.BROCHURE, publications.BROCHURE, "measures:brochure-pdf"),
        (Kind.STRATEGY, publications.STRATEGY, "measures:strategy-pdf"),
        (Kind.REPORT, publications.REPORT, "measures:report-pdf"),
    ):
        document = documents.get(kind)
        ready = document is not None and document.has_file
        entries.append(
            {
                "publication": publication,
                "url_name": url_name,
                "document": document if ready else None,
                "renewing": not ready or not is_current(document, version, today),
            }
        )
    return entries
