"""Two editors on the same measure: the second save, based on a stale version, is refused
with who changed what and when, keeps the editor's input, and goes through when repeated."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from iserlohn_digital.roles import apply_roles
from measures.models import Measure, Milestone
from tests.measures import test_editing
from tests.measures.test_editing import change_url, form_data

pytestmark = pytest.mark.django_db

setting = test_editing.setting


def version_in(response):
    """The version token the page carries in its hidden field."""
    assert response.status_code == 200
    version = response.context["adminform"].form["version"].value()
    assert f'name="version" value="{version}"' in response.content.decode()
    return version


def milestone_data(milestone, **changes):
    data = {
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "1",
        "milestones-0-id": milestone.pk,
        "milestones-0-measure": milestone.measure_id,
        "milestones-0-title": milestone.title,
        "milestones-0-due_date": milestone.due_date.isoformat(),
        "milestones-0-reached_on": "",
        "milestones-0-note": milestone.note,
    }
    data.update({f"milestones-0-{name}": value for name, value in changes.items()})
    return data


@pytest.fixture
def editors(setting):
    """Anna of the Redaktion and the Fachbereich user open the same measure."""
    setting["red_user"].first_name, setting["red_user"].last_name = "Anna", "Beispiel"
    setting["red_user"].save()
    own = setting["own"]
    url = change_url(own)
    first, second = setting["redaktion"], setting["fachbereich"]
    return own, url, first, second, version_in(first.get(url)), version_in(second.get(url))


def test_a_stale_save_is_refused_and_a_repeated_one_goes_through(editors):
    own, url, anna, fb, anna_version, fb_version = editors
    title = own.title
    loaded = form_data(own, version=fb_version)  # what the second editor's form holds
    saved = anna.post(url, form_data(own, version=anna_version, summary="Neu von Anna."))
    assert saved.status_code == 302

    refused = fb.post(url, loaded | {"title": "Titel vom Fachbereich"})
    assert refused.status_code == 200
    page = refused.content.decode()
    errors = " ".join(refused.context["adminform"].form.non_field_errors())
    assert "Anna Beispiel (red) hat diese Maßnahme am" in errors
    assert "(geändert: Kurzbeschreibung)" in errors
    assert "Ihre Eingaben sind unten erhalten" in page
    own.refresh_from_db()
    assert (own.summary, own.title) == ("Neu von Anna.", title)
    assert 'value="Titel vom Fachbereich"' in page

    # The page shown again carries the new version: saving it once more is deliberate.
    new_version = version_in(refused)
    assert new_version != fb_version
    repeated = fb.post(url, loaded | {"title": "Titel vom Fachbereich", "version": new_version})
    assert repeated.status_code == 302
    own.refresh_from_db()
    assert own.title == "Titel vom Fachbereich"
    assert own.history.first().history_user.username == "fb"


def test_a_stale_save_cannot_overwrite_a_milestone_changed_meanwhile(setting):
    own = setting["own"]
    milestone = Milestone.objects.create(
        measure=own, title="Pilot", due_date="2026-06-30", note="Drei Schulen"
    )
    milestone.refresh_from_db()
    url = change_url(own)
    anna, fb = setting["redaktion"], setting["fachbereich"]
    anna_version, fb_version = version_in(anna.get(url)), version_in(fb.get(url))
    saved = anna.post(
        url, form_data(own, version=anna_version) | milestone_data(milestone, note="Fünf Schulen")
    )
    assert saved.status_code == 302
    stale = form_data(own, version=fb_version, summary="Kurz vom Fachbereich")
    refused = fb.post(url, stale | milestone_data(milestone))
    assert refused.status_code == 200
    errors = " ".join(refused.context["adminform"].form.non_field_errors())
    assert "red hat diese Maßnahme" in errors
    assert "(geändert: Meilenstein „Pilot“)" in errors
    milestone.refresh_from_db()
    own.refresh_from_db()
    assert milestone.note == "Fünf Schulen"
    assert own.summary != "Kurz vom Fachbereich"
    # The inline is shown again with what the editor sent.
    assert 'name="milestones-0-note" value="Drei Schulen"' in refused.content.decode()


def test_a_save_without_changes_is_no_conflict(editors):
    own, url, anna, fb, anna_version, fb_version = editors
    assert anna.post(url, form_data(own, version=anna_version)).status_code == 302
    response = fb.post(url, form_data(own, version=fb_version, title="Ohne Konflikt"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "Ohne Konflikt"


def test_a_change_without_version_is_refused_but_a_new_measure_needs_none(setting):
    own, client = setting["own"], setting["redaktion"]
    data = form_data(own, title="Ohne Stand")
    del data["version"]
    refused = client.post(change_url(own), data)
    assert refused.status_code == 200
    assert "Bearbeitungsstand dieser Seite fehlt" in refused.content.decode()
    own.refresh_from_db()
    assert own.title != "Ohne Stand"
    assert client.post(change_url(own), data | {"version": version_in(refused)}).status_code == 302

    new = form_data(own, code="SC-1.9", title="Neue Maßnahme")
    del new["version"]
    new.update({"updates-TOTAL_FORMS": "0", "updates-INITIAL_FORMS": "0"})
    response = client.post(reverse("admin:measures_measure_add"), new)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert own.field_of_action.measures.filter(code="SC-1.9", title="Neue Maßnahme").exists()


@pytest.fixture
def groups():
    """The groups again, should an earlier test without transaction have flushed them."""
    apply_roles()


def waits_for_a_lock(backend, patience=60):
    """Whether the PostgreSQL backend comes to wait for a lock, looked at every 50 ms for
    at most `patience` seconds (a guard against a hang, not a measure of speed)."""
    give_up = time.monotonic() + patience
    while time.monotonic() < give_up:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [backend])
            row = cursor.fetchone()
        if row and row[0] == "Lock":
            return True
        time.sleep(0.05)
    return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_are_checked_one_after_the_other(groups, setting):
    own, fb = setting["own"], setting["fachbereich"]
    version = version_in(fb.get(change_url(own)))
    stale = form_data(own, version=version, title="Titel vom Fachbereich")
    with connection.cursor() as cursor:  # the connection the second editor's request uses
        cursor.execute("SELECT pg_backend_pid()")
        request_backend = cursor.fetchone()[0]
    locked, request_waited = threading.Event(), threading.Event()

    def first_save():
        # Another editor's save, in its own connection: it holds the row until the second
        # editor's request waits for it, then commits a change of the summary.
        try:
            with transaction.atomic():
                measure = Measure.objects.select_for_update().get(pk=own.pk)
                locked.set()
                if waits_for_a_lock(request_backend):
                    request_waited.set()
                measure.summary = "Neu von Anna."
                measure._history_user = setting["red_user"]
                measure.save()
        finally:
            connection.close()

    thread = threading.Thread(target=first_save)
    thread.start()
    assert locked.wait(10)
    response = fb.post(change_url(own), stale)
    thread.join()
    assert request_waited.is_set()
    assert response.status_code == 200
    assert "(geändert: Kurzbeschreibung)" in response.content.decode()
    own.refresh_from_db()
    assert own.summary == "Neu von Anna."
    assert own.title != stale["title"]
