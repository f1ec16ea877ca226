"""A CSV file that passed the dry run and waits on the server for its real import."""

import datetime
import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

# Checked files not imported within this time are deleted.
KEEP_FOR = datetime.timedelta(days=1)


def content_digest(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


class PendingImport(models.Model):
    """A checked CSV file, kept here so that it need not travel back through the browser
    (a hidden form field would meet the request size limit)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pending_imports",
        verbose_name="hochgeladen von",
    )
    content = models.TextField("Inhalt")
    digest = models.CharField("Prüfsumme (SHA-256)", max_length=64)
    created_at = models.DateTimeField("geprüft am", auto_now_add=True)

    class Meta:
        verbose_name = "geprüfte Importdatei"
        verbose_name_plural = "geprüfte Importdateien"

    def __str__(self):
        return f"{self.author} {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def keep(cls, content: str, author) -> "PendingImport":
        """Store a checked file; delete those older than a day."""
        cls.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
        return cls.objects.create(author=author, content=content, digest=content_digest(content))

    def is_intact(self) -> bool:
        return self.digest == content_digest(self.content)
