"""Keeps the stored search fields of measures current on every write (measures/search.py).

taggit saves and deletes each TaggedMeasure row, so their own signals cover every change
of a measure's tags. Writes that bypass signals (bulk_create in perf's `generate_measures`) call
`update_search_index` themselves.
"""

from django.db.models.signals import post_delete, post_save

from strategy.signals import content_changed

from .search import update_search_index


def _measure_saved(sender, instance, **kwargs):
    update_search_index([instance.pk])


def _tagging_changed(sender, instance, **kwargs):
    update_search_index([instance.content_object_id])


def _unit_saved(sender, instance, **kwargs):
    update_search_index(instance.measures.values_list("pk", flat=True))


def _tag_saved(sender, instance, **kwargs):
    update_search_index(instance.tagged_measures.values_list("content_object_id", flat=True))


def _content_changed(sender, **kwargs):
    from .renders import renew_main_documents

    renew_main_documents()


def connect():
    from .models import Measure, OrganisationalUnit, Tag, TaggedMeasure

    post_save.connect(_measure_saved, sender=Measure, dispatch_uid="search-measure")
    post_save.connect(_tagging_changed, sender=TaggedMeasure, dispatch_uid="search-tagging")
    post_delete.connect(_tagging_changed, sender=TaggedMeasure, dispatch_uid="search-untag")
    post_save.connect(_unit_saved, sender=OrganisationalUnit, dispatch_uid="search-unit")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid="search-tag")
    content_changed.connect(_content_changed, dispatch_uid="renew-publications")
