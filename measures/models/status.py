"""The status of a measure and the dated status updates that record how it changed.

The latest status update is a measure's public "Stand"; the rules which statuses count as
active or closed, and when an active measure is overdue or stale, are stated here once.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Status(models.TextChoices):
    PLANNED = "geplant", "geplant"
    PREPARING = "vorbereitung", "in Vorbereitung"
    IN_PROGRESS = "umsetzung", "in Umsetzung"
    DONE = "abgeschlossen", "abgeschlossen"
    DEFERRED = "zurueckgestellt", "zurückgestellt"
    DROPPED = "entfallen", "entfallen"


# Statuses in which a measure no longer has to meet its planned end.
CLOSED_STATUSES = [Status.DONE, Status.DROPPED]
# Statuses in which work is expected: only these can be overdue or outdated; a deferred
# measure is paused on purpose.
ACTIVE_STATUSES = [Status.PLANNED, Status.PREPARING, Status.IN_PROGRESS]

# "abgeschlossen" means 100 %: shared by Measure and StatusUpdate.
DONE_MEANS_COMPLETE = ~Q(status=Status.DONE) | Q(progress=100)
PROGRESS_IN_RANGE = Q(progress__gte=0, progress__lte=100)


def is_overdue(status: str, end_date: datetime.date | None, day: datetime.date) -> bool:
    """An active measure whose planned end lies before `day`."""
    return status in ACTIVE_STATUSES and end_date is not None and end_date < day


def stale_cutoff(day: datetime.date) -> datetime.date:
    """An active measure last seen before this day is stale on `day`."""
    return day - datetime.timedelta(days=settings.STALE_AFTER_DAYS)


def is_stale(status: str, last_seen: datetime.date, day: datetime.date) -> bool:
    """An active measure without a status update for longer than STALE_AFTER_DAYS on `day`;
    `last_seen` is the date of its latest update, or of its creation if it has none."""
    return status in ACTIVE_STATUSES and last_seen < stale_cutoff(day)


FUTURE_DATE_MESSAGE = "Das Datum einer Statusmeldung liegt nicht in der Zukunft."


class StatusUpdateQuerySet(models.QuerySet):
    def published(self):
        """Updates of published measures."""
        from .measures import published_measures

        return self.filter(published_measures("measure__"))

    def current(self):
        """Updates not superseded by a correction: the record the public reads."""
        # NOT EXISTS, not a LEFT JOIN: PostgreSQL then reads the newest updates along
        # their index and stops at a LIMIT (the dashboard's latest ten).
        return self.exclude(Exists(StatusUpdate.objects.filter(corrects=OuterRef("pk"))))

    def newest(self):
        """Newest first, with their measure and the update each corrects."""
        return self.select_related("measure", "corrects").order_by("-date", "-recorded_at")


def current_updates() -> models.Prefetch:
    """A measure's updates in the public record, newest first, each with the update it
    corrects: every prefetch of `Measure.updates` for a page, PDF or report uses it."""
    return models.Prefetch("updates", StatusUpdate.objects.current().select_related("corrects"))


class StatusUpdateManager(models.Manager.from_queryset(StatusUpdateQuerySet)):
    def get_by_natural_key(self, measure_code, recorded_at):
        return self.get(measure__code=measure_code, recorded_at=recorded_at)


class StatusUpdate(models.Model):
    """A dated entry in a measure's history of status and progress."""

    measure = models.ForeignKey(
        "Measure", on_delete=models.CASCADE, related_name="updates", verbose_name="Maßnahme"
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
    # Published updates are a record: a mistake is corrected by a new update that names
    # the one it corrects, which then leaves the public record and stays in the admin.
    # RESTRICT: a corrected update is not deleted on its own, only with its measure.
    corrects = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name="berichtigt die Meldung",
    )

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
            # A further correction corrects the correction.
            models.UniqueConstraint(
                fields=["corrects"],
                name="update_corrected_once",
                violation_error_message="Diese Meldung ist bereits berichtigt.",
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

    @property
    def correction_label(self) -> str:
        """ "berichtigt die Meldung vom 12.03.2026" for a correction, else ""."""
        if self.corrects_id is None:
            return ""
        return f"berichtigt die Meldung vom {self.corrects.date:%d.%m.%Y}"

    def clean(self):
        if self.corrects_id and self.measure_id and self.corrects.measure_id != self.measure_id:
            raise ValidationError(
                {"corrects": "Eine Berichtigung gehört zur Maßnahme der berichtigten Meldung."}
            )

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
