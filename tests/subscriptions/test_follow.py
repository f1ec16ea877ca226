"""Following by e-mail without an account, through the locmem mail backend: double
opt-in, one mail per measure and batch of Stände, the monthly overview, one-click
unsubscribe, and the limits that keep anyone from mail-bombing an address."""

import datetime
import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from iserlohn_digital import mail as background_mail
from measures.updates import record_status_update
from subscriptions import notices, tasks
from subscriptions.models import Subscription
from subscriptions.tokens import manage_token
from tests.builders import make_measure
from tests.clock import frozen_clock
from tests.conftest import signed_in_staff
from tests.worker import run_queued_tasks

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("immediate_notices"),
]

ORIGIN = "http://testserver"
JUNE = datetime.date(2026, 6, 10)
LINK = re.compile(r"http://\S+/benachrichtigungen/(?:bestaetigen|abmelden|verwalten)/[^/\s]+/")


@pytest.fixture
def immediate_notices():
    with override_settings(
        SUBSCRIPTION_NOTICE_DELAY=datetime.timedelta(0), SITE_URL="http://testserver"
    ):
        yield


def subscribe(client, email, *, target="alles", key="", frequency="sofort", **extra):
    data = {"email": email, "target": target, "key": key, "frequency": frequency}
    response = client.post("/benachrichtigungen/abonnieren/", data, HTTP_ORIGIN=ORIGIN, **extra)
    background_mail.wait_for_pending(timeout=30)
    return response


def mails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def link_in(message) -> str:
    return LINK.search(message.body).group(0).removeprefix("http://testserver")


def deliver_notices() -> int:
    """Runs the queued mails to followers (PDF renders queued by the change are not this
    test's subject and are dropped)."""
    DBTaskResult.objects.exclude(task_path=tasks.deliver_notice.module_path).delete()
    return run_queued_tasks()


def test_double_opt_in_notices_digest_and_unsubscribe(client):
    with frozen_clock(JUNE):
        measure = make_measure()
        other = make_measure()
        subscribe(client, "ida@example.org", target="massnahme", key=measure.code)
        subscribe(client, "alle@example.org")
        subscribe(client, "monat@example.org", frequency="monatlich")
        assert len(mail.outbox) == 3
        confirmation = mails_to("ida@example.org")[0]
        assert "bestätigen" in confirmation.subject

        # Nothing before confirming.
        record_status_update(measure=measure, note="Ausschreibung veröffentlicht.")
        deliver_notices()
        assert len(mail.outbox) == 3

        for address in ["ida@example.org", "alle@example.org", "monat@example.org"]:
            link = link_in(mails_to(address)[0])
            page = client.get(link)
            assert page.status_code == 200
            assert "Abonnement bestätigen" in page.content.decode()
            assert client.post(link).status_code == 200
        assert Subscription.objects.confirmed().count() == 3

        mail.outbox.clear()
        record_status_update(measure=measure, note="Zuschlag erteilt.", progress=40)
        record_status_update(measure=other, note="Konzept fertig.")
        deliver_notices()
        assert sorted(m.to[0] for m in mail.outbox) == [
            "alle@example.org",
            "alle@example.org",
            "ida@example.org",
        ]
        notice = mails_to("ida@example.org")[0]
        assert measure.code in notice.subject
        assert "Zuschlag erteilt." in notice.body
        assert "Ausschreibung" not in notice.body  # told before, while unconfirmed: not again
        html, kind = notice.alternatives[0]
        assert kind == "text/html" and "Zuschlag erteilt." in html
        assert notice.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/benachrichtigungen/abmelden/" in notice.extra_headers["List-Unsubscribe"]
        for part in (notice.body, html):
            hosts = set(re.findall(r"https?://([^/\s\"<>]+)", part))
            assert hosts == {"testserver"}, hosts  # no tracking, no redirects elsewhere
            assert "<img" not in part

    # The monthly overview of June, on the first of July: one mail, both measures.
    mail.outbox.clear()
    assert notices.send_monthly(datetime.date(2026, 7, 1)) == 1
    (digest,) = mail.outbox
    assert digest.to == ["monat@example.org"]
    assert "Juni 2026" in digest.subject
    assert "Zuschlag erteilt." in digest.body and "Konzept fertig." in digest.body
    assert "List-Unsubscribe" in digest.extra_headers

    # One click on the link in the mail ends it.
    mail.outbox.clear()
    link = link_in(notice)
    assert "Abmelden" in client.get(link).content.decode()
    assert client.post(link).status_code == 200
    assert not Subscription.objects.filter(email="ida@example.org").exists()
    record_status_update(measure=measure, note="Abgenommen.")
    deliver_notices()
    assert [m.to for m in mail.outbox] == [["alle@example.org"]]


