"""The rendered PDF publications, kept in storage, and the state of their next render.

One row per document: the Kurzbroschüre, the full strategy, the current Sachstandsbericht,
a Sachstandsbericht for another Stichtag, a Steckbrief, a filtered list. Visitors are
always served the stored file; the task worker (measures/tasks.py) renders a new one when
the content has changed, and the row says how far it has come.
"""

from django.db import models
from django.utils import timezone


class PublicationFile(models.Model):
    class Kind(models.TextChoices):
        BROCHURE = "kurzbroschuere", "Kurzbroschüre"
        STRATEGY = "digitalisierungsstrategie", "Digitalisierungsstrategie"
        REPORT = "sachstandsbericht", "Sachstandsbericht"
        MEASURE_SHEET = "steckbrief", "Maßnahmen-Steckbrief"
        LIST = "massnahmenliste", "Maßnahmenliste"

    class State(models.TextChoices):
        READY = "bereit", "bereit"
        QUEUED = "geplant", "geplant"
        RUNNING = "laeuft", "wird erstellt"
        FAILED = "fehlgeschlagen", "fehlgeschlagen"

    kind = models.CharField("Dokument", max_length=30, choices=Kind.choices)
    # "" for the Kurzbroschüre, the strategy and the current Sachstandsbericht; the
    # Stichtag and start of another Sachstandsbericht, a measure's code, a hash of a
    # list's filters; `params` holds what the worker needs to render it.
    key = models.CharField("Schlüssel", max_length=100, blank=True)
    params = models.JSONField("Parameter", default=dict, blank=True, editable=False)

    file = models.FileField("Datei", upload_to="publikationen/", blank=True, editable=False)
    filename = models.CharField("Dateiname", max_length=200, blank=True, editable=False)
    size = models.PositiveBigIntegerField("Größe (Bytes)", null=True, editable=False)
    etag = models.CharField("ETag", max_length=80, blank=True, editable=False)
    version = models.PositiveBigIntegerField("Inhaltsversion der Datei", null=True)
    stand = models.DateField("Stand der Datei", null=True, editable=False)
    rendered_at = models.DateTimeField("erstellt am", null=True, editable=False)
    render_seconds = models.FloatField("Dauer (s)", null=True, editable=False)
    peak_mib = models.PositiveIntegerField("Speicher-Spitze (MiB)", null=True, editable=False)

    state = models.CharField(
        "Zustand", max_length=20, choices=State.choices, default=State.QUEUED, editable=False
    )
    task_id = models.CharField("Aufgabe", max_length=64, blank=True, editable=False)
    rendering_version = models.PositiveBigIntegerField(
        "Inhaltsversion in Arbeit", null=True, editable=False
    )
    started_at = models.DateTimeField("begonnen am", null=True, editable=False)
    progress = models.CharField("Fortschritt", max_length=200, blank=True, editable=False)
    error = models.TextField("Fehler", blank=True, editable=False)
    requested_at = models.DateTimeField("zuletzt abgerufen", default=timezone.now)

    class Meta:
        verbose_name = "erzeugtes PDF"
        verbose_name_plural = "erzeugte PDFs"
        ordering = ["kind", "key"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="publication_file_unique"),
        ]

    def __str__(self):
        label = self.get_kind_display()
        if self.kind == self.Kind.LIST:
            return f"{label} ({self.params.get('filters') or 'alle'})"
        if self.kind == self.Kind.REPORT and self.key:
            return f"{label} (Stichtag {self.params['stichtag']}, seit {self.params['seit']})"
        return f"{label} ({self.key})" if self.key else label

    @property
    def has_file(self) -> bool:
        return bool(self.file) and self.size is not None
