"""Security headers on every answer; health and readiness answered before anything else,
the latter 503 (as the pages) without a database."""

import pytest
from django.db import connection
from django.test import Client

PATHS = [
    "/",
    "/massnahmen/",
    "/umsetzungsstand/",
    "/daten/",
    "/api/v1/principles",
    "/admin/login/",
    "/barriere-melden/",
    "/gibt-es-nicht/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    directives = [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
    for directive in directives:
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_hsts_for_a_year_over_https(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_readyz_answers_when_the_database_does(client):
    assert client.get("/readyz", HTTP_HOST="10.0.0.7").status_code == 200


@pytest.mark.django_db
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


def test_healthz_answers_without_database_or_allowed_host(client):
    # Without the django_db mark any query would raise: the answer needs no database.
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert response.content == b"ok\n"
