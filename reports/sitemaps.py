from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Report


class ReportSitemap(Sitemap):
    """The archive and each frozen report's page (which never changes), from one query."""

    def items(self):
        reports = list(Report.objects.current().order_by("year", "sequence"))
        latest = max((report.frozen_at for report in reports), default=None)
        return [
            (reverse("reports:report-list"), latest),
            *((report.get_absolute_url(), report.frozen_at) for report in reports),
        ]

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]
