"""Frozen council reports: a Sachstandsbericht handed to the council is a public record.

Its PDF and its data (CSV, JSON) are stored once, when the Redaktion freezes it
(reports/freezing.py), and served as stored ever after; a withdrawn report keeps its row
as a tombstone. Links to council documents (ReportCouncilDocument) may be added after
freezing: they are not part of the stored files.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from measures.models import CouncilDocumentFields


class ReportQuerySet(models.QuerySet):
    def current(self):
        """Reports that have not been withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class ReportManager(models.Manager.from_queryset(ReportQuerySet)):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class Report(models.Model):
    number = models.CharField("Nummer", max_length=20, unique=True, editable=False)
    year = models.PositiveSmallIntegerField("Jahr", editable=False)
    sequence = models.PositiveIntegerField("laufende Nummer im Jahr", editable=False)
    as_of = models.DateField("Stichtag")
    since = models.DateField("Änderungen seit")
    title = models.CharField("Titel", max_length=200)
    foreword = models.TextField("Vorwort", blank=True)

    pdf = models.FileField("PDF", editable=False)
    pdf_size = models.PositiveBigIntegerField("Größe des PDF (Bytes)", editable=False)
    pdf_sha256 = models.CharField("SHA-256 des PDF", max_length=64, editable=False)
    csv = models.FileField("CSV", editable=False)
    csv_size = models.PositiveBigIntegerField("Größe der CSV-Datei (Bytes)", editable=False)
    csv_sha256 = models.CharField("SHA-256 der CSV-Datei", max_length=64, editable=False)
    json = models.FileField("JSON", editable=False)
    json_size = models.PositiveBigIntegerField("Größe der JSON-Datei (Bytes)", editable=False)
    json_sha256 = models.CharField("SHA-256 der JSON-Datei", max_length=64, editable=False)

    frozen_at = models.DateTimeField("eingefroren am", editable=False)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="eingefroren von",
        editable=False,
    )
    withdrawn_at = models.DateTimeField("zurückgezogen am", null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="zurückgezogen von",
        editable=False,
    )
    withdrawal_reason = models.TextField("Grund der Rücknahme", blank=True)

    objects = ReportManager()

    class Meta:
        ordering = ["-as_of", "-year", "-sequence"]
        verbose_name = "Sachstandsbericht"
        verbose_name_plural = "Sachstandsberichte"
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="report_number_per_year"),
            # One report per Stichtag; a withdrawn one leaves its day free again.
            models.UniqueConstraint(
                fields=["as_of"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_current_report_per_day",
                violation_error_message=(
                    "Zu diesem Stichtag gibt es schon einen eingefrorenen Bericht."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(since__lt=models.F("as_of")),
                name="report_since_before_as_of",
                violation_error_message="„Änderungen seit“ muss vor dem Stichtag liegen.",
            ),
        ]

    def __str__(self):
        return f"Sachstandsbericht {self.number} zum {self.as_of:%d.%m.%Y}"

    def get_absolute_url(self):
        return reverse("reports:report-detail", args=[self.number])

    def natural_key(self):
        return (self.number,)

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    def files(self):
        """The stored files with their format, address, size and checksum."""
        return [
            {
                "format": fmt,
                "media_type": media_type,
                "field": getattr(self, field),
                "url": reverse(f"reports:report-{field}", args=[self.number]),
                "size": getattr(self, f"{field}_size"),
                "sha256": getattr(self, f"{field}_sha256"),
            }
            for field, fmt, media_type in [
                ("pdf", "PDF", "application/pdf"),
                ("csv", "CSV", "text/csv"),
                ("json", "JSON", "application/json"),
            ]
        ]


class ReportCouncilDocument(CouncilDocumentFields):
    """A council document on a report, e.g. the Vorlage that brought it to the committee.

    Added after freezing as well: the link is shown on the report's page, never in its
    stored files.
    """

    report = models.ForeignKey(
        Report,
        on_delete=models.CASCADE,
        related_name="council_documents",
        verbose_name="Sachstandsbericht",
    )

    class Meta(CouncilDocumentFields.Meta):
        verbose_name = "Ratsdokument zu einem Bericht"
        verbose_name_plural = "Ratsdokumente zu Berichten"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "reference"],
                name="report_council_document_unique_reference",
                violation_error_message="Diese Vorlage ist mit dem Bericht schon verknüpft.",
            ),
        ]
