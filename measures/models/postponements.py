"""Postponements: every change of a planned date or of a Kennzahl's target, on record.

A measure's plan is a promise to the public. When its planned start or end moves, or a
Kennzahl's target changes, the old and the new value, the reason, who and when are kept
(measures/schedule.py writes them); the Steckbrief, the dashboard and the Sachstandsbericht
show them. The first planning of a date that was open is not a postponement; moving or
clearing a planned date is.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import floatformat
from django.utils import timezone

from iserlohn_digital.quarters import quarter_label


class PostponementQuerySet(models.QuerySet):
    def published(self):
        """Postponements of published measures."""
        from .measures import published_measures

        return self.filter(published_measures("measure__"))

    def newest(self):
        """Newest first, with their measure."""
        return self.select_related("measure").order_by("-recorded_at")

    def recorded_between(self, first, last):
        """Recorded after the day `first` up to and including the day `last`."""
        return self.filter(recorded_at__date__gt=first, recorded_at__date__lte=last)


class Postponement(models.Model):
    """A recorded change of a measure's planned start or end or of a Kennzahl's target."""

    class Kind(models.TextChoices):
        START = "beginn", "Beginn"
        END = "ende", "Ende"
        TARGET = "zielwert", "Zielwert einer Kennzahl"

    measure = models.ForeignKey(
        "Measure", on_delete=models.CASCADE, related_name="postponements", verbose_name="Maßnahme"
    )
    kind = models.CharField("geändert", max_length=10, choices=Kind.choices)
    indicator = models.ForeignKey(
        "Indicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="postponements",
        verbose_name="Kennzahl",
    )
    # The Kennzahl's name when the target changed: the record stays readable if the
    # Kennzahl is renamed or deleted later.
    indicator_name = models.CharField("Name der Kennzahl", max_length=200, blank=True)
    old_date = models.DateField("bisher geplant", null=True, blank=True)
    new_date = models.DateField("neu geplant", null=True, blank=True)
    old_value = models.DecimalField(
        "bisheriger Zielwert", max_digits=14, decimal_places=2, null=True, blank=True
    )
    new_value = models.DecimalField(
        "neuer Zielwert", max_digits=14, decimal_places=2, null=True, blank=True
    )
    reason = models.TextField("Grund")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="postponements",
        verbose_name="erfasst von",
    )
    recorded_at = models.DateTimeField("erfasst am", default=timezone.now)

    objects = PostponementQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at"]
        get_latest_by = "recorded_at"
        verbose_name = "Terminänderung"
        verbose_name_plural = "Terminänderungen"
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="postponement_reason_required",
                violation_error_message="Eine Terminänderung braucht einen Grund.",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["beginn", "ende"],
                    old_date__isnull=False,
                    old_value__isnull=True,
                    new_value__isnull=True,
                )
                | Q(
                    kind="zielwert",
                    old_date__isnull=True,
                    new_date__isnull=True,
                    old_value__isnull=False,
                    new_value__isnull=False,
                ),
                name="postponement_values_of_its_kind",
            ),
        ]
        indexes = [models.Index(fields=["-recorded_at"], name="postponement_newest")]

    def __str__(self):
        return f"{self.measure.code}: {self.subject} {self.old_label} → {self.new_label}"

    @property
    def recorded_on(self):
        return timezone.localtime(self.recorded_at).date()

    @property
    def subject(self) -> str:
        """What changed, e.g. "Ende" or "Zielwert „Nutzung“"."""
        if self.kind == self.Kind.TARGET:
            return f"Zielwert „{self.indicator_name}“"
        return self.get_kind_display()

    def _labels(self) -> tuple[str, str]:
        if self.kind == self.Kind.TARGET:
            return _amount(self.old_value), _amount(self.new_value)
        old, new = quarter_label(self.old_date), quarter_label(self.new_date)
        if old == new and self.new_date is not None:
            # Moved within a quarter: the quarter alone would not show the change.
            return f"{self.old_date:%d.%m.%Y}", f"{self.new_date:%d.%m.%Y}"
        return old, new or "offen"

    @property
    def old_label(self) -> str:
        """The old value as the public reads it: a quarter ("Q2 2025") or an amount."""
        return self._labels()[0]

    @property
    def new_label(self) -> str:
        """The new value as the public reads it; a cleared date is "offen"."""
        return self._labels()[1]


def _amount(value) -> str:
    return floatformat(value, "-2g") if value is not None else ""
