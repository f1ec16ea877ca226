from django.apps import AppConfig
from django.db.backends.signals import connection_created


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = "Maßnahmen"

    def ready(self):
        from . import signals
        from .search import set_trigram_threshold

        signals.connect()
        connection_created.connect(set_trigram_threshold, dispatch_uid="trigram-threshold")
