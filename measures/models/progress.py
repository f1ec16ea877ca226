from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from strategy.models import SlugManager

from .measures import DONE_MEANS_COMPLETE, PROGRESS_IN_RANGE, Measure, Status

FUTURE_DATE_MESSAGE = "Das Datum einer Statusmeldung liegt nicht in der Zukunft."


class StatusUpdateManager(models.Manager):
    def get_by_natural_key(self, measure_code, recorded_at):
        return self.get(measure__code=measure_code, recorded_at=recorded_at)


class StatusUpdate(models.Model):
    """A dated entry in a measure's history of status and progress."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="updates", verbose_name="Maßnahme"
    )
    date = models.DateField("Stand vom", default=timezone.localdate)
    status = models.CharField("Status", max_length=20, choices=Status.choices)
    progress = models.PositiveSmallIntegerField(
        "Fortschritt (%)", validators=[MaxValueValidator(100)]
    )
    note = models.TextField("Vermerk", help_text="Kurz: was ist geschehen?")
    evidence_url = models.URLField(
        "Nachweis (Adresse)",
        blank=True,
        help_text="Ratsdokument, Pressemitteilung oder der Dienst selbst.",
    )
    evidence_title = models.CharField("Nachweis (Bezeichnung)", max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_updates",
        verbose_name="erfasst von",
    )
    recorded_at = models.DateTimeField("erfasst am", default=timezone.now)

    objects = StatusUpdateManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-recorded_at"]
        get_latest_by = ["date", "recorded_at"]
        verbose_name = "Statusmeldung"
        verbose_name_plural = "Statusmeldungen"
        constraints = [
            models.CheckConstraint(
                condition=PROGRESS_IN_RANGE,
                name="update_progress_range",
                violation_error_message="Der Fortschritt liegt zwischen 0 und 100 %%.",
            ),
            models.CheckConstraint(
                condition=DONE_MEANS_COMPLETE,
                name="update_done_is_complete",
                violation_error_message="Eine abgeschlossene Maßnahme steht bei 100 %%.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="update_status_valid"
            ),
            models.CheckConstraint(condition=~Q(note=""), name="update_note_required"),
            models.UniqueConstraint(
                fields=["measure", "recorded_at"], name="update_unique_per_moment"
            ),
        ]
        # The newest reports per measure (its "Stand") and overall (dashboard, feed).
        indexes = [
            models.Index(fields=["measure", "-date"], name="update_measure_date"),
            models.Index(fields=["-date", "-recorded_at"], name="update_newest"),
        ]

    def __str__(self):
        status = self.get_status_display()
        return f"{self.measure.code}: {status} ({self.progress} %) am {self.date:%d.%m.%Y}"

    def natural_key(self):
        return (self.measure.code, self.recorded_at.isoformat())

    natural_key.dependencies = ["measures.measure"]

    def clean_fields(self, exclude=None):
        # The date rule lives here rather than in clean(): a model form without the date
        # field (the measure form shows it read-only) cannot take an error on it.
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        checked = "date" not in (exclude or ()) and "date" not in errors
        if checked and self.date and self.date > timezone.localdate():
            errors["date"] = [ValidationError(FUTURE_DATE_MESSAGE, code="future_date")]
        if errors:
            raise ValidationError(errors)


class MilestoneManager(models.Manager):
    def get_by_natural_key(self, measure_code, title):
        return self.get(measure__code=measure_code, title=title)


class Milestone(models.Model):
    """A dated step of a measure; reached or still due."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="milestones", verbose_name="Maßnahme"
    )
    title = models.CharField("Meilenstein", max_length=200)
    due_date = models.DateField("geplant für")
    reached_on = models.DateField("erreicht am", null=True, blank=True)
    note = models.CharField("Anmerkung", max_length=300, blank=True)

    objects = MilestoneManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "title"]
        verbose_name = "Meilenstein"
        verbose_name_plural = "Meilensteine"
        constraints = [
            models.UniqueConstraint(fields=["measure", "title"], name="milestone_unique_title"),
        ]

    def __str__(self):
        return f"{self.measure.code}: {self.title}"

    def natural_key(self):
        return (self.measure.code, self.title)

    natural_key.dependencies = ["measures.measure"]

    @property
    def is_reached(self):
        return self.reached_on is not None


class IndicatorManager(models.Manager):
    def get_by_natural_key(self, measure_code, name):
        return self.get(measure__code=measure_code, name=name)


class Indicator(models.Model):
    """A Kennzahl: says in numbers when the measure counts as implemented."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="indicators", verbose_name="Maßnahme"
    )
    name = models.CharField("Kennzahl", max_length=200)
    unit = models.CharField("Einheit", max_length=40, blank=True, help_text="z. B. „%“, „Anzahl“.")
    baseline = models.DecimalField("Ausgangswert", max_digits=14, decimal_places=2)
    target = models.DecimalField("Zielwert", max_digits=14, decimal_places=2)
    current = models.DecimalField(
        "aktueller Wert", max_digits=14, decimal_places=2, null=True, blank=True
    )
    as_of = models.DateField("Stand", null=True, blank=True)
    position = models.PositiveSmallIntegerField("Reihenfolge", default=0)

    objects = IndicatorManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "Kennzahl"
        verbose_name_plural = "Kennzahlen"
        constraints = [
            models.UniqueConstraint(fields=["measure", "name"], name="indicator_unique_name"),
            models.CheckConstraint(
                condition=~Q(target=models.F("baseline")),
                name="indicator_target_differs",
                violation_error_message="Ziel- und Ausgangswert unterscheiden sich.",
            ),
            models.CheckConstraint(
                condition=Q(current__isnull=True) | Q(as_of__isnull=False),
                name="indicator_current_has_date",
                violation_error_message="Ein aktueller Wert braucht ein Stand-Datum.",
            ),
        ]

    def __str__(self):
        return f"{self.measure.code}: {self.name}"

    def natural_key(self):
        return (self.measure.code, self.name)

    natural_key.dependencies = ["measures.measure"]

    @property
    def attainment(self):
        """Share of the way from baseline to target reached, 0–100, or None."""
        if self.current is None:
            return None
        share = (self.current - self.baseline) / (self.target - self.baseline) * 100
        return max(0, min(100, round(share)))


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
        Measure,
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
