from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Sachstandsberichte"

    def ready(self):
        from iserlohn_digital.roles import apply_roles
        from strategy.signals import track_content

        # A new or withdrawn report changes the archive pages and the catalogue.
        track_content(self)
        # The Redaktion's permission to freeze exists only after this app's migrations.
        post_migrate.connect(apply_roles, sender=self, dispatch_uid="apply-roles-reports")
