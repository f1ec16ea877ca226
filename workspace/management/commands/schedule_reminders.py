from django.core.management.base import BaseCommand

from workspace.tasks import schedule_all


class Command(BaseCommand):
    help = (
        "Plant die Erinnerungen per E-Mail für den Task-Worker ein (wöchentlich und täglich), "
        "sofern noch keine wartet."
    )

    def handle(self, *args, **options):
        schedule_all()
