"""PDF rendering: a template and its context in, tagged PDF/UA-1 bytes out.

The task worker, commands and the editors' previews only wrap `render_pdf`. Stylesheets,
fonts and images are read from the static files on disk; the renderer never fetches
anything over the network, not even from this site.
"""

import contextlib
import fcntl
import io
import logging
import mimetypes
import os
import resource
import struct
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .pdf_structure import fix_structure, record_boxes

# Relative links in the templates resolve against this address; the fetcher below maps
# its static paths to files and refuses everything else.
BASE_URL = "https://pdf.invalid/"


class StaticFileFetcher(URLFetcher):
    """Serves /static/… from the collected (or, in development, the source) static files
    and refuses every other URL, so a PDF can never trigger a network request."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
            raise ValueError(f"Externe Adresse im PDF nicht erlaubt: {url}")
        path = unquote(parts.path)
        if not path.startswith(settings.STATIC_URL):
            raise ValueError(f"Nur statische Dateien dürfen ins PDF: {url}")
        file = _static_file(path.removeprefix(settings.STATIC_URL))
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, file.read_bytes(), headers={"Content-Type": content_type})


def _static_file(name: str) -> Path:
    root = Path(settings.STATIC_ROOT).resolve()
    collected = (root / name).resolve()
    if collected.is_relative_to(root) and collected.is_file():
        return collected
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(found)


# The only pydyf release `patch_pydyf` was written for and tested against
# (tests/iserlohn_digital/test_pdf_patch.py); pyproject.toml pins pydyf to it.
PYDYF_PATCHED_VERSION = "0.13.0"


def _page_references(pdf):
    # pydyf rebuilds this tuple of all pages on every access, and tagging a PDF/UA
    # document reads it once per structure element: quadratic in the page count (a
    # 500-page strategy spent most of its time here). pydyf and WeasyPrint only ever
    # append to the page list (`PDF.add_page`), so the tuple is cached per list and
    # length.
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_page_references")
    if cached is None or cached[0] is not kids or cached[1] != len(kids):
        references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        cached = (kids, len(kids), references)
        pdf.__dict__["_page_references"] = cached
    return cached[2]


def patch_pydyf():
    """Replace `pydyf.PDF.page_references` with the cached `_page_references` (same
    result, linear instead of quadratic). Called once at startup, from
    `iserlohn_digital.apps.PortalConfig.ready`; calling it again changes nothing.

    Refuses any pydyf other than PYDYF_PATCHED_VERSION with ImproperlyConfigured, before
    touching pydyf: the patch relies on that release's internals (the page list in
    `pdf.pages["Kids"]`, grown only by `add_page`), so a new release must be checked
    against it before the portal starts.
    """
    if pydyf.__version__ != PYDYF_PATCHED_VERSION:
        raise ImproperlyConfigured(
            f"pydyf {pydyf.__version__} is installed, but iserlohn_digital.pdf.patch_pydyf "
            f"was written for pydyf {PYDYF_PATCHED_VERSION}. Install the version pinned in "
            "pyproject.toml, or compare PDF.page_references of the new version with "
            "_page_references, run tests/iserlohn_digital/test_pdf_patch.py and update "
            "PYDYF_PATCHED_VERSION and the pin."
        )
    if pydyf.PDF.__dict__["page_references"].fget is not _page_references:
        pydyf.PDF.page_references = property(_page_references)


class RenderBusy(Exception):
    """Every render slot of this server is taken; the caller answers 503 with Retry-After."""


@contextlib.contextmanager
def render_slot(wait=False):
    """One of PDF_RENDER_SLOTS slots of this server (all its worker processes and threads
    together), taken without waiting; RenderBusy when all are in use.

    Rendering is CPU-bound: with the slots capped below the number of cores, PDFs can
    never take the processor from page requests. The slots are file locks, which the
    operating system releases when a process dies.
    """
    folder = Path(settings.PDF_RENDER_LOCK_DIR or Path(tempfile.gettempdir(), "iserlohn-pdf"))
    folder.mkdir(parents=True, exist_ok=True)
    slots = range(settings.PDF_RENDER_SLOTS)
    for number in slots[:1] if wait else slots:
        descriptor = os.open(folder / f"slot-{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(descriptor)
            continue
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
            os.close(descriptor)
        return
    raise RenderBusy


def render_pdf(
    template_name: str,
    context: dict,
    *,
    wait: bool = False,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    isolated: bool = False,
    progress: Callable[[str], None] | None = None,
    stats: dict | None = None,
) -> bytes:
    """Render a template to a tagged PDF/UA-1 document in German, in one of the server's
    render slots (RenderBusy if none is free; with `wait`, wait for one).

    The template sets the document's language (`<html lang="de">`), its title (shown by
    the PDF reader instead of the file name) and its metadata (`<meta name="author">`,
    `description`, `keywords`); headings become bookmarks. `attachments` are embedded
    files, each as (file name, content, description). WeasyPrint's structure tree is
    corrected afterwards (`iserlohn_digital.pdf_structure.fix_structure`).

    With `isolated` (the task worker), the template is rendered here and the layout runs
    in a child process limited to PDF_RENDER_MEMORY_LIMIT_MIB of address space, so a
    render can neither exhaust the machine's memory nor keep it; `progress` is called
    with a German note as the layout advances, and `stats` receives the render's
    `seconds` and the child's `peak_mib` (maximum resident memory).
    """
    with render_slot(wait):
        started = time.monotonic()
        html = render_to_string(template_name, context)
        files = [(name, content, description) for name, content, description in attachments]
        if isolated:
            content, peak_mib = _in_child(lambda: _write(html, files), progress)
        else:
            content, peak_mib = _write(html, files), None
        if stats is not None:
            stats.update(seconds=time.monotonic() - started, peak_mib=peak_mib)
        return content


def _write(html: str, attachments) -> bytes:
    """Lays out and writes the PDF, then corrects its structure tree (pdf_structure)."""
    with record_boxes() as origins:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFileFetcher())
        written = document.write_pdf(
            pdf_variant="pdf/ua-1",
            uncompressed_pdf=False,
            attachments=[
                Attachment(file_obj=io.BytesIO(content), name=name, description=description)
                for name, content, description in attachments
            ],
        )
        return fix_structure(written, origins)


class RenderFailed(Exception):
    """The child process that rendered a PDF failed, ran out of memory or was killed."""


# Frames from the child: a kind byte, the payload's length, the payload.
_PROGRESS, _RESULT, _ERROR = b"P", b"R", b"E"
_HEADER = struct.Struct("!cQ")


class _PipeProgress(logging.Handler):
    """Passes WeasyPrint's progress messages ("Step 5 - Creating layout - Page 12") to the
    parent as short German notes."""

    def __init__(self, send):
        super().__init__(logging.INFO)
        self.send = send
        self.last_page = 0.0
        self.last_note = ""

    def emit(self, record):
        note = _progress_note(record.getMessage())
        if note.startswith("Seiten"):
            # At most two page notes a second.
            now = time.monotonic()
            if now - self.last_page < 0.5:
                return
            self.last_page = now
        if note != self.last_note:
            self.last_note = note
            self.send(_PROGRESS, note.encode())


def _progress_note(message: str) -> str:
    if "Creating layout - Page" in message:
        return "Seiten werden gesetzt: Seite " + message.rsplit(" ", 1)[-1]
    if "Creating PDF" in message:
        return "PDF wird geschrieben"
    if "Adding PDF metadata" in message:
        return "PDF wird abgeschlossen"
    return "Dokument wird vorbereitet"


def _in_child(build: Callable[[], bytes], progress) -> tuple[bytes, int]:
    """Runs `build` in a forked child with the memory limit and returns its bytes and the
    child's peak resident memory in MiB. The child touches no database connection: the
    caller has rendered the HTML already."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        out = os.fdopen(write_end, "wb")

        def send(kind, payload):
            out.write(_HEADER.pack(kind, len(payload)) + payload)
            out.flush()

        status = 1
        try:
            limit = settings.PDF_RENDER_MEMORY_LIMIT_MIB * 1024 * 1024
            if limit:
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            progress_logger = logging.getLogger("weasyprint.progress")
            progress_logger.setLevel(logging.INFO)
            progress_logger.propagate = False
            progress_logger.addHandler(_PipeProgress(send))
            content = build()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            send(_RESULT, struct.pack("!Q", peak) + content)
            status = 0
        except MemoryError:
            send(_ERROR, b"Speichergrenze der PDF-Erzeugung erreicht")
        except BaseException:  # everything reaches the parent, which raises it
            send(_ERROR, traceback.format_exc().encode())
        finally:
            os._exit(status)
    os.close(write_end)
    result = error = None
    with os.fdopen(read_end, "rb") as incoming:
        while header := incoming.read(_HEADER.size):
            kind, length = _HEADER.unpack(header)
            payload = incoming.read(length)
            if kind == _PROGRESS and progress is not None:
                progress(payload.decode())
            elif kind == _RESULT:
                result = (payload[8:], struct.unpack("!Q", payload[:8])[0])
            elif kind == _ERROR:
                error = payload.decode(errors="replace")
    _, wait_status = os.waitpid(pid, 0)
    if result is None:
        if os.WIFSIGNALED(wait_status):
            error = f"Prozess der PDF-Erzeugung beendet (Signal {os.WTERMSIG(wait_status)})"
        raise RenderFailed(error or "PDF-Erzeugung ohne Ergebnis beendet")
    return result
