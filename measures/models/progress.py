"""Milestones and Kennzahlen: what says when a measure counts as done."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .measures import published_measures


class MilestoneManager(models.Manager):
    def get_by_natural_key(self, measure_code, title):
        return self.get(measure__code=measure_code, title=title)


class Milestone(models.Model):
    """A dated step of a measure; reached or still due."""

    measure = models.ForeignKey(
        "Measure", on_delete=models.CASCADE, related_name="milestones", verbose_name="Maßnahme"
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

    @property
    def is_overdue(self):
        """Its date has passed and nobody reported it reached."""
        return not self.is_reached and self.due_date < timezone.localdate()


class IndicatorQuerySet(models.QuerySet):
    def published(self):
        """Kennzahlen of published measures."""
        return self.filter(published_measures("measure__"))

    def with_path(self):
        """Kennzahlen with a current value and a Zielpfad, read with their values and
        measure, in one query (the values as JSON, measures/nested.py): what
        measures/series.py needs to tell whether one is behind its path."""
        from .. import nested

        soll = IndicatorValue.objects.filter(indicator=OuterRef("pk"), kind="soll")
        queryset = (
            self.filter(Exists(soll), current__isnull=False)
            .select_related("measure")
            .annotate(_values=nested.rows(IndicatorValue.objects.all(), "indicator"))
        )
        queryset._iterable_class = _WithValuesIterable
        return queryset


class _WithValuesIterable(models.query.ModelIterable):
    """Kennzahlen of `with_path()`, each with its values as prefetched ones."""

    def __iter__(self):
        from .. import nested

        for indicator in super().__iter__():
            values = nested.instances(IndicatorValue, indicator.__dict__.pop("_values"))
            nested.attach(indicator, "values", values)
            yield indicator


class IndicatorManager(models.Manager.from_queryset(IndicatorQuerySet)):
    def get_by_natural_key(self, measure_code, name):
        return self.get(measure__code=measure_code, name=name)


class Indicator(models.Model):
    """A Kennzahl: says in numbers when the measure counts as implemented."""

    measure = models.ForeignKey(
        "Measure", on_delete=models.CASCADE, related_name="indicators", verbose_name="Maßnahme"
    )
    name = models.CharField("Kennzahl", max_length=200)
    unit = models.CharField(
        "Einheit (Wort)",
        max_length=40,
        blank=True,
        help_text="Was gezählt wird, in der Mehrzahl: z. B. „Schulen“, „Gebäude“, „Anträge“; "
        "oder eine Maßeinheit wie „%“, „Euro“, „MWh/Jahr“. Die Seite zeigt dann "
        "„5 von 60 Schulen“ oder „45 % (Ziel 80 %)“.",
    )
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
    def actual_values(self):
        """The Zeitreihe: measured values by date (from the prefetched `values`)."""
        return [v for v in self.values.all() if v.kind == IndicatorValue.Kind.ACTUAL]

    @property
    def planned_values(self):
        """The Zielpfad: dated targets by date (from the prefetched `values`)."""
        return [v for v in self.values.all() if v.kind == IndicatorValue.Kind.PLANNED]

    @property
    def attainment(self):
        """Share of the way from baseline to target reached, 0–100, or None."""
        if self.current is None:
            return None
        share = (self.current - self.baseline) / (self.target - self.baseline) * 100
        return max(0, min(100, round(share)))


class IndicatorValue(models.Model):
    """One dated value of a Kennzahl: a measured value (Istwert, the Zeitreihe) or a
    target to reach by that day (Sollwert, a point of the Zielpfad). Written only by
    measures/series.py, which keeps the Kennzahl's current value and date in step."""

    class Kind(models.TextChoices):
        ACTUAL = "ist", "Istwert"
        PLANNED = "soll", "Sollwert (Zielpfad)"

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name="Kennzahl"
    )
    kind = models.CharField("Art", max_length=4, choices=Kind.choices)
    date = models.DateField("Datum")
    value = models.DecimalField("Wert", max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "kind"]
        verbose_name = "Wert einer Kennzahl"
        verbose_name_plural = "Werte der Kennzahlen"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "kind", "date"],
                name="indicator_value_one_per_day",
                violation_error_message="Für diesen Tag gibt es schon einen Wert dieser Art.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.get_kind_display()} {self.date:%d.%m.%Y}"
