"""The mails to followers, sent by the task worker (subscriptions/tasks.py).

A recorded Stand (measures.updates.record_stand) notes its measure; NOTICE_DELAY later the
worker mails every confirmed "bei jeder Änderung" follower of the measure, its
Handlungsfeld, its Schlagwörter or everything once, with every Stand recorded since: a
measure updated five times in an hour makes one mail. On the first of a month the
"monatliche Übersicht" followers get the Stände of the month before. Every mail is German
plain text with a simple HTML part, links only to this site, one-click unsubscribe
(RFC 8058 headers) and no tracking.
"""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iserlohn_digital.mail import templated_mail
from measures.models import Measure, StatusUpdate

from . import tokens
from .models import PendingNotice, Subscription
from .services import absolute

logger = logging.getLogger(__name__)

MONTHS = [
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
]  # fmt: skip


def note_change(sender, *, update, **kwargs):
    """Receiver of `stand_recorded`: plans one mail for the measure unless one is planned
    (inside the transaction that records the Stand)."""
    from .tasks import deliver_notice

    if PendingNotice.objects.filter(measure_id=update.measure_id).exists():
        return
    due = timezone.now() + settings.SUBSCRIPTION_NOTICE_DELAY
    PendingNotice.objects.create(measure_id=update.measure_id, since=update.recorded_at, due_at=due)
    deliver_notice.using(run_after=due).enqueue(update.measure_id)


def deliver(measure_id: int) -> int:
    """Mail the followers of a measure the Stände recorded since it was noted; returns
    how many mails were sent."""
    with transaction.atomic():
        pending = PendingNotice.objects.select_for_update().filter(measure_id=measure_id).first()
        if pending is None:
            return 0
        since, until = pending.since, timezone.now()
        pending.delete()
    measure = (
        Measure.objects.published()
        .select_related("field_of_action")
        .prefetch_related("tags")
        .filter(pk=measure_id)
        .first()
    )
    if measure is None:
        return 0
    updates = list(
        measure.updates.current()
        .filter(recorded_at__gte=since, recorded_at__lt=until)
        .order_by("date", "recorded_at")
    )
    if not updates:
        return 0
    followers = (
        Subscription.objects.confirmed()
        .filter(frequency=Subscription.Frequency.IMMEDIATE)
        .following(measure)
    )
    subject = f"Iserlohn digital: neuer Stand zu {measure.code} {measure.title}"
    sent = 0
    for email, subscriptions in _by_address(followers).items():
        context = {"measure": measure, "updates": updates, "subscriptions": subscriptions}
        sent += _send(email, subscriptions, subject, "subscriptions/mail/notice", context)
    return sent


def month_before(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and the day after the last day of the month before `day`'s month."""
    end = day.replace(day=1)
    return (end - datetime.timedelta(days=1)).replace(day=1), end


def send_monthly(day: datetime.date | None = None) -> int:
    """Mail every confirmed "monatliche Übersicht" follower the Stände recorded in the
    month before `day`'s (never an empty mail); returns how many mails were sent."""
    first, end = month_before(day or timezone.localdate())
    start_at = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    end_at = timezone.make_aware(datetime.datetime.combine(end, datetime.time()))
    updates = list(
        StatusUpdate.objects.published()
        .current()
        .filter(recorded_at__gte=start_at, recorded_at__lt=end_at)
        .select_related("measure__field_of_action")
        .prefetch_related("measure__tags")
        .order_by("measure__code", "date", "recorded_at")
    )
    if not updates:
        return 0
    monthly = Subscription.objects.confirmed().filter(frequency=Subscription.Frequency.MONTHLY)
    subject = f"Iserlohn digital: Übersicht {MONTHS[first.month - 1]} {first.year}"
    sent = 0
    for email, subscriptions in _by_address(monthly).items():
        chosen = [update for update in updates if _concerns(subscriptions, update.measure)]
        if not chosen:
            continue
        context = {
            "month": f"{MONTHS[first.month - 1]} {first.year}",
            "updates": chosen,
            "subscriptions": subscriptions,
        }
        sent += _send(email, subscriptions, subject, "subscriptions/mail/digest", context)
    return sent


def purge_unconfirmed() -> int:
    """Delete the subscriptions not confirmed within UNCONFIRMED_DAYS; returns how many."""
    return Subscription.objects.expired().delete()[0]


def _by_address(subscriptions) -> dict[str, list[Subscription]]:
    grouped = defaultdict(list)
    for subscription in subscriptions.order_by("email", "target", "key"):
        grouped[subscription.email].append(subscription)
    return grouped


def _concerns(subscriptions, measure) -> bool:
    T = Subscription.Target
    for subscription in subscriptions:
        if subscription.target == T.ALL:
            return True
        if subscription.target == T.MEASURE and subscription.key == measure.code:
            return True
        if subscription.target == T.FIELD and subscription.key == measure.field_of_action.slug:
            return True
        if subscription.target == T.TAG and subscription.key in {
            tag.slug for tag in measure.tags.all()
        }:
            return True
    return False


def _send(email, subscriptions, subject, template, context) -> int:
    """One mail with plain text and HTML; its unsubscribe link ends the subscriptions it
    was sent for. Returns 1 if sent, 0 if the mail server refused (logged)."""
    unsubscribe = absolute(
        reverse(
            "subscriptions:unsubscribe",
            args=[tokens.unsubscribe_token(email, [s.pk for s in subscriptions])],
        )
    )
    context = {
        **context,
        "unsubscribe_url": unsubscribe,
        "manage_url": absolute(reverse("subscriptions:manage", args=[tokens.manage_token(email)])),
    }
    message = templated_mail(
        subject=subject,
        to=[email],
        template=template,
        context=context,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    try:
        message.send()
    except Exception as error:  # the mail server refused: the others still get theirs
        logger.warning("Benachrichtigung nicht versandt: %s: %s", type(error).__name__, error)
        return 0
    return 1
