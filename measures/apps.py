from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = "Maßnahmen"

    def ready(self):
        from . import signals

        signals.connect()
