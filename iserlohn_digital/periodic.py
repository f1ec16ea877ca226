"""Tasks that come back (the editors' reminders, the followers' monthly overview, the
deletion of unconfirmed addresses): each plans its next run when it runs, at
REMINDER_HOUR o'clock local time on a day it names, and a management command makes sure
one run of each waits."""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

Day = Callable[[datetime.date], bool]


def every_day(day: datetime.date) -> bool:
    return True


def on_reminder_weekday(day: datetime.date) -> bool:
    return day.weekday() == settings.REMINDER_WEEKDAY


def on_first_of_month(day: datetime.date) -> bool:
    return day.day == 1


def next_slot(after: datetime.datetime, *, on: Day = every_day) -> datetime.datetime:
    """The next REMINDER_HOUR o'clock (local time) after `after`, on a day `on` accepts."""
    day = timezone.localtime(after).date()
    while True:
        moment = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(settings.REMINDER_HOUR))
        )
        if moment > after and on(day):
            return moment
        day += datetime.timedelta(days=1)


def schedule(periodic_task, *, on: Day = every_day) -> None:
    """Enqueues `periodic_task` for its next slot unless a run of it is waiting already."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=periodic_task.module_path, status="READY"
    ).exists()
    if not waiting:
        periodic_task.using(run_after=next_slot(timezone.now(), on=on)).enqueue()
