"""The PDFs, parsed as a reader would see them: content, PDF/UA structure, caching."""

import copy
import datetime
import io
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from measures import publications, renders
from tests.builders import make_measure, make_update, make_world
from tests.clock import frozen_clock
from tests.conftest import shared_by_class
from tests.worker import run_queued_tasks

pytestmark = pytest.mark.django_db

PDF_PATHS = [
    "/downloads/kurzbroschuere.pdf",
    "/downloads/digitalisierungsstrategie.pdf",
    "/downloads/sachstandsbericht.pdf",
    "/massnahmen/SC-1.1/steckbrief.pdf",
    "/massnahmen/export.pdf?status=umsetzung",
]


def fetch(client, path, **headers):
    """The PDF as a visitor gets it: the first request queues its render and gets a page
    saying so; once the worker has run, the stored file."""
    response = client.get(path, **headers)
    if response.status_code == 202:
        assert "wird erstellt" in response.text
        assert run_queued_tasks() >= 1
        response = client.get(path, **headers)
    return response


def pdf(client, path, **headers):
    response = fetch(client, path, **headers)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    return PdfReader(io.BytesIO(content)), response


def text_of(reader):
    # Lines may break anywhere, also inside a hyphenated word (WeasyPrint's hyphen is
    # U+2010, a hyphen in the text is U+002D): compare with whitespace collapsed and
    # hyphenated words joined.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return re.sub(r"(\w)\u2010 (\w)", r"\1\2", text)


def embedded_fonts(reader):
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


def build_world():
    world = make_world(4)
    world["draft"] = make_measure(
        field_of_action=world["field"],
        code="SC-1.9",
        title="Geheimer Entwurf",
        is_published=False,
    )
    return world


@pytest.fixture(scope="class")
def shared_world(request, django_db_setup, django_db_blocker):
    yield from shared_by_class(request, django_db_blocker, build_world)


@pytest.fixture
def world(shared_world):
    """The world of the class, built once; the objects copied for each test."""
    return copy.deepcopy(shared_world)


