"""The project package's own app configurations (listed in settings.INSTALLED_APPS)."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "iserlohn_digital"
    verbose_name = "Iserlohn digital"

    def ready(self):
        from iserlohn_digital.pdf import patch_pydyf

        patch_pydyf()
