"""Ratsdokumente: the council's Vorlagen and Drucksachen that a measure or a report
links to, in the city's Ratsinformationssystem."""

from django.core.validators import URLValidator
from django.db import models
from simple_history.models import HistoricalRecords

# Links the public follows: web addresses only (no javascript:, ftp: or file:).
WEB_URL = URLValidator(schemes=["http", "https"])


class CouncilDocumentFields(models.Model):
    """What identifies a council document; the measure's and the report's links share it."""

    reference = models.CharField(
        "Vorlagen-/Drucksachennummer", max_length=60, help_text="z. B. „V/2026/123“."
    )
    title = models.CharField("Titel", max_length=300)
    date = models.DateField("Datum", null=True, blank=True)
    url = models.URLField(
        "Adresse im Ratsinformationssystem",
        max_length=500,
        validators=[WEB_URL],
        help_text="Die Seite der Vorlage, die die Öffentlichkeit aufrufen kann.",
    )
    oparl_id = models.URLField(
        "OParl-Adresse der Vorlage",
        max_length=500,
        blank=True,
        validators=[WEB_URL],
        help_text="Optional: die OParl-Adresse (Paper) der Vorlage. Beim Speichern werden "
        "Nummer, Titel, Datum und Adresse von dort übernommen.",
    )

    class Meta:
        abstract = True
        ordering = ["date", "reference"]

    def __str__(self):
        return f"{self.reference}: {self.title}"


class CouncilDocument(CouncilDocumentFields):
    """A council document on a measure (its decision, a report to a committee, …)."""

    measure = models.ForeignKey(
        "Measure",
        on_delete=models.CASCADE,
        related_name="council_documents",
        verbose_name="Maßnahme",
    )

    history = HistoricalRecords()

    class Meta(CouncilDocumentFields.Meta):
        verbose_name = "Ratsdokument"
        verbose_name_plural = "Ratsdokumente"
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "reference"],
                name="council_document_unique_reference",
                violation_error_message="Diese Vorlage ist mit der Maßnahme schon verknüpft.",
            ),
        ]
