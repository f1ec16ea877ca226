"""The Steckbrief and the Umsetzungsstand read a fixed, small number of queries, however
much a measure holds and however many measures there are (with the page cache off)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.models import (
    CouncilDocument,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    OnlineService,
    Postponement,
)
from measures.schedule import change_schedule, change_target
from tests.builders import add_measures, make_measure, make_service, make_world

# The measure with its short lists (measures/nested.py), goals, tags, updates, the
# dependencies both ways, related measures, and the header's two flags.
STECKBRIEF_QUERIES = 7
# Counts, Teilstrategien, the three lists, Kennzahlen behind plan, postponements, latest
# updates, the header's flags.
DASHBOARD_QUERIES = 7


def count(client, path) -> int:
    client.get(path)  # the first request of a process may probe the database once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def fill(world) -> Measure:
    """A measure with something in every list its Steckbrief shows."""
    measure, other, third = world["measures"][:3]
    measure.dependencies.add(other)
    third.dependencies.add(measure)
    indicator = Indicator.objects.get(measure=measure)
    IndicatorValue.objects.create(
        indicator=indicator, kind="soll", date=datetime.date(2027, 12, 31), value=Decimal("80.5")
    )
    change_target(indicator=indicator, target=Decimal("90.25"), reason="Ziel erhöht.")
    change_schedule(
        measure=measure,
        start_date=measure.start_date,
        end_date=datetime.date(2028, 6, 30),
        reason="Ausschreibung verzögert.",
    )
    make_service(measure, name="Anwohnerparkausweis", maturity=3, url="https://example.org/a")
    CouncilDocument.objects.create(
        measure=measure, reference="V/2026/17", title="Beschluss", url="https://example.org/r"
    )
    return measure


@pytest.mark.django_db
def test_the_steckbrief_reads_a_full_measure_in_few_queries_at_any_size(client):
    world = make_world(3)
    measure = fill(world)
    small = count(client, measure.get_absolute_url())
    add_measures(world, 30)
    assert count(client, measure.get_absolute_url()) == small
    assert small <= STECKBRIEF_QUERIES
    page = client.get(measure.get_absolute_url()).content.decode()
    for text in ["Anwohnerparkausweis", "V/2026/17", "Ausschreibung verzögert", "Start"]:
        assert text in page


@pytest.mark.django_db
def test_the_dashboard_reads_in_few_queries_at_any_size(client, settings):
    settings.STALE_AFTER_DAYS = 30  # some measures are stale
    world = make_world(3)
    fill(world)
    make_measure(field_of_action=world["field"], end_date=datetime.date(2024, 3, 31))  # overdue
    small = count(client, "/umsetzungsstand/")
    add_measures(world, 30)
    assert count(client, "/umsetzungsstand/") == small
    assert small <= DASHBOARD_QUERIES


@pytest.mark.usefixtures("seed_for_the_class")
class TestSeed:
    def test_every_steckbrief_and_the_dashboard_in_few_queries(self, db, client):
        assert count(client, "/umsetzungsstand/") <= DASHBOARD_QUERIES
        for measure in Measure.objects.published():
            assert count(client, measure.get_absolute_url()) <= STECKBRIEF_QUERIES, measure

    def test_the_lists_read_with_the_measure_are_what_the_tables_hold(self, db):
        """measures/nested.py reads every field as the ORM would, in the same order."""
        lists = {
            "milestones": Milestone,
            "indicators": Indicator,
            "online_services": OnlineService,
            "council_documents": CouncilDocument,
        }
        for measure in Measure.objects.with_details():
            for name, model in lists.items():
                assert rows(getattr(measure, name).all()) == rows(
                    model.objects.filter(measure=measure)
                ), (measure, name)
            assert rows(measure.postponements.all()) == rows(
                Postponement.objects.filter(measure=measure).order_by("recorded_at")
            )
            for indicator in measure.indicators.all():
                assert rows(indicator.values.all()) == rows(
                    IndicatorValue.objects.filter(indicator=indicator)
                )


def rows(objects) -> list:
    objects = list(objects)
    fields = objects[0]._meta.concrete_fields if objects else []
    return [tuple(getattr(obj, field.attname) for field in fields) for obj in objects]
