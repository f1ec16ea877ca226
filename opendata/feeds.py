"""Atom feeds of status updates (all, per Handlungsfeld, per measure) and of all changes
(/aenderungen/)."""

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from measures.changes import ChangesForm, changes_since
from measures.models import FieldOfAction, Measure, StatusUpdate

LATEST = 50


class UpdatesFeed(Feed):
    feed_type = Atom1Feed
    title = "Iserlohn digital – Statusmeldungen"
    subtitle = (
        "Neue Statusmeldungen zu den Maßnahmen der Digitalisierungsstrategie der Stadt Iserlohn."
    )
    author_name = "Stadt Iserlohn"
    language = "de"

    def link(self, obj=None):
        return reverse("measures:dashboard")

    def updates(self, obj):
        return StatusUpdate.objects.current().filter(measure__in=Measure.objects.published())

    def items(self, obj=None):
        return (
            self.updates(obj)
            .select_related("measure", "corrects")
            .order_by("-date", "-recorded_at")[:LATEST]
        )

    def item_title(self, item):
        status = item.get_status_display()
        return f"{item.measure.code} {item.measure.title}: {status}, {item.progress} %"

    def item_description(self, item):
        if item.corrects_id:
            return f"{item.note} ({item.correction_label})"
        return item.note

    def item_link(self, item):
        return item.measure.get_absolute_url()

    def item_guid(self, item):
        return f"{item.measure.get_full_url()}#meldung-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(12)))

    def item_updateddate(self, item):
        return item.recorded_at


class FieldUpdatesFeed(UpdatesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(FieldOfAction.objects.published(), slug=slug)

    def title(self, obj):
        return f"Iserlohn digital – Statusmeldungen im Handlungsfeld {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def updates(self, obj):
        return super().updates(obj).filter(measure__field_of_action=obj)


class MeasureUpdatesFeed(UpdatesFeed):
    def get_object(self, request, code):
        return get_object_or_404(Measure.objects.published(), code=code)

    def title(self, obj):
        return f"Iserlohn digital – Statusmeldungen zu {obj.code} {obj.title}"

    def link(self, obj):
        return obj.get_absolute_url()

    def updates(self, obj):
        return super().updates(obj).filter(measure=obj)


class ChangesFeed(Feed):
    """The page /aenderungen/ as a feed: the same changes since the same day (`seit`)."""

    feed_type = Atom1Feed
    title = "Iserlohn digital – Änderungen"
    subtitle = (
        "Statusmeldungen, abgeschlossene und neue Maßnahmen und geänderte Termine der "
        "Digitalisierungsstrategie der Stadt Iserlohn."
    )
    author_name = "Stadt Iserlohn"
    language = "de"

    def __call__(self, request, *args, **kwargs):
        form = ChangesForm(request.GET)
        if not form.is_valid():
            errors = " ".join(error for errors in form.errors.values() for error in errors)
            return HttpResponseBadRequest(
                f"Ungültiges Datum: {errors}", content_type="text/plain; charset=utf-8"
            )
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        form = ChangesForm(request.GET)
        form.is_valid()
        return form.since

    def link(self, obj):
        return reverse("measures:changes")

    def items(self, obj):
        return changes_since(obj)[0]

    def item_title(self, item):
        return f"{item.label}: {item.measure.code} {item.measure.title}"

    def item_description(self, item):
        return item.text

    def item_link(self, item):
        return item.measure.get_absolute_url()

    def item_guid(self, item):
        return item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.moment

    def item_updateddate(self, item):
        return item.moment