def test_a_second_request_within_the_hour_sends_no_second_mail(client):
    measure = make_measure()
    subscribe(client, "ida@example.org")
    second = subscribe(client, "IDA@example.org", target="massnahme", key=measure.code)
    assert second.status_code == 200
    assert len(mail.outbox) == 1
    # The one link confirms both requests.
    client.post(link_in(mail.outbox[0]))
    assert Subscription.objects.confirmed().filter(email="ida@example.org").count() == 2


def test_five_stands_within_the_delay_make_one_mail(client):
    measure = make_measure()
    subscribe(client, "ida@example.org", target="massnahme", key=measure.code)
    client.post(link_in(mail.outbox[0]))
    mail.outbox.clear()
    for number in range(5):
        record_status_update(measure=measure, note=f"Schritt {number}.")
    deliver_notices()
    (notice,) = mail.outbox
    assert all(f"Schritt {number}." in notice.body for number in range(5))


def test_notices_wait_for_the_delay(client):
    measure = make_measure()
    subscribe(client, "ida@example.org", target="massnahme", key=measure.code)
    client.post(link_in(mail.outbox[0]))
    mail.outbox.clear()
    with override_settings(SUBSCRIPTION_NOTICE_DELAY=datetime.timedelta(hours=1)):
        record_status_update(measure=measure, note="Begonnen.")
    assert deliver_notices() == 0
    assert mail.outbox == []


