"""The sitemap of the legal and accessibility pages; iserlohn_digital/urls.py assembles
it with those of the measures app."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .views import INFO_PAGES


class InfoPageSitemap(Sitemap):
    """Legal and accessibility pages; their text lives in the templates."""

    def items(self):
        return [f"strategy:{page}" for page in INFO_PAGES]

    def location(self, item):
        return reverse(item)
