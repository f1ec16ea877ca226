"""The search without PostgreSQL's full text search (SQLite) and with it."""

import pytest

from tests.builders import make_measure

pytestmark = pytest.mark.django_db


def test_sqlite_fallback_and_postgres_search_ignore_case_of_umlauts(client):
    make_measure(title="Bürgerservice digital", code="HF-1.1")
    response = client.get("/massnahmen/", {"q": "BÜRGERSERVICE"})
    assert [m.code for m in response.context["measures"]] == ["HF-1.1"]
