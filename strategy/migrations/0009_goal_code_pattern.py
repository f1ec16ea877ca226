import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0008_rate_limit"),
    ]

    operations = [
        migrations.AlterField(
            model_name="goal",
            name="code",
            field=models.CharField(
                help_text="z. B. „SC-Z1“ oder „SC-Z1.2“.",
                max_length=20,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z]{2,4}-Z\\d{1,2}(?:\\.\\d{1,2})?$", "Code wie „SC-Z1“ oder „SC-Z1.2“."
                    )
                ],
                verbose_name="Code",
            ),
        ),
        migrations.AlterField(
            model_name="historicalgoal",
            name="code",
            field=models.CharField(
                db_index=True,
                help_text="z. B. „SC-Z1“ oder „SC-Z1.2“.",
                max_length=20,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z]{2,4}-Z\\d{1,2}(?:\\.\\d{1,2})?$", "Code wie „SC-Z1“ oder „SC-Z1.2“."
                    )
                ],
                verbose_name="Code",
            ),
        ),
    ]
