import json
import resource
import statistics
import subprocess
import sys
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.test import Client
from django.test.utils import override_settings

from measures.models import Measure

# name → URL of the publication
TARGETS = {
    "Kurzbroschüre": "/downloads/kurzbroschuere.pdf",
    "Digitalisierungsstrategie": "/downloads/digitalisierungsstrategie.pdf",
    "Sachstandsbericht": "/downloads/sachstandsbericht.pdf",
    "Steckbrief": None,  # the first published measure's
    "Maßnahmenliste": "/massnahmen/export.pdf",
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
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            data = json.loads(result.stdout.strip().splitlines()[-1])
            self.stdout.write(
                f"{name:<28}{data['cold_s']:>14.2f} s{data['cached_ms']:>12.1f} ms"
                f"{data['peak_mib']:>13.0f} MiB{data['size_kib']:>7.0f} KiB"
            )


@override_settings(ALLOWED_HOSTS=["testserver"])
def measure_one(name):
    url = TARGETS[name] or Measure.objects.published().first().get_absolute_url() + "steckbrief.pdf"
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
