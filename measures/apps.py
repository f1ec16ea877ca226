from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = "Maßnahmen"

    def ready(self):
        from iserlohn_digital.roles import apply_roles
        from strategy.signals import track_content

        from . import signals
        from .search import set_trigram_threshold

        signals.connect()
        track_content(self, not_content={"pendingchange", "pendingimport", "publicationfile"})
        connection_created.connect(set_trigram_threshold, dispatch_uid="trigram-threshold")
        # After this app's migrations, the permissions of strategy and measures exist.
        post_migrate.connect(apply_roles, sender=self, dispatch_uid="apply-roles")
