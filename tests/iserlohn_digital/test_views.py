"""The error handler: without a database pages and the API answer 503 (the API in JSON)
with Retry-After; only lost connections count as an outage, other errors stay a 500 (HTML
for pages, JSON for the API)."""

import json

import pytest
from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    connection,
)
from django.test import Client

from tests.builders import make_world
from tests.conftest import run_django

pytestmark = pytest.mark.django_db

UNAVAILABLE = "Die Datenbank ist vorübergehend nicht erreichbar. Bitte später erneut versuchen."
API_PATHS = ["/api/v1/measures", "/api/v1/principles", "/api/v1/goals/SC-Z1"]


def break_database(monkeypatch, error):
    def fail(*args, **kwargs):
        raise error("kaputt")

    monkeypatch.setattr(connection, "cursor", fail)


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("page_cache", [True, False])
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_api_answers_503_in_json_when_the_database_is_away(
    client, monkeypatch, settings, error, page_cache
):
    settings.PAGE_CACHE = page_cache
    break_database(monkeypatch, error)
    for path in API_PATHS:
        response = client.get(path, HTTP_ORIGIN="https://example.org")
        assert response.status_code == 503, path
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"detail": UNAVAILABLE}
        assert response["Retry-After"] == "30"
        # Scripts on other sites may read the answer and when to try again.
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "retry-after" in response["Access-Control-Expose-Headers"].lower()
    data = client.get("/daten/massnahmen.json")
    assert data.status_code == 503
    assert data["Access-Control-Allow-Origin"] == "*"
    head = client.head("/api/v1/measures")
    assert head.status_code == 503
    assert head["Retry-After"] == "30"
    page = client.get("/massnahmen/")
    assert page.status_code == 503
    assert page["Content-Type"].startswith("text/html")


def test_api_answers_503_when_the_database_goes_away_in_the_middle(client, monkeypatch, settings):
    """Whichever query fails, the answer is 503: no query is left for the serialisation,
    where django-ninja would turn the error into a 500."""
    settings.PAGE_CACHE = False
    world = make_world(2)
    measure, goal, field = world["measures"][0], world["goal"], world["field"]
    paths = [
        "/api/v1/principles",
        "/api/v1/substrategies",
        "/api/v1/goals",
        f"/api/v1/goals/{goal.code}",
        "/api/v1/fields",
        f"/api/v1/fields/{field.slug}",
        "/api/v1/measures",
        f"/api/v1/measures/{measure.code}",
        "/api/v1/updates",
        "/api/v1/milestones",
    ]
    cursor, budget = connection.cursor, []

    def fail_when_spent(*args, **kwargs):
        if not budget:
            raise OperationalError("canceling statement due to statement timeout")
        budget.pop()
        return cursor(*args, **kwargs)

    monkeypatch.setattr(connection, "cursor", fail_when_spent)
    for path in paths:
        statuses = []
        for allowed in range(12):
            budget[:] = [1] * allowed
            statuses.append(client.get(path).status_code)
        assert statuses[0] == 503, path
        assert set(statuses) <= {200, 503}, (path, statuses)
        assert statuses[-1] == 200, (path, statuses)


@pytest.mark.parametrize("error", [DataError, IntegrityError, ProgrammingError, DatabaseError])
def test_other_database_errors_stay_a_500(client, monkeypatch, error):
    break_database(monkeypatch, error)
    api = client.get("/api/v1/measures")
    assert api.status_code == 500
    assert api["Content-Type"].startswith("application/json")
    assert api.json() == {"detail": "Interner Fehler", "request_id": api["X-Request-ID"]}
    assert "Retry-After" not in api
    page = client.get("/massnahmen/")
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")
    assert "Ein Fehler ist aufgetreten" in page.content.decode()
    assert page["X-Request-ID"] in page.content.decode()
    assert "Retry-After" not in page


def test_api_answers_500_in_json_for_any_other_error(rf):
    from iserlohn_digital.views import server_error

    request = rf.get("/api/v1/measures")
    request.id = "f00dcafe"
    try:
        raise RuntimeError("kaputt")
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == {"detail": "Interner Fehler", "request_id": "f00dcafe"}


def test_server_error_handler_keeps_500_for_other_errors(rf):
    from iserlohn_digital.views import server_error

    try:
        raise RuntimeError("kaputt")
    except RuntimeError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in response.content.decode()


CLOSED_PORT_API_SCRIPT = """
import django, json
django.setup()
from django.test import Client

from tests.builders import make_world
client = Client(raise_request_exception=False)
for path in ("/api/v1/measures", "/api/v1/principles", "/massnahmen/"):
    response = client.get(path, HTTP_HOST="localhost")
    print(json.dumps([path, response.status_code, response.get("Retry-After"),
                      response["Content-Type"], response.content.decode()]))
"""


def test_pointed_at_a_closed_port_the_api_answers_503_in_json():
    output = run_django(CLOSED_PORT_API_SCRIPT, "postgres://nobody@127.0.0.1:9/nichts")
    answers = {path: rest for path, *rest in map(json.loads, output.strip().splitlines())}
    for path in ("/api/v1/measures", "/api/v1/principles"):
        status, retry_after, content_type, body = answers[path]
        assert (status, retry_after) == (503, "30")
        assert content_type.startswith("application/json")
        assert json.loads(body) == {"detail": UNAVAILABLE}
    status, retry_after, content_type, _ = answers["/massnahmen/"]
    assert (status, retry_after) == (503, "30")
    assert content_type.startswith("text/html")


CLOSED_PORT_PAGES_SCRIPT = """
import django, os
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
for path in ("/", "/massnahmen/", "/readyz", "/healthz"):
    response = client.get(path, HTTP_HOST="localhost")
    print(path, response.status_code, response.get("Retry-After"))
"""


def test_pointed_at_a_closed_port_pages_answer_503_and_health_stays_up():
    output = run_django(CLOSED_PORT_PAGES_SCRIPT, "postgres://nobody@127.0.0.1:9/nichts")
    lines = dict(line.split(" ", 1) for line in output.strip().splitlines())
    assert lines["/"] == "503 30"
    assert lines["/massnahmen/"] == "503 30"
    assert lines["/readyz"] == "503 None"
    assert lines["/healthz"] == "200 None"
