from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from measures.models import FieldOfAction, Measure, Tag

from .models import Goal, SubStrategy
from .views import INFO_PAGES


def _latest_change():
    return Measure.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class PageSitemap(Sitemap):
    """Overview pages: they change whenever a published measure does."""

    names = [
        "strategy:home",
        "strategy:leitbild",
        "measures:measure-list",
        "measures:dashboard",
        "measures:field-list",
        "measures:tag-list",
        "strategy:downloads",
    ]

    def items(self):
        latest = _latest_change()
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
        published = Q(
            fields_of_action__measures__is_published=True,
            fields_of_action__is_published=True,
        )
        return SubStrategy.objects.annotate(
            latest=Max("fields_of_action__measures__updated_at", filter=published)
        ).order_by("position")


class GoalSitemap(_LatestOfMeasures):
    def items(self):
        return (
            Goal.objects.published()
            .annotate(latest=Max("measures__updated_at", filter=Q(measures__is_published=True)))
            .order_by("code")
        )


class FieldSitemap(_LatestOfMeasures):
    def items(self):
        return (
            FieldOfAction.objects.published()
            .annotate(latest=Max("measures__updated_at", filter=Q(measures__is_published=True)))
            .order_by("code")
        )


class TagSitemap(_LatestOfMeasures):
    def items(self):
        return (
            Tag.objects.filter(tagged_measures__content_object__in=Measure.objects.published())
            .annotate(latest=Max("tagged_measures__content_object__updated_at"))
            .order_by("name")
        )

    def location(self, item):
        return reverse("measures:tag-detail", args=[item.slug])


class MeasureSitemap(Sitemap):
    def items(self):
        return Measure.objects.published().order_by("code")

    def lastmod(self, item):
        return item.updated_at


class InfoPageSitemap(Sitemap):
    """Legal and accessibility pages; their text lives in the templates."""

    def items(self):
        return [f"strategy:{page}" for page in INFO_PAGES]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "seiten": PageSitemap,
    "informationen": InfoPageSitemap,
    "teilstrategien": SubStrategySitemap,
    "ziele": GoalSitemap,
    "handlungsfelder": FieldSitemap,
    "schlagworte": TagSitemap,
    "massnahmen": MeasureSitemap,
}
