import base64
import contextlib
import hashlib
import json
import os
import tempfile
from io import StringIO

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Accounts and groups refer to permissions and content types by natural key, so they fit
# any fresh database; groups are known by their name, as every migrated database has the
# roles' groups already (iserlohn_digital/roles.py) and the restore updates them. Content
# keeps its primary keys as they are: the history records refer to content by id, and a
# restore into an empty database keeps those ids. The admin's action log comes last
# (loaddata reads one file in order): it refers to users and content types by natural key
# and to content by id.
GROUPS = ["auth.group"]
ACCOUNTS = ["auth.user"]
CONTENT = ["strategy", "measures", "reports", "otp_totp"]
ADMIN_LOG = ["admin.logentry"]
# After the objects, the stored files they name (the frozen reports' PDF, CSV and JSON):
# {"file": name, "sha256": …, "content": base64}. The restore writes them back before it
# loads the objects, so a restored report points at the very bytes it was frozen with.
FILE_KEY = "file"


def stored_files(objects):
    """The files under MEDIA_ROOT that the objects' file fields name, as backup entries.
    A withdrawn report's files are gone; there is nothing to keep of them."""
    entries = {}
    for obj in objects:
        model = apps.get_model(obj["model"])
        for field in model._meta.concrete_fields:
            name = (
                obj["fields"].get(field.name) if field.get_internal_type() == "FileField" else None
            )
            if not name or name in entries or not default_storage.exists(name):
                continue
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
            entries[name] = {
                FILE_KEY: name,
                "sha256": hashlib.sha256(content).hexdigest(),
                "content": base64.b64encode(content).decode("ascii"),
            }
    return list(entries.values())


def _dump(labels, **options):
    out = StringIO()
    call_command("dumpdata", *labels, stdout=out, verbosity=0, **options)
    return json.loads(out.getvalue())


def write_private(path, text):
    """Writes text to path readable by its owner only (0600), atomically: a temporary file
    in the same directory, created 0600, replaces path only once it is complete."""
    directory = os.path.dirname(os.path.abspath(path))
    # mkstemp creates the file with O_CREAT|O_EXCL and mode 0600, so it is never readable
    # by others; fchmod in case a umask took the owner's bits away too.
    fd, temporary = tempfile.mkstemp(prefix=".backup-", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    # The rename itself survives a crash only once the directory is on disk; not every
    # file system can sync a directory, and the backup is complete either way.
    with contextlib.suppress(OSError):
        directory_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(directory_fd)
        finally:
            os.close(directory_fd)


class Command(BaseCommand):
    help = (
        "Sichert alle Inhalte, Konten, den Änderungsverlauf, das Admin-Protokoll und die "
        "Dateien der eingefrorenen Berichte in eine JSON-Datei (nur für den Eigentümer "
        "lesbar, Modus 0600)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        objects = (
            _dump(GROUPS, natural_foreign=True, natural_primary=True)
            + _dump(ACCOUNTS, natural_foreign=True)
            # The content version only keys caches (a restore starts a new one anyway);
            # pending imports are checked files waiting for a moment, not content; the
            # stored PDFs are made anew from the content by the task worker.
            + _dump(
                CONTENT,
                exclude=[
                    "strategy.contentversion",
                    "measures.pendingimport",
                    "measures.publicationfile",
                ],
            )
            + _dump(ADMIN_LOG, natural_foreign=True)
        )
        objects += stored_files(objects)
        write_private(file, json.dumps(objects, ensure_ascii=False, indent=1))
        self.stdout.write(f"Sicherung geschrieben (nur für den Eigentümer lesbar): {file}")
