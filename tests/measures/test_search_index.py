"""The stored search fields follow every write: a renamed unit, a new tag, an edited text
are found on the next search, on SQLite and on PostgreSQL alike."""

import pytest
from django.core.management import call_command

from measures.models import Measure, Tag
from tests.builders import make_measure, make_unit

pytestmark = pytest.mark.django_db


def found(client, query):
    return [m.code for m in client.get("/massnahmen/", {"q": query}).context["measures"]]


def test_edits_to_the_measure_its_unit_and_its_tags_are_found_at_once(client):
    measure = make_measure(title="Parkleitsystem", lead_unit=make_unit(name="Tiefbau"))
    assert found(client, "Parkleitsystem") == [measure.code]
    assert found(client, "Glasfaser") == []

    measure.description = "Glasfaser für alle Schulen."
    measure.save()
    assert found(client, "Glasfaser") == [measure.code]

    unit = measure.lead_unit
    unit.name = "Stadtentwässerung"
    unit.save()
    assert found(client, "Stadtentwässerung") == [measure.code]

    measure.tags.add("Klimaanpassung")
    assert found(client, "Klimaanpassung") == [measure.code]
    tag = Tag.objects.get(name="Klimaanpassung")
    tag.name = "Hitzeschutz"
    tag.save()
    assert found(client, "Hitzeschutz") == [measure.code]
    measure.tags.clear()
    assert found(client, "Hitzeschutz") == []


def test_generated_measures_are_searchable(client):
    call_command("load_seed", verbosity=0)
    call_command("generate_measures", "20", verbosity=0)
    generated = Measure.objects.filter(is_example=True, code__regex=r"\.1\d\d$")
    assert generated.count() == 20
    assert all(m.search_text for m in generated)
    title = generated.first().title
    assert set(found(client, title)) >= {m.code for m in generated if m.title == title}


@pytest.mark.postgres
def test_postgresql_searches_the_stored_vector_through_its_gin_index(client):
    from django.db import connection

    make_measure(title="Terminvergabe im Bürgerbüro")
    assert Measure.objects.exclude(search_vector=None).count() == Measure.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'measures_measure'"
            " AND indexdef LIKE '%%USING gin%%'"
        )
        indexes = {row[0] for row in cursor.fetchall()}
    assert {"measure_search_vector", "measure_search_text_trgm"} <= indexes
    assert found(client, "Terminvergaben") != []  # German stemming
    assert found(client, "Termnvergabe") != []  # a typo
