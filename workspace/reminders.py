"""Reminders by e-mail, sent by the task worker (workspace/tasks.py).

Weekly, each editor gets a digest of exactly their measures that need attention (the
Redaktion only if they ask for all units), never an empty one; each measure with a signed
one-use link to "Stand melden". Daily, a unit hears once when one of its measures has
turned stale. Mail goes through Django's e-mail backend: plain text and simple HTML, in
German, with absolute links to SITE_URL.
"""

import datetime
import itertools
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from iserlohn_digital.mail import templated_mail
from iserlohn_digital.roles import is_redaktion
from measures.models import Measure

from . import attention
from .models import EditorSettings, StaleNotice, UpdateLink

logger = logging.getLogger(__name__)

WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def editors():
    """Active staff with an e-mail address whose reminders are not paused."""
    paused = EditorSettings.objects.filter(reminders_paused=True).values("user")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .exclude(pk__in=paused)
        .order_by("pk")
    )


def digest_measures(user):
    """The measures a user's digest covers: those of their units; all for a Redaktion
    member who asked for all units."""
    if is_redaktion(user) and EditorSettings.of(user).all_units_digest:
        return Measure.objects.all()
    return Measure.objects.editable_by(user)


def send_digests(day: datetime.date | None = None) -> int:
    """Mails each editor their digest if something needs attention; returns how many."""
    day = day or timezone.localdate()
    sent = 0
    for user in editors():
        found = attention.tasks(digest_measures(user), day)
        if not found:
            continue
        try:
            with transaction.atomic():
                items = [(task, link_for(user, task.measure)) for task in found]
                send(
                    subject=_digest_subject(len(found)),
                    to=[user.email],
                    template="workspace/mail/digest",
                    context={"user": user, "items": items, "settings_url": _settings_url()},
                )
        except Exception as error:  # the mail server refused: the others still get theirs
            logger.warning("Erinnerung an %s nicht versandt: %s", user.email, error)
            continue
        sent += 1
    return sent


def _digest_subject(count: int) -> str:
    if count == 1:
        return "Iserlohn digital: eine Maßnahme braucht Ihren Stand"
    return f"Iserlohn digital: {count} Maßnahmen brauchen Ihren Stand"


def link_for(user, measure) -> str:
    """A new signed one-use link to "Stand melden" for this editor and measure."""
    link = UpdateLink.objects.create(editor=user, measure=measure)
    return absolute(reverse("workspace:link", args=[link.token]))


def notify_stale(day: datetime.date | None = None) -> int:
    """Tells each unit, in one mail, which of its measures have turned stale and were not
    reported yet (to the unit's address, else to its members); returns how many measures
    were reported."""
    day = day or timezone.localdate()
    fresh = []
    for measure in Measure.objects.stale(day).listing().order_by("lead_unit__name", "code"):
        since = attention.stale_since(measure.last_seen)
        if not StaleNotice.objects.filter(measure=measure, stale_since=since).exists():
            fresh.append((measure, since))
    reported = 0
    for unit, group in itertools.groupby(fresh, key=lambda pair: pair[0].lead_unit):
        group = list(group)
        try:
            with transaction.atomic():
                for measure, since in group:
                    StaleNotice.objects.create(measure=measure, stale_since=since)
                _mail_unit(unit, group)
        except IntegrityError:
            continue  # reported by another worker in the meantime
        except Exception as error:  # the mail server refused: tried again the next day
            logger.warning("Hinweis an %s nicht versandt: %s", unit, error)
            continue
        reported += len(group)
    return reported


def _mail_unit(unit, group):
    """One mail per address: the unit's own (a shared mailbox: links that ask for
    sign-in), else each member's (with their own one-use links)."""
    members = list(editors().filter(organisational_units=unit))
    if unit.email:
        recipients = [(unit.email, None)]
    else:
        recipients = [(member.email, member) for member in members]
    for address, member in recipients:
        items = [
            (
                measure,
                since,
                link_for(member, measure)
                if member is not None
                else absolute(reverse("workspace:report-stand", args=[measure.pk])),
            )
            for measure, since in group
        ]
        subject = (
            f"Iserlohn digital: Stand von {group[0][0].code} veraltet"
            if len(group) == 1
            else f"Iserlohn digital: Stand von {len(group)} Maßnahmen veraltet"
        )
        send(
            subject=subject,
            to=[address],
            template="workspace/mail/stale",
            context={
                "unit": unit,
                "items": items,
                "personal": member is not None,
                "settings_url": _settings_url(),
            },
        )


def _settings_url():
    return absolute(reverse("workspace:settings"))


def send(*, subject, to, template, context):
    templated_mail(subject=subject, to=to, template=template, context=context).send()
