"""The task worker in tests: django_tasks_db's own worker code runs the queued tasks."""

import threading
from contextlib import contextmanager

from django.core.management import call_command
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def _worker(worker_id: str, *, interval: float, batch: bool) -> Worker:
    """django_tasks_db's worker as `db_worker` makes it, for the default queue."""
    return Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def run_queued_tasks() -> int:
    """Runs every task that is due, one after another, with the worker's own code
    (`Worker.run_task`), inside the test's transaction; returns how many ran. (The full
    `db_worker` command closes database connections between tasks, which a test inside a
    transaction cannot allow; transactional tests use `run_worker`.)"""
    worker = _worker("test-worker", interval=0, batch=True)
    ran = 0
    while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


def run_worker() -> None:
    """`manage.py db_worker --batch`: the real worker, until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@contextmanager
def worker_running():
    """The real worker (django_tasks_db's `Worker`, as `db_worker` runs it) in a thread of
    its own with its own database connection, until the block ends. Needs a transactional
    test (`django_db(transaction=True)`), as the worker sees only committed data."""
    worker = _worker("test-worker-thread", interval=0.05, batch=False)
    failures = []

    def run():
        try:
            worker.run()
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="task-worker", daemon=True)
    thread.start()
    try:
        yield worker
    finally:
        worker.running = False
        thread.join(120)
    assert not thread.is_alive(), "Der Worker ist nicht beendet."
    assert not failures, failures


def current_pdf(client, path: str) -> bytes:
    """The PDF at `path` as it shows the current content: asked for, rendered by the
    worker if that was needed (a first request, or one after a change), asked for again."""
    response = client.get(path)
    if run_queued_tasks():
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return b"".join(response.streaming_content)
