""" "Seit dem letzten Bericht": a frozen report compared with the one before it."""

import datetime
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test.utils import override_settings
from pypdf import PdfReader

from measures.models import Indicator
from measures.schedule import change_schedule
from measures.updates import record_status_update
from reports.comparison import compare_reports
from reports.freezing import freeze_report
from tests.builders import make_measure, make_world
from tests.clock import frozen_clock
from tests.conftest import shared_by_class

FIRST_AS_OF = datetime.date(2026, 3, 31)
# Before the world's updates and Kennzahlen dated 2026-06-01: only this test's changes count.
SECOND_AS_OF = datetime.date(2026, 5, 15)
REASON = "Der Dienstleister liefert später."


def _two_reports():
    with frozen_clock(datetime.date(2026, 1, 15)):
        world = make_world(3)
        finished, postponed, measured = world["measures"]
        Indicator.objects.filter(measure=measured).update(
            current=30, as_of=datetime.date(2026, 1, 15)
        )
        # update() bypasses the change history, which the report reads: save to record it.
        for indicator in Indicator.objects.filter(measure=measured):
            indicator.save()
        user = get_user_model().objects.create_user("red")
    with frozen_clock(datetime.date(2026, 4, 1)):
        first = freeze_report(
            as_of=FIRST_AS_OF, since=datetime.date(2025, 12, 31), title="Bericht Q1", user=user
        )
    with frozen_clock(datetime.date(2026, 4, 10)):
        record_status_update(measure=finished, status="abgeschlossen", progress=100, note="Fertig.")
        change_schedule(
            measure=postponed,
            start_date=postponed.start_date,
            end_date=datetime.date(2028, 6, 30),
            reason=REASON,
        )
        indicator = Indicator.objects.get(measure=measured)
        indicator.current, indicator.as_of = 55, datetime.date(2026, 4, 10)
        indicator.save()
    with frozen_clock(datetime.date(2026, 4, 20)):
        new = make_measure(
            field_of_action=world["field"],
            code="SC-1.9",
            title="Offene Ratsdaten",
            status="geplant",
        )
    with frozen_clock(datetime.date(2026, 5, 16)):
        second = freeze_report(
            as_of=SECOND_AS_OF, since=FIRST_AS_OF, title="Bericht bis Mai", user=user
        )
    return {
        "first": first,
        "second": second,
        "finished": finished,
        "postponed": postponed,
        "measured": measured,
        "new": new,
    }


@pytest.fixture(scope="class")
def reports(request, tmp_path_factory, django_db_setup, django_db_blocker):
    """Two reports frozen six weeks apart, with changes between them (one PDF each)."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield from shared_by_class(request, django_db_blocker, _two_reports)


def _stored_json(report):
    with report.json.storage.open(report.json.name, "rb") as handle:
        return json.load(handle)


@pytest.mark.django_db
class TestSinceThePreviousReport:
    def test_the_second_report_stores_what_changed_since_the_first(self, reports):
        first, second = reports["first"], reports["second"]
        finished, postponed, measured = (reports[k] for k in ("finished", "postponed", "measured"))
        comparison = _stored_json(second)["seit_dem_letzten_bericht"]
        assert comparison["bericht"] == {"nummer": first.number, "stichtag": "2026-03-31"}
        assert comparison["neu"] == [
            {"code": "SC-1.9", "titel": "Offene Ratsdaten", "status_text": "keine Meldung"}
        ]
        assert comparison["abgeschlossen"] == [
            {
                "code": finished.code,
                "titel": finished.title,
                "status_bisher": "in Umsetzung",
                "status_neu": "abgeschlossen",
                "fortschritt_bisher": 0,
                "fortschritt_neu": 100,
            }
        ]
        assert comparison["terminaenderungen"] == [
            {
                "code": postponed.code,
                "titel": postponed.title,
                "erfasst_am": "2026-04-10",
                "geaendert": "Ende",
                "bisher": "Q4 2027",
                "neu": "Q2 2028",
                "grund": REASON,
            }
        ]
        assert comparison["kennzahlen"] == [
            {
                "code": measured.code,
                "titel": measured.title,
                "kennzahl": "Nutzung",
                "einheit": "",
                "geaendert": "Wert",
                "bisher": 30,
                "neu": 55,
            }
        ]
        for nothing in ("nicht_mehr_enthalten", "begonnen", "entfallen", "weitere_aenderungen"):
            assert comparison[nothing] == [], nothing
        # The first report had none before it.
        assert _stored_json(first)["seit_dem_letzten_bericht"] is None

    def test_comparing_the_two_frozen_reports_again_gives_the_stored_lists(self, reports):
        stored = _stored_json(reports["second"])["seit_dem_letzten_bericht"]
        assert compare_reports(reports["first"], reports["second"]) == stored

    def test_the_second_reports_pdf_has_the_section(self, client, reports):
        pdf = b"".join(client.get(f"/berichte/{reports['second'].number}.pdf").streaming_content)
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        # Joined again where the PDF hyphenates a word (U+2010) at a line end.
        text = re.sub(r"(\w)\u2010 (\w)", r"\1\2", " ".join(text.split()))
        assert "Seit dem letzten Bericht (Nr. 2026-1, Stichtag 31.03.2026)" in text
        for expected in ("Offene Ratsdaten", REASON, "Abgeschlossene Maßnahmen", "Q2 2028"):
            assert expected in text, expected

    def test_the_report_pages_show_the_comparison(self, client, reports):
        page = client.get(reports["second"].get_absolute_url()).content.decode()
        assert "Seit dem letzten Bericht (Nr. 2026-1, Stichtag 31.03.2026)" in page
        for expected in ("Offene Ratsdaten", REASON, reports["finished"].title, "30", "55"):
            assert expected in page, expected
        first = client.get(reports["first"].get_absolute_url()).content.decode()
        assert "ein früherer Bericht zum Vergleich liegt nicht vor" in first

    def test_any_two_reports_compare_on_the_web_in_either_order(self, client, reports):
        first, second = reports["first"].number, reports["second"].number
        for von, bis in [(first, second), (second, first)]:
            response = client.get("/berichte/vergleich/", {"von": von, "bis": bis})
            assert response.status_code == 200
            page = response.content.decode()
            assert f"Vergleich der Berichte Nr. {first} und Nr. {second}" in page
            assert "Offene Ratsdaten" in page and REASON in page

    def test_the_comparison_form_answers_bad_input_in_german(self, client, reports):
        number = reports["first"].number
        assert client.get("/berichte/vergleich/").status_code == 200
        cases = [
            ({"von": number, "bis": number}, "Bitte zwei verschiedene Berichte wählen."),
            ({"von": number, "bis": "2026-99"}, "Einen Bericht Nr. 2026-99 gibt es nicht"),
            ({"von": "x" * 500}, "Dieses Feld ist zwingend erforderlich."),
        ]
        for query, message in cases:
            response = client.get("/berichte/vergleich/", query)
            assert response.status_code == 400, query
            assert message in response.content.decode(), query
