"""Following a Steckbrief by e-mail in Chromium: the form on the (page-cached) Steckbrief,
the confirmation link from the mail, and the one-click unsubscribe link."""

import re

import pytest
from django.conf import settings
from django.core import mail

from iserlohn_digital import mail as background_mail
from measures.models import Measure
from measures.updates import record_status_update
from subscriptions import notices
from subscriptions.models import Subscription
from tests.e2e.test_accessibility import assert_accessible

pytestmark = pytest.mark.e2e

LINK = re.compile(r"\S+/benachrichtigungen/(?:bestaetigen|abmelden)/[^/\s]+/")


def link_from(message, server) -> str:
    return LINK.search(message.body).group(0).replace(settings.SITE_URL, server.url)


def test_subscribe_confirm_and_unsubscribe(seeded_server, page_at):
    mail.outbox.clear()
    measure = Measure.objects.published().order_by("code").first()
    page = page_at(1280)
    page.goto(seeded_server.url + measure.get_absolute_url())
    follow = page.get_by_role("region", name="Per E-Mail folgen")
    follow.get_by_label("E-Mail-Adresse").fill("leserin@example.org")
    follow.get_by_label("bei jeder Änderung").check()
    with page.expect_navigation():
        follow.get_by_role("button", name="Folgen").click()
    assert page.get_by_role("heading", name="Fast geschafft: bitte bestätigen").is_visible()
    assert_accessible(page, "Bestätigung angefragt")

    background_mail.wait_for_pending(timeout=30)
    (confirmation,) = mail.outbox
    assert confirmation.to == ["leserin@example.org"]
    page.goto(link_from(confirmation, seeded_server))
    assert page.get_by_text(f"Maßnahme {measure.code}").is_visible()
    assert_accessible(page, "Abonnement bestätigen")
    with page.expect_navigation():
        page.get_by_role("button", name="Abonnement bestätigen").click()
    assert page.get_by_role("heading", name="Abonnement bestätigt").is_visible()
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is not None

    # A new Stand: the worker's mail carries the unsubscribe link.
    mail.outbox.clear()
    record_status_update(measure=measure, note="Die Ausschreibung ist veröffentlicht.")
    assert notices.deliver(measure.pk) == 1
    (notice,) = mail.outbox
    assert "Die Ausschreibung ist veröffentlicht." in notice.body
    unsubscribe = link_from(notice, seeded_server)
    assert "/abmelden/" in unsubscribe
    page.goto(unsubscribe)
    with page.expect_navigation():
        page.get_by_role("button", name="Abmelden").click()
    assert page.get_by_role("heading", name="Abgemeldet").is_visible()
    assert not Subscription.objects.exists()
