from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from strategy.models import SlugManager


class OrganisationalUnit(models.Model):
    """A unit of the city administration that leads measures, with the staff who edit them."""

    slug = models.SlugField("Kurzname (URL)", max_length=80, unique=True)
    name = models.CharField("Name", max_length=200, unique=True)
    abbreviation = models.CharField("Abkürzung", max_length=20, blank=True)
    email = models.EmailField("E-Mail", blank=True)
    phone = models.CharField("Telefon", max_length=40, blank=True)
    url = models.URLField("Webseite", blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="organisational_units",
        blank=True,
        verbose_name="Mitarbeitende",
        help_text="Diese Konten dürfen die Maßnahmen der Organisationseinheit bearbeiten.",
    )
    review_text_changes = models.BooleanField(
        "Textänderungen prüfen",
        default=False,
        help_text="Textänderungen des Fachbereichs an veröffentlichten Maßnahmen erscheinen "
        "erst, wenn die Redaktion sie freigibt. Neue Stände gelten immer sofort.",
    )
    direct_update_links = models.BooleanField(
        "Stand melden ohne Anmeldung",
        default=False,
        help_text="Der Link in den Erinnerungen öffnet das Formular „Stand melden“ ohne "
        "Anmeldung. Jede Nutzung wird mit Person und Zeit protokolliert.",
    )
    is_example = models.BooleanField("Beispielinhalt", default=False)

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "Organisationseinheit"
        verbose_name_plural = "Organisationseinheiten"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
