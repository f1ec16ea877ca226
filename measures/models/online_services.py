"""OZG Verwaltungsleistungen that measures bring online, and the Lebenslagen by which a
citizen finds them."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from strategy.models import SlugManager

from .addresses import validate_https
from .measures import Measure, published_measures


class LifeSituation(models.Model):
    """A Lebenslage in the sense of the OZG ("Umzug", "Familie und Kind" …): the situation
    in which a citizen or a business needs a service. The Redaktion keeps the list."""

    name = models.CharField("Name", max_length=100, unique=True)
    slug = models.SlugField("Kurzname (URL)", max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(
        "Reihenfolge", default=0, help_text="Kleinere Zahlen stehen weiter oben."
    )

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "Lebenslage"
        verbose_name_plural = "Lebenslagen"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('measures:online-services')}#{self.slug}"

    def natural_key(self):
        return (self.slug,)


class OnlineServiceQuerySet(models.QuerySet):
    def published(self):
        """Services the public sees: those of published measures. A service of a draft
        measure is a draft with it; one of no measure (its measure deleted, or not yet
        chosen) is not shown until the Redaktion gives it a published measure."""
        return self.filter(published_measures("measure__"))

    def visible_to(self, user):
        """The published services, those of the draft measures `user` may preview, and
        for staff the services of no measure."""
        visible = Q(measure__in=Measure.objects.visible_to(user))
        if user.is_staff:
            visible |= Q(measure__isnull=True)
        return self.filter(visible)


class OnlineServiceManager(SlugManager.from_queryset(OnlineServiceQuerySet)):
    pass


class OnlineService(models.Model):
    """An OZG Verwaltungsleistung brought online, with its Reifegrad (0–4)."""

    class Maturity(models.IntegerChoices):
        NONE = 0, "0 – nicht online"
        INFORMATION = 1, "1 – Informationen online"
        FORM = 2, "2 – Formular online"
        ONLINE = 3, "3 – Antrag vollständig online"
        ONCE_ONLY = 4, "4 – vollständig digital (Once Only)"

    # The Reifegrad as a citizen reads it: a short title and what it means for them. The
    # technical labels above stay for the editors, who know the OZG's terms.
    FOR_CITIZENS = {
        Maturity.NONE: (
            "Noch nicht online",
            "Sie erledigen das vor Ort, per Post oder per E-Mail.",
        ),
        Maturity.INFORMATION: (
            "Informationen online",
            "Was Sie brauchen, steht im Internet. Den Antrag stellen Sie vor Ort oder per Post.",
        ),
        Maturity.FORM: (
            "Formular online",
            "Sie können das Formular online ausfüllen oder herunterladen. Unterschrieben "
            "geben Sie es vor Ort oder per Post ab.",
        ),
        Maturity.ONLINE: (
            "Vollständig online",
            "Sie können den Antrag vollständig online stellen.",
        ),
        Maturity.ONCE_ONLY: (
            "Vollständig online, ohne erneute Nachweise",
            "Sie können den Antrag vollständig online stellen. Nachweise, die die "
            "Verwaltung schon hat, müssen Sie nicht noch einmal einreichen.",
        ),
    }

    slug = models.SlugField("Kurzname (URL)", max_length=120, unique=True)
    name = models.CharField("Verwaltungsleistung", max_length=200)
    leika_key = models.CharField(
        "LeiKa-Schlüssel", max_length=20, blank=True, help_text="Leistungsschlüssel, falls bekannt."
    )
    maturity = models.PositiveSmallIntegerField(
        "Reifegrad", choices=Maturity.choices, default=Maturity.NONE
    )
    url = models.URLField(
        "Adresse des Dienstes",
        blank=True,
        validators=[validate_https],
        help_text="Die Seite, auf der Bürgerinnen und Bürger den Dienst nutzen (nur https). "
        "Ab Reifegrad 3 erscheint sie öffentlich als „Online nutzen“. Bei Beispielinhalt "
        "steht hier nur die Startseite der Stadt: bitte durch die echte Adresse ersetzen.",
    )
    measure = models.ForeignKey(
        "Measure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="online_services",
        verbose_name="Maßnahme",
        help_text="Öffentlich erscheint der Dienst nur mit einer veröffentlichten Maßnahme.",
    )
    life_situations = models.ManyToManyField(
        LifeSituation,
        blank=True,
        related_name="services",
        verbose_name="Lebenslagen",
        help_text="In welchen Lebenslagen man den Dienst braucht; auch mehrere.",
    )
    is_example = models.BooleanField(
        "Beispielinhalt",
        default=False,
        help_text="Angaben zur Veranschaulichung; von der Redaktion zu ersetzen.",
    )

    objects = OnlineServiceManager()
    history = HistoricalRecords(m2m_fields=[life_situations])

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

    natural_key.dependencies = ["measures.measure", "measures.lifesituation"]

    @property
    def maturity_title(self) -> str:
        """The Reifegrad in plain German, e.g. "Vollständig online"."""
        return self.FOR_CITIZENS[self.maturity][0]

    @property
    def maturity_explanation(self) -> str:
        """What the Reifegrad means for a citizen, in a sentence or two."""
        return self.FOR_CITIZENS[self.maturity][1]

    @property
    def is_online(self) -> bool:
        """A citizen can file the application online (Reifegrad 3 or 4)."""
        return self.maturity >= self.Maturity.ONLINE

    @classmethod
    def scale(cls) -> list[tuple[int, str, str]]:
        """The Reifegrade as (number, title, explanation), for the explanation of the scale."""
        return [(level.value, *cls.FOR_CITIZENS[level]) for level in cls.Maturity]