class TestWithOneWorld:
    """Four published measures and a draft, built once for these tests."""

    @pytest.mark.parametrize(
        "path", ["/downloads/kurzbroschuere.pdf", "/downloads/digitalisierungsstrategie.pdf"]
    )
    def test_brochure_and_strategy_hold_every_published_measure_and_no_draft(
        self, client, world, path
    ):
        reader, _ = pdf(client, path)
        text = text_of(reader)
        for measure in world["measures"]:
            assert measure.code in text
            assert measure.title in text
        assert "SC-1.9" not in text
        assert "Geheimer Entwurf" not in text

    @pytest.mark.parametrize("path", PDF_PATHS)
    def test_every_pdf_is_tagged_pdf_ua_in_german_with_title_outline_and_embedded_fonts(
        self, client, world, path
    ):
        reader, response = pdf(client, path)
        root = reader.trailer["/Root"]
        assert bool(root["/MarkInfo"]["/Marked"])
        assert "/StructTreeRoot" in root
        assert root["/Lang"] == "de"
        assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
        xmp = reader.xmp_metadata.stream.get_data().decode()
        assert re.search(r"pdfuaid:part[^0-9]*1", xmp)
        assert reader.metadata.title
        assert "Iserlohn digital" in reader.metadata.title
        assert reader.metadata.author == "Stadt Iserlohn"
        assert reader.metadata.subject
        assert "Digitalisierungsstrategie" in reader.metadata["/Keywords"]
        assert reader.outline, "keine Lesezeichen"
        fonts = embedded_fonts(reader)
        assert fonts and all(embedded for embedded in fonts.values()), fonts
        assert any("Source-Sans-3" in name for name in fonts), fonts
        text = text_of(reader)
        assert re.search(r"Seite \d+ von \d+", text)
        # The running header's date: the Sachstandsbericht's is its Stichtag (here today).
        label = "Stichtag" if "sachstandsbericht" in path else "Stand"
        assert f"{label} {timezone.localdate():%d.%m.%Y}" in text
        assert re.search(r"\d{4}-\d{2}-\d{2}\.pdf", response["Content-Disposition"])

    def test_figures_have_text_alternatives(self, client, world):
        reader, _ = pdf(client, "/downloads/kurzbroschuere.pdf")
        figures = []

        def walk(node):
            node = node.get_object()
            if isinstance(node, dict):
                if node.get("/S") == "/Figure":
                    figures.append(node.get("/Alt"))
                kids = node.get("/K")
                if kids is not None:
                    for kid in kids if isinstance(kids, list) else [kids]:
                        walk(kid)

        walk(reader.trailer["/Root"]["/StructTreeRoot"])
        assert figures, "keine Abbildungen getaggt"
        assert all(alt and len(alt) > 20 for alt in figures), figures
        # The Architektur is no picture but text (the web page's nested lists), each
        # measure with its status in words.
        text = text_of(reader)
        measure = world["measures"][0]
        assert "-Architektur" in text
        assert f"{measure.code} {measure.title}, Status: {measure.get_status_display()}" in text

    def test_links_in_the_brochure_point_to_the_live_site(self, client, world, settings):
        settings.SITE_URL = "https://digitalisierung.example"
        reader, _ = pdf(client, "/downloads/kurzbroschuere.pdf")
        uris = {
            annot.get_object()["/A"]["/URI"]
            for page in reader.pages
            for annot in page.get("/Annots") or []
            if "/A" in annot.get_object() and "/URI" in annot.get_object()["/A"]
        }
        expected = "https://digitalisierung.example" + world["measures"][0].get_absolute_url()
        assert expected in uris

    def test_unchanged_content_is_rendered_once_and_an_edit_serves_the_old_file_until_renewed(
        self, client, world
    ):
        with mock.patch.object(publications, "render_pdf", wraps=publications.render_pdf) as render:
            first, response = pdf(client, "/downloads/kurzbroschuere.pdf")
            second, again = pdf(client, "/downloads/kurzbroschuere.pdf")
            assert render.call_count == 1
            assert again["ETag"] == response["ETag"]
            measure = world["measures"][0]
            measure.title = "Neuer Titel nach Redaktion"
            measure.save()
            # At once the previous file; the request asks the worker for a new one.
            old, served = pdf(client, "/downloads/kurzbroschuere.pdf")
            assert served["ETag"] == response["ETag"]
            assert "Neuer Titel nach Redaktion" not in text_of(old)
            assert render.call_count == 1
            assert run_queued_tasks() == 1
            new, renewed = pdf(client, "/downloads/kurzbroschuere.pdf")
            assert render.call_count == 2
            assert renewed["ETag"] != response["ETag"]
            assert "Neuer Titel nach Redaktion" in text_of(new)

    def test_conditional_requests_get_304(self, client, world):
        _, response = pdf(client, "/downloads/kurzbroschuere.pdf")
        etag, modified = response["ETag"], response["Last-Modified"]
        with mock.patch.object(publications, "render_pdf") as render:
            again = client.get("/downloads/kurzbroschuere.pdf", HTTP_IF_NONE_MATCH=etag)
            assert again.status_code == 304
            since = client.get("/downloads/kurzbroschuere.pdf", HTTP_IF_MODIFIED_SINCE=modified)
            assert since.status_code == 304
            render.assert_not_called()
        measure = world["measures"][0]
        measure.title = "Ein Titel, den die Broschüre zeigt"
        measure.save()
        # The stored file is still the one the client has, until the worker renews it.
        assert (
            client.get("/downloads/kurzbroschuere.pdf", HTTP_IF_NONE_MATCH=etag).status_code == 304
        )
        run_queued_tasks()
        changed = client.get("/downloads/kurzbroschuere.pdf", HTTP_IF_NONE_MATCH=etag)
        assert changed.status_code == 200
        assert changed["ETag"] != etag

    @pytest.mark.parametrize(
        "query",
        [
            "stichtag=gestern",
            "stichtag=2026-13-01",
            "seit=2026-02-30",
            "stichtag=2999-01-01",
            "stichtag=2026-06-01&seit=2026-07-01",
            "stichtag=1999-01-01",
        ],
    )
    def test_invalid_report_parameters_get_a_german_400(self, client, world, query):
        response = client.get(f"/downloads/sachstandsbericht.pdf?{query}")
        assert response.status_code == 400
        assert "Das Dokument kann so nicht erstellt werden" in response.content.decode()

    def test_unknown_or_draft_measure_pdf_is_404_and_bad_list_filter_is_400(self, client, world):
        assert client.get("/massnahmen/XX-1.1/steckbrief.pdf").status_code == 404
        assert client.get("/massnahmen/SC-1.9/steckbrief.pdf").status_code == 404
        assert client.get("/massnahmen/export.pdf?status=erledigt").status_code == 400

    def test_filtered_list_pdf_holds_exactly_the_filtered_measures(self, client, world):
        other = make_measure(
            field_of_action=world["field"], code="SC-1.7", title="Geplante Sache", status="geplant"
        )
        reader, _ = pdf(client, "/massnahmen/export.pdf?status=umsetzung")
        text = text_of(reader)
        assert all(m.code in text for m in world["measures"])
        assert other.code not in text

    def test_downloads_page_renders_nothing_and_shows_sizes_once_rendered(self, client, world):
        day = timezone.localdate()
        with mock.patch.object(publications, "render_pdf") as render:
            page = client.get("/downloads/").content.decode()
            render.assert_not_called()
        assert page.count("wird gerade erstellt") == 3
        assert not re.search(r"PDF, [\d,]+\xa0(KB|MB)", page)
        renders.renew_main_documents(delay=datetime.timedelta(0))
        assert run_queued_tasks() == 3
        page = client.get("/downloads/").content.decode()
        assert len(re.findall(r"PDF, [\d,]+\xa0(KB|MB)", page)) == 3
        for slug in ("kurzbroschuere", "digitalisierungsstrategie", "sachstandsbericht"):
            assert f"iserlohn-digital-{slug}-{day.isoformat()}.pdf" in page
        assert page.count(f"Stand {day:%d.%m.%Y}") >= 3
        assert "wird aktualisiert" not in page

    def test_write_publications_writes_every_document_with_progress(self, tmp_path, world):
        out = io.StringIO()
        call_command("write_publications", str(tmp_path), stdout=out)
        files = sorted(path.name for path in tmp_path.iterdir())
        assert len(files) == 3 + len(world["measures"])
        assert all(name.endswith(".pdf") and name.startswith("iserlohn-digital-") for name in files)
        assert f"[1/{len(files)}]" in out.getvalue()
        for path in tmp_path.iterdir():
            assert path.read_bytes().startswith(b"%PDF-")


