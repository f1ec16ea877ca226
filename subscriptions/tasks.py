"""The subscriptions' tasks, run by the task worker (`manage.py db_worker`). The monthly
digest and the daily deletion of unconfirmed addresses plan their next run when they run;
`manage.py schedule_subscription_mails` makes sure one of each waits."""

from django.tasks import task

from iserlohn_digital.periodic import on_first_of_month, schedule


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
        schedule(send_monthly_digests, on=on_first_of_month)


@task
def purge_unconfirmed() -> int:
    """Deletes the addresses not confirmed in time; then plans the next run."""
    from . import notices

    try:
        return notices.purge_unconfirmed()
    finally:
        schedule(purge_unconfirmed)


def schedule_all():
    schedule(send_monthly_digests, on=on_first_of_month)
    schedule(purge_unconfirmed)
