"""Who follows what by e-mail, without an account.

A subscription holds the address, what it follows, how often, when it was asked for and
when it was confirmed: nothing else. Links in the mails are signed (subscriptions/tokens.py),
never stored. Unconfirmed subscriptions are deleted after UNCONFIRMED_DAYS.
"""

import datetime

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

UNCONFIRMED_DAYS = 7


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        """Subscriptions whose address was confirmed: only these get mail."""
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed(self):
        """Subscriptions still waiting for the confirmation of their address."""
        return self.filter(confirmed_at__isnull=True)

    def expired(self, now: datetime.datetime | None = None):
        """Unconfirmed subscriptions asked for more than UNCONFIRMED_DAYS ago."""
        now = now or timezone.now()
        return self.unconfirmed().filter(
            created_at__lt=now - datetime.timedelta(days=UNCONFIRMED_DAYS)
        )

    def of_address(self, email: str):
        """The subscriptions of one address (compared without regard to case)."""
        return self.filter(email__iexact=email)

    def following(self, measure):
        """Subscriptions that a change of `measure` concerns: of everything, of the
        measure, of its Handlungsfeld or of one of its Schlagwörter."""
        T = Subscription.Target
        return self.filter(
            Q(target=T.ALL)
            | Q(target=T.MEASURE, key=measure.code)
            | Q(target=T.FIELD, key=measure.field_of_action.slug)
            | Q(target=T.TAG, key__in=[tag.slug for tag in measure.tags.all()])
        )

    def counts(self):
        """Per followed item the number of confirmed subscribers, per frequency."""
        F = Subscription.Frequency
        return (
            self.confirmed()
            .values("target", "key")
            .annotate(
                immediate=Count("pk", filter=Q(frequency=F.IMMEDIATE)),
                monthly=Count("pk", filter=Q(frequency=F.MONTHLY)),
            )
            .order_by("target", "key")
        )


class Subscription(models.Model):
    """An address that follows the whole strategy, a measure, a Handlungsfeld or a
    Schlagwort."""

    class Target(models.TextChoices):
        ALL = "alles", "alle Änderungen"
        MEASURE = "massnahme", "Maßnahme"
        FIELD = "handlungsfeld", "Handlungsfeld"
        TAG = "schlagwort", "Schlagwort"

    class Frequency(models.TextChoices):
        IMMEDIATE = "sofort", "bei jeder Änderung"
        MONTHLY = "monatlich", "monatliche Übersicht"

    email = models.EmailField("E-Mail-Adresse")
    target = models.CharField("folgt", max_length=20, choices=Target.choices)
    # The measure's code, the Handlungsfeld's or Schlagwort's slug; empty for everything.
    key = models.CharField("Kennung", max_length=120, blank=True)
    frequency = models.CharField("Häufigkeit", max_length=20, choices=Frequency.choices)
    created_at = models.DateTimeField("angefragt am", default=timezone.now)
    confirmed_at = models.DateTimeField("bestätigt am", null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["email", "target", "key"]
        verbose_name = "Abonnement"
        verbose_name_plural = "Abonnements"
        constraints = [
            models.UniqueConstraint(
                fields=["email", "target", "key"], name="one_subscription_per_target"
            ),
            models.CheckConstraint(
                condition=Q(target="alles", key="") | (~Q(target="alles") & ~Q(key="")),
                name="subscription_key_matches_target",
            ),
        ]

    def __str__(self):
        return f"{self.get_target_display()} {self.key}".strip()

    def describe(self) -> str:
        """What it follows, in words ("Maßnahme SC-1.1 Titel")."""
        from measures.models import FieldOfAction, Measure, Tag

        T = Subscription.Target
        if self.target == T.ALL:
            return "alle Änderungen der Digitalisierungsstrategie"
        if self.target == T.MEASURE:
            measure = Measure.objects.filter(code=self.key).first()
            return f"Maßnahme {measure or self.key}"
        if self.target == T.FIELD:
            field = FieldOfAction.objects.filter(slug=self.key).first()
            return f"Handlungsfeld {field.name if field else self.key}"
        tag = Tag.objects.filter(slug=self.key).first()
        return f"Schlagwort „{tag.name if tag else self.key}“"


class PendingNotice(models.Model):
    """A measure with Stände recorded since `since` that its followers have not been told
    of yet; the task worker mails them at `due_at`, all at once."""

    measure = models.OneToOneField(
        "measures.Measure", on_delete=models.CASCADE, verbose_name="Maßnahme"
    )
    since = models.DateTimeField("Änderungen seit")
    due_at = models.DateTimeField("Versand ab")

    class Meta:
        verbose_name = "ausstehende Benachrichtigung"
        verbose_name_plural = "ausstehende Benachrichtigungen"

    def __str__(self):
        return str(self.measure)
