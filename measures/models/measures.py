import datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Avg, Case, Count, Exists, Max, OuterRef, Prefetch, Q, Subquery, When
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from iserlohn_digital.quarters import quarter_label
from iserlohn_digital.roles import is_redaktion, sees_drafts
from strategy.codes import validator
from strategy.models import MARKDOWN_HELP, FullUrlMixin, Goal, PublishedQuerySet

from .. import nested
from ..codes import MEASURE_CODE
from ..search import search_measures
from .addresses import validate_https
from .fields_of_action import FieldOfAction
from .postponements import Postponement
from .status import (
    ACTIVE_STATUSES,
    CLOSED_STATUSES,
    DONE_MEANS_COMPLETE,
    PROGRESS_IN_RANGE,
    Status,
    StatusUpdate,
    current_updates,
    is_overdue,
    is_stale,
    stale_cutoff,
)
from .tags import Tag, TaggedMeasure
from .units import OrganisationalUnit

MEASURE_CODE_VALIDATOR = validator(
    MEASURE_CODE,
    "Der Code besteht aus dem Kürzel der Teilstrategie, der Nummer des Handlungsfelds "
    "und der laufenden Nummer, z. B. „SC-2.3“.",
)


def published_measures(prefix: str = "") -> Q:
    """The condition "published measure" (itself and its Handlungsfeld published), also
    for a lookup from a related model: `published_measures("tagged_items__content_object__")`."""
    return Q(**{f"{prefix}is_published": True, f"{prefix}field_of_action__is_published": True})


