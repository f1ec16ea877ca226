import datetime

from django.core.management.base import BaseCommand

from measures import renders


class Command(BaseCommand):
    help = (
        "Lässt die Kurzbroschüre, die Digitalisierungsstrategie und den aktuellen "
        "Sachstandsbericht vom Task-Worker neu erstellen, sofern ihre gespeicherte Datei "
        "nicht den aktuellen Inhalt zeigt (z. B. nach dem Einspielen neuer Daten)."
    )

    def handle(self, **options):
        renders.renew_main_documents(delay=datetime.timedelta(0))
        self.stdout.write("Die Hauptdokumente werden vom Task-Worker erstellt (db_worker).")
