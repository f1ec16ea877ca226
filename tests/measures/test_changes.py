"""/aenderungen/ and its feed: what changed in published measures since a day."""

import datetime

import feedparser
import pytest

from measures.models import Status
from measures.schedule import change_schedule
from measures.updates import record_status_update
from tests.builders import make_field, make_measure
from tests.clock import frozen_clock

pytestmark = pytest.mark.django_db

MAY = datetime.date(2026, 5, 4)
JUNE = datetime.date(2026, 6, 10)
TODAY = datetime.date(2026, 6, 30)


@pytest.fixture
def history():
    """Measures and changes in May and June; drafts change too."""
    field = make_field()
    with frozen_clock(MAY):
        old = make_measure(
            field_of_action=field,
            title="Alte Maßnahme",
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2026, 12, 31),
        )
        record_status_update(measure=old, status="vorbereitung", progress=10, note="Alte Meldung")
        finishing = make_measure(field_of_action=field, title="Fast fertige Maßnahme")
        draft = make_measure(field_of_action=field, title="Entwurf", is_published=False)
    with frozen_clock(JUNE):
        make_measure(field_of_action=field, title="Ganz neue Maßnahme")
        record_status_update(measure=old, status="umsetzung", progress=40, note="Neue Meldung")
        change_schedule(
            measure=old,
            start_date=old.start_date,
            end_date=datetime.date(2027, 6, 30),
            reason="Ausschreibung wiederholt",
        )
        record_status_update(
            measure=finishing, status=Status.DONE, progress=100, note="Alles erledigt"
        )
        record_status_update(measure=draft, status="umsetzung", progress=5, note="Geheim")
    return {"old": old, "finishing": finishing}


def get(client, path):
    with frozen_clock(TODAY):
        return client.get(path)


def test_lists_each_kind_of_change_of_the_last_30_days_grouped_by_day(client, history):
    response = get(client, "/aenderungen/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Seit dem 31.05.2026" in page
    assert '<time datetime="2026-06-10">' in page
    assert "Statusmeldung" in page and "Neue Meldung" in page
    assert "Abgeschlossen" in page and "Fast fertige Maßnahme" in page
    assert "Neue Maßnahme" in page and "Ganz neue Maßnahme" in page
    assert "Termin geändert" in page and "Ausschreibung wiederholt" in page
    # Before the period, and drafts never.
    assert "Alte Meldung" not in page
    assert "Geheim" not in page and "Entwurf" not in page


def test_an_earlier_day_shows_earlier_changes_newest_first(client, history):
    page = get(client, "/aenderungen/?seit=2026-05-01").content.decode()
    assert page.index("Neue Meldung") < page.index("Alte Meldung")
    assert "Geheim" not in page


def test_a_quiet_period_says_so(client, history):
    page = get(client, "/aenderungen/?seit=2026-06-20").content.decode()
    assert "In diesem Zeitraum hat sich nichts geändert" in page


@pytest.mark.parametrize(
    ("seit", "message"),
    [
        ("gestern", "JJJJ-MM-TT"),
        ("2026-02-30", "JJJJ-MM-TT"),
        ("2026-07-01", "nicht in der Zukunft"),
        ("2024-01-01", "letzten zwei Jahren"),
    ],
)
def test_a_bad_day_is_refused_in_german_with_400(client, seit, message):
    response = get(client, f"/aenderungen/?seit={seit}")
    assert response.status_code == 400
    assert message in response.content.decode()
    feed = get(client, f"/daten/aenderungen.atom?seit={seit}")
    assert feed.status_code == 400
    assert message in feed.content.decode()


def test_the_feed_is_atom_with_the_same_changes(client, history):
    response = get(client, "/daten/aenderungen.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert f"Abgeschlossen: {history['finishing'].code} Fast fertige Maßnahme" in titles
    assert any(title.startswith("Neue Maßnahme: ") for title in titles)
    assert any(title.startswith("Termin geändert: ") for title in titles)
    assert all("Geheim" not in entry.summary for entry in feed.entries)
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)
    earlier = feedparser.parse(get(client, "/daten/aenderungen.atom?seit=2026-05-01").content)
    assert any("Alte Meldung" in entry.summary for entry in earlier.entries)


def test_the_page_links_its_feed_and_the_footer_links_the_page(client, history):
    page = get(client, "/aenderungen/?seit=2026-05-01").content.decode()
    assert 'href="/daten/aenderungen.atom?seit=2026-05-01"' in page
    assert 'href="/aenderungen/"' in get(client, "/leitbild/").content.decode()


def test_the_open_data_page_and_the_sitemap_name_the_changes(client):
    assert 'href="/daten/aenderungen.atom"' in client.get("/daten/").content.decode()
    assert "http://testserver/aenderungen/</loc>" in client.get("/sitemap.xml").content.decode()
