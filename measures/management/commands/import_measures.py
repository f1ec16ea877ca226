from django.core.management.base import BaseCommand, CommandError

from measures.csv_io import decode_upload, import_measures


class Command(BaseCommand):
    help = (
        "Importiert Maßnahmen aus einer CSV-Datei im Format des Exports. Mit --probelauf "
        "wird nur geprüft. Bei einem Fehler in irgendeiner Zeile wird nichts geschrieben. Ein "
        "Apostroph am Anfang einer Zelle wird entfernt (so schützt der Export vor Formeln)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--probelauf", action="store_true", help="nur prüfen")
        parser.add_argument(
            "--vermerk",
            default="",
            help="Vermerk für Zeilen, die Status oder Fortschritt ändern (als Statusmeldung)",
        )

    def handle(self, file, probelauf=False, vermerk="", **options):
        try:
            with open(file, "rb") as stream:
                text = decode_upload(stream.read())
        except OSError as error:
            raise CommandError(f"{file} lässt sich nicht lesen: {error}") from error
        result = import_measures(text, dry_run=probelauf, note=vermerk)
        for row in result.rows:
            detail = "; ".join(row.errors) if row.errors else ", ".join(row.changed_columns)
            self.stdout.write(f"Zeile {row.line} {row.code}: {row.outcome} {detail}".rstrip())
        self.stdout.write(result.summary())
        if result.errors:
            raise CommandError("Die Datei enthält Fehler; es wurde nichts geschrieben.")
        self.stdout.write("Probelauf: nichts geschrieben." if probelauf else "Import geschrieben.")
