from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from measures import publications
from measures.forms import ReportForm


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
        jobs = [
            (publications.BROCHURE, publications.brochure_context, {}),
            (publications.STRATEGY, publications.strategy_context, {}),
            (
                publications.REPORT,
                lambda: publications.report_context(today, since),
                {"key": publications.report_key(today, since), "day": today},
            ),
        ]
        if not without_sheets:
            for measure in publications.measure_sheet_measures():
                jobs.append(
                    (
                        publications.MEASURE_SHEET,
                        lambda measure=measure: publications.measure_sheet_context(measure),
                        publications.measure_sheet_options(measure),
                    )
                )
        for number, (publication, factory, options_) in enumerate(jobs, start=1):
            # Waits for a render slot of this machine instead of giving up.
            rendered = publications.get_pdf(publication, factory, wait=True, **options_)
            path = target / rendered.filename
            path.write_bytes(rendered.content)
            self.stdout.write(
                f"[{number}/{len(jobs)}] {path} ({filesizeformat(len(rendered.content))})"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(jobs)} Dokumente in {target} geschrieben."))
