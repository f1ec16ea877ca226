"""The start page answers a citizen's first questions, and every page can search."""

import datetime
import re

import pytest
from django.utils.timezone import make_aware

from measures.models import Milestone
from measures.updates import record_status_update
from strategy.models import ContentVersion
from tests.builders import make_field, make_measure
from tests.clock import frozen_clock

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 3)


def get(client, path):
    with frozen_clock(TODAY):
        return client.get(path).content.decode()


@pytest.fixture
def measures():
    field = make_field()
    with frozen_clock(datetime.date(2026, 11, 10)):
        shown = make_measure(field_of_action=field, title="Online-Terminvergabe")
        draft = make_measure(field_of_action=field, title="Geheimprojekt", is_published=False)
        for day in range(1, 7):
            record_status_update(
                measure=shown,
                status="umsetzung",
                progress=day * 10,
                note=f"Meldung Nummer {day}",
                date=datetime.date(2026, 11, day),
            )
        record_status_update(measure=draft, status="umsetzung", progress=5, note="Geheim")
    return {"shown": shown, "draft": draft}


def test_the_start_page_shows_the_five_latest_updates_newest_first(client, measures):
    page = get(client, "/")
    assert "Was ist neu?" in page
    assert page.index("Meldung Nummer 6") < page.index("Meldung Nummer 2")
    assert "Meldung Nummer 1<" not in page and "Meldung Nummer 1 " not in page
    assert '<time datetime="2026-11-06">06.11.2026</time>' in page
    assert "Geheim" not in page
    assert 'href="/aenderungen/"' in page


def test_the_start_page_shows_the_next_milestones_not_the_reached_or_past(client, measures):
    shown, draft = measures["shown"], measures["draft"]
    Milestone.objects.create(measure=shown, title="Start im Testbetrieb", due_date=TODAY)
    Milestone.objects.create(
        measure=shown, title="Freischaltung", due_date=datetime.date(2027, 3, 31)
    )
    Milestone.objects.create(
        measure=shown,
        title="Schon erreicht",
        due_date=datetime.date(2027, 1, 31),
        reached_on=datetime.date(2026, 11, 30),
    )
    Milestone.objects.create(measure=shown, title="Verpasst", due_date=datetime.date(2026, 6, 1))
    Milestone.objects.create(measure=draft, title="Geheimtermin", due_date=TODAY)
    page = get(client, "/")
    assert "Was kommt als Nächstes?" in page
    assert page.index("Start im Testbetrieb") < page.index("Freischaltung")
    assert '<time datetime="2027-03-31">31.03.2027</time>' in page
    for hidden in ["Schon erreicht", "Verpasst", "Geheimtermin"]:
        assert hidden not in page


def test_the_figures_say_the_day_they_refer_to(client, measures):
    # The content last changed before the edit (the version's time only ever rises).
    ContentVersion.objects.update(changed_at=make_aware(datetime.datetime(2026, 11, 1)))
    with frozen_clock(datetime.date(2026, 11, 20)):
        measures["shown"].title = "Online-Terminvergabe für alle Ämter"
        measures["shown"].save()
    page = get(client, "/")
    assert re.search(r'Stand: <time datetime="2026-11-20">20\.11\.2026</time>', page)


def test_the_start_page_and_every_header_search_the_catalogue(client, measures):
    home = get(client, "/")
    assert home.count('role="search"') == 2
    assert 'id="home-q"' in home
    for path in ["/", "/leitbild/", "/aenderungen/", "/massnahmen/"]:
        page = get(client, path)
        form = re.search(r'<form [^>]*role="search"[^>]*>.*?</form>', page, re.S).group()
        assert 'action="/massnahmen/"' in form and 'method="get"' in form
        assert '<label for="header-q">' in form and 'name="q"' in form
    results = get(client, "/massnahmen/?q=Terminvergabe")
    assert "Online-<mark>Terminvergabe</mark>" in results
    assert "Geheimprojekt" not in results
