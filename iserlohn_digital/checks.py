"""Deployment checks of the portal's own settings (`manage.py check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}


@register(Tags.security, deploy=True)
def site_url_is_public(app_configs, **kwargs):
    """Every PDF, feed and open-data file links to SITE_URL: in production it must be the
    portal's public address, not the development default."""
    if settings.DEBUG:
        return []
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme in ("http", "https") and (parts.hostname or "") not in LOCAL_HOSTS:
        return []
    return [
        Error(
            f"SITE_URL ist „{settings.SITE_URL}“: PDFs, Feeds und offene Daten würden dorthin "
            "verlinken.",
            hint="SITE_URL auf die öffentliche Adresse des Portals setzen, "
            "z. B. https://digitalisierung.iserlohn.de.",
            id="iserlohn_digital.E001",
        )
    ]
