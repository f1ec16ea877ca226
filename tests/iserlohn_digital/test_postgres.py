"""A database that accepts connections but never answers (hung, not refused) ties up no
thread for long: pages answer 503, health checks keep answering."""

import os

import pytest

from tests.conftest import run_django

HUNG_DATABASE_SCRIPT = """
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
for path in ("/", "/api/v1/principles", "/healthz", "/massnahmen/"):
    response = client.get(path, HTTP_HOST="localhost")
    print(path, response.status_code, response.get("Retry-After"), response["Content-Type"])
"""


def test_with_a_hung_database_pages_answer_503_and_health_stays_up(silent_server):
    output = run_django(
        HUNG_DATABASE_SCRIPT,
        f"postgres://nobody@127.0.0.1:{silent_server.port}/nichts",
        DATABASE_CONNECT_TIMEOUT="1",
    )
    lines = dict(line.split(" ", 1) for line in output.strip().splitlines())
    assert lines["/"].startswith("503 30 text/html")
    assert lines["/massnahmen/"].startswith("503 30 text/html")
    assert lines["/api/v1/principles"].startswith("503 30 application/json")
    assert lines["/healthz"].startswith("200 None")
    assert silent_server.accepted, "the database was never asked"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_query_on_a_connection_whose_server_hangs_is_cut_at_the_deadline(caplog):
    """The server process behind an open connection stops (SIGSTOP): the operating system
    still acknowledges, nothing answers. A web request's query gives up at its deadline."""
    import signal

    from django.db import OperationalError, connections

    from iserlohn_digital.postgres.base import request_deadline

    hung = connections.create_connection("default")
    try:
        with hung.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        os.kill(backend, signal.SIGSTOP)
        token = request_deadline.set(1)
        try:
            with pytest.raises(OperationalError), hung.cursor() as cursor:
                cursor.execute("SELECT 1")
            assert not hung.is_usable()
        finally:
            request_deadline.reset(token)
            os.kill(backend, signal.SIGCONT)
    finally:
        hung.close()
    assert "nicht geantwortet" in caplog.text
