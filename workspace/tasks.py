"""The reminders' tasks, run by the task worker (`manage.py db_worker`). Each plans its next
run when it runs; `manage.py schedule_reminders` makes sure exactly one of each waits."""

from django.tasks import task
from django.utils import timezone


@task
def send_weekly_digests() -> int:
    """The weekly digest to every editor with something to do; then plans the next one."""
    from .reminders import send_digests

    try:
        return send_digests()
    finally:
        schedule(send_weekly_digests, weekly=True)


@task
def notify_stale_measures() -> int:
    """The daily check for measures turned stale; then plans the next one."""
    from .reminders import notify_stale

    try:
        return notify_stale()
    finally:
        schedule(notify_stale_measures, weekly=False)


def schedule(reminder_task, *, weekly: bool):
    """Enqueues `reminder_task` for its next slot unless a run of it is waiting already."""
    from django_tasks_db.models import DBTaskResult

    from .reminders import next_slot

    waiting = DBTaskResult.objects.filter(
        task_path=reminder_task.module_path, status="READY"
    ).exists()
    if not waiting:
        reminder_task.using(run_after=next_slot(timezone.now(), weekly=weekly)).enqueue()


def schedule_all():
    schedule(send_weekly_digests, weekly=True)
    schedule(notify_stale_measures, weekly=False)
