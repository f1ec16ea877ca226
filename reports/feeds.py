"""Atom feed of the frozen council reports, newest first."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Report

LATEST = 50


class ReportsFeed(Feed):
    feed_type = Atom1Feed
    title = "Iserlohn digital – Sachstandsberichte"
    subtitle = (
        "Neue Sachstandsberichte für den Ausschuss für Digitalisierung und Zukunft: "
        "eingefroren, nummeriert, mit PDF, CSV und JSON."
    )
    author_name = "Stadt Iserlohn"
    language = "de"

    def link(self):
        return reverse("reports:report-list")

    def items(self):
        return Report.objects.current().order_by("-frozen_at")[:LATEST]

    def item_title(self, item):
        return f"Nr. {item.number}: {item.title} (Stichtag {item.as_of:%d.%m.%Y})"

    def item_description(self, item):
        return (
            f"Stand jeder Maßnahme zum {item.as_of:%d.%m.%Y}, Änderungen seit dem "
            f"{item.since:%d.%m.%Y}. SHA-256 des PDF: {item.pdf_sha256}"
        )

    def item_pubdate(self, item):
        return item.frozen_at
