"""Security headers on every answer; readiness; 503 instead of 500 without a database."""

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import run_django

pytestmark = pytest.mark.django_db

PATHS = ["/", "/massnahmen/", "/umsetzungsstand/", "/daten/", "/api/v1/principles",
         "/admin/login/", "/barriere-melden/", "/gibt-es-nicht/"]  # fmt: skip


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    directives = ["default-src 'none'", "script-src 'self'", "style-src 'self'",
                  "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"]  # fmt: skip
    for directive in directives:
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_hsts_for_a_year_over_https(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_readyz_answers_when_the_database_does(client):
    assert client.get("/readyz", HTTP_HOST="10.0.0.7").status_code == 200


def test_readyz_and_pages_answer_503_when_the_database_is_down(monkeypatch):
    from django.db.utils import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    client = Client(raise_request_exception=False)
    monkeypatch.setattr(connection, "cursor", refuse)
    ready = client.get("/readyz")
    assert ready.status_code == 503
    page = client.get("/massnahmen/")
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert "Vorübergehend nicht erreichbar" in page.content.decode()
    monkeypatch.undo()
    assert client.get("/readyz").status_code == 200


def test_server_error_handler_keeps_500_for_other_errors(rf):
    from iserlohn_digital.views import server_error

    try:
        raise RuntimeError("kaputt")
    except RuntimeError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in response.content.decode()


CLOSED_PORT_SCRIPT = """
import django, os
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
for path in ("/", "/massnahmen/", "/readyz", "/healthz"):
    response = client.get(path, HTTP_HOST="localhost")
    print(path, response.status_code, response.get("Retry-After"))
"""


def test_pointed_at_a_closed_port_pages_answer_503_and_health_stays_up():
    output = run_django(CLOSED_PORT_SCRIPT, "postgres://nobody@127.0.0.1:9/nichts")
    lines = dict(line.split(" ", 1) for line in output.strip().splitlines())
    assert lines["/"] == "503 30"
    assert lines["/massnahmen/"] == "503 30"
    assert lines["/readyz"] == "503 None"
    assert lines["/healthz"] == "200 None"


def test_every_answer_has_a_request_id_that_the_500_page_shows(client, rf):
    from iserlohn_digital.views import server_error

    response = client.get("/")
    assert len(response["X-Request-ID"]) == 32
    assert client.get("/", HTTP_X_REQUEST_ID="abc123")["X-Request-ID"] == "abc123"
    assert client.get("/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"
    request = rf.get("/")
    request.id = "f00dcafe"
    try:
        raise RuntimeError("kaputt")
    except RuntimeError:
        page = server_error(request).content.decode()
    assert "f00dcafe" in page


def test_logs_are_json_lines_with_the_request_id(client, caplog):
    import json
    import logging

    from iserlohn_digital.logs import JsonFormatter, RequestIdFilter

    with caplog.at_level(logging.INFO, logger="iserlohn_digital.requests"):
        response = client.get("/impressum/")
    record = next(r for r in caplog.records if r.name == "iserlohn_digital.requests")
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/impressum/"
    assert line["status"] == 200
    assert line["request_id"] == response["X-Request-ID"]
