"""What the workspace remembers: each editor's reminder settings, the signed one-use links
to "Stand melden" that reminders carry, who used them, and which stale measures were
already reported to their unit."""

import datetime

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils import timezone

LINK_VALID_FOR = datetime.timedelta(days=7)
LINK_SALT = "workspace.update-link"


class EditorSettings(models.Model):
    """An editor's choices about reminders; an editor without a row has the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="editor_settings",
        verbose_name="Konto",
    )
    reminders_paused = models.BooleanField(
        "Erinnerungen pausieren",
        default=False,
        help_text="Solange angekreuzt, kommt keine wöchentliche Erinnerung per E-Mail.",
    )
    all_units_digest = models.BooleanField(
        "Erinnerung für alle Organisationseinheiten",
        default=False,
        help_text="Nur für die Redaktion: die wöchentliche Erinnerung nennt die Maßnahmen "
        "aller Organisationseinheiten, nicht nur die eigenen.",
    )

    class Meta:
        verbose_name = "Einstellung für Erinnerungen"
        verbose_name_plural = "Einstellungen für Erinnerungen"

    def __str__(self):
        return str(self.user)

    @classmethod
    def of(cls, user) -> "EditorSettings":
        """The user's settings, unsaved defaults if they never chose."""
        return cls.objects.filter(user=user).first() or cls(user=user)


def _expiry():
    return timezone.now() + LINK_VALID_FOR


class UpdateLinkQuerySet(models.QuerySet):
    def usable(self):
        """Links that still open the form: not used, not revoked, not expired."""
        return self.filter(used_at__isnull=True, revoked_at__isnull=True).filter(
            expires_at__gt=timezone.now()
        )


class UpdateLink(models.Model):
    """A link in a reminder that opens "Stand melden" for one measure, for one editor,
    once, for seven days. The address carries a signed token naming link, editor and
    measure, so it can be neither guessed nor bent to another measure."""

    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="update_links",
        verbose_name="für",
    )
    measure = models.ForeignKey(
        "measures.Measure",
        on_delete=models.CASCADE,
        related_name="update_links",
        verbose_name="Maßnahme",
    )
    created_at = models.DateTimeField("erstellt am", default=timezone.now)
    expires_at = models.DateTimeField("gültig bis", default=_expiry)
    used_at = models.DateTimeField("genutzt am", null=True, blank=True)
    revoked_at = models.DateTimeField("widerrufen am", null=True, blank=True)

    objects = UpdateLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "Link „Stand melden“"
        verbose_name_plural = "Links „Stand melden“"

    def __str__(self):
        return f"{self.measure.code} für {self.editor}"

    @property
    def token(self) -> str:
        return signing.dumps([self.pk, self.editor_id, self.measure_id], salt=LINK_SALT)

    @classmethod
    def from_token(cls, token: str) -> "UpdateLink | None":
        """The link the token names, if the token is genuine and still names the link's
        editor and measure; None otherwise."""
        try:
            pk, editor_id, measure_id = signing.loads(token, salt=LINK_SALT)
        except (signing.BadSignature, TypeError, ValueError):
            return None
        return (
            cls.objects.select_related("editor", "measure__lead_unit")
            .filter(pk=pk, editor_id=editor_id, measure_id=measure_id)
            .first()
        )

    @property
    def state(self) -> str:
        """ "" while usable, else why not: "genutzt", "widerrufen" or "abgelaufen"."""
        if self.used_at:
            return "genutzt"
        if self.revoked_at:
            return "widerrufen"
        if self.expires_at <= timezone.now():
            return "abgelaufen"
        return ""


class UpdateLinkUse(models.Model):
    """Every Stand reported through a mailed link: who, when, signed in or directly."""

    link = models.ForeignKey(
        UpdateLink, on_delete=models.CASCADE, related_name="uses", verbose_name="Link"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="durch",
    )
    used_at = models.DateTimeField("am", default=timezone.now)
    signed_in = models.BooleanField("angemeldet")
    status_update = models.ForeignKey(
        "measures.StatusUpdate",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="Statusmeldung",
    )

    class Meta:
        ordering = ["-used_at"]
        verbose_name = "Nutzung eines Links"
        verbose_name_plural = "Nutzungen der Links"

    def __str__(self):
        return f"{self.link} am {timezone.localtime(self.used_at):%d.%m.%Y %H:%M}"


class StaleNotice(models.Model):
    """A measure's unit was told that the measure's Stand became stale on `stale_since`;
    remembered so each turn to stale is mailed once."""

    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.CASCADE, related_name="+", verbose_name="Maßnahme"
    )
    stale_since = models.DateField("veraltet seit")
    notified_at = models.DateTimeField("benachrichtigt am", default=timezone.now)

    class Meta:
        verbose_name = "Hinweis „Stand veraltet“"
        verbose_name_plural = "Hinweise „Stand veraltet“"
        constraints = [
            models.UniqueConstraint(fields=["measure", "stale_since"], name="stale_notice_once")
        ]

    def __str__(self):
        return f"{self.measure.code}: veraltet seit {self.stale_since:%d.%m.%Y}"
