"""The public views of the measures: edge cases of the dashboard, the catalogue's pages
and the Steckbrief's Stand dates, and methods they do not take."""

import datetime
from unittest import mock

import pytest

from tests.builders import make_field, make_measure, make_substrategy, make_update, make_world

pytestmark = pytest.mark.django_db


def test_dashboard_works_on_a_leap_day(client):
    make_world(2)
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2028, 2, 29)):
        assert client.get("/umsetzungsstand/").status_code == 200


def test_pagination_keeps_an_explicit_sort_with_a_search(client):
    make_world(25)
    page = client.get("/massnahmen/", {"q": "Maßnahme", "sortierung": "code"}).content.decode()
    assert "sortierung=code" in page
    assert "seite=2" in page


def test_status_is_dated_from_when_it_began_not_from_the_latest_update(client):
    measure = make_measure(status="umsetzung", progress=60)
    make_update(measure, date=datetime.date(2025, 1, 10), status="vorbereitung", progress=10)
    make_update(measure, date=datetime.date(2025, 5, 2), progress=20)
    make_update(measure, date=datetime.date(2026, 9, 1), progress=60)
    page = client.get(measure.get_absolute_url()).content.decode()
    assert 'seit <time datetime="2025-05-02">' in page
    assert "Letzte Meldung vom <time" in page


def test_the_field_list_shows_each_substrategy_once_with_its_fields_in_order(client):
    second = make_substrategy(name="Zweite", slug="zweite", position=2)
    first = make_substrategy(name="Erste", slug="erste", position=1)
    # Made alternately, so the order of creation is not the order of the page.
    for position in (2, 1):
        for substrategy in (second, first):
            make_field(
                substrategy=substrategy, position=position, name=f"{substrategy.name} {position}"
            )

    page = client.get("/handlungsfelder/").content.decode()

    assert page.count('id="hf-erste"') == page.count('id="hf-zweite"') == 1
    order = ["Erste 1", "Erste 2", 'id="hf-zweite"', "Zweite 1", "Zweite 2"]
    assert [page.index(text) for text in order] == sorted(page.index(text) for text in order)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused_not_failed(client, method):
    assert getattr(client, method)("/massnahmen/").status_code == 405


def postpone(measure, end, reason, **kwargs):
    from measures.schedule import change_schedule

    return change_schedule(
        measure=measure, start_date=measure.start_date, end_date=end, reason=reason, **kwargs
    )


def test_the_steckbrief_lists_each_postponement_with_old_new_and_reason(client):
    measure = make_world(1)["measures"][0]  # planned Q1 2025 – Q4 2027
    postpone(measure, datetime.date(2028, 6, 30), "Förderbescheid kam später.")
    postpone(measure, datetime.date(2028, 12, 31), "Lieferengpass.")
    page = client.get(measure.get_absolute_url()).content.decode()
    facts = page[page.index("<dt>Verschoben</dt>") :]
    assert facts.startswith("<dt>Verschoben</dt><dd>2×")
    first = facts.index('Q4 2027 <span aria-hidden="true">→</span>')
    second = facts.index('Q2 2028 <span aria-hidden="true">→</span>')
    assert first < second  # oldest first
    assert '<span class="visually-hidden">geändert auf</span> Q4 2028' in facts
    assert "Grund: Förderbescheid kam später." in facts
    assert "Grund: Lieferengpass." in facts


def test_a_finished_measure_shows_planned_against_actual_end(client):
    from measures.updates import record_status_update

    measure = make_measure(status="umsetzung", progress=90, end_date=datetime.date(2025, 12, 31))
    record_status_update(
        measure=measure,
        status="abgeschlossen",
        progress=100,
        note="Fertig.",
        date=datetime.date(2026, 3, 12),
    )
    page = client.get(measure.get_absolute_url()).content.decode()
    assert (
        "geplant bis Q4 2025 · abgeschlossen am "
        '<time datetime="2026-03-12">12.03.2026</time> (3 Monate später)'
    ) in page


def test_the_dashboard_lists_recent_postponements_of_published_measures_only(client):
    world = make_world(1)
    shown = world["measures"][0]
    draft = make_measure(
        field_of_action=world["field"],
        code="SC-1.9",
        title="Geheimer Entwurf",
        is_published=False,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    page = client.get("/umsetzungsstand/").content.decode()
    assert "Bisher wurde kein Termin verschoben." in page
    postpone(shown, datetime.date(2028, 3, 31), "Ausschreibung wiederholt.")
    postpone(draft, datetime.date(2026, 12, 31), "Interner Grund.")
    page = client.get("/umsetzungsstand/").content.decode()
    section = page[page.index('id="verschoben"') : page.index('id="neu"')]
    assert shown.get_absolute_url() in section
    assert "Q4 2027" in section and "Q1 2028" in section
    assert "Ausschreibung wiederholt." in section
    assert "SC-1.9" not in page and "Interner Grund." not in page


def test_steckbrief_and_dashboard_queries_do_not_grow_with_postponements(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from measures.models import Indicator
    from measures.schedule import change_target

    measure = make_world(2)["measures"][0]
    postpone(measure, datetime.date(2028, 3, 31), "Erster Grund.")

    def counts():
        result = []
        for path in (measure.get_absolute_url(), "/umsetzungsstand/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    for year in range(2029, 2035):
        postpone(measure, datetime.date(year, 3, 31), f"Grund {year}.")
    indicator = Indicator.objects.get(measure=measure)
    change_target(indicator=indicator, target=indicator.target + 10, reason="Mehr Nutzer.")
    assert counts() == before
