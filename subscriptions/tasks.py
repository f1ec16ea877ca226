"""The subscriptions' tasks, run by the task worker (`manage.py db_worker`). The monthly
digest and the daily deletion of unconfirmed addresses plan their next run when they run;
`manage.py schedule_subscription_mails` makes sure one of each waits."""

import datetime

from django.conf import settings
from django.tasks import task
from django.utils import timezone


@task
def deliver_notice(measure_id: int) -> int:
    """The mail to a measure's followers about the Stände recorded since it was noted."""
    from .notices import deliver

    return deliver(measure_id)


@task
def send_monthly_digests() -> int:
    """The "monatliche Übersicht" of the month before; then plans the next one."""
    from .notices import send_monthly

    try:
        return send_monthly()
    finally:
        schedule(send_monthly_digests, monthly=True)


@task
def purge_unconfirmed() -> int:
    """Deletes the addresses not confirmed in time; then plans the next run."""
    from . import notices

    try:
        return notices.purge_unconfirmed()
    finally:
        schedule(purge_unconfirmed, monthly=False)


def next_slot(after: datetime.datetime, *, monthly: bool) -> datetime.datetime:
    """The next REMINDER_HOUR o'clock (local time) after `after`, on a first of a month if
    `monthly`."""
    day = timezone.localtime(after).date()
    while True:
        moment = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(settings.REMINDER_HOUR))
        )
        if moment > after and (not monthly or day.day == 1):
            return moment
        day += datetime.timedelta(days=1)


def schedule(periodic_task, *, monthly: bool):
    """Enqueues `periodic_task` for its next slot unless a run of it is waiting already."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=periodic_task.module_path, status="READY"
    ).exists()
    if not waiting:
        periodic_task.using(run_after=next_slot(timezone.now(), monthly=monthly)).enqueue()


def schedule_all():
    schedule(send_monthly_digests, monthly=True)
    schedule(purge_unconfirmed, monthly=False)
