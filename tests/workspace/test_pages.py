"""Meine Aufgaben on the admin start page, the "Stand melden" form and the editor buttons
on the public Steckbrief, as editors and the public meet them."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from measures.models import Indicator, Milestone, StatusUpdate
from tests.builders import make_measure, make_unit, make_update
from tests.conftest import signed_in_staff
from workspace.models import EditorSettings

LONG_AGO = timezone.now() - datetime.timedelta(days=400)


@pytest.fixture
def world(db, django_user_model):
    schule, bau = make_unit(name="Schule und Sport"), make_unit(name="Bauen")
    today = timezone.localdate()
    stale = make_measure(lead_unit=schule, status="umsetzung", created_at=LONG_AGO)
    overdue = make_measure(
        lead_unit=schule, status="umsetzung", end_date=today - datetime.timedelta(days=10)
    )
    make_update(overdue, date=today)
    Milestone.objects.create(
        measure=overdue, title="Vergabe", due_date=today - datetime.timedelta(days=3)
    )
    Indicator.objects.create(measure=overdue, name="Angeschlossene Schulen", baseline=0, target=20)
    elsewhere = make_measure(lead_unit=bau, status="umsetzung", created_at=LONG_AGO)
    draft = make_measure(lead_unit=bau, is_published=False, title="Noch ein Entwurf")
    make_update(draft, date=today)
    fachbereich, anna = signed_in_staff(django_user_model, "anna", "Fachbereich", [schule])
    redaktion, _ = signed_in_staff(django_user_model, "rita", "Redaktion")
    return locals()


def test_fachbereich_sees_its_measures_needing_attention(world):
    page = world["fachbereich"].get("/admin/").content.decode()
    assert "Meine Aufgaben" in page
    assert "2 Maßnahmen brauchen" in page
    stale, overdue = world["stale"], world["overdue"]
    assert f"{stale.code} {stale.title}" in page
    assert "Stand veraltet seit" in page
    end = overdue.end_date
    assert f"Ende geplant {end:%d.%m.%Y} – überfällig" in page
    assert "Meilenstein „Vergabe“ am" in page and "nicht erreicht" in page
    assert "Kennzahl „Angeschlossene Schulen“: Wert fällig" in page
    assert f"/admin/aufgaben/stand/{stale.pk}/" in page
    assert world["elsewhere"].code not in page
    assert "Entwürfe" not in page
    # The list of contents stays below.
    assert "/admin/measures/measure/" in page


def test_redaktion_sees_all_units_and_drafts(world):
    page = world["redaktion"].get("/admin/").content.decode()
    assert "Schule und Sport" in page and "Bauen" in page
    assert world["elsewhere"].code in page and world["stale"].code in page
    assert "Entwürfe, noch nicht veröffentlicht" in page and "Noch ein Entwurf" in page


def test_stand_form_records_the_stand_as_the_admin_does(world):
    stale, client = world["stale"], world["fachbereich"]
    url = f"/admin/aufgaben/stand/{stale.pk}/"
    form = client.get(url)
    assert form.status_code == 200
    assert 'value="umsetzung" selected' in form.content.decode()
    answer = client.post(
        url,
        {
            "status": "umsetzung",
            "progress": "60",
            "note": "Sechs Schulen angeschlossen.",
            "evidence_url": "https://example.org/presse",
            "evidence_title": "Pressemitteilung",
        },
    )
    assert answer.status_code == 302 and answer["Location"] == "/admin/"
    stale.refresh_from_db()
    assert stale.progress == 60
    update = StatusUpdate.objects.get(measure=stale)
    assert update.author == world["anna"] and update.date == timezone.localdate()
    assert update.evidence_title == "Pressemitteilung"
    follow = client.get("/admin/")
    assert "ist gespeichert" in follow.content.decode()
    tasks, _, rest = follow.content.decode().partition("Alle Inhalte")
    assert f"{stale.code} {stale.title}" not in tasks
    # "Meine Aktionen" on the start page names it, as after a save in the measure form.
    logged = LogEntry.objects.get(user=world["anna"])
    assert logged.object_id == str(stale.pk)
    assert logged.get_change_message() == "Stand gemeldet: in Umsetzung, 60 %"
    assert f"{stale.code} {stale.title}" in rest
    public = client.get(stale.get_absolute_url()).content.decode()
    assert "Sechs Schulen angeschlossen." in public


def test_stand_form_refuses_bad_input_in_german(world):
    stale, client = world["stale"], world["fachbereich"]
    url = f"/admin/aufgaben/stand/{stale.pk}/"
    answer = client.post(url, {"status": "abgeschlossen", "progress": "50", "note": ""})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in page
    answer = client.post(url, {"status": "abgeschlossen", "progress": "50", "note": "Fertig."})
    assert "100 %" in answer.content.decode()
    assert not StatusUpdate.objects.filter(measure=stale).exists()


def test_another_units_editor_and_the_public_are_refused(world, client, django_user_model):
    url = f"/admin/aufgaben/stand/{world['elsewhere'].pk}/"
    answer = world["fachbereich"].get(url)
    assert answer.status_code == 403
    assert "gehört nicht zu Ihren Organisationseinheiten" in answer.content.decode()
    assert world["fachbereich"].post(url, {"note": "x"}).status_code == 403
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
    assert world["fachbereich"].get("/admin/aufgaben/stand/999999/").status_code == 404


def test_steckbrief_shows_editor_buttons_to_its_editors_only(world, client):
    stale = world["stale"]
    url = stale.get_absolute_url()
    before = client.get(url).content.decode()
    assert "Stand melden" not in before
    editor = world["fachbereich"].get(url)
    page = editor.content.decode()
    assert f"/admin/aufgaben/stand/{stale.pk}/" in page
    assert f"/admin/measures/measure/{stale.pk}/change/" in page
    assert "no-store" in editor["Cache-Control"]
    # Not for an editor of another unit; and the public page (cached) never has them.
    assert (
        "Stand melden"
        not in world["fachbereich"].get(world["elsewhere"].get_absolute_url()).content.decode()
    )
    after = client.get(url)
    assert "Stand melden" not in after.content.decode()


def test_editor_pauses_reminders(world):
    client = world["fachbereich"]
    page = client.get("/admin/aufgaben/einstellungen/")
    assert page.status_code == 200 and "Montag um 7 Uhr" in page.content.decode()
    assert "alle Organisationseinheiten" not in page.content.decode()
    client.post("/admin/aufgaben/einstellungen/", {"reminders_paused": "on"})
    assert EditorSettings.of(world["anna"]).reminders_paused


def test_redaktion_revokes_links_in_the_admin(world):
    from workspace.models import UpdateLink

    link = UpdateLink.objects.create(editor=world["anna"], measure=world["stale"])
    url = "/admin/workspace/updatelink/"
    assert world["fachbereich"].get(url).status_code == 403
    answer = world["redaktion"].post(
        url, {"action": "revoke", "_selected_action": [link.pk]}, follow=True
    )
    assert "1 Link(s) widerrufen." in answer.content.decode()
    link.refresh_from_db()
    assert link.state == "widerrufen"
