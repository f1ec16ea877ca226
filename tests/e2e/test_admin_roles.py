"""The admin in a real browser: sign-in with password and TOTP code, a Fachbereich user
records progress on their own measure and cannot open another unit's, the Redaktion
publishes."""

import pytest
from django.contrib.auth.models import Group
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from measures.models import Measure, OrganisationalUnit

pytestmark = pytest.mark.e2e

PASSWORD = "ein-langes-passwort-123"


def make_staff(django_user_model, username, group, unit=None):
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    if unit:
        unit.members.add(user)
    device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    return user, device


def submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def sign_in(page, server, username, device):
    page.goto(server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.fill("#id_otp_token", f"{totp.token():0{device.digits}d}")
    submit(page, "input[type=submit]:not([name])")
    assert page.url.endswith("/admin/"), page.locator("#content").inner_text()


def test_fachbereich_updates_own_measure_and_is_refused_elsewhere(
    seeded_server, page_at, django_user_model
):
    unit = OrganisationalUnit.objects.filter(measures__isnull=False).first()
    own = Measure.objects.filter(lead_unit=unit, status="umsetzung").first()
    other = Measure.objects.exclude(lead_unit=unit).first()
    user, device = make_staff(django_user_model, "fachbereich", "Fachbereich", unit)
    page = page_at(1280)
    sign_in(page, seeded_server, "fachbereich", device)

    page.goto(f"{seeded_server.url}/admin/measures/measure/")
    assert own.code in page.content()
    assert other.code not in page.content()

    page.goto(f"{seeded_server.url}/admin/measures/measure/{own.pk}/change/")
    assert page.locator("#id_code").count() == 0  # read-only for the Fachbereich
    new_progress = min(own.progress + 5, 95)
    page.fill("#id_progress", str(new_progress))
    submit(page, "input[name=_save]")
    assert "bitte kurz vermerken" in page.content()
    page.fill("#id_progress", str(new_progress))
    page.fill("#id_status_note", "Zwei weitere Schulen angeschlossen.")
    submit(page, "input[name=_save]")
    assert page.locator(".messagelist .success").count() == 1
    own.refresh_from_db()
    assert own.progress == new_progress
    assert own.updates.first().author == user

    response = page.goto(f"{seeded_server.url}/admin/measures/measure/{other.pk}/change/")
    assert response.status == 403


def test_redaktion_publishes_a_draft(seeded_server, page_at, django_user_model):
    draft = Measure.objects.filter(is_published=False).first()
    _, device = make_staff(django_user_model, "redaktion", "Redaktion")
    page = page_at(1280)
    sign_in(page, seeded_server, "redaktion", device)
    page.goto(f"{seeded_server.url}/admin/measures/measure/?is_published__exact=0")
    page.check(f"input[name=_selected_action][value='{draft.pk}']")
    page.select_option("select[name=action]", "publish")
    submit(page, "button[name=index]")
    assert "1 Maßnahme(n) veröffentlicht" in page.content()
    draft.refresh_from_db()
    assert draft.is_published
    assert page.goto(seeded_server.url + draft.get_absolute_url()).status == 200


def test_saving_a_measure_unchanged_in_the_browser_leaves_no_trace(
    seeded_server, page_at, django_user_model
):
    """Chromium sends the description's line breaks as CRLF; nothing is recorded."""
    measure = Measure.objects.filter(description__contains="\n").first()
    history, updates = measure.history.count(), measure.updates.count()
    _, device = make_staff(django_user_model, "redaktion", "Redaktion")
    page = page_at(1280)
    sign_in(page, seeded_server, "redaktion", device)
    page.goto(f"{seeded_server.url}/admin/measures/measure/{measure.pk}/change/")
    submit(page, "input[name=_save]")
    assert page.locator(".errorlist").count() == 0, page.locator("#content").inner_text()
    stored = measure.description
    measure.refresh_from_db()
    assert measure.description == stored
    assert (measure.history.count(), measure.updates.count()) == (history, updates)
