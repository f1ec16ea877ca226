"""Words the catalogue's search treats as equal, kept by the Redaktion."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from ..search import fold


def split_words(value: str) -> list[str]:
    """The words of a comma-separated list, as written, without surrounding spaces."""
    return [word.strip() for word in value.split(",")]


def validate_words(value: str) -> None:
    words = split_words(value)
    if any(not word for word in words):
        raise ValidationError(
            "Bitte die Wörter nur durch Kommas trennen; ein Wort darf nicht leer sein.",
            code="empty",
        )
    if len(words) < 2:
        raise ValidationError(
            "Eine Gruppe braucht mindestens zwei Wörter, durch Kommas getrennt.", code="single"
        )
    seen = set()
    for word in words:
        if fold(word) in seen:
            raise ValidationError(f"„{word}“ steht doppelt in der Liste.", code="duplicate")
        seen.add(fold(word))


class SynonymGroup(models.Model):
    """Words of equal meaning: a search for any of them also finds the others."""

    words = models.CharField(
        "Wörter",
        max_length=500,
        unique=True,
        validators=[validate_words],
        help_text="Wörter mit gleicher Bedeutung, durch Kommas getrennt, zum Beispiel "
        "„Kita, Kindertagesstätte“. Wer nach einem davon sucht, findet auch die "
        "Maßnahmen mit den anderen. Groß- und Kleinschreibung und Umlaute spielen keine "
        "Rolle.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["words"]
        verbose_name = "Synonymgruppe"
        verbose_name_plural = "Synonyme der Suche"

    def __str__(self):
        return ", ".join(self.word_list)

    def clean(self):
        """A word belongs to one group only, so what a search adds stays predictable."""
        try:
            mine = {fold(word): word for word in split_words(self.words)}
        except (AttributeError, TypeError):
            return
        for other in SynonymGroup.objects.exclude(pk=self.pk):
            for word in other.word_list:
                if fold(word) in mine:
                    raise ValidationError(
                        {
                            "words": f"„{mine[fold(word)]}“ steht schon in der Gruppe "
                            f"„{other}“; ein Wort gehört nur zu einer Gruppe."
                        }
                    )

    @property
    def word_list(self) -> list[str]:
        return [word for word in split_words(self.words) if word]
