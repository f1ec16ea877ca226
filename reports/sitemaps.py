from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Report


class ReportListSitemap(Sitemap):
    """The archive, changing with each frozen or withdrawn report."""

    def items(self):
        return ["reports:report-list"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return Report.objects.aggregate(latest=Max("frozen_at"))["latest"]


class ReportSitemap(Sitemap):
    """Each frozen report's page; it never changes."""

    def items(self):
        return Report.objects.current().order_by("year", "sequence")

    def lastmod(self, item):
        return item.frozen_at
