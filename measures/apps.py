from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _add_casefold_to_sqlite(sender, connection, **kwargs):
    # SQLite folds only ASCII letters; the search fallback needs "Ä" to match "ä".
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "casefold", 1, lambda text: text.casefold() if text is not None else None,
            deterministic=True,
        )  # fmt: skip


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = "Maßnahmen"

    def ready(self):
        connection_created.connect(_add_casefold_to_sqlite, dispatch_uid="sqlite-casefold")
