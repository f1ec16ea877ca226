from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Strategie"

    def ready(self):
        from . import signals

        signals.track_content(self, not_content={"contentversion", "barrierreport", "ratelimit"})
