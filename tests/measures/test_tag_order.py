"""Schlagwörter in the order of a German dictionary: without regard to case, Ä with A,
on every page that lists them and in the admin, whatever the database collates."""

import re

import pytest

from iserlohn_digital.text import german_sort_key
from tests.builders import make_measure

pytestmark = pytest.mark.django_db

GERMAN_ORDER = ["Äpfel", "arbeit", "Bürger", "Ökologie", "Straße", "Strasse Nord", "zukunft"]


def test_the_german_key_puts_umlauts_with_their_letter_and_ignores_case():
    shuffled = ["zukunft", "Straße", "Bürger", "Ökologie", "Äpfel", "Strasse Nord", "arbeit"]
    assert sorted(shuffled, key=german_sort_key) == GERMAN_ORDER


@pytest.fixture
def tagged():
    measure = make_measure()
    measure.tags.add(*reversed(GERMAN_ORDER))
    return measure


def names_in(html, pattern):
    return [name for name in re.findall(pattern, html) if name in GERMAN_ORDER]


def test_the_tag_page_lists_them_in_german_order(client, tagged):
    page = client.get("/schlagworte/").content.decode()
    assert names_in(page, r'<a href="/schlagworte/[^"]+/">([^<]+?) <span') == GERMAN_ORDER


def test_the_catalogue_filter_offers_them_in_german_order(client, tagged):
    page = client.get("/massnahmen/").content.decode()
    select = re.search(r'<select name="schlagwort".*?</select>', page, re.S).group()
    assert names_in(select, r"<option [^>]*>([^<]+)</option>") == GERMAN_ORDER


def test_the_steckbrief_lists_them_in_german_order(client, tagged):
    page = client.get(tagged.get_absolute_url()).content.decode()
    assert names_in(page, r'<li><a href="/schlagworte/[^"]+/">([^<]+)</a></li>') == GERMAN_ORDER


def test_the_admin_offers_them_in_german_order(admin_client_logged_in, tagged):
    page = admin_client_logged_in.get(f"/admin/measures/measure/{tagged.pk}/change/")
    labels = re.findall(
        r'<input type="checkbox" name="tags"[^>]*>\s*([^<]+?)\s*</label>', page.content.decode()
    )
    assert names_in(" ".join(f"<x>{label}</x>" for label in labels), r"<x>([^<]+)</x>") == (
        GERMAN_ORDER
    )
