from django.core.management import call_command
from django.core.management.base import BaseCommand

# Everything an installation holds that is not rebuilt by migrate: accounts and groups,
# the whole strategy with its history, second-factor devices. References to content
# types and permissions go by natural key, so a restore works on any fresh database.
BACKUP_CONTENT = ["auth.group", "auth.user", "strategy", "measures", "otp_totp"]


class Command(BaseCommand):
    help = "Sichert alle Inhalte, Konten und den Änderungsverlauf in eine JSON-Datei."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        call_command(
            "dumpdata",
            *BACKUP_CONTENT,
            # The content version only keys caches; a restore starts a new one anyway.
            exclude=["strategy.contentversion"],
            natural_foreign=True,
            indent=1,
            output=file,
            verbosity=0,
        )
        self.stdout.write(f"Sicherung geschrieben: {file}")
