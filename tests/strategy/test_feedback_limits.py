"""The form "Barriere melden" behind the proxy: the rate limit counts each client, holds
under parallel requests and without the cache; a hung mail server does not hold it up."""

import socket
import threading

import pytest
from django.core.cache import caches
from django.db import connections
from django.test import Client

from iserlohn_digital import mail
from strategy.models import BarrierReport
from strategy.views import REPORTS_PER_HOUR

URL = "/barriere-melden/"
PROXY = "10.0.0.1"
DATA = {
    "page": "/massnahmen/",
    "description": "Der Filter ist mit der Tastatur nicht erreichbar.",
    "name": "",
    "email": "",
    "website": "",
}
REFUSED = "Von Ihrem Anschluss kamen in der letzten Stunde schon mehrere Meldungen."


def behind_proxy(address):
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


@pytest.mark.django_db
def test_limit_counts_each_client_behind_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    a, b = behind_proxy("203.0.113.5"), behind_proxy("198.51.100.7")
    for _ in range(REPORTS_PER_HOUR):
        assert a.post(URL, DATA).status_code == 302
    refused = a.post(URL, DATA | {"description": "Meine sechste Meldung"})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    page = refused.content.decode()
    assert REFUSED in page
    assert "Meine sechste Meldung" in page  # the input is kept
    # A made-up address in front of A's own is no way round the limit.
    spoofing = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.5")
    assert spoofing.post(URL, DATA).status_code == 429
    assert b.post(URL, DATA).status_code == 302
    assert BarrierReport.objects.count() == REPORTS_PER_HOUR + 1


@pytest.mark.django_db
def test_invalid_and_spam_posts_do_not_count(client):
    for _ in range(REPORTS_PER_HOUR + 1):
        assert client.post(URL, DATA | {"description": ""}).status_code == 400
        assert client.post(URL, DATA | {"website": "http://spam.example"}).status_code == 302
    assert not BarrierReport.objects.exists()
    assert client.post(URL, DATA).status_code == 302
    assert BarrierReport.objects.count() == 1


@pytest.mark.django_db
def test_reports_in_a_row_store_only_the_limit(client):
    statuses = [client.post(URL, DATA).status_code for _ in range(12)]
    assert statuses == [302] * REPORTS_PER_HOUR + [429] * (12 - REPORTS_PER_HOUR)
    assert BarrierReport.objects.count() == REPORTS_PER_HOUR


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_reports_store_only_the_limit(settings):
    settings.BARRIER_REPORT_EMAIL = ""
    start = threading.Barrier(12)
    statuses = []

    def post():
        try:
            client = Client()
            start.wait(timeout=30)
            statuses.append(client.post(URL, DATA).status_code)
        finally:
            connections.close_all()

    assert Client().get(URL).status_code == 200  # imports and templates loaded beforehand
    threads = [threading.Thread(target=post) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [302] * REPORTS_PER_HOUR + [429] * (12 - REPORTS_PER_HOUR)
    assert BarrierReport.objects.count() == REPORTS_PER_HOUR


@pytest.mark.django_db
def test_limit_holds_without_the_cache(client, monkeypatch):
    cache = caches["default"]

    def broken(*args, **kwargs):
        raise ConnectionError("Cache ist weg")

    for name in ("get", "set", "add", "incr"):
        monkeypatch.setattr(cache, name, broken)
    for _ in range(REPORTS_PER_HOUR):
        assert client.post(URL, DATA).status_code == 302
    assert client.post(URL, DATA).status_code == 429
    assert BarrierReport.objects.count() == REPORTS_PER_HOUR


@pytest.fixture
def silent_mail_server():
    """An SMTP server that accepts the connection and never says a word until released."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted, release = threading.Event(), threading.Event()
    held = []

    def serve():
        conn, _ = server.accept()
        held.append(conn)
        accepted.set()
        release.wait(timeout=30)
        conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted, release, held
    release.set()
    thread.join(timeout=10)
    server.close()


@pytest.mark.django_db(transaction=True)
def test_a_hung_mail_server_does_not_hold_up_the_form(settings, silent_mail_server, caplog):
    port, accepted, release, held = silent_mail_server
    settings.BARRIER_REPORT_EMAIL = "redaktion@example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    # Longer than the test takes on any machine: the mail waits until the server lets go.
    settings.EMAIL_TIMEOUT = 60

    response = Client().post(URL, DATA)
    assert response.status_code == 302
    assert BarrierReport.objects.count() == 1
    # The answer is there while the mail is still waiting for the server's greeting: the
    # connection is open and the server has not released it.
    assert accepted.wait(timeout=10)
    assert not release.is_set()
    held[0].setblocking(False)
    with pytest.raises(BlockingIOError):  # still open: nothing to read, no end of stream
        held[0].recv(1, socket.MSG_PEEK)
    release.set()
    mail.wait_for_pending(timeout=30)
    assert "could not be sent" in caplog.text
