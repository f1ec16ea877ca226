import json
import resource
import statistics
import subprocess
import sys
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import override_settings

from measures.models import FieldOfAction, Measure
from measures.views import LIST_PDF_LIMIT

# name → URL of the publication
TARGETS = {
    "Kurzbroschüre": "/downloads/kurzbroschuere.pdf",
    "Digitalisierungsstrategie": "/downloads/digitalisierungsstrategie.pdf",
    "Sachstandsbericht": "/downloads/sachstandsbericht.pdf",
    "Steckbrief": None,  # the first published measure's
    "Maßnahmenliste": None,  # the longest Handlungsfeld a list PDF may hold
}


class Command(BaseCommand):
    help = (
        "Misst für jedes PDF die Zeit des ersten Erzeugens, die Antwortzeit aus dem Cache "
        "und den Spitzenspeicher; jedes PDF in einem eigenen Prozess."
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
            f"{'PDF':<28}{'erstes Erzeugen':>16}{'aus dem Cache':>15}{'Spitzenspeicher':>17}"
            f"{'Größe':>10}"
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
                f"{name:<28}{data['cold_s']:>14.2f} s{data['cached_ms']:>12.1f} ms"
                f"{data['peak_mib']:>13.0f} MiB{data['size_kib']:>7.0f} KiB"
            )


def _url(name):
    if TARGETS[name]:
        return TARGETS[name]
    if name == "Steckbrief":
        return Measure.objects.published().first().get_absolute_url() + "steckbrief.pdf"
    fields = (
        FieldOfAction.objects.published()
        .annotate(count=Count("measures", filter=Q(measures__is_published=True)))
        .filter(count__lte=LIST_PDF_LIMIT)
        .order_by("-count")
    )
    return f"/massnahmen/export.pdf?handlungsfeld={fields.first().slug}"


# One client asks for all of them over plain HTTP: neither a visitor's per-client budget
# nor the redirect to HTTPS applies.
@override_settings(
    ALLOWED_HOSTS=["testserver"], PDF_RENDERS_PER_CLIENT=10**6, SECURE_SSL_REDIRECT=False
)
def measure_one(name):
    url = _url(name)
    client = Client()
    cache.clear()
    start = time.perf_counter()
    response = client.get(url)
    cold = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(30):
        start = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - start)
    return {
        "cold_s": cold,
        "cached_ms": statistics.median(timings) * 1000,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "size_kib": len(response.content) / 1024,
    }
