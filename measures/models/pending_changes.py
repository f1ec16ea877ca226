"""Text changes of a Fachbereich that wait for the Redaktion's approval (measures/review.py)."""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PendingChange(models.Model):
    """Proposed values of a published measure's texts, with the values they were based on.

    The public measure keeps its text until the Redaktion approves; the record stays
    after the decision (who decided, when, why), so the review leaves a trace.
    """

    class State(models.TextChoices):
        OPEN = "offen", "offen"
        APPROVED = "freigegeben", "freigegeben"
        REJECTED = "abgelehnt", "abgelehnt"

    measure = models.ForeignKey(
        "measures.Measure",
        on_delete=models.CASCADE,
        related_name="pending_changes",
        verbose_name="Maßnahme",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="proposed_changes",
        verbose_name="vorgeschlagen von",
    )
    created_at = models.DateTimeField("vorgeschlagen am", default=timezone.now)
    updated_at = models.DateTimeField("zuletzt überarbeitet", auto_now=True)
    proposed = models.JSONField(
        "Vorschlag", default=dict, help_text="Je geändertem Feld der vorgeschlagene Text."
    )
    base = models.JSONField(
        "Grundlage",
        default=dict,
        help_text="Je geändertem Feld der Text, von dem der Vorschlag ausging.",
    )
    state = models.CharField("Zustand", max_length=12, choices=State, default=State.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decided_changes",
        verbose_name="entschieden von",
    )
    decided_at = models.DateTimeField("entschieden am", null=True, blank=True)
    reason = models.TextField("Begründung", blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "Textänderung zur Freigabe"
        verbose_name_plural = "Freigaben"
        constraints = [
            # A second save of the author updates their open change.
            models.UniqueConstraint(
                fields=["measure", "author"],
                condition=Q(state="offen"),
                name="one_open_change_per_author_and_measure",
                violation_error_message="Zu dieser Maßnahme liegt von Ihnen bereits ein "
                "offener Vorschlag vor.",
            ),
        ]

    def __str__(self):
        return f"{self.measure.code}: Vorschlag vom {timezone.localtime(self.created_at):%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def revision(self) -> str:
        """Names the proposed texts: the Redaktion approves the version it read, not one
        the author saved again meanwhile."""
        text = json.dumps(self.proposed, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]
