"""PostgreSQL, with a deadline for every query of a web request.

A database that hangs (a stopped server, a stalled disk) answers nothing while the
operating system still acknowledges every packet, so neither TCP timeouts nor the
server's own statement_timeout end the wait: every thread of the app server would wait
for ever. Here a watchdog thread cuts the connection of a query that a web request has
waited on for DATABASE_REQUEST_DEADLINE seconds; psycopg then raises OperationalError
and the page answers 503 with Retry-After (iserlohn_digital.views.server_error).
Management commands set no deadline: their statements may take as long as they need,
up to the statement timeout.
"""

import contextlib
import contextvars
import logging
import os
import socket
import threading
import time

from django.db.backends.postgresql import base

logger = logging.getLogger(__name__)

# Seconds a query of the current web request may wait, or None (set by the middleware).
request_deadline = contextvars.ContextVar("request_deadline", default=None)


class Watchdog:
    """Queries being waited on, with their deadlines; a daemon thread, started with the
    first of them (so after gunicorn forks its workers), cuts those that are overdue."""

    INTERVAL = 0.25

    def __init__(self):
        self._lock = threading.Lock()
        self._waiting = {}
        self._thread = None

    @contextlib.contextmanager
    def watching(self, psycopg_connection, seconds):
        token = object()
        with self._lock:
            self._waiting[token] = (time.monotonic() + seconds, psycopg_connection, seconds)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="db-watchdog", daemon=True)
                self._thread.start()
        try:
            yield
        finally:
            # Under the lock: a connection is never cut after its query has moved on.
            with self._lock:
                self._waiting.pop(token, None)

    def _run(self):
        while True:
            time.sleep(self.INTERVAL)
            now = time.monotonic()
            with self._lock:
                for token, (deadline, psycopg_connection, seconds) in list(self._waiting.items()):
                    if deadline <= now:
                        del self._waiting[token]
                        _cut(psycopg_connection, seconds)


def _cut(psycopg_connection, seconds):
    """Shut the connection's socket down: the waiting read ends at once with an error.
    The descriptor stays open (it belongs to libpq), so no other file can take its place."""
    try:
        duplicate = socket.socket(fileno=os.dup(psycopg_connection.pgconn.socket))
    except Exception:  # already closed: nothing waits on it any more
        return
    with duplicate, contextlib.suppress(OSError):
        duplicate.shutdown(socket.SHUT_RDWR)
    logger.warning("Die Datenbank hat %s s lang nicht geantwortet; Verbindung getrennt.", seconds)


WATCHDOG = Watchdog()


@contextlib.contextmanager
def _deadline(psycopg_connection):
    seconds = request_deadline.get()
    if seconds is None or psycopg_connection is None:
        yield
    else:
        with WATCHDOG.watching(psycopg_connection, seconds):
            yield


def _execute_with_deadline(execute, sql, params, many, context):
    with _deadline(context["connection"].connection):
        return execute(sql, params, many, context)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.execute_wrappers.insert(0, _execute_with_deadline)

    def is_usable(self):
        # Django's health check at the start of a request talks to psycopg directly.
        with _deadline(self.connection):
            return super().is_usable()
