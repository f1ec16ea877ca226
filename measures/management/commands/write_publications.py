from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from measures import publications
from measures.forms import ReportForm
from measures.models import Measure


class Command(BaseCommand):
    help = (
        "Schreibt alle Veröffentlichungen als PDF in einen Ordner: Kurzbroschüre, "
        "Digitalisierungsstrategie, Sachstandsbericht und den Steckbrief jeder Maßnahme."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Zielordner; wird angelegt, falls nötig.")
        parser.add_argument(
            "--ohne-steckbriefe",
            dest="without_sheets",
            action="store_true",
            help="Nur die drei Hauptdokumente.",
        )

    def handle(self, folder, without_sheets=False, **options):
        target = Path(folder)
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Ordner {target} lässt sich nicht anlegen: {error}") from error
        today = timezone.localdate()
        since = ReportForm.default_since(today)
        # The same functions the task worker builds the stored files with.
        jobs = [
            publications.brochure,
            publications.strategy,
            lambda: publications.report(today, since),
        ]
        if not without_sheets:
            jobs += [
                lambda measure=measure: publications.measure_sheet(measure)
                for measure in Measure.objects.published().order_by("code")
            ]
        for number, build in enumerate(jobs, start=1):
            rendered = build()
            path = target / rendered.filename
            path.write_bytes(rendered.content)
            self.stdout.write(
                f"[{number}/{len(jobs)}] {path} ({filesizeformat(len(rendered.content))})"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(jobs)} Dokumente in {target} geschrieben."))
