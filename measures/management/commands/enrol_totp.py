from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Richtet für ein Konto den zweiten Faktor (TOTP) ein und gibt die Adresse für die "
        "Authenticator-App aus (als QR-Code in der App eingeben oder scannen lassen)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Authenticator-App")

    def handle(self, username, name, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"Kein Konto „{username}“.") from error
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        self.stdout.write(
            "In der Authenticator-App eintragen (als Adresse oder als QR-Code daraus):\n"
            f"{device.config_url}\n"
            "Beim Anmelden im Admin dann den sechsstelligen Code aus der App angeben."
        )
