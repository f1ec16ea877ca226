"""Sitemaps of the pages whose last change is the last change of a published measure;
iserlohn_digital/urls.py assembles them with those of the strategy app."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse

from strategy.models import Goal, SubStrategy

from .models import FieldOfAction, Measure, Tag


def _latest_update(measures):
    """The time the newest of `measures` was changed (a subquery)."""
    return Subquery(measures.order_by("-updated_at").values("updated_at")[:1])


class PageSitemap(Sitemap):
    """Overview pages: they change whenever a published measure does."""

    names = [
        "home",
        "strategy:leitbild",
        "measures:measure-list",
        "measures:dashboard",
        "measures:field-list",
        "measures:tag-list",
        "measures:downloads",
        "measures:changes",
        "measures:online-services",
    ]

    def items(self):
        latest = Measure.objects.published().aggregate(latest=Max("updated_at"))["latest"]
        return [(name, latest) for name in self.names]

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]


class _LatestOfMeasures(Sitemap):
    def lastmod(self, item):
        return item.latest


class SubStrategySitemap(_LatestOfMeasures):
    def items(self):
        measures = Measure.objects.published().filter(field_of_action__substrategy=OuterRef("pk"))
        return SubStrategy.objects.annotate(latest=_latest_update(measures)).order_by("position")


class GoalSitemap(_LatestOfMeasures):
    def items(self):
        measures = Measure.objects.published().filter(goals=OuterRef("pk"))
        return Goal.objects.published().annotate(latest=_latest_update(measures)).order_by("code")


class FieldSitemap(_LatestOfMeasures):
    def items(self):
        measures = Measure.objects.published().filter(field_of_action=OuterRef("pk"))
        return (
            FieldOfAction.objects.published()
            .annotate(latest=_latest_update(measures))
            .order_by("code")
        )


class TagSitemap(_LatestOfMeasures):
    def items(self):
        measures = Measure.objects.published().filter(tagged_items__tag=OuterRef("pk"))
        return (
            Tag.objects.filter(tagged_measures__content_object__in=Measure.objects.published())
            .distinct()
            .annotate(latest=_latest_update(measures))
            .order_by("name")
        )

    def location(self, item):
        return reverse("measures:tag-detail", args=[item.slug])


class MeasureSitemap(Sitemap):
    def items(self):
        return Measure.objects.published().order_by("code")

    def lastmod(self, item):
        return item.updated_at
