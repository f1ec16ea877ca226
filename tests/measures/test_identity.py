"""The portal's identity: the wordmark and the way to the city's own site, a symbol beside
every Handlungsfeld (self-hosted, licence recorded), and the Architektur's legend."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from measures.models import FieldOfAction, Status
from tests.builders import make_field, make_measure

pytestmark = pytest.mark.django_db

ICONS = Path(settings.BASE_DIR) / "static" / "icons" / "handlungsfelder"
SVG_OPEN = re.compile(r'<svg class="icon" aria-hidden="true" focusable="false" [^>]*>')


def test_every_symbol_the_redaktion_can_choose_has_its_file_source_and_licence():
    readme = (ICONS / "README.md").read_text()
    for value in FieldOfAction.Icon.values:
        svg = (ICONS / f"{value}.svg").read_text()
        assert svg.startswith("<svg ") and 'stroke="currentColor"' in svg, value
        assert f"| {value}.svg" in readme, f"{value}.svg fehlt in der README"
    assert "ISC License" in (ICONS / "LICENSE-lucide.txt").read_text()
    assert sorted(path.stem for path in ICONS.glob("*.svg")) == sorted(FieldOfAction.Icon.values)


def test_every_handlungsfeld_of_the_seed_has_a_symbol_of_its_own():
    fixture = json.loads((Path(settings.BASE_DIR) / "fixtures" / "measures.json").read_text())
    icons = {
        item["fields"]["slug"]: item["fields"].get("icon")
        for item in fixture
        if item["model"] == "measures.fieldofaction"
    }
    assert len(icons) >= 12
    assert all(icon in FieldOfAction.Icon.values for icon in icons.values()), icons
    assert FieldOfAction.Icon.GENERAL not in icons.values()
    assert len(set(icons.values())) == len(icons), "zwei Handlungsfelder mit demselben Symbol"


def test_a_new_handlungsfeld_gets_the_general_symbol_until_one_is_chosen():
    assert make_field().icon == FieldOfAction.Icon.GENERAL


def icons_in(html):
    return SVG_OPEN.findall(html)


def test_handlungsfelder_show_their_symbol_hidden_from_screen_readers():
    field = make_field(icon=FieldOfAction.Icon.EDUCATION, name="Bildung")
    make_measure(field_of_action=field)
    client = Client()
    education = (ICONS / "bildung.svg").read_text()
    first_path = re.search(r"<path [^>]*>", education).group(0)

    for path in [
        "/handlungsfelder/",
        field.get_absolute_url(),
        field.substrategy.get_absolute_url(),
    ]:
        html = client.get(path).content.decode()
        assert icons_in(html), path
        assert first_path in html, path

    detail = client.get(field.get_absolute_url()).content.decode()
    heading = re.search(r"<h1 class=\"field-title\">(.*?)</h1>", detail, re.S).group(1)
    assert SVG_OPEN.search(heading) and "Bildung" in heading


def test_a_symbol_no_longer_in_the_set_shows_the_general_one():
    field = make_field()
    FieldOfAction.objects.filter(pk=field.pk).update(icon="gibt-es-nicht")
    html = Client().get(field.get_absolute_url()).content.decode()
    general = re.search(r"<path [^>]*>|<rect [^>]*>", (ICONS / "allgemein.svg").read_text())
    assert general.group(0) in html


def test_every_page_carries_the_wordmark_and_a_link_to_the_citys_site():
    html = Client().get("/handlungsfelder/").content.decode()
    wordmark = re.search(r'<a class="wordmark" href="/">(.*?)</a>', html, re.S)
    assert wordmark and 'Iserlohn <span class="wordmark__digital">digital</span>' in wordmark[1]
    city = re.search(r'<a class="top-bar__city" href="https://www.iserlohn.de/">(.*?)</a>', html)
    assert city and "Stadt Iserlohn" in city[1] and "Website der Stadt" in city[1]


def test_the_architektur_explains_its_levels_and_every_status_colour():
    field = make_field(name="Mobilität", icon=FieldOfAction.Icon.MOBILITY)
    make_measure(field_of_action=field, title="Parkleitsystem", status=Status.PLANNED)
    html = Client().get(field.substrategy.get_absolute_url()).content.decode()
    section = re.search(r'<section class="architecture".*?</section>', html, re.S).group(0)
    legend = re.search(r'<div class="arch-legend".*?</div>', section, re.S).group(0)
    assert "So lesen Sie die Architektur" in legend
    for level in ["Dach:", "Darunter:", "Säulen:"]:
        assert level in legend
    for value, label in Status.choices:
        assert f'<li class="arch__key arch__measure--{value}">{label}</li>' in legend
    # The pillar: symbol and name as a heading; the status written out beside the colour.
    assert re.search(r'<h3 class="arch__pillar-title"><svg class="icon"', section)
    assert re.search(r"Parkleitsystem</a><span class=\"arch__status\">.*?geplant</span>", section)
