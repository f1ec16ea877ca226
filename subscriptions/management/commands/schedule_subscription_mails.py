from django.core.management.base import BaseCommand

from subscriptions.tasks import schedule_all


class Command(BaseCommand):
    help = (
        "Plant die monatliche Übersicht für Abonnentinnen und Abonnenten und das tägliche "
        "Löschen unbestätigter Adressen für den Task-Worker ein, sofern noch keine wartet."
    )

    def handle(self, *args, **options):
        schedule_all()
