import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Accounts and groups refer to permissions and content types by natural key, so they fit
# any fresh database. Everything else keeps its primary keys as they are: the history
# records refer to content by id, and a restore into an empty database keeps those ids.
ACCOUNTS = ["auth.group", "auth.user"]
CONTENT = ["strategy", "measures", "otp_totp"]


def _dump(labels, **options):
    out = StringIO()
    call_command("dumpdata", *labels, stdout=out, verbosity=0, **options)
    return json.loads(out.getvalue())


class Command(BaseCommand):
    help = "Sichert alle Inhalte, Konten und den Änderungsverlauf in eine JSON-Datei."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        objects = _dump(ACCOUNTS, natural_foreign=True) + _dump(
            # The content version only keys caches; a restore starts a new one anyway.
            CONTENT,
            exclude=["strategy.contentversion"],
        )
        Path(file).write_text(json.dumps(objects, ensure_ascii=False, indent=1), encoding="utf-8")
        self.stdout.write(f"Sicherung geschrieben: {file}")
