import base64
import hashlib
import json
import os
import tempfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from measures.models import Measure
from measures.updates import refresh_last_update
from strategy.models import Principle

from .backup import FILE_KEY, write_private


class Command(BaseCommand):
    help = (
        "Stellt eine Sicherung (manage.py backup) in einer frisch migrierten, leeren "
        "Datenbank wieder her, samt den Dateien der eingefrorenen Berichte."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        if Principle.objects.exists() or Measure.objects.exists():
            raise CommandError(
                "Die Datenbank enthält schon Inhalte. Eine Sicherung wird nur in eine leere, "
                "frisch migrierte Datenbank eingespielt."
            )
        with open(file, encoding="utf-8") as backup:
            entries = json.load(backup)
        files = [entry for entry in entries if FILE_KEY in entry]
        objects = [entry for entry in entries if FILE_KEY not in entry]
        contents = {entry[FILE_KEY]: _checked(entry) for entry in files}
        for name, content in contents.items():
            _write(name, content)
        # loaddata reads the file in order: accounts, then content, then the admin's action
        # log, so the users and objects each entry refers to exist before it. The backup
        # holds the history itself; loading must not add records to it.
        with tempfile.TemporaryDirectory(prefix="restore-") as folder:
            fixture = os.path.join(folder, "sicherung.json")
            write_private(fixture, json.dumps(objects, ensure_ascii=False))
            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("loaddata", fixture, verbosity=0)
        # A backup leaves out what is derived from the status updates.
        refresh_last_update()
        self.stdout.write(f"Sicherung eingespielt: {file} ({len(contents)} Dateien)")


def _checked(entry) -> bytes:
    content = base64.b64decode(entry["content"])
    if hashlib.sha256(content).hexdigest() != entry["sha256"]:
        raise CommandError(f"Die Datei {entry[FILE_KEY]} in der Sicherung ist beschädigt.")
    return content


def _write(name, content):
    """Writes a stored file back under its own name; one that is there already must be the
    same bytes (a frozen file never changes), else the restore stops."""
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            if handle.read() != content:
                raise CommandError(
                    f"Unter MEDIA_ROOT liegt schon eine andere Datei {name}; bitte in ein "
                    "leeres MEDIA_ROOT einspielen."
                )
        return
    if default_storage.save(name, ContentFile(content)) != name:
        raise CommandError(f"Die Datei {name} ließ sich nicht unter ihrem Namen anlegen.")
