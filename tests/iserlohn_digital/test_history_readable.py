"""The history in the admin reads as German prose, not as a debugger: German labels,
values in full and by their label, a change of the Stand with the note of its status
update, and before a revert what it will change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.updates import record_status_update
from tests.builders import make_measure
from tests.conftest import signed_in_staff

pytestmark = pytest.mark.django_db

UPDATES = 'FROM "measures_statusupdate"'
LONG = "Ein Absatz, der länger ist als hundert Zeichen, damit nichts gekürzt wird. " * 3


@pytest.fixture
def edited(django_user_model):
    client, user = signed_in_staff(django_user_model, "red", "Redaktion")
    measure = make_measure(title="Alter Titel", status="umsetzung", progress=30)
    measure.description, measure.title = LONG.strip(), "Neuer Titel"
    measure.status = "zurueckgestellt"
    measure._history_user = user
    measure.save()
    return client, measure


def test_the_history_list_is_german_and_shows_values_in_full(edited):
    client, measure = edited
    page = client.get(reverse("admin:measures_measure_history", args=[measure.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for label in ("Verlauf", "Zeitpunkt", "geändert von", "Änderungen", "vorher", "nachher"):
        assert label in text
    assert "Beschreibung" in text and "Titel" in text
    assert LONG.strip() in text  # in full, not "[… chars]"
    assert "zurückgestellt" in text and "zurueckgestellt" not in text  # the label
    for debugger in ("None", "Historical", "Change reason", "Changes", "chars]"):
        assert debugger not in text


def test_the_revert_page_shows_what_will_change_before_it_changes_it(edited):
    client, measure = edited
    first = measure.history.earliest()
    url = reverse("admin:measures_measure_simple_history", args=[measure.pk, first.history_id])
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Das ändert sich beim Zurücksetzen" in text
    changes = page.context["revert_changes"]
    assert {(c["field"], str(c["old"]), str(c["new"])) for c in changes} >= {
        ("Titel", "Neuer Titel", "Alter Titel"),
        ("Status", "zurückgestellt", "in Umsetzung"),
    }
    assert "Historical" not in text and "None" not in text
    measure.refresh_from_db()
    assert measure.title == "Neuer Titel"  # looking changes nothing


def test_a_change_of_the_stand_shows_the_note_of_its_status_update(edited):
    client, measure = edited
    url = reverse("admin:measures_measure_history", args=[measure.pk])
    first = record_status_update(measure=measure, status="umsetzung", note="Wieder aufgenommen.")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for progress in (40, 60, 80):
        record_status_update(measure=measure, progress=progress, note=f"Jetzt {progress} %.")
    with CaptureQueriesContext(connection) as four:
        page = client.get(url)
    # One query for the notes of a page, however many changes of the Stand it shows.
    for queries in (one, four):
        assert len([q for q in queries if UPDATES in q["sql"]]) == 1
    text = page.content.decode()
    change = reverse("admin:measures_statusupdate_change", args=[first.pk])
    assert f'<a href="{change}">Statusmeldung vom {first.date:%d.%m.%Y}</a>' in text
    assert "Wieder aufgenommen." in text and "Jetzt 80 %." in text
    notes = [getattr(r, "status_update", None) for r in page.context["page_obj"]]
    assert [n.note if n else None for n in notes] == [
        "Jetzt 80 %.",
        "Jetzt 60 %.",
        "Jetzt 40 %.",
        "Wieder aufgenommen.",
        None,  # the edit of title and description
        None,  # created
    ]
