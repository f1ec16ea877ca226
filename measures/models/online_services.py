"""OZG Verwaltungsleistungen that measures bring online."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from strategy.models import SlugManager


class OnlineService(models.Model):
    """An OZG Verwaltungsleistung brought online, with its Reifegrad (0–4)."""

    class Maturity(models.IntegerChoices):
        NONE = 0, "0 – nicht online"
        INFORMATION = 1, "1 – Informationen online"
        FORM = 2, "2 – Formular online"
        ONLINE = 3, "3 – Antrag vollständig online"
        ONCE_ONLY = 4, "4 – vollständig digital (Once Only)"

    slug = models.SlugField("Kurzname (URL)", max_length=120, unique=True)
    name = models.CharField("Verwaltungsleistung", max_length=200)
    leika_key = models.CharField(
        "LeiKa-Schlüssel", max_length=20, blank=True, help_text="Leistungsschlüssel, falls bekannt."
    )
    maturity = models.PositiveSmallIntegerField(
        "Reifegrad", choices=Maturity.choices, default=Maturity.NONE
    )
    url = models.URLField("Adresse des Dienstes", blank=True)
    measure = models.ForeignKey(
        "Measure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="online_services",
        verbose_name="Maßnahme",
    )
    is_example = models.BooleanField("Beispielinhalt", default=False)

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "Online-Dienst (OZG)"
        verbose_name_plural = "Online-Dienste (OZG)"
        constraints = [
            models.CheckConstraint(
                condition=Q(maturity__gte=0, maturity__lte=4),
                name="service_maturity_range",
                violation_error_message="Der Reifegrad liegt zwischen 0 und 4.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
