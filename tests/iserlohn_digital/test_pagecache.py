"""Whole pages cached by content version: fast for the crowd, current after every edit."""

import gzip

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import make_measure

pytestmark = pytest.mark.django_db


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def test_a_repeated_page_costs_one_query_and_shows_the_same(client):
    measure = make_measure(title="Terminvergabe online")
    url = reverse("measures:measure-detail", args=[measure.code])
    first, first_queries = get(client, url)
    second, second_queries = get(client, url)
    assert first.status_code == second.status_code == 200
    assert first_queries > 3
    assert second_queries == 1  # the content version
    assert second.content == first.content
    assert "Terminvergabe online" in second.text


def test_an_edit_shows_on_the_next_request(client):
    measure = make_measure(title="Alter Titel")
    url = reverse("measures:measure-list")
    assert "Alter Titel" in get(client, url)[0].text
    measure.title = "Neuer Titel"
    measure.save()
    page = get(client, url)[0].text
    assert "Neuer Titel" in page
    assert "Alter Titel" not in page


def test_an_unchanged_page_answers_304_from_the_cache(client):
    make_measure()
    url = reverse("home")
    first = client.get(url)
    assert first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"]
    again, queries = get(client, url, if_none_match=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert queries == 1
    since, _ = get(client, url, if_modified_since=first["Last-Modified"])
    assert since.status_code == 304


def test_pages_are_kept_compressed_for_clients_that_accept_gzip(client):
    make_measure(title="Komprimierte Maßnahme")
    url = reverse("measures:measure-list")
    plain = client.get(url)
    for _ in range(2):  # rendered, then from the cache
        packed = client.get(url, headers={"accept-encoding": "gzip"})
        assert packed["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed["Vary"]
        assert gzip.decompress(packed.content).decode() == plain.text
    assert "Content-Encoding" not in client.get(url)


def test_signed_in_editors_see_drafts_not_the_cached_page(admin_client_logged_in):
    make_measure(title="Entwurf der Redaktion", is_published=False)
    url = reverse("measures:measure-list")
    visitor = Client()
    assert "Entwurf der Redaktion" not in visitor.get(url).text
    assert "Entwurf der Redaktion" in admin_client_logged_in.get(url).text
    assert "Entwurf der Redaktion" not in visitor.get(url).text


def test_forms_with_a_csrf_token_and_errors_are_not_cached(client):
    form_url = reverse("strategy:barriere-melden")
    for _ in range(2):  # each visitor gets a form with a token of their own
        assert Client().get(form_url).cookies.get("csrftoken")
    assert get(client, "/massnahmen/ZZ-9.9/")[0].status_code == 404
    missing, queries = get(client, "/massnahmen/ZZ-9.9/")
    assert missing.status_code == 404
    assert queries > 1


def test_made_up_parameters_and_a_failing_cache_leave_pages_uncached_not_broken(
    client, monkeypatch
):
    make_measure()
    url = reverse("measures:measure-list")
    get(client, url + "?zufall=1")
    assert get(client, url + "?zufall=1")[1] > 1  # rendered again: not kept

    from django.core.cache import caches

    def broken(*args, **kwargs):
        raise ConnectionError("Redis ist weg")

    monkeypatch.setattr(caches["pages"], "get", broken)
    monkeypatch.setattr(caches["pages"], "set", broken)
    response = client.get(url)
    assert response.status_code == 200


def test_pages_of_an_earlier_release_or_database_are_not_served(client, monkeypatch):
    from iserlohn_digital import pagecache

    measure = make_measure(title="Erste Fassung")
    url = reverse("measures:measure-detail", args=[measure.code])
    assert get(client, url)[1] > 1
    assert get(client, url)[1] == 1
    monkeypatch.setattr(pagecache, "release", lambda: "neu")
    fresh = Client()  # a new server process of the next release
    assert get(fresh, url)[1] > 1


def test_cookies_the_portal_does_not_set_do_not_bypass_the_cache(client):
    measure = make_measure(title="Terminvergabe online")
    url = reverse("measures:measure-detail", args=[measure.code])
    get(client, url)
    # A cookie of another site on the city's domain, or a made-up one, changes no page.
    stranger = Client(headers={"Cookie": "x=1; _pk_id.3.abcd=9f"})
    response, queries = get(stranger, url)
    assert response.status_code == 200 and "Terminvergabe online" in response.text
    assert queries == 1  # served from the cache: the content version only
    # The session and the messages after a form post still make a page the visitor's own.
    for cookie in ("sessionid=abc", "messages=xyz"):
        response, queries = get(Client(headers={"Cookie": cookie}), url)
        assert response.status_code == 200 and queries > 1, cookie