STICHTAG = datetime.date(2026, 9, 30)


def test_sachstandsbericht_lists_exactly_the_changes_since_seit(client):
    with frozen_clock(STICHTAG):
        world = make_world(2)
        first, second = world["measures"]
        make_update(
            first, date=datetime.date(2026, 7, 1), progress=50, note="Ausschreibung beendet"
        )
        make_update(
            second, date=datetime.date(2026, 8, 15), progress=60, note="Testbetrieb gestartet"
        )
        make_update(first, date=datetime.date(2026, 6, 30), progress=45, note="Am Stichtag seit")
    make_update(second, date=datetime.date(2026, 10, 20), progress=70, note="Nach dem Stichtag")
    reader, response = pdf(
        client, "/downloads/sachstandsbericht.pdf?stichtag=2026-09-30&seit=2026-06-30"
    )
    text = text_of(reader)
    assert "Ausschreibung beendet" in text
    assert "Testbetrieb gestartet" in text
    assert "Nach dem Stichtag" not in text
    assert "Am Stichtag seit" not in text
    assert "2 Statusmeldungen seit dem 30.06.2026" in text
    assert "sachstandsbericht-2026-09-30.pdf" in response["Content-Disposition"]
    # Status as of the Stichtag: the second measure stands at 60 %, not at its later 70 %.
    assert re.search(r"SC-1\.2 Maßnahme \d+ in Umsetzung 60 %", text)