class MeasureQuerySet(PublishedQuerySet):
    def published(self):
        """Published measures in a published Handlungsfeld."""
        return self.filter(published_measures())

    def visible_to(self, user):
        """Published measures; for the Redaktion all drafts too, for a Fachbereich the
        drafts of its own units (preview)."""
        if not sees_drafts(user):
            return self.published()
        if is_redaktion(user):
            return self.all()
        own_units = OrganisationalUnit.objects.filter(members=user)
        return self.filter(published_measures() | Q(lead_unit__in=own_units))

    def listing(self):
        """What every list of measures shows (catalogue, PDFs, open data, API): Handlungsfeld
        with Teilstrategie and lead unit (the date of the latest update is the measure's
        own `last_update_on`), in one query."""
        return self.select_related("field_of_action__substrategy", "lead_unit")

    def search(self, query):
        """Measures matching `query` (text or a parsed `search.Query`), annotated with
        `relevance` (measures/search.py)."""
        return search_measures(self, query)

    def in_field(self, field_of_action):
        """Measures of one Handlungsfeld."""
        return self.filter(field_of_action=field_of_action)

    def in_substrategy(self, substrategy):
        """Measures of one Teilstrategie."""
        return self.filter(field_of_action__substrategy=substrategy)

    def led_by(self, unit):
        """Measures led by one organisational unit."""
        return self.filter(lead_unit=unit)

    def tagged(self, tag):
        """Measures with one Schlagwort."""
        return self.filter(tagged_items__tag=tag)

    def editable_by(self, user):
        """Measures whose lead unit the user belongs to."""
        return self.filter(lead_unit__members=user)

    def open(self):
        """Measures that still have work ahead: neither done nor dropped."""
        return self.filter(OPEN)

    def active(self):
        """Measures being planned, prepared or implemented: neither closed nor deferred."""
        return self.filter(ACTIVE)

    def overdue(self, day: datetime.date):
        """Active measures whose planned end lies before `day` (status.is_overdue)."""
        return self.filter(overdue_on(day))

    def stale(self, day: datetime.date):
        """Active measures without a status update for longer than STALE_AFTER_DAYS on
        `day`; one that never had an update counts from its creation (status.is_stale)."""
        return self.filter(stale_on(day))

    def scheduled_within(self, first, last):
        """Measures with a planned start and end whose period overlaps `first` to `last`
        (the roadmap)."""
        return self.filter(scheduled_within(first, last))

    def running_in(self, start, end):
        """Measures whose planned period overlaps the days from `start` to `end`."""
        return self.filter(
            Q(start_date__lte=end) | Q(start_date__isnull=True),
            Q(end_date__gte=start) | Q(end_date__isnull=True),
        ).exclude(start_date__isnull=True, end_date__isnull=True)

    def with_details(self, user=None):
        """Everything a measure's page shows, of the related goals and measures only what
        `user` may see (without a user: what the public sees, as in its Steckbrief): the
        short lists inside the measure's query (measures/nested.py), the dependencies both
        ways in one more; for the page of one measure."""
        user = user or AnonymousUser()
        queryset = (
            self.select_related("field_of_action__substrategy", "lead_unit")
            .annotate(**_nested_lists())
            .prefetch_related(
                Prefetch("goals", Goal.objects.visible_to(user)), "tags", current_updates()
            )
        )
        queryset._iterable_class = _DetailsIterable
        queryset._details_user = user
        return queryset

    def _clone(self):
        clone = super()._clone()
        if hasattr(self, "_details_user"):
            clone._details_user = self._details_user
        return clone

    def count_by_status(self) -> dict:
        """How many measures each status has, every status in workflow order."""
        counts = dict(self.order_by().values_list("status").annotate(n=Count("pk")))
        return {status: counts.get(status, 0) for status in Status}

    def average_progress(self) -> int | None:
        """The mean progress in whole percent, None without measures."""
        return self.figures()["progress"]

    def latest_update_date(self) -> datetime.date | None:
        """The day of the latest status update of these measures in the public record,
        None without any."""
        updates = StatusUpdate.objects.current().filter(measure__in=self.values("pk"))
        return updates.aggregate(latest=Max("date"))["latest"]

    def counted(self):
        """The measures the progress figures count: all but those dropped (entfallen)."""
        return self.filter(COUNTED)

    def figures(self, **subsets) -> dict:
        """The headline figures, in one query: `progress`, the mean progress in whole
        percent of the measures not dropped (None without any); `counted`, how many those
        are; `done`, how many of them are abgeschlossen; `dropped`; and for each named
        subset (a queryset of these measures) its count."""
        counted = COUNTED
        counts = {
            name: Count("pk", filter=Q(pk__in=subset.values("pk")))
            for name, subset in subsets.items()
        }
        figures = self.aggregate(
            progress=Avg("progress", filter=counted),
            counted=Count("pk", filter=counted),
            done=Count("pk", filter=Q(status=Status.DONE)),
            dropped=Count("pk", filter=Q(status=Status.DROPPED)),
            **counts,
        )
        if figures["progress"] is not None:
            figures["progress"] = round(figures["progress"])
        return figures

    def related_to(self, measure, limit=5):
        """Up to `limit` other measures of the same Handlungsfeld or with a shared
        Schlagwort, those sharing most Schlagwörter first.

        Two steps: the `limit` best are ranked by their keys alone (counts from the tag
        index, codes), and only they are read whole; ranking whole rows grouped by measure
        read the wide measures table (search text and vector are inline)."""
        tag_ids = [tag.pk for tag in measure.tags.all()]
        tagged = TaggedMeasure.objects.filter(tag__in=tag_ids)
        shared = Coalesce(
            Subquery(
                tagged.filter(content_object=OuterRef("pk"))
                .order_by()
                .values("content_object")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )
        best = (
            self.exclude(pk=measure.pk)
            .filter(
                Q(field_of_action=measure.field_of_action_id)
                | Q(pk__in=tagged.values("content_object"))
            )
            .annotate(shared=shared)
            .order_by("-shared", "code")
            .values("pk")[:limit]
        )
        return (
            Measure.objects.filter(pk__in=best).annotate(shared=shared).order_by("-shared", "code")
        )


def _nested_lists() -> dict:
    from .council import CouncilDocument
    from .online_services import OnlineService
    from .progress import Indicator, IndicatorValue, Milestone

    return {
        name: nested.rows(model.objects.all(), link, ordering)
        for name, (model, link, ordering) in {
            "_milestones": (Milestone, "measure", None),
            "_indicators": (Indicator, "measure", None),
            "_indicator_values": (IndicatorValue, "indicator__measure", None),
            "_online_services": (OnlineService, "measure", None),
            "_council_documents": (CouncilDocument, "measure", None),
            # Oldest first, as the Steckbrief lists them.
            "_postponements": (Postponement, "measure", ["recorded_at"]),
        }.items()
    }


class _DetailsIterable(models.query.ModelIterable):
    """Measures of `with_details()`: the short lists read with each turned into its
    prefetched related objects, and its dependencies and dependents (visible to the user)
    read in one query."""

    def __iter__(self):
        from .council import CouncilDocument
        from .online_services import OnlineService
        from .progress import Indicator, IndicatorValue, Milestone

        user = getattr(self.queryset, "_details_user", None) or AnonymousUser()
        for measure in super().__iter__():
            indicators = nested.instances(Indicator, measure.__dict__.pop("_indicators"))
            values = nested.instances(IndicatorValue, measure.__dict__.pop("_indicator_values"))
            for indicator in indicators:
                nested.attach(
                    indicator, "values", [v for v in values if v.indicator_id == indicator.pk]
                )
            nested.attach(measure, "indicators", indicators)
            for name, model, ordering in [
                ("milestones", Milestone, None),
                ("online_services", OnlineService, None),
                ("council_documents", CouncilDocument, None),
                ("postponements", Postponement, ["recorded_at"]),
            ]:
                data = measure.__dict__.pop(f"_{name}")
                nested.attach(measure, name, nested.instances(model, data, ordering))
            _attach_dependencies(measure, user)
            yield measure


def _attach_dependencies(measure, user) -> None:
    """Read the measures `measure` depends on and those depending on it in one query and
    store them as their prefetched many-to-many relations."""
    link = Measure.dependencies.through.objects
    # The other end of each link, one subquery: an index lookup per linked measure.
    others = link.filter(Q(from_measure=measure.pk) | Q(to_measure=measure.pk)).annotate(
        other=Case(When(from_measure=measure.pk, then="to_measure"), default="from_measure")
    )
    linked = list(
        Measure.objects.visible_to(user)
        .filter(pk__in=others.values("other"))
        .annotate(
            _depended_on=Exists(link.filter(from_measure=measure.pk, to_measure=OuterRef("pk"))),
            _depending=Exists(link.filter(from_measure=OuterRef("pk"), to_measure=measure.pk)),
        )
    )
    for name, flag in (("dependencies", "_depended_on"), ("dependents", "_depending")):
        manager = getattr(measure, name)
        queryset = manager.get_queryset()
        queryset._result_cache = [other for other in linked if getattr(other, flag)]
        queryset._prefetch_done = True
        measure._prefetched_objects_cache[manager.prefetch_cache_name] = queryset


def chronological_postponements() -> Prefetch:
    """A measure's postponements oldest first, as its Steckbrief lists them."""
    return Prefetch("postponements", Postponement.objects.order_by("recorded_at"))


def latest_update_date():
    """The date of a measure's latest status update in the public record, as a subquery;
    stored as `Measure.last_update_on` (measures/updates.py)."""
    latest = StatusUpdate.objects.current().filter(measure=OuterRef("pk")).order_by("-date")
    return Subquery(latest.values("date")[:1])


# The conditions the querysets above filter by, also counted side by side in one query
# (measures/dashboard.py).
OPEN = ~Q(status__in=CLOSED_STATUSES)
ACTIVE = Q(status__in=ACTIVE_STATUSES)
COUNTED = ~Q(status=Status.DROPPED)


def overdue_on(day: datetime.date) -> Q:
    return ACTIVE & Q(end_date__lt=day)


def stale_on(day: datetime.date) -> Q:
    return ACTIVE & never_seen_since(stale_cutoff(day))


def scheduled_within(first: datetime.date, last: datetime.date) -> Q:
    """A planned start and end, the period overlapping `first` to `last`."""
    return Q(start_date__isnull=False, end_date__isnull=False) & Q(
        start_date__lte=last, end_date__gte=first
    )


def never_seen_since(day: datetime.date) -> Q:
    """Measures last seen (latest status update, or creation without one) before `day`."""
    return Q(last_update_on__lt=day) | Q(last_update_on__isnull=True, created_at__date__lt=day)


class MeasureManager(models.Manager.from_queryset(MeasureQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Measure(FullUrlMixin, models.Model):
    """A Maßnahme: the unit of work whose progress the portal reports."""

    class Priority(models.TextChoices):
        HIGH = "hoch", "hoch"
        MEDIUM = "mittel", "mittel"
        LOW = "niedrig", "niedrig"

    PRIORITY_MEANING = {
        Priority.HIGH: "Beginn sofort",
        Priority.MEDIUM: "Beginn innerhalb von zwei Jahren",
        Priority.LOW: "Beginn innerhalb von vier Jahren",
    }

    Status = Status

    code = models.CharField(
        "Code",
        max_length=12,
        unique=True,
        validators=[MEASURE_CODE_VALIDATOR],
        help_text="Eindeutig und Teil der Adresse, z. B. „SC-2.3“.",
    )
    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name="Handlungsfeld",
    )
    title = models.CharField("Titel", max_length=200)
    summary = models.CharField(
        "Kurzbeschreibung",
        max_length=300,
        help_text="Höchstens 300 Zeichen; erscheint in der Kurzbroschüre.",
    )
    description = models.TextField(
        "Beschreibung", blank=True, help_text="Ziel und Wirkung, Vorgehen. " + MARKDOWN_HELP
    )
    easy_language_summary = models.TextField("Zusammenfassung in Leichter Sprache", blank=True)
    status = models.CharField(
        "Status", max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        "Fortschritt (%)", default=0, validators=[MaxValueValidator(100)]
    )
    priority = models.CharField(
        "Priorität", max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    start_date = models.DateField(
        "geplanter Beginn", null=True, blank=True, help_text="Quartalsgenau genügt."
    )
    end_date = models.DateField(
        "geplantes Ende", null=True, blank=True, help_text="Quartalsgenau genügt."
    )
    # Kept by record_stand (measures/updates.py) from the status updates, never edited.
    finished_on = models.DateField(
        "abgeschlossen am",
        null=True,
        blank=True,
        editable=False,
        help_text="Das tatsächliche Ende: seit diesem Tag ist die Maßnahme abgeschlossen.",
    )
    lead_unit = models.ForeignKey(
        OrganisationalUnit,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name="Federführung",
    )
    partners = models.TextField(
        "Beteiligte", blank=True, help_text="Weitere Beteiligte, eine Angabe pro Zeile."
    )
    funding = models.CharField(
        "Finanzierung", max_length=300, blank=True, help_text="Eigen- oder Fördermittel."
    )
    budget = models.DecimalField(
        "Budget (EUR)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    goals = models.ManyToManyField(Goal, related_name="measures", blank=True, verbose_name="Ziele")
    dependencies = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="dependents",
        blank=True,
        verbose_name="setzt voraus",
    )
    tags = TaggableManager("Schlagwörter", through=TaggedMeasure, blank=True)
    offer_url = models.URLField(
        "Adresse des Angebots",
        blank=True,
        validators=[validate_https],
        help_text="Nur wenn die Maßnahme selbst ein Online-Angebot ist (etwa ein Portal oder "
        "eine Karte): die Adresse, unter der man es nutzt (nur https). Sie erscheint als "
        "„Online nutzen“, solange die Maßnahme in Umsetzung oder abgeschlossen ist. "
        "Online-Dienste (OZG) tragen ihre Adresse selbst.",
    )
    source = models.CharField(
        "Quelle",
        max_length=300,
        blank=True,
        help_text="Öffentliche Quelle, aus der die Angaben stammen.",
    )
    source_url = models.URLField("Quelle (Adresse)", blank=True)
    is_published = models.BooleanField("veröffentlicht", default=False)
    is_example = models.BooleanField(
        "Beispielinhalt",
        default=False,
        help_text="Angaben zur Veranschaulichung; von der Redaktion zu ersetzen.",
    )
    created_at = models.DateTimeField("angelegt", default=timezone.now, editable=False)
    # The date of the latest status update in the public record, kept by
    # measures/updates.py (never by a save of the measure, see _do_update): the dashboard
    # and the lists read it without a look at the updates. Derived, so left out of
    # backups and history and recomputed on restore.
    last_update_on = models.DateField(
        "letzte Statusmeldung", null=True, blank=True, editable=False, serialize=False
    )
    updated_at = models.DateTimeField("geändert", auto_now=True)
    # What the search looks at, kept current on every write (measures/search.py); left
    # out of backups and exports, as it is derived and recomputed on restore.
    search_text = models.TextField(editable=False, default="", serialize=False)
    search_vector = SearchVectorField(null=True, editable=False, serialize=False)

    objects = MeasureManager()
    # updated_at changes with every save and the search fields follow the others; the
    # history shows what really changed.
    history = HistoricalRecords(
        m2m_fields=[goals, dependencies],
        excluded_fields=["updated_at", "search_text", "search_vector", "last_update_on"],
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "Maßnahme"
        verbose_name_plural = "Maßnahmen"
        permissions = [("publish_measure", "Maßnahmen veröffentlichen und importieren")]
        # Covering indexes: the dashboard's counts and the ranking of related measures
        # read them alone, not the wide rows (search text and vector are inline).
        indexes = [
            models.Index(
                fields=[
                    "field_of_action",
                    "is_published",
                    "status",
                    "progress",
                    "start_date",
                    "end_date",
                    "last_update_on",
                    "created_at",
                ],
                name="measure_dashboard_figures",
            ),
            models.Index(
                fields=["field_of_action", "is_published", "code", "id"], name="measure_related"
            ),
            # The dashboard's roadmap and overdue measures, by planned end.
            models.Index(fields=["end_date", "code"], name="measure_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=PROGRESS_IN_RANGE,
                name="measure_progress_range",
                violation_error_message="Der Fortschritt liegt zwischen 0 und 100 %%.",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="measure_end_not_before_start",
                violation_error_message="Das Ende liegt nicht vor dem Beginn.",
            ),
            models.CheckConstraint(
                condition=DONE_MEANS_COMPLETE,
                name="measure_done_is_complete",
                violation_error_message="Eine abgeschlossene Maßnahme steht bei 100 %%.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="measure_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(priority__in=["hoch", "mittel", "niedrig"]),
                name="measure_priority_valid",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("summary"), 300),
                name="measure_summary_max_300",
                violation_error_message="Die Kurzbeschreibung hat höchstens 300 Zeichen.",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="measure_budget_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("measures:measure-detail", args=[self.code])

    def _do_update(self, base_qs, using, pk_val, values, update_fields, *args, **kwargs):
        # A save of the whole measure (a form, an import, a reverted version) carries the
        # date it read, or none: only measures/updates.py, naming the field, writes it.
        if update_fields is None or "last_update_on" not in update_fields:
            values = [value for value in values if value[0].name != "last_update_on"]
        return super()._do_update(base_qs, using, pk_val, values, update_fields, *args, **kwargs)

    def natural_key(self):
        return (self.code,)

    natural_key.dependencies = [
        "measures.fieldofaction",
        "measures.organisationalunit",
        "strategy.goal",
    ]

    def clean(self):
        if self.field_of_action_id and self.code:
            prefix = f"{self.field_of_action.code}."
            if not self.code.startswith(prefix):
                message = f"Der Code einer Maßnahme in diesem Handlungsfeld beginnt mit „{prefix}“."
                raise ValidationError({"code": message})

    @property
    def offer_link(self) -> str:
        """The address of the measure's own online offer while a citizen can use it: in
        Umsetzung (a portal grows while it runs) or abgeschlossen; else ""."""
        if self.status in (Status.IN_PROGRESS, Status.DONE):
            return self.offer_url
        return ""

    def online_links(self) -> list:
        """What the Steckbrief offers under "Online nutzen": the measure's own offer, then
        each of its online services (Reifegrad 3 or 4) that has an address, as (name,
        address, is_example)."""
        links = [(self.title, self.offer_link, self.is_example)] if self.offer_link else []
        links += [
            (service.name, service.url, service.is_example)
            for service in self.online_services.all()
            if service.is_online and service.url
        ]
        return links

    @property
    def priority_meaning(self):
        return self.PRIORITY_MEANING.get(self.priority, "")

    @property
    def last_update(self):
        """Date of the latest status update: the public "Stand" of the measure."""
        return self.last_update_on

    @property
    def partner_list(self) -> list[str]:
        """The partners, one per non-empty line."""
        return [line.strip() for line in self.partners.splitlines() if line.strip()]

    @property
    def tags_in_order(self) -> list:
        """The Schlagwörter in German alphabetical order (of the prefetched ones, if any)."""
        return Tag.in_german_order(self.tags.all())

    @property
    def created_on(self) -> datetime.date:
        return timezone.localtime(self.created_at).date()

    @property
    def last_seen(self) -> datetime.date:
        """The day of the latest status update, or of the creation if there is none."""
        return self.last_update or self.created_on

    @property
    def is_stale(self):
        return is_stale(self.status, self.last_seen, timezone.localdate())

    @property
    def is_overdue(self):
        return is_overdue(self.status, self.end_date, timezone.localdate())

    def public_updates(self):
        """The status updates in the public record (a corrected one leaves it for its
        correction), newest first: those prefetched by `current_updates()` if any."""
        if "updates" in getattr(self, "_prefetched_objects_cache", {}):
            return self.updates.all()
        return self.updates.current().select_related("corrects")

    @property
    def latest_update(self):
        """The latest of the status updates in the public record, or None."""
        return next(iter(self.public_updates()), None)

    @property
    def status_since(self):
        """The day since which the measure has its current status, by its status updates."""
        since = None
        for update in self.public_updates():  # newest first
            if update.status != self.status:
                break
            since = update.date
        return since

    def timeline(self):
        """Status updates and milestones, newest first, as (kind, day, entry): a reached
        milestone counts on the day it was reached, another on its due date."""
        entries = [("update", u.date, u) for u in self.public_updates()]
        entries += [("milestone", m.reached_on or m.due_date, m) for m in self.milestones.all()]
        return sorted(entries, key=lambda entry: entry[1], reverse=True)

    @property
    def finish_delay(self) -> str:
        """Planned against actual end of a finished measure, at the plan's quarter
        precision: "im geplanten Quartal", "früher als geplant" or how many months later
        ("3 Monate später"); "" without both dates."""
        if self.finished_on is None or self.end_date is None:
            return ""
        if quarter_label(self.finished_on) == quarter_label(self.end_date):
            return "im geplanten Quartal"
        if self.finished_on < self.end_date:
            return "früher als geplant"
        months = (self.finished_on.year - self.end_date.year) * 12
        months += self.finished_on.month - self.end_date.month
        return f"{months} Monat später" if months == 1 else f"{months} Monate später"

    @property
    def period(self):
        """The planned period at quarter precision, e.g. "Q1 2025 – Q4 2026"."""
        start, end = quarter_label(self.start_date), quarter_label(self.end_date)
        if start and end:
            return start if start == end else f"{start} – {end}"
        if start:
            return f"ab {start}"
        if end:
            return f"bis {end}"
        return ""
