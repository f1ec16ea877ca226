"""The changes of state of a subscription: asked for, confirmed, ended.

Requests come from anonymous visitors, so nothing here tells whether an address is
subscribed already: asking again answers the same and mails at most one confirmation per
address and CONFIRMATION_WINDOW.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from iserlohn_digital import mail, ratelimit

from . import tokens
from .models import Subscription

CONFIRMATION_WINDOW = datetime.timedelta(hours=1)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def request_subscription(*, email: str, target: str, key: str, frequency: str) -> bool:
    """Store an unconfirmed subscription of `email` (or change the frequency of one still
    unconfirmed) and mail the confirmation link, unless one went to the address within
    CONFIRMATION_WINDOW. A confirmed subscription stays as it is. Returns whether a mail
    was sent."""
    if not _store_request(email=email, target=target, key=key, frequency=frequency):
        return False
    verdict = ratelimit.hit("abo-bestaetigung", email, limit=1, window=CONFIRMATION_WINDOW)
    if not verdict.allowed:
        return False
    link = absolute(reverse("subscriptions:confirm", args=[tokens.confirm_token(email)]))
    mail.send_later(
        {
            "subject": "Iserlohn digital: Bitte bestätigen Sie Ihr Abonnement",
            "body": render_to_string(
                "subscriptions/mail/confirm.txt",
                {"link": link, "days": tokens.UNCONFIRMED_DAYS, "site_url": settings.SITE_URL},
            ),
            "to": [email],
        }
    )
    return True


@transaction.atomic
def _store_request(*, email, target, key, frequency) -> bool:
    """Whether an unconfirmed subscription is stored now (False if it is confirmed)."""
    Subscription.objects.expired().delete()
    existing = Subscription.objects.filter(email=email, target=target, key=key).first()
    if existing is not None and existing.confirmed_at is not None:
        return False
    if existing is None:
        try:
            with transaction.atomic():
                Subscription.objects.create(
                    email=email, target=target, key=key, frequency=frequency
                )
        except IntegrityError:
            return False  # asked for in a parallel request
    elif existing.frequency != frequency:
        existing.frequency = frequency
        existing.save(update_fields=["frequency"])
    return True


@transaction.atomic
def confirm(*, email: str) -> int:
    """Confirm every subscription of `email` still waiting; returns how many."""
    return Subscription.objects.unconfirmed().of_address(email).update(confirmed_at=timezone.now())


@transaction.atomic
def end_subscriptions(*, email: str, ids=None) -> int:
    """End the subscriptions of `email` (those with these ids, or all); returns how many."""
    subscriptions = Subscription.objects.of_address(email)
    if ids is not None:
        subscriptions = subscriptions.filter(pk__in=ids)
    return subscriptions.delete()[0]


def mail_overview_link(*, email: str) -> bool:
    """Mail `email` a link to the overview of its subscriptions, if it has any, at most
    once per CONFIRMATION_WINDOW. Returns whether a mail was sent."""
    if not Subscription.objects.of_address(email).exists():
        return False
    if not ratelimit.hit("abo-uebersicht", email, limit=1, window=CONFIRMATION_WINDOW).allowed:
        return False
    link = absolute(reverse("subscriptions:manage", args=[tokens.manage_token(email)]))
    message = {
        "subject": "Iserlohn digital: Ihre Benachrichtigungen",
        "body": render_to_string(
            "subscriptions/mail/overview.txt",
            {"link": link, "days": tokens.MANAGE_DAYS, "site_url": settings.SITE_URL},
        ),
        "to": [email],
    }
    mail.send_later(message)
    return True