def test_sachstandsbericht_reports_a_correction_instead_of_the_update_it_corrects(client):
    from measures.models import StatusUpdate
    from measures.updates import record_stand

    with frozen_clock(STICHTAG):
        world = make_world(1)
        (measure,) = world["measures"]
        wrong = make_update(measure, date=datetime.date(2026, 8, 1), progress=90, note="Vertippt")
        record_stand(
            StatusUpdate(
                measure=measure,
                date=wrong.date,
                status=wrong.status,
                progress=55,
                note="Richtig gezählt",
                corrects=wrong,
            )
        )
    reader, _ = pdf(client, "/downloads/sachstandsbericht.pdf?stichtag=2026-09-30&seit=2026-06-30")
    text = text_of(reader)
    assert "Richtig gezählt (berichtigt die Meldung vom 01.08.2026)" in text
    assert "Vertippt" not in text and re.search(r"in Umsetzung 55 %", text)


def test_a_field_with_many_measures_keeps_brochure_and_architektur_short(client):
    from measures.charts import PILLAR_LIMIT

    world = make_world(PILLAR_LIMIT + 3)
    field, measures = world["field"], sorted(world["measures"], key=lambda m: m.code)
    text = text_of(pdf(client, "/downloads/kurzbroschuere.pdf")[0])
    assert f"Gezeigt werden {PILLAR_LIMIT} von {PILLAR_LIMIT + 3} Maßnahmen" in text
    assert measures[0].title in text

    page = client.get(field.substrategy.get_absolute_url()).text
    assert page.count('class="arch__measure ') == PILLAR_LIMIT
    assert f"alle {PILLAR_LIMIT + 3} Maßnahmen des Handlungsfelds" in page


def test_the_steckbrief_pdf_shows_postponements_and_planned_against_actual_end(client):
    from measures.schedule import change_schedule
    from measures.updates import record_status_update

    measure = make_world(1)["measures"][0]  # planned Q1 2025 – Q4 2027
    change_schedule(
        measure=measure,
        start_date=measure.start_date,
        end_date=datetime.date(2028, 6, 30),
        reason="Förderbescheid kam später.",
    )
    record_status_update(measure=measure, status="abgeschlossen", progress=100, note="Fertig.")
    text = text_of(pdf(client, f"/massnahmen/{measure.code}/steckbrief.pdf")[0])
    assert "Verschoben 1×" in text
    assert "Ende von Q4 2027 auf Q2 2028" in text
    assert "Grund: Förderbescheid kam später." in text
    today = timezone.localdate()
    assert f"geplant bis Q2 2028 · abgeschlossen am {today:%d.%m.%Y}" in text


def test_sachstandsbericht_lists_exactly_the_postponements_since_seit(client):
    from measures.models import Postponement
    from measures.schedule import change_schedule

    with frozen_clock(datetime.date(2026, 6, 1)):
        world = make_world(2)
        first, second = world["measures"]
        draft = make_measure(
            field_of_action=world["field"],
            code="SC-1.9",
            is_published=False,
            end_date=datetime.date(2026, 3, 31),
        )

    def postpone(measure, end, reason, recorded):
        [record] = change_schedule(
            measure=measure, start_date=measure.start_date, end_date=end, reason=reason
        )
        moment = datetime.datetime.combine(recorded, datetime.time(12))
        record.recorded_at = timezone.make_aware(moment)
        record.save()

    postpone(first, datetime.date(2028, 3, 31), "Vor dem Zeitraum", datetime.date(2026, 6, 30))
    postpone(
        first, datetime.date(2028, 9, 30), "Ausschreibung wiederholt", datetime.date(2026, 7, 1)
    )
    postpone(second, datetime.date(2028, 12, 31), "Nach dem Stichtag", datetime.date(2026, 10, 1))
    postpone(draft, datetime.date(2026, 12, 31), "Entwurf verschoben", datetime.date(2026, 8, 1))
    assert Postponement.objects.count() == 4
    reader, _ = pdf(client, "/downloads/sachstandsbericht.pdf?stichtag=2026-09-30&seit=2026-06-30")
    text = text_of(reader)
    assert "1 Terminänderung seit dem 30.06.2026" in text
    assert "Ausschreibung wiederholt" in text
    assert re.search(r"01\.07\.2026 SC-1\.1 Maßnahme \d+ Ende Q1 2028 Q3 2028", text)
    assert "Vor dem Zeitraum" not in text
    assert "Nach dem Stichtag" not in text
    assert "Entwurf verschoben" not in text


