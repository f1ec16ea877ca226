"""Cached pages answered in front of Django, with the content version read from Redis.

Two app servers share the database and Redis: server A is the admin an editor works in,
server B serves pages through the portal's WSGI application (the front layer, then
Django) in a thread of its own, with its own database connection and Redis client. Redis
runs beside the tests (CI starts it in .ci/run).
"""

import concurrent.futures
import socket
import urllib.parse
import uuid

import pytest
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iserlohn_digital import pagecache
from iserlohn_digital.pagecache import PageCacheFront
from strategy.models import ContentVersion
from tests.builders import make_measure
from tests.conftest import login_with_second_factor

pytestmark = pytest.mark.django_db(transaction=True)

REDIS = "redis://127.0.0.1:6379/12"


def redis_runs() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def pages_in(settings, location: str) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "iserlohn_digital.cache.SharedClientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"test-front-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }


@pytest.fixture
def redis_pages(settings):
    if not redis_runs():
        pytest.skip("Redis läuft nicht auf 127.0.0.1:6379 (CI startet ihn in .ci/run).")
    pages_in(settings, REDIS)
    settings.PAGE_CACHE = True
    yield caches["pages"]
    caches["pages"].clear()


class Server:
    """An app server: the portal's WSGI application in a thread of its own."""

    def __init__(self):
        self.application = PageCacheFront(WSGIHandler())
        self.thread = concurrent.futures.ThreadPoolExecutor(max_workers=1)

    def get(self, path: str, **headers):
        """(status, headers, body, queries) of a GET through the whole WSGI stack, with
        the path as gunicorn gives it: percent-decoded bytes read as latin-1."""
        environ = dict(RequestFactory().get("/", headers=headers).environ)
        raw, _, query = path.partition("?")
        environ["PATH_INFO"] = urllib.parse.unquote_to_bytes(raw).decode("latin-1")
        environ["QUERY_STRING"] = query
        return self.thread.submit(self._call, environ).result()

    def _call(self, environ):
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

        with CaptureQueriesContext(connection) as queries:
            result = self.application(environ, start_response)
            body = b"".join(result)
            if hasattr(result, "close"):
                result.close()
        return answer["status"], answer["headers"], body.decode(), len(queries)

    def stop(self):
        self.thread.submit(connections.close_all).result()
        self.thread.shutdown()


@pytest.fixture
def server_b():
    server = Server()
    yield server
    server.stop()


def test_an_edit_through_one_server_shows_on_the_next_request_through_another(
    redis_pages, server_b, django_user_model, client
):
    measure = make_measure(title="Terminvergabe online")
    url = reverse("measures:measure-detail", args=[measure.code])
    status, _, body, queries = server_b.get(url)
    assert status == 200 and "Terminvergabe online" in body and queries > 3
    status, headers, again, queries = server_b.get(url)
    # Answered before Django from Redis: the page and the version, no query.
    assert (status, queries) == (200, 0)
    assert again == body
    assert headers["X-Request-ID"] and headers["ETag"]
    assert "Content-Security-Policy" in headers

    editor = login_with_second_factor(
        client, django_user_model.objects.create_superuser("redaktion", "r@example.org", "pw")
    )

    def act(action):  # server A: the admin, in this thread, committing the edit
        response = editor.post(
            reverse("admin:measures_measure_changelist"),
            {"action": action, "_selected_action": [measure.pk], "index": 0},
        )
        assert response.status_code == 302

    act("unpublish")
    token = redis_pages.get_with_token(pagecache.VERSION_KEY, "nichts")[0]
    assert token == pagecache.version_token(*ContentVersion.number_and_time())
    assert server_b.get(url)[0] == 404

    act("publish")
    assert server_b.get(url)[:3:2] == (200, body)
    assert server_b.get(url)[3] == 0


