"""The history in the admin reads as German prose, not as a debugger: German labels,
values in full and by their label, and before a revert what it will change."""

import pytest
from django.urls import reverse

from tests.builders import make_measure
from tests.conftest import signed_in_staff

pytestmark = pytest.mark.django_db

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
