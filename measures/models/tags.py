"""Schlagwörter of measures (django-taggit with a model of its own)."""

from django.db import models
from simple_history.models import HistoricalRecords
from taggit.models import ItemBase, TagBase

from iserlohn_digital.text import german_sort_key


class Tag(TagBase):
    """A Schlagwort for measures."""

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "Schlagwort"
        verbose_name_plural = "Schlagwörter"

    @staticmethod
    def in_german_order(tags) -> list:
        """The tags as a German reader looks them up: "arbeit", "Äpfel", "Bürger" … (the
        database's own order puts capitals or umlauts apart, and differs between them)."""
        return sorted(tags, key=lambda tag: german_sort_key(tag.name))


class TaggedMeasureManager(models.Manager):
    def get_by_natural_key(self, measure_code, tag_name):
        return self.get(content_object__code=measure_code, tag__name=tag_name)


class TaggedMeasure(ItemBase):
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="tagged_measures", verbose_name="Schlagwort"
    )
    content_object = models.ForeignKey(
        "Measure", on_delete=models.CASCADE, related_name="tagged_items", verbose_name="Maßnahme"
    )

    objects = TaggedMeasureManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Verschlagwortung"
        verbose_name_plural = "Verschlagwortungen"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_measure_unique"),
        ]
        # The measures sharing a Schlagwort, counted from the index alone (related measures).
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_measure_by_tag")]

    def natural_key(self):
        return (self.content_object.code, self.tag.name)

    natural_key.dependencies = ["measures.measure", "measures.tag"]
