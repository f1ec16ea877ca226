from django.db import models
from django.db.models import Avg, Count, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from strategy.codes import validator
from strategy.models import MARKDOWN_HELP, FullUrlMixin, Goal, PublishedQuerySet, SubStrategy

from ..codes import FIELD_CODE
from .status import Status


class FieldOfActionQuerySet(PublishedQuerySet):
    def in_substrategy(self, substrategy):
        """Handlungsfelder of one Teilstrategie."""
        return self.filter(substrategy=substrategy)

    def with_measure_count(self, measures):
        """Annotates `measure_count`: how many of `measures` each field has."""
        return self.annotate(
            measure_count=Count("measures", filter=Q(measures__in=measures.values("pk")))
        )

    def with_progress(self):
        """Annotates, over each field's published measures: `measure_count`, `progress`
        (mean percent, None without measures) and `done` (how many are abgeschlossen); in
        the fields' order, which Django leaves out of a query that groups."""
        published = Q(measures__is_published=True)
        counted = published & ~Q(measures__status=Status.DROPPED)
        return self.annotate(
            measure_count=Count("measures", filter=published),
            progress=Avg("measures__progress", filter=counted),
            done=Count("measures", filter=published & Q(measures__status=Status.DONE)),
        ).order_by(*(self.query.order_by or self.model._meta.ordering))


class FieldOfActionManager(models.Manager.from_queryset(FieldOfActionQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class FieldOfAction(FullUrlMixin, models.Model):
    """A Handlungsfeld of a Teilstrategie: a pillar of its Architektur."""

    class Icon(models.TextChoices):
        """The symbols a Handlungsfeld may carry: one SVG file each in
        static/icons/handlungsfelder/ (source and licence in its README)."""

        GENERAL = "allgemein", "Allgemein (Raster)"
        DATA = "daten", "Daten (Datenbank)"
        PARTICIPATION = "beteiligung", "Beteiligung (Sprechblasen)"
        EDUCATION = "bildung", "Bildung (Doktorhut)"
        MOBILITY = "mobilitaet", "Mobilität (Bus)"
        ENVIRONMENT = "energie-umwelt", "Energie und Umwelt (Blatt)"
        HOUSING = "bauen-wohnen", "Bauen und Wohnen (Haus)"
        ECONOMY = "wirtschaft", "Wirtschaft (Laden)"
        CULTURE = "kultur", "Kultur (Theatermasken)"
        HEALTH = "gesundheit", "Gesundheit (Herz mit Puls)"
        SAFETY = "sicherheit", "Sicherheit (Schild)"
        ONLINE_SERVICES = "online-dienste", "Online-Dienste (Bildschirm und Telefon)"
        RECORDS = "akte", "Akten und Dokumente (Stapel)"
        PROCESSES = "prozesse", "Abläufe (Ablaufplan)"
        IT = "it-infrastruktur", "IT-Infrastruktur (Server)"
        STAFF = "personal", "Personal (Personen)"
        STEERING = "steuerung", "Steuerung (Kompass)"
        ADMINISTRATION = "verwaltung", "Verwaltung (Gebäude mit Säulen)"

    substrategy = models.ForeignKey(
        SubStrategy,
        on_delete=models.PROTECT,
        related_name="fields_of_action",
        verbose_name="Teilstrategie",
    )
    code = models.CharField(
        "Code",
        max_length=10,
        unique=True,
        validators=[validator(FIELD_CODE, "Code wie „SC-2“ erwartet.")],
    )
    slug = models.SlugField("Kurzname (URL)", max_length=80, unique=True)
    name = models.CharField("Name", max_length=120)
    summary = models.CharField("Kurzbeschreibung", max_length=300, blank=True)
    description = models.TextField("Beschreibung", blank=True, help_text=MARKDOWN_HELP)
    goals = models.ManyToManyField(
        Goal, related_name="fields_of_action", blank=True, verbose_name="Ziele"
    )
    icon = models.CharField(
        "Symbol",
        max_length=20,
        choices=Icon,
        default=Icon.GENERAL,
        help_text="Steht neben dem Namen des Handlungsfelds; nur zur Zierde, "
        "Vorleseprogramme lesen es nicht vor.",
    )
    position = models.PositiveSmallIntegerField("Reihenfolge", default=0)
    is_published = models.BooleanField("veröffentlicht", default=False)
    is_example = models.BooleanField("Beispielinhalt", default=False)

    objects = FieldOfActionManager()
    history = HistoricalRecords(m2m_fields=[goals])

    class Meta:
        ordering = ["substrategy__position", "position", "code"]
        verbose_name = "Handlungsfeld"
        verbose_name_plural = "Handlungsfelder"

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("measures:field-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["strategy.substrategy", "strategy.goal"]
