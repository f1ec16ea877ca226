"""The reminders' tasks, run by the task worker (`manage.py db_worker`). Each plans its next
run when it runs; `manage.py schedule_reminders` makes sure exactly one of each waits."""

from django.tasks import task

from iserlohn_digital.periodic import on_reminder_weekday, schedule


@task
def send_weekly_digests() -> int:
    """The weekly digest to every editor with something to do; then plans the next one."""
    from .reminders import send_digests

    try:
        return send_digests()
    finally:
        schedule(send_weekly_digests, on=on_reminder_weekday)


@task
def notify_stale_measures() -> int:
    """The daily check for measures turned stale; then plans the next one."""
    from .reminders import notify_stale

    try:
        return notify_stale()
    finally:
        schedule(notify_stale_measures)


def schedule_all():
    schedule(send_weekly_digests, on=on_reminder_weekday)
    schedule(notify_stale_measures)
