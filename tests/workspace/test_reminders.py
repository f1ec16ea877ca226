"""The reminders, as the task worker sends them through the locmem mail backend: the right
editors get exactly their measures that need attention, nobody gets an empty mail, a paused
editor gets none; each measure's signed link opens "Stand melden" once, for that measure
and that editor, for seven days, and not after it is revoked."""

import datetime
import re

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from measures.models import Milestone
from tests.builders import make_measure, make_unit, make_update
from tests.clock import frozen_clock
from tests.conftest import signed_in_staff
from tests.worker import run_queued_tasks
from workspace.models import EditorSettings, UpdateLink, UpdateLinkUse
from workspace.tasks import notify_stale_measures, send_weekly_digests

MONDAY = datetime.date(2026, 6, 1)
LONG_AGO = timezone.make_aware(datetime.datetime(2025, 1, 10, 9))


@pytest.fixture
def world(db, django_user_model):
    schule, bau = (
        make_unit(name="Schule und Sport"),
        make_unit(name="Bauen", email="bau@example.org"),
    )
    stale = make_measure(lead_unit=schule, status="umsetzung", created_at=LONG_AGO)
    overdue = make_measure(lead_unit=bau, status="umsetzung", end_date=datetime.date(2026, 3, 31))
    make_update(overdue, date=datetime.date(2026, 5, 1))
    fine = make_measure(lead_unit=schule, status="umsetzung")
    make_update(fine, date=datetime.date(2026, 5, 20))
    Milestone.objects.create(
        measure=fine, title="Ausschreibung", due_date=datetime.date(2026, 9, 1)
    )
    done = make_measure(lead_unit=schule, status="abgeschlossen", progress=100, created_at=LONG_AGO)
    clients = {}
    for name, group, units in [
        ("anna", "Fachbereich", [schule]),
        ("ben", "Fachbereich", [bau]),
        ("carl", "Fachbereich", [schule]),
        ("rita", "Redaktion", []),
        ("ohne", "Fachbereich", [schule]),
    ]:
        client, user = signed_in_staff(django_user_model, name, group, units)
        if name != "ohne":
            user.email = f"{name}@example.org"
            user.save()
        clients[name] = (client, user)
    EditorSettings.objects.create(user=clients["carl"][1], reminders_paused=True)
    return {"stale": stale, "overdue": overdue, "fine": fine, "done": done, **clients}


def links_in(message) -> list[str]:
    return re.findall(r"https?://[^/\s]+(/admin/aufgaben/link/[^\s\"<]+/)", message.body)


def run_digest():
    with frozen_clock(MONDAY, hour=7):
        send_weekly_digests.enqueue()
        run_queued_tasks()


def test_each_editor_gets_exactly_their_measures(world, mailoutbox, settings):
    settings.SITE_URL = "http://testserver"
    run_digest()

    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {"anna@example.org", "ben@example.org"}  # not carl (paused),
    # not rita (Redaktion, no digest chosen), not "ohne" (no address)
    anna, ben = by_recipient["anna@example.org"], by_recipient["ben@example.org"]
    assert world["stale"].code in anna.body and "Stand veraltet seit" in anna.body
    for other in ("overdue", "done"):
        assert world[other].code not in anna.body
    # The milestone three months ahead is not due yet.
    assert world["fine"].code not in anna.body
    assert world["overdue"].code in ben.body
    assert "Ende geplant 31.03.2026 – überfällig" in ben.body
    assert world["stale"].code not in ben.body
    # Plain text and simple HTML, in German, with absolute links.
    html, kind = anna.alternatives[0]
    assert kind == "text/html" and "Stand melden" in html
    assert anna.subject == "Iserlohn digital: eine Maßnahme braucht Ihren Stand"
    assert len(links_in(anna)) == 1

    # The task planned its next run: next Monday, 7 o'clock.
    planned = DBTaskResult.objects.get(status="READY")
    assert timezone.localtime(planned.run_after) == timezone.make_aware(
        datetime.datetime(2026, 6, 8, 7)
    )


