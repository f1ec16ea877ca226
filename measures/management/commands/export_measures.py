import sys

from django.core.management.base import BaseCommand

from measures.csv_io import export_measures
from measures.models import Measure


class Command(BaseCommand):
    help = (
        "Schreibt alle Maßnahmen als CSV (Format des Imports) in eine Datei oder auf stdout. "
        "Zellen, die eine Tabellenkalkulation als Formel ausführen würde (Anfang = + - @), "
        "und Zellen mit Apostroph am Anfang erhalten einen Apostroph davor; der Import "
        "entfernt ihn wieder."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Zieldatei; ohne Angabe stdout")

    def handle(self, file=None, **options):
        if file:
            # With a byte order mark, by which German Excel recognises UTF-8.
            with open(file, "w", encoding="utf-8-sig", newline="") as stream:
                count = export_measures(Measure.objects.all(), stream)
            self.stderr.write(f"{count} Maßnahmen nach {file} geschrieben.")
        else:
            export_measures(Measure.objects.all(), sys.stdout)
