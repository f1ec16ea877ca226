"""The status cards other sites embed (/einbetten/): what they show, that only they may
be framed and only from the configured origins, that drafts stay hidden, and the embed
code on the Steckbrief."""

import datetime
import html
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.builders import make_field, make_measure, make_update, make_world

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def card_urls(world):
    return [
        reverse("measures:measure-embed", args=[world["measures"][0].code]),
        reverse("measures:field-embed", args=[world["field"].slug]),
        reverse("measures:dashboard-embed"),
    ]


def test_the_measure_card_shows_status_progress_last_update_and_the_way_to_the_steckbrief(
    client,
):
    world = make_world(1)
    measure = world["measures"][0]
    measure.progress = 40
    measure.save()

    response = client.get(reverse("measures:measure-embed", args=[measure.code]))

    assert response.status_code == 200
    page = response.text
    assert '<html lang="de">' in page
    assert f"<title>{measure.code} {measure.title}: Stand der Umsetzung – Iserlohn digital" in page
    assert '<span class="status status--umsetzung">in Umsetzung</span>' in page
    assert '<progress value="40" max="100"' in page
    assert 'Letzte Statusmeldung: <time datetime="2026-06-01">01.06.2026</time>' in page
    assert f'<a href="/massnahmen/{measure.code}/" target="_top">' in page
    # A card, not a page of the portal: no navigation, no other links.
    assert page.count("<a ") == 1
    assert "css/embed" in page and "css/site" not in page


def test_the_field_and_dashboard_cards_sum_up_their_measures(client):
    world = make_world(2)
    first, second = world["measures"]
    first.status, first.progress = "abgeschlossen", 100
    first.save()
    second.progress = 20
    second.save()
    make_update(second, date=datetime.date(2026, 8, 3))
    # Another field's measure counts on the dashboard only.
    other = make_field(substrategy=world["substrategy"], code="SC-2", slug="mobilitaet")
    make_measure(field_of_action=other, lead_unit=world["unit"], code="SC-2.1", progress=0)

    field_card = client.get(reverse("measures:field-embed", args=["daten"])).text
    dashboard_card = client.get(reverse("measures:dashboard-embed")).text

    assert '<h1 class="card__title">' + world["field"].name in field_card
    assert "<strong>60 %</strong>" in field_card
    assert "1 von 2 Maßnahmen abgeschlossen" in field_card
    assert '<span class="status status--abgeschlossen">abgeschlossen</span> 1' in field_card
    assert "geplant</span>" not in field_card  # no status without measures
    assert '<time datetime="2026-08-03">03.08.2026</time>' in field_card
    assert 'href="/handlungsfelder/daten/" target="_top"' in field_card

    assert "<strong>40 %</strong>" in dashboard_card
    assert "1 von 3 Maßnahmen abgeschlossen" in dashboard_card
    assert 'href="/umsetzungsstand/" target="_top"' in dashboard_card


def test_a_field_without_published_measures_says_so(client):
    world = make_world(1)
    world["measures"][0].is_published = False
    world["measures"][0].save()

    page = client.get(reverse("measures:field-embed", args=["daten"])).text

    assert "Noch keine veröffentlichten Maßnahmen." in page
    assert "<progress" not in page


def test_drafts_have_no_card_not_even_for_their_editors(client, admin_user):
    world = make_world(1)
    draft = make_measure(
        field_of_action=world["field"], lead_unit=world["unit"], code="SC-1.9", is_published=False
    )
    hidden_field = make_field(
        substrategy=world["substrategy"], code="SC-3", slug="entwurf", is_published=False
    )
    in_hidden_field = make_measure(
        field_of_action=hidden_field, lead_unit=world["unit"], code="SC-3.1"
    )
    paths = [
        reverse("measures:measure-embed", args=[draft.code]),
        reverse("measures:measure-embed", args=[in_hidden_field.code]),
        reverse("measures:field-embed", args=[hidden_field.slug]),
        reverse("measures:measure-embed", args=["SC-9.99"]),
        "/einbetten/handlungsfelder/%00/",
    ]
    staff = Client()
    staff.force_login(admin_user)
    for path in paths:
        assert client.get(path).status_code == 404, path
        assert staff.get(path).status_code == 404, path
    # Nor do they count on the cards of many measures.
    page = client.get(reverse("measures:dashboard-embed")).text
    assert "0 von 1 Maßnahme abgeschlossen" in page