def test_redaktion_may_ask_for_all_units(world, mailoutbox):
    EditorSettings.objects.create(user=world["rita"][1], all_units_digest=True)
    run_digest()
    rita = next(m for m in mailoutbox if m.to == ["rita@example.org"])
    assert world["stale"].code in rita.body and world["overdue"].code in rita.body


def test_nobody_gets_an_empty_mail(world, mailoutbox):
    for measure in (world["stale"], world["overdue"]):
        make_update(measure, date=datetime.date(2026, 5, 30))
    world["overdue"].end_date = datetime.date(2026, 12, 31)
    world["overdue"].save()
    run_digest()
    assert mailoutbox == []


def test_the_link_reports_a_stand_once(world, mailoutbox, settings):
    settings.SITE_URL = "http://testserver"
    run_digest()
    anna_client, anna = world["anna"]
    message = next(m for m in mailoutbox if m.to == ["anna@example.org"])
    (path,) = links_in(message)

    with frozen_clock(MONDAY, hour=9):
        form = anna_client.get(path)
        assert form.status_code == 200
        assert world["stale"].code in form.content.decode()
        answer = anna_client.post(
            path, {"status": "umsetzung", "progress": "55", "note": "Zehn Schulen angeschlossen."}
        )
        assert answer.status_code == 302
        world["stale"].refresh_from_db()
        assert world["stale"].progress == 55
        assert world["stale"].updates.first().author == anna
        use = UpdateLinkUse.objects.get()
        assert (use.user, use.signed_in) == (anna, True)

        again = anna_client.get(path)
        assert again.status_code == 410
        assert "genutzt" in again.content.decode()


def test_the_link_is_for_its_editor_and_measure_only(world, client):
    link = UpdateLink.objects.create(editor=world["anna"][1], measure=world["stale"])
    path = f"/admin/aufgaben/link/{link.token}/"

    # Another editor, even of the same unit, cannot use it.
    carl_client = world["carl"][0]
    assert carl_client.get(path).status_code == 403
    # Anonymous: asked to sign in first.
    answer = client.get(path)
    assert answer.status_code == 302 and "/admin/login/" in answer["Location"]
    # The token cannot be bent to another measure, nor tampered with.
    forged = UpdateLink(pk=link.pk, editor=link.editor, measure=world["fine"]).token
    assert world["anna"][0].get(f"/admin/aufgaben/link/{forged}/").status_code == 404
    token = link.token
    changed = token[:-10] + ("A" if token[-10] != "A" else "B") + token[-9:]
    tampered = world["anna"][0].get(f"/admin/aufgaben/link/{changed}/")
    assert tampered.status_code == 404
    assert "ungültig" in tampered.content.decode()


def test_the_link_expires_after_seven_days_and_can_be_revoked(world):
    anna_client, anna = world["anna"]
    with frozen_clock(MONDAY):
        link = UpdateLink.objects.create(editor=anna, measure=world["stale"])
    path = f"/admin/aufgaben/link/{link.token}/"
    with frozen_clock(MONDAY + datetime.timedelta(days=6)):
        assert anna_client.get(path).status_code == 200
    with frozen_clock(MONDAY + datetime.timedelta(days=7), hour=13):
        answer = anna_client.get(path)
        assert answer.status_code == 410 and "abgelaufen" in answer.content.decode()

    fresh = UpdateLink.objects.create(editor=anna, measure=world["stale"])
    path = f"/admin/aufgaben/link/{fresh.token}/"
    assert anna_client.post(f"/admin/aufgaben/links/{fresh.pk}/widerrufen/").status_code == 302
    answer = anna_client.get(path)
    assert answer.status_code == 410 and "widerrufen" in answer.content.decode()
    # Another editor cannot revoke it.
    other = UpdateLink.objects.create(editor=anna, measure=world["stale"])
    ben_client = world["ben"][0]
    assert ben_client.post(f"/admin/aufgaben/links/{other.pk}/widerrufen/").status_code == 403