def test_addresses_with_umlauts_reach_their_page_and_odd_ones_get_404(redis_pages, server_b):
    measure = make_measure(title="Verkehrsdaten")
    measure.tags.add("Mobilität")
    slug = measure.tags.get().slug
    assert slug == "mobilität"
    url = reverse("measures:tag-detail", args=[slug])  # percent-encoded
    assert "%C3%A4" in url
    for _ in range(2):  # rendered, then from the front
        status, _, body, _ = server_b.get(url)
        assert status == 200 and "Verkehrsdaten" in body
    status, headers, _, _ = server_b.get("/%C5%82%C3%B3d%C5%BA/")
    assert status == 404 and headers["X-Request-ID"]


def test_a_client_that_has_the_page_gets_304_from_the_front(redis_pages, server_b):
    measure = make_measure()
    url = reverse("measures:measure-detail", args=[measure.code])
    _, headers, _, _ = server_b.get(url)
    status, again, body, queries = server_b.get(url, if_none_match=headers["ETag"])
    assert (status, body, queries) == (304, "", 0)
    assert again["X-Request-ID"]


def test_when_redis_lost_the_version_the_database_says_it_and_it_is_put_back(redis_pages, server_b):
    measure = make_measure(title="Terminvergabe online")
    url = reverse("measures:measure-detail", args=[measure.code])
    server_b.get(url)
    redis_pages.delete(pagecache.VERSION_KEY)  # evicted, expired, or Redis restarted
    status, _, body, queries = server_b.get(url)
    assert status == 200 and "Terminvergabe online" in body
    assert queries == 1  # the version from the database; the page still from Redis
    assert server_b.get(url)[3] == 0  # the version is back beside the pages


def test_with_redis_away_pages_come_from_the_database_without_errors(settings, server_b):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    pages_in(settings, f"redis://127.0.0.1:{port}/0")
    settings.PAGE_CACHE = True
    measure = make_measure(title="Terminvergabe online")
    url = reverse("measures:measure-detail", args=[measure.code])
    for _ in range(2):
        status, headers, body, queries = server_b.get(url)
        assert status == 200 and "Terminvergabe online" in body and queries > 1
        assert headers["X-Request-ID"]
    measure.title = "Neuer Titel"
    measure.save()
    assert "Neuer Titel" in server_b.get(url)[2]


def test_a_slower_server_does_not_put_back_the_version_before_the_last_edit(redis_pages):
    key = pagecache.VERSION_KEY
    redis_pages.publish_token(key, "6.2000", 60)
    redis_pages.publish_token(key, "5.1000", 60)  # read before the last commit, sent late
    assert redis_pages.get_with_token(key, "nichts")[0] == "6.2000"
    redis_pages.publish_token(key, "3.3000", 60)  # a restored database: smaller, but later
    assert redis_pages.get_with_token(key, "nichts")[0] == "3.3000"


def test_the_version_time_rises_with_its_number_whatever_the_clock_says(monkeypatch):
    """A server whose clock lags (or a transaction that waited for the row) must not give
    the next version an earlier time: the copy in Redis keeps the newer by both."""
    import datetime

    from django.utils import timezone

    ContentVersion.bump()
    first = ContentVersion.number_and_time()
    lagging = first[1] - datetime.timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: lagging)
    ContentVersion.bump()
    second = ContentVersion.number_and_time()
    assert second[0] == first[0] + 1
    assert second[1] > first[1]


def test_a_script_name_sent_by_a_client_cannot_put_a_page_under_another_address(
    redis_pages, server_b
):
    make_measure(title="Terminvergabe online")
    catalogue = reverse("measures:measure-list")
    status, _, home, _ = server_b.get("/")
    # gunicorn takes SCRIPT_NAME from a header of a trusted proxy that passes it on.
    environ = dict(RequestFactory().get("/").environ, SCRIPT_NAME=catalogue.rstrip("/"))
    server_b.thread.submit(server_b._call, environ).result()
    status, _, body, _ = server_b.get(catalogue)
    assert status == 200 and body != home and "Terminvergabe online" in body