def test_mail_programs_unsubscribe_with_one_post(client):
    subscribe(client, "ida@example.org")
    client.post(link_in(mail.outbox[0]))
    mail.outbox.clear()
    record_status_update(measure=make_measure(), note="Begonnen.")
    deliver_notices()
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    response = client.post(url.removeprefix("http://testserver"), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_forms_from_other_sites_are_refused(client):
    response = client.post(
        "/benachrichtigungen/abonnieren/",
        {"email": "ida@example.org", "target": "alles", "frequency": "sofort"},
        HTTP_ORIGIN="https://example.com",
    )
    assert response.status_code == 403
    assert "nicht von dieser Website" in response.content.decode()
    background_mail.wait_for_pending(timeout=30)
    assert mail.outbox == [] and not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "kein-at", "target": "alles", "frequency": "sofort"}, "gültige E-Mail"),
        ({"email": "", "target": "alles", "frequency": "sofort"}, "Bitte geben Sie"),
        ({"email": "a@example.org", "target": "massnahme", "key": "XX-9.9", "frequency": "sofort"},
         "nicht abonnieren"),
        ({"email": "a@example.org", "target": "alles", "frequency": "täglich"}, "Wie oft?"),
    ],
)  # fmt: skip
def test_bad_input_is_answered_in_german(client, data, message):
    response = client.post("/benachrichtigungen/abonnieren/", data, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_client_is_limited(client):
    statuses = [subscribe(client, f"person{n}@example.org").status_code for n in range(11)]
    assert statuses == [200] * 10 + [429]
    assert len(mail.outbox) == 10


def test_forged_or_old_links_are_refused(client):
    for path in [
        "/benachrichtigungen/bestaetigen/abc/",
        "/benachrichtigungen/abmelden/abc:def/",
        "/benachrichtigungen/verwalten/x/",
    ]:
        response = client.get(path)
        assert response.status_code == 404
        assert "ungültig oder abgelaufen" in response.content.decode()


def test_unconfirmed_addresses_are_deleted_after_seven_days(client):
    with frozen_clock(JUNE):
        subscribe(client, "ida@example.org")
    with frozen_clock(JUNE + datetime.timedelta(days=6)):
        assert notices.purge_unconfirmed() == 0
    with frozen_clock(JUNE + datetime.timedelta(days=8)):
        assert notices.purge_unconfirmed() == 1
    assert not Subscription.objects.exists()


def test_the_overview_shows_and_ends_all_of_ones_subscriptions(client):
    measure = make_measure()
    subscribe(client, "ida@example.org")
    subscribe(client, "ida@example.org", target="massnahme", key=measure.code)
    subscribe(client, "ben@example.org")
    mail.outbox.clear()
    response = client.post(
        "/benachrichtigungen/uebersicht/", {"email": "ida@example.org"}, HTTP_ORIGIN=ORIGIN
    )
    background_mail.wait_for_pending(timeout=30)
    assert response.status_code == 200
    (message,) = mail.outbox
    link = link_in(message)
    page = client.get(link)
    assert "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert "alle Änderungen" in text and measure.code in text
    assert "ben@example.org" not in text
    client.post(link, {"beenden": "alle"})
    assert list(Subscription.objects.values_list("email", flat=True)) == ["ben@example.org"]


def test_pages_carry_the_form_without_a_token(client):
    measure = make_measure()
    measure.tags.add("Glasfaser")
    tag_page = reverse("measures:tag-detail", args=[measure.tags.get().slug])
    pages = ["/", measure.get_absolute_url(), measure.field_of_action.get_absolute_url(), tag_page]
    for path in pages:
        page = client.get(path).content.decode()
        assert 'action="/benachrichtigungen/abonnieren/"' in page, path
        assert "csrfmiddlewaretoken" not in page, path


def test_the_redaktion_sees_counts_never_addresses(client, django_user_model):
    measure = make_measure()
    subscribe(client, "ida@example.org", target="massnahme", key=measure.code)
    subscribe(
        client, "ben@example.org", target="massnahme", key=measure.code, frequency="monatlich"
    )
    for message in mail.outbox:
        client.post(link_in(message))
    redaktion, _ = signed_in_staff(django_user_model, "rita", "Redaktion")
    page = redaktion.get("/admin/subscriptions/subscription/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Maßnahme {measure.code}" in text
    assert "<td>1</td><td>1</td>" in text
    assert "@example.org" not in text
    pk = Subscription.objects.first().pk
    assert redaktion.get(f"/admin/subscriptions/subscription/{pk}/change/").status_code in (
        302,
        403,
    )


def test_the_privacy_page_says_what_is_stored_and_for_how_long(client):
    text = client.get("/datenschutz/").content.decode()
    for part in [
        "Benachrichtigungen per E-Mail",
        "Artikel 6 Absatz 1 Buchstabe a DSGVO",
        "nach sieben Tagen",
        "Abmeldelink in jeder E-Mail",
        'href="/benachrichtigungen/"',
    ]:
        assert part in text, part


def test_the_overview_ignores_what_it_does_not_know(client):
    subscribe(client, "ida@example.org")
    link = f"/benachrichtigungen/verwalten/{manage_token('ida@example.org')}/"
    for choice in ["9" * 40, "x", "", "-1"]:
        assert client.post(link, {"beenden": choice}).status_code == 200
    assert Subscription.objects.count() == 1


def test_the_monthly_overview_and_the_deletion_are_planned_once_each(settings):
    from django.core.management import call_command

    settings.REMINDER_HOUR = 7
    with frozen_clock(JUNE, hour=9):
        call_command("schedule_subscription_mails")
        call_command("schedule_subscription_mails")
    waiting = {
        result.task_path.rsplit(".", 1)[1]: timezone.localtime(result.run_after)
        for result in DBTaskResult.objects.filter(status="READY")
    }
    assert waiting == {
        "send_monthly_digests": timezone.make_aware(datetime.datetime(2026, 7, 1, 7)),
        "purge_unconfirmed": timezone.make_aware(datetime.datetime(2026, 6, 11, 7)),
    }
    assert DBTaskResult.objects.filter(status="READY").count() == 2
