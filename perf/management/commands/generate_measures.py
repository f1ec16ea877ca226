import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from measures.models import (
    FieldOfAction,
    Indicator,
    Measure,
    Milestone,
    OrganisationalUnit,
    Status,
    StatusUpdate,
    Tag,
    TaggedMeasure,
)
from measures.search import update_search_index
from measures.updates import refresh_last_update
from strategy.models import ContentVersion

SUBJECTS = [
    "Verwaltungsportal",
    "Schulnetz",
    "Sensornetz",
    "Bürgerbeteiligung",
    "Datenplattform",
    "Ratsinformationssystem",
    "Parkleitsystem",
    "Energiemonitoring",
    "Terminvergabe",
    "E-Akte",
    "Bibliothek",
    "Feuerwehr",
    "Straßenbeleuchtung",
    "Abfallwirtschaft",
    "Wirtschaftsförderung",
    "Stadtarchiv",
    "Kita-Anmeldung",
    "Friedhofsverwaltung",
]
ACTIONS = [
    "digitalisieren",
    "einführen",
    "ausbauen",
    "vernetzen",
    "modernisieren",
    "barrierefrei gestalten",
    "auswerten",
    "erproben",
    "zusammenführen",
]
TAGS = [
    "Open Data",
    "OZG",
    "Klimaschutz",
    "Schule",
    "Mobilität",
    "Beteiligung",
    "Förderprojekt",
    "IT-Sicherheit",
    "Prozesse",
    "Sensorik",
]


class Command(BaseCommand):
    help = (
        "Erzeugt N Beispielmaßnahmen mit Statusmeldungen, Meilensteinen, Kennzahlen und "
        "Schlagwörtern für Lasttests und Benchmarks (nicht für den Betrieb). Setzt die "
        "Seed-Daten voraus."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=2026, help="Zufallsstartwert")

    @transaction.atomic
    def handle(self, count, seed, **options):
        if count < 1:
            raise CommandError("Bitte eine positive Anzahl angeben.")
        fields = list(FieldOfAction.objects.published().prefetch_related("goals"))
        units = list(OrganisationalUnit.objects.all())
        if not fields or not units:
            raise CommandError("Keine Handlungsfelder oder Einheiten: zuerst load_seed ausführen.")
        rng = random.Random(seed)
        used = set(Measure.objects.values_list("code", flat=True))
        next_number = {field.pk: 100 for field in fields}
        tags = [
            Tag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]
            for name in TAGS
        ]
        now = timezone.now()
        measures = []
        for _ in range(count):
            field = rng.choice(fields)
            while True:
                code = f"{field.code}.{next_number[field.pk]}"
                next_number[field.pk] += 1
                if code not in used:
                    used.add(code)
                    break
            subject, action = rng.choice(SUBJECTS), rng.choice(ACTIONS)
            status = rng.choices(list(Status), weights=[3, 3, 6, 2, 1, 1])[0]
            progress = 100 if status == Status.DONE else rng.randint(0, 95)
            start = datetime.date(rng.randint(2021, 2027), rng.choice([1, 4, 7, 10]), 1)
            end = datetime.date(start.year + rng.randint(1, 3), start.month, 1)
            measures.append(
                Measure(
                    code=code,
                    field_of_action=field,
                    lead_unit=rng.choice(units),
                    title=f"{subject} {action}",
                    summary=f"Die Stadt will {subject} {action}: ein Beispiel für Lasttests.",
                    description=f"Beispielmaßnahme zum Thema {subject}. Ziel ist es, "
                    f"{subject} zu {action.split()[-1]}, damit Verwaltung und Bürgerschaft "
                    "profitieren.",
                    status=status,
                    progress=progress,
                    priority=rng.choice(Measure.Priority.values),
                    start_date=start,
                    end_date=end,
                    is_published=True,
                    is_example=True,
                    created_at=now,
                    updated_at=now,
                )
            )
        Measure.objects.bulk_create(measures, batch_size=1000)
        goal_links, tag_links, updates, milestones, indicators = [], [], [], [], []
        GoalLink = Measure.goals.through
        for measure in measures:
            for goal in list(measure.field_of_action.goals.all())[:2]:
                goal_links.append(GoalLink(measure=measure, goal=goal))
            for tag in rng.sample(tags, 2):
                tag_links.append(TaggedMeasure(content_object=measure, tag=tag))
            first = measure.start_date
            updates.append(
                StatusUpdate(
                    measure=measure,
                    date=first,
                    status=Status.PREPARING,
                    progress=0,
                    note="Beispiel: Vorbereitung begonnen.",
                    recorded_at=now,
                )
            )
            updates.append(
                StatusUpdate(
                    measure=measure,
                    date=min(first + datetime.timedelta(days=200), timezone.localdate()),
                    status=measure.status,
                    progress=measure.progress,
                    note="Beispiel: aktueller Stand.",
                    recorded_at=now + datetime.timedelta(seconds=1),
                )
            )
            milestones.append(
                Milestone(
                    measure=measure,
                    title="Konzept fertig",
                    due_date=first + datetime.timedelta(days=120),
                )
            )
            indicators.append(
                Indicator(
                    measure=measure,
                    name="Nutzung",
                    unit="%",
                    baseline=0,
                    target=80,
                    current=rng.randint(0, 80),
                    as_of=timezone.localdate(),
                )
            )
        for model, rows in [
            (GoalLink, goal_links),
            (TaggedMeasure, tag_links),
            (StatusUpdate, updates),
            (Milestone, milestones),
            (Indicator, indicators),
        ]:
            model.objects.bulk_create(rows, batch_size=2000)
        # bulk_create sends no signals and bypasses record_stand: the search index, the
        # date of each measure's latest update and the content version by hand.
        ids = [measure.pk for measure in measures]
        update_search_index(ids)
        for start in range(0, len(ids), 500):  # within SQLite's limit of query parameters
            refresh_last_update(Measure.objects.filter(pk__in=ids[start : start + 500]))
        ContentVersion.bump()
        self.stdout.write(f"{count} Beispielmaßnahmen erzeugt.")
