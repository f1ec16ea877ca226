"""A CSV file that passed the dry run and waits on the server for its real import."""

import datetime
import hashlib
import uuid

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

# Checked files not imported within this time are deleted, and their tokens expire.
KEEP_FOR = datetime.timedelta(days=1)
TOKEN_SALT = "measures.pendingimport"

TOKEN_INVALID = (
    "Der Verweis auf die geprüfte Datei ist ungültig. Bitte die Datei erneut hochladen und prüfen."
)
TOKEN_EXPIRED = (
    "Die Prüfung liegt mehr als einen Tag zurück. Bitte die Datei erneut hochladen und prüfen."
)
NOT_YOURS = (
    "Die geprüfte Datei ist nicht mehr vorhanden oder wurde nicht von Ihnen hochgeladen. "
    "Bitte die Datei erneut hochladen und prüfen."
)


def content_digest(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


class PendingImport(models.Model):
    """A checked CSV file with the plan its dry run showed, kept here so that it need not
    travel back through the browser; the real import writes only that plan."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pending_imports",
        verbose_name="hochgeladen von",
    )
    content = models.TextField("Inhalt")
    digest = models.CharField("Prüfsumme (SHA-256)", max_length=64)
    plan = models.JSONField(
        "Ergebnis des Probelaufs",
        default=list,
        help_text="Je Zeile: was der Import tut und jede Änderung mit dem bisherigen Wert.",
    )
    created_at = models.DateTimeField("geprüft am", auto_now_add=True)

    class Meta:
        verbose_name = "geprüfte Importdatei"
        verbose_name_plural = "geprüfte Importdateien"

    def __str__(self):
        return f"{self.author} {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def keep(cls, content: str, author, *, plan=None) -> "PendingImport":
        """Store a checked file with its plan; delete those older than a day."""
        cls.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
        return cls.objects.create(
            author=author, content=content, digest=content_digest(content), plan=plan or []
        )

    def token(self) -> str:
        """What the import form carries back: signed, for this author, valid a day."""
        return signing.dumps([str(self.pk), self.author_id], salt=TOKEN_SALT)

    @classmethod
    def from_token(cls, token: str, user, *, lock: bool = False) -> "PendingImport":
        """The user's checked file the token names; a ValidationError with the reason if
        the token is forged, expired or someone else's, or the file is gone."""
        try:
            pk, author_id = signing.loads(token, salt=TOKEN_SALT, max_age=KEEP_FOR)
            pk = uuid.UUID(pk)
        except signing.SignatureExpired as error:
            raise ValidationError(TOKEN_EXPIRED) from error
        except (signing.BadSignature, TypeError, ValueError) as error:
            raise ValidationError(TOKEN_INVALID) from error
        if author_id != user.pk:
            raise ValidationError(NOT_YOURS)
        pending = cls.objects.select_for_update() if lock else cls.objects
        pending = pending.filter(pk=pk, author=user).first()
        if pending is None or not pending.is_intact():
            raise ValidationError(NOT_YOURS)
        return pending

    def is_intact(self) -> bool:
        return self.digest == content_digest(self.content)
