import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import strategy.models


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0010_normalize_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalSignLanguageVideo",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="Titel")),
                (
                    "text",
                    models.TextField(
                        blank=True,
                        help_text="Was im Video gesagt wird, als Text für alle, die das Video nicht sehen können.",
                        verbose_name="Text zum Video",
                    ),
                ),
                (
                    "video",
                    models.TextField(
                        blank=True,
                        help_text="MP4 oder WebM, höchstens 300 MB. Wird auf dieser Website gespeichert und ausgeliefert. Zusammen mit der Untertitel-Datei hochladen.",
                        max_length=100,
                        validators=[strategy.models.validate_video_file],
                        verbose_name="Videodatei",
                    ),
                ),
                (
                    "captions",
                    models.TextField(
                        blank=True,
                        help_text="Die Untertitel des Videos als .vtt-Datei in UTF-8, höchstens 1 MB.",
                        max_length=100,
                        validators=[strategy.models.validate_captions_file],
                        verbose_name="Untertitel (WebVTT)",
                    ),
                ),
                (
                    "link",
                    models.URLField(
                        blank=True,
                        help_text="Statt einer Datei: die Adresse (https://…) eines Videos, das anderswo veröffentlicht ist, z. B. auf iserlohn.de. Wird als Link gezeigt, nicht eingebettet.",
                        max_length=500,
                        validators=[django.core.validators.URLValidator(schemes=["https"])],
                        verbose_name="oder: Link zu einem Video",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=0, verbose_name="Reihenfolge"),
                ),
                (
                    "is_published",
                    models.BooleanField(
                        default=False,
                        help_text="Sobald ein Video veröffentlicht ist, heißt der Link oben auf jeder Seite „Gebärdensprache“ statt „Gebärdensprache (in Vorbereitung)“.",
                        verbose_name="veröffentlicht",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical Video in Gebärdensprache",
                "verbose_name_plural": "historical Videos in Gebärdensprache",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="SignLanguageVideo",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="Titel")),
                (
                    "text",
                    models.TextField(
                        blank=True,
                        help_text="Was im Video gesagt wird, als Text für alle, die das Video nicht sehen können.",
                        verbose_name="Text zum Video",
                    ),
                ),
                (
                    "video",
                    models.FileField(
                        blank=True,
                        help_text="MP4 oder WebM, höchstens 300 MB. Wird auf dieser Website gespeichert und ausgeliefert. Zusammen mit der Untertitel-Datei hochladen.",
                        upload_to="gebaerdensprache/",
                        validators=[strategy.models.validate_video_file],
                        verbose_name="Videodatei",
                    ),
                ),
                (
                    "captions",
                    models.FileField(
                        blank=True,
                        help_text="Die Untertitel des Videos als .vtt-Datei in UTF-8, höchstens 1 MB.",
                        upload_to="gebaerdensprache/",
                        validators=[strategy.models.validate_captions_file],
                        verbose_name="Untertitel (WebVTT)",
                    ),
                ),
                (
                    "link",
                    models.URLField(
                        blank=True,
                        help_text="Statt einer Datei: die Adresse (https://…) eines Videos, das anderswo veröffentlicht ist, z. B. auf iserlohn.de. Wird als Link gezeigt, nicht eingebettet.",
                        max_length=500,
                        validators=[django.core.validators.URLValidator(schemes=["https"])],
                        verbose_name="oder: Link zu einem Video",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=0, verbose_name="Reihenfolge"),
                ),
                (
                    "is_published",
                    models.BooleanField(
                        default=False,
                        help_text="Sobald ein Video veröffentlicht ist, heißt der Link oben auf jeder Seite „Gebärdensprache“ statt „Gebärdensprache (in Vorbereitung)“.",
                        verbose_name="veröffentlicht",
                    ),
                ),
            ],
            options={
                "verbose_name": "Video in Gebärdensprache",
                "verbose_name_plural": "Videos in Gebärdensprache",
                "ordering": ["position", "title"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                models.Q(("video", ""), _negated=True),
                                models.Q(("captions", ""), _negated=True),
                                ("link", ""),
                            ),
                            models.Q(
                                ("video", ""),
                                ("captions", ""),
                                models.Q(("link", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="sign_language_video_file_with_captions_or_link",
                        violation_error_message="Bitte entweder eine Videodatei mit Untertiteln hochladen oder einen Link zu einem Video angeben, nicht beides.",
                    )
                ],
            },
        ),
    ]
