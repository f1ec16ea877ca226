"""PDF rendering: a template and its context in, tagged PDF/UA-1 bytes out.

Views and commands only wrap `render_pdf`. Stylesheets, fonts and images are read from the
static files on disk; the renderer never fetches anything over the network, not even
from this site.
"""

import contextlib
import fcntl
import io
import mimetypes
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

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
) -> bytes:
    """Render a template to a tagged PDF/UA-1 document in German, in one of the server's
    render slots (RenderBusy if none is free).

    The template sets the document's language (`<html lang="de">`), its title (shown by
    the PDF reader instead of the file name) and its metadata (`<meta name="author">`,
    `description`, `keywords`); headings become bookmarks. `attachments` are embedded
    files, each as (file name, content, description).
    """
    with render_slot(wait):
        html = render_to_string(template_name, context)
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFileFetcher())
        return document.write_pdf(
            pdf_variant="pdf/ua-1",
            uncompressed_pdf=False,
            attachments=[
                Attachment(file_obj=io.BytesIO(content), name=name, description=description)
                for name, content, description in attachments
            ],
        )
