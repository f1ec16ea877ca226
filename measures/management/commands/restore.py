from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from measures.models import Measure
from strategy.models import Principle


class Command(BaseCommand):
    help = (
        "Stellt eine Sicherung (manage.py backup) in einer frisch migrierten, leeren "
        "Datenbank wieder her."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        if Principle.objects.exists() or Measure.objects.exists():
            raise CommandError(
                "Die Datenbank enthält schon Inhalte. Eine Sicherung wird nur in eine leere, "
                "frisch migrierte Datenbank eingespielt."
            )
        # loaddata reads the file in order: accounts, then content, then the admin's action
        # log, so the users and objects each entry refers to exist before it. The backup
        # holds the history itself; loading must not add records to it.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", file, verbosity=0)
        self.stdout.write(f"Sicherung eingespielt: {file}")
