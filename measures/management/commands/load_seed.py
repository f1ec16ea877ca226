from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.db import transaction

# Loaded in this order: later files refer to earlier ones by natural key.
SEED_FIXTURES = ["strategy", "units", "measures", "pages"]


class Command(BaseCommand):
    help = (
        "Lädt die Seed-Daten aus fixtures/. Nur fehlende Einträge werden angelegt; "
        "was schon da ist (auch von der Redaktion Geändertes), bleibt unverändert."
    )

    def handle(self, *args, **options):
        created = kept = 0
        deferred = []
        with transaction.atomic():
            for name in SEED_FIXTURES:
                path = settings.FIXTURE_DIRS[0] / f"{name}.json"
                with path.open(encoding="utf-8") as stream:
                    for item in serializers.deserialize(
                        "json", stream, handle_forward_references=True
                    ):
                        manager = type(item.object)._default_manager
                        if (
                            item.object.pk is not None
                            and manager.filter(pk=item.object.pk).exists()
                        ):
                            kept += 1
                            continue
                        item.save()
                        created += 1
                        if item.deferred_fields:
                            deferred.append(item)
            for item in deferred:
                item.save_deferred_fields()
        self.stdout.write(f"Seed-Daten: {created} angelegt, {kept} schon vorhanden.")
