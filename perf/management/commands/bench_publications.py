import hashlib
import json
import resource
import statistics
import subprocess
import sys
import time

from django.core.management.base import BaseCommand
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import override_settings
from pypdf import PdfReader

from measures import renders
from measures.models import FieldOfAction, Measure, PublicationFile
from measures.views import LIST_PDF_LIMIT

TARGETS = [
    "Kurzbroschüre",
    "Digitalisierungsstrategie",
    "Sachstandsbericht",
    "Steckbrief",  # the first published measure's
    "Maßnahmenliste",  # the longest Handlungsfeld a list PDF may hold
]


class Command(BaseCommand):
    help = (
        "Misst für jedes PDF das Erzeugen im Task-Worker (Zeit, CPU-Zeit und Spitzenspeicher "
        "des Render-Prozesses) und die Antwortzeit der gespeicherten Datei; jedes PDF in einem "
        "eigenen Prozess."
    )

    def add_arguments(self, parser):
        parser.add_argument("--single", help="(intern) nur dieses PDF messen")
        parser.add_argument("--label", default="", help="Bezeichnung der Datenmenge")

    def handle(self, single=None, label="", **options):
        if single:
            self.stdout.write(json.dumps(measure_one(single)))
            return
        count = Measure.objects.published().count()
        self.stdout.write(f"\nPDFs mit {count} veröffentlichten Maßnahmen {label}".rstrip())
        self.stdout.write(
            f"{'PDF':<28}{'Erzeugen':>10}{'CPU':>9}{'Spitzenspeicher':>17}{'Seiten':>8}"
            f"{'ausliefern':>12}{'Größe':>10}"
        )
        for name in TARGETS:
            result = subprocess.run(
                [sys.executable, "manage.py", "bench_publications", "--single", name],
                capture_output=True,
                text=True,
                check=True,
            )
            data = json.loads(result.stdout.strip().splitlines()[-1])
            self.stdout.write(
                f"{name:<28}{data['render_s']:>8.1f} s{data['cpu_s']:>7.1f} s"
                f"{data['peak_mib']:>13.0f} MiB"
                f"{data['pages']:>8}{data['served_ms']:>9.1f} ms{data['size_kib']:>7.0f} KiB"
            )


def _document(name):
    """Kind, key, parameters and address of the publication."""
    Kind = PublicationFile.Kind
    if name == "Kurzbroschüre":
        return Kind.BROCHURE, "", {}, "/downloads/kurzbroschuere.pdf"
    if name == "Digitalisierungsstrategie":
        return Kind.STRATEGY, "", {}, "/downloads/digitalisierungsstrategie.pdf"
    if name == "Sachstandsbericht":
        return Kind.REPORT, "", {}, "/downloads/sachstandsbericht.pdf"
    if name == "Steckbrief":
        measure = Measure.objects.published().order_by("code").first()
        url = measure.get_absolute_url() + "steckbrief.pdf"
        return Kind.MEASURE_SHEET, measure.code, {"code": measure.code}, url
    fields = (
        FieldOfAction.objects.published()
        .annotate(count=Count("measures", filter=Q(measures__is_published=True)))
        .filter(count__lte=LIST_PDF_LIMIT)
        .order_by("-count")
    )
    filters = f"handlungsfeld={fields.first().slug}"
    key = hashlib.sha256(filters.encode()).hexdigest()[:40]
    return Kind.LIST, key, {"filters": filters}, f"/massnahmen/export.pdf?{filters}"


# One client asks for all of them over plain HTTP: the redirect to HTTPS does not apply.
@override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False)
def measure_one(name):
    """Renders the document as the task worker does (renders.run_render: the render in a
    child process with the memory limit) and serves the stored file."""
    kind, key, params, url = _document(name)
    document = renders.request_render(kind, key, params)
    cpu_before = _cpu_seconds()
    start = time.perf_counter()
    renders.run_render(document.pk, document.task_id)
    render_s = time.perf_counter() - start
    cpu_s = _cpu_seconds() - cpu_before
    document.refresh_from_db()
    client = Client()
    timings = []
    for _ in range(30):
        start = time.perf_counter()
        response = client.get(url)
        b"".join(response.streaming_content)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    with document.file.open("rb") as file:
        pages = len(PdfReader(file).pages)
    return {
        "render_s": render_s,
        "cpu_s": cpu_s,
        "peak_mib": document.peak_mib,
        "pages": pages,
        "served_ms": statistics.median(timings) * 1000,
        "size_kib": document.size / 1024,
    }


def _cpu_seconds():
    """CPU time of this process and its finished children (the render's child process):
    steadier than the elapsed time when other work shares the machine."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