def test_sachstandsbericht_shows_the_strategy_of_its_stichtag_under_that_one_date(client):
    with frozen_clock(datetime.date(2025, 5, 15)):
        measure = make_measure(title="Titel am Stichtag", end_date=datetime.date(2027, 6, 30))
        make_update(measure, date=datetime.date(2025, 5, 15), status="umsetzung", progress=20)
    with frozen_clock(datetime.date(2025, 8, 1)):
        make_measure(field_of_action=measure.field_of_action, title="Neu im August")
    measure.title = "Heutiger Titel"
    measure.save()
    reader, _ = pdf(client, "/downloads/sachstandsbericht.pdf?stichtag=2025-06-30&seit=2025-03-31")
    text = text_of(reader)
    cover = " ".join(reader.pages[0].extract_text().split())
    today = f"{timezone.localdate():%d.%m.%Y}"
    assert cover.count("30.06.2025") == 1 and "Stichtag: 30.06.2025" in cover
    assert f"erstellt am {today}" in cover and "Stand" not in cover
    assert "Stichtag 30.06.2025" in reader.pages[1].extract_text()
    assert f"Stand {today}" not in text
    assert re.search(r"Titel am Stichtag in Umsetzung 20 %", text)
    assert "Heutiger Titel" not in text and "Neu im August" not in text


def test_a_steckbrief_is_one_page_without_stray_punctuation_or_counted_units(client):
    from measures.models import Indicator
    from tests.builders import make_goal

    world = make_world(1)
    measure = world["measures"][0]
    for title in ("Daten werden offen genutzt.", "Die Verwaltung arbeitet digital."):
        measure.goals.add(make_goal(substrategy=world["substrategy"], title=title))
    Indicator.objects.create(
        measure=measure,
        name="Angebundene Datensätze",
        unit="Anzahl",
        baseline=0,
        target=40,
        current=18,
        as_of=datetime.date(2026, 6, 1),
    )
    reader, _ = pdf(client, f"/massnahmen/{measure.code}/steckbrief.pdf")
    text = text_of(reader)
    assert len(reader.pages) == 1, "kein Deckblatt, eine Seite"
    assert "Seite 1 von 1" in text
    assert ".;" not in text
    assert "Daten werden offen genutzt;" in text or "Daten werden offen genutzt." in text
    assert "Angebundene Datensätze: 18 von 40 (Stand" in text
    assert "Anzahl" not in text


def test_the_list_pdf_has_no_cover_and_its_columns_fit_their_text(client):
    world = make_world(3)
    field = world["field"]
    field.name = "Datenmanagementinfrastruktur"
    field.save()
    reader, _ = pdf(client, "/massnahmen/export.pdf?status=umsetzung")
    first_page = " ".join(reader.pages[0].extract_text().split())
    # The list itself starts on the first page, under a short header instead of a cover.
    assert "3 Maßnahmen" in first_page and "Seite 1 von" in first_page
    # Each row's text lies inside its column: the status never starts left of the
    # Status column's heading (it used to be printed over the Handlungsfeld).
    positions, hyphenated = {}, []

    def visit(text, cm, tm, font, size):
        if text.startswith("Datenmanagement"):
            hyphenated.append(text.strip())
        if text.strip() in {"Status", "in Umsetzung"} or text.startswith("Datenmanagement"):
            positions.setdefault(text.strip(), []).append(tm[4] + cm[4])

    reader.pages[0].extract_text(visitor_text=visit)
    heading = min(positions["Status"])
    assert positions["in Umsetzung"] and all(x >= heading - 1 for x in positions["in Umsetzung"]), (
        positions
    )
    # A word longer than its column is hyphenated inside it, not printed over the next.
    assert hyphenated and "Datenmanagementinfrastruktur" not in hyphenated, hyphenated


def test_a_list_continued_over_pages_repeats_its_title_and_column_heads(client):
    make_world(40)
    reader, _ = pdf(client, "/massnahmen/export.pdf?status=umsetzung")
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages, start=1):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        # Under the running header, each page's part of the table starts with the title
        # and the column heads, so a page read alone says what it lists.
        assert "Maßnahmen" in lines, (number, lines[:6])
        heads = lines[lines.index("Maßnahmen") + 1]
        assert heads.startswith("Code Maßnahme Handlungsfeld Status"), (number, heads)
