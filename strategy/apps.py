from django.apps import AppConfig
from django.db.backends.signals import connection_created


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Strategie"

    def ready(self):
        from iserlohn_digital import checks  # noqa: F401 – registers the deployment checks
        from iserlohn_digital.db import set_statement_timeout

        from . import signals

        signals.connect()
        connection_created.connect(set_statement_timeout, dispatch_uid="statement-timeout")
