"""A Fachbereich user in a real browser at 1280 px: sees their stale and their overdue
measure under "Meine Aufgaben", reports a new Stand through the one-minute form, and the
public Steckbrief shows it. axe checks the new pages on the way."""

import datetime

import pytest
from django.utils import timezone

from iserlohn_digital.roles import apply_roles
from tests.builders import make_measure, make_unit, make_update
from tests.e2e.test_accessibility import assert_accessible, horizontal_overflow
from tests.e2e.test_admin_roles import make_staff, sign_in, submit

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(portal_server, transactional_db):
    apply_roles()  # the groups, as every migrate makes them (the test flushes the database)
    return portal_server


def test_fachbereich_reports_a_stand_from_meine_aufgaben(server, page_at, django_user_model):
    today = timezone.localdate()
    unit = make_unit(name="Schule und Sport")
    stale = make_measure(
        lead_unit=unit,
        status="umsetzung",
        progress=30,
        title="Lernplattform für Grundschulen",
        created_at=timezone.now() - datetime.timedelta(days=400),
    )
    overdue = make_measure(
        lead_unit=unit,
        status="umsetzung",
        title="WLAN in allen Turnhallen",
        end_date=today - datetime.timedelta(days=20),
    )
    make_update(overdue, date=today)
    other = make_measure(
        status="umsetzung", created_at=timezone.now() - datetime.timedelta(days=400)
    )
    _, device = make_staff(django_user_model, "fachbereich", "Fachbereich", unit)

    page = page_at(1280)
    sign_in(page, server, "fachbereich", device)
    tasks = page.locator(".my-tasks")
    assert "2 Maßnahmen brauchen" in tasks.inner_text()
    assert stale.title in tasks.inner_text() and overdue.title in tasks.inner_text()
    assert "Stand veraltet seit" in tasks.inner_text()
    assert f"Ende geplant {overdue.end_date:%d.%m.%Y} – überfällig" in tasks.inner_text()
    assert other.code not in tasks.inner_text()
    assert_accessible(page, "Meine Aufgaben")

    submit(page, f"a[href='/admin/aufgaben/stand/{stale.pk}/']")
    assert page.locator("#id_status").input_value() == "umsetzung"
    assert page.locator("#id_progress").input_value() == "30"
    assert_accessible(page, "Stand melden")
    page.fill("#id_progress", "45")
    page.fill("#id_note", "Fünf weitere Grundschulen arbeiten mit der Plattform.")
    submit(page, "input[type=submit][value='Stand speichern']")
    assert page.url.endswith("/admin/")
    assert page.locator(".messagelist .success").count() == 1
    assert stale.title not in page.locator(".my-tasks").inner_text()

    page.goto(server.url + stale.get_absolute_url())
    status_box = page.locator(".status-box").inner_text()
    assert "45 %" in status_box
    assert "Fünf weitere Grundschulen arbeiten mit der Plattform." in status_box
    assert page.get_by_role("link", name="Stand melden").count() == 1
    assert page.get_by_role("link", name="Bearbeiten").count() == 1
    assert_accessible(page, "Steckbrief mit Schaltflächen für die Redaktion")

    page.goto(server.url + "/admin/aufgaben/einstellungen/")
    assert_accessible(page, "Erinnerungen einstellen")

    public = page_at(1280)
    public.goto(server.url + stale.get_absolute_url())
    assert "45 %" in public.locator(".status-box").inner_text()
    assert public.get_by_role("link", name="Stand melden").count() == 0

    # A link from a mail that was cut off: a German page with a way on.
    response = public.goto(server.url + "/admin/aufgaben/link/abgeschnitten/")
    assert response.status == 404
    assert "Dieser Link ist ungültig" in public.locator("#content").inner_text()
    assert_accessible(public, "ungültiger Link")


def test_meine_aufgaben_fits_a_phone(server, page_at, django_user_model):
    unit = make_unit()
    make_measure(
        lead_unit=unit,
        status="umsetzung",
        created_at=timezone.now() - datetime.timedelta(days=400),
    )
    _, device = make_staff(django_user_model, "fachbereich", "Fachbereich", unit)
    page = page_at(320)
    sign_in(page, server, "fachbereich", device)
    assert page.locator(".my-tasks .button").count() == 1
    assert horizontal_overflow(page) <= 0
    assert_accessible(page, "Meine Aufgaben bei 320 px")