def test_only_the_cards_may_be_framed_by_default_from_any_site(client):
    world = make_world(1)
    for path in card_urls(world):
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        assert "frame-ancestors *" in policy, path
        assert "frame-ancestors 'none'" not in policy, path
        # The rest of the policy stays strict.
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert "X-Frame-Options" not in response, path
    for path in ["/", world["measures"][0].get_absolute_url(), "/umsetzungsstand/"]:
        response = client.get(path)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], path
        assert response["X-Frame-Options"] == "DENY", path


def test_the_origins_come_from_the_settings_also_for_cards_already_cached(client, settings):
    world = make_world(1)
    path = card_urls(world)[0]
    assert "frame-ancestors *" in client.get(path)["Content-Security-Policy"]
    assert "frame-ancestors *" in client.get(path)["Content-Security-Policy"]  # from the cache

    settings.EMBED_FRAME_ANCESTORS = ["https://www.iserlohn.de", "https://*.example.org"]
    policy = client.get(path)["Content-Security-Policy"]

    assert "frame-ancestors https://www.iserlohn.de https://*.example.org" in policy
    assert "frame-ancestors 'none'" in client.get("/")["Content-Security-Policy"]


def test_a_card_that_is_not_found_may_not_be_framed(client):
    response = client.get(reverse("measures:measure-embed", args=["SC-9.99"]))
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_a_card_answers_head_and_refuses_posts(client):
    path = card_urls(make_world(1))[2]
    assert client.head(path).status_code == 200
    assert client.post(path).status_code == 405


def test_an_edit_shows_on_the_cached_card(client):
    world = make_world(1)
    measure = world["measures"][0]
    path = reverse("measures:measure-embed", args=[measure.code])
    assert "in Umsetzung" in client.get(path).text
    measure.status, measure.progress = "abgeschlossen", 100
    measure.save()
    assert '<span class="status status--abgeschlossen">' in client.get(path).text


def test_the_steckbrief_offers_the_embed_code_with_the_public_address(client, settings):
    settings.SITE_URL = "https://digitalisierung.example"
    measure = make_world(1)["measures"][0]

    page = client.get(measure.get_absolute_url()).text

    assert '<label class="embed-code__label" for="einbettungscode">' in page
    start = page.index('id="einbettungscode"')
    code = html.unescape(page[page.index(">", start) + 1 : page.index("</textarea>", start)])
    assert code == (
        f'<iframe src="https://digitalisierung.example/einbetten/massnahmen/{measure.code}/" '
        f'title="Stand der Maßnahme {measure.code} – Iserlohn digital" width="360" height="340" '
        'loading="lazy" style="border: 0; max-width: 100%;"></iframe>'
    )
    assert "js/embed-copy" in page


def test_a_draft_steckbrief_offers_no_embed_code(client, admin_user):
    world = make_world(1)
    draft = make_measure(
        field_of_action=world["field"], lead_unit=world["unit"], code="SC-1.9", is_published=False
    )
    client.force_login(admin_user)
    page = client.get(draft.get_absolute_url()).text
    assert draft.title in page
    assert "einbettungscode" not in page


@pytest.mark.parametrize("value", ["https://a.example; script-src *", "https://a.example/pfad"])
def test_an_origin_list_that_is_no_list_of_origins_stops_the_start(value):
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "x",
        "EMBED_FRAME_ANCESTORS": f"https://www.iserlohn.de,{value}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "EMBED_FRAME_ANCESTORS" in result.stderr
