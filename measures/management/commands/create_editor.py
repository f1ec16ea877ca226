import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from iserlohn_digital.roles import ROLES
from measures.models import OrganisationalUnit


class Command(BaseCommand):
    help = (
        "Legt ein Konto für die Redaktion oder einen Fachbereich an (Mitarbeitendenstatus, "
        "Gruppe, bei Fachbereichen die Organisationseinheiten). Das Passwort wird "
        "abgefragt oder aus der Umgebungsvariable EDITOR_PASSWORD gelesen."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rolle", choices=list(ROLES), required=True)
        parser.add_argument(
            "--einheit", action="append", default=[], help="Kurzname der Organisationseinheit"
        )
        parser.add_argument("--email", default="")

    def handle(self, username, rolle, einheit, email, **options):
        units = list(OrganisationalUnit.objects.filter(slug__in=einheit))
        unknown = set(einheit) - {u.slug for u in units}
        if unknown:
            raise CommandError("Unbekannte Organisationseinheit: " + ", ".join(sorted(unknown)))
        if rolle == "fachbereich" and not units:
            raise CommandError("Ein Fachbereichskonto braucht mindestens eine --einheit.")
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"Das Konto „{username}“ gibt es schon.")
        password = os.environ.get("EDITOR_PASSWORD") or getpass.getpass("Passwort: ")
        user = User(username=username, email=email, is_staff=True)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=ROLES[rolle].group))
        for unit in units:
            unit.members.add(user)
        self.stdout.write(f"Konto „{username}“ angelegt: {ROLES[rolle].group}.")