def test_a_unit_with_direct_links_reports_without_sign_in(world, client):
    unit = world["stale"].lead_unit
    unit.direct_update_links = True
    unit.save()
    link = UpdateLink.objects.create(editor=world["anna"][1], measure=world["stale"])
    path = f"/admin/aufgaben/link/{link.token}/"
    assert client.get(path).status_code == 200
    answer = client.post(path, {"status": "umsetzung", "progress": "20", "note": "Begonnen."})
    assert answer.status_code == 200
    assert "gespeichert" in answer.content.decode()
    use = UpdateLinkUse.objects.get()
    assert (use.user, use.signed_in) == (world["anna"][1], False)
    assert use.status_update.author == world["anna"][1]
    assert use.status_update.history.get().history_user == world["anna"][1]
    assert client.get(path).status_code == 410


def test_a_direct_link_is_refused_to_another_signed_in_account(world, caplog):
    unit = world["stale"].lead_unit
    unit.direct_update_links = True
    unit.save()
    link = UpdateLink.objects.create(editor=world["anna"][1], measure=world["stale"])
    path = f"/admin/aufgaben/link/{link.token}/"
    ben_client = world["ben"][0]
    answer = ben_client.post(path, {"status": "umsetzung", "progress": "20", "note": "x"})
    assert answer.status_code == 403
    assert "anderen Konto" in answer.content.decode()
    assert not UpdateLinkUse.objects.exists()
    # The token never reaches the access log.
    assert link.token not in caplog.text
    assert "/admin/aufgaben/link/…" in caplog.text


def test_a_unit_hears_once_when_a_measure_turns_stale(world, mailoutbox):
    with frozen_clock(MONDAY, hour=7):
        notify_stale_measures.enqueue()
        run_queued_tasks()
    # Schule und Sport has no address of its own: its members with reminders on hear.
    assert sorted(m.to[0] for m in mailoutbox) == ["anna@example.org"]
    assert world["stale"].code in mailoutbox[0].subject
    assert len(links_in(mailoutbox[0])) == 1
    with frozen_clock(MONDAY + datetime.timedelta(days=1), hour=7):
        run_queued_tasks()  # the next day's check, planned by the first
    assert len(mailoutbox) == 1

    # A unit with an address of its own hears there, of all its newly stale measures at once.
    bau = world["overdue"].lead_unit
    late = [make_measure(lead_unit=bau, status="geplant", created_at=LONG_AGO) for _ in "ab"]
    with frozen_clock(MONDAY + datetime.timedelta(days=2), hour=7):
        run_queued_tasks()
    assert len(mailoutbox) == 2
    mail = mailoutbox[1]
    assert mail.to == ["bau@example.org"]
    assert mail.subject == "Iserlohn digital: Stand von 2 Maßnahmen veraltet"
    assert all(measure.code in mail.body for measure in late)
    assert world["stale"].code not in mail.body
    # The unit's address may be a shared mailbox: no personal one-use links there, the
    # links ask for sign-in, also where Ben is the unit's only editor.
    assert not UpdateLink.objects.filter(editor=world["ben"][1]).exists()
    assert all(f"/admin/aufgaben/stand/{measure.pk}/" in mail.body for measure in late)


def test_schedule_reminders_keeps_exactly_one_run_of_each_waiting(db, settings):
    from django.core.management import call_command

    settings.REMINDER_WEEKDAY, settings.REMINDER_HOUR = 2, 6  # Wednesday, 6 o'clock
    with frozen_clock(MONDAY, hour=9):
        call_command("schedule_reminders")
        call_command("schedule_reminders")
    waiting = {
        result.task_path.rsplit(".", 1)[1]: timezone.localtime(result.run_after)
        for result in DBTaskResult.objects.filter(status="READY")
    }
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    assert waiting == {
        "send_weekly_digests": timezone.make_aware(datetime.datetime(2026, 6, 3, 6)),
        "notify_stale_measures": timezone.make_aware(datetime.datetime(2026, 6, 2, 6)),
    }
