import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("measures", "0023_online_service_measure_help"),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingNotice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("since", models.DateTimeField(verbose_name="Änderungen seit")),
                ("due_at", models.DateTimeField(verbose_name="Versand ab")),
                (
                    "measure",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        to="measures.measure",
                        verbose_name="Maßnahme",
                    ),
                ),
            ],
            options={
                "verbose_name": "ausstehende Benachrichtigung",
                "verbose_name_plural": "ausstehende Benachrichtigungen",
            },
        ),
        migrations.CreateModel(
            name="Subscription",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.EmailField(max_length=254, verbose_name="E-Mail-Adresse")),
                (
                    "target",
                    models.CharField(
                        choices=[
                            ("alles", "alle Änderungen"),
                            ("massnahme", "Maßnahme"),
                            ("handlungsfeld", "Handlungsfeld"),
                            ("schlagwort", "Schlagwort"),
                        ],
                        max_length=20,
                        verbose_name="folgt",
                    ),
                ),
                ("key", models.CharField(blank=True, max_length=120, verbose_name="Kennung")),
                (
                    "frequency",
                    models.CharField(
                        choices=[
                            ("sofort", "bei jeder Änderung"),
                            ("monatlich", "monatliche Übersicht"),
                        ],
                        max_length=20,
                        verbose_name="Häufigkeit",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="angefragt am"
                    ),
                ),
                (
                    "confirmed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="bestätigt am"),
                ),
            ],
            options={
                "verbose_name": "Abonnement",
                "verbose_name_plural": "Abonnements",
                "ordering": ["email", "target", "key"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("email", "target", "key"), name="one_subscription_per_target"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("key", ""), ("target", "alles")),
                            models.Q(
                                models.Q(("target", "alles"), _negated=True),
                                models.Q(("key", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="subscription_key_matches_target",
                    ),
                ],
            },
        ),
    ]
