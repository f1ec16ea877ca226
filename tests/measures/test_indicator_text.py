"""Kennzahlen read as words on the Steckbrief and in its PDF: "31 von 60 Gebäuden", a
share as "45 % (Ziel 80 %)", never "5 Anzahl"."""

import datetime

import pytest

from measures.models import Indicator
from tests.builders import make_measure
from tests.measures.test_publications import pdf, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure():
    measure = make_measure(code="SC-1.1")
    day = datetime.date(2026, 11, 2)
    Indicator.objects.create(
        measure=measure,
        name="Gebäude mit Zählern",
        unit="Gebäude",
        baseline=5,
        target=60,
        current=31,
        as_of=day,
    )
    Indicator.objects.create(
        measure=measure,
        name="Anteil online gestellter Anträge",
        unit="%",
        baseline=5,
        target=80,
        current=45,
        as_of=day,
    )
    Indicator.objects.create(
        measure=measure, name="Angebundene Datensätze", unit="", baseline=0, target=40
    )
    return measure


def test_the_steckbrief_reads_kennzahlen_as_words(client, measure):
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "<strong>31 von 60\N{NO-BREAK SPACE}Gebäuden</strong> (Stand 02.11.2026)" in page
    assert "<strong>45\N{NO-BREAK SPACE}% (Ziel 80\N{NO-BREAK SPACE}%)</strong>" in page
    assert "<strong>Ziel: 40</strong>" in page
    assert "Anzahl" not in page


def test_the_steckbrief_pdf_reads_kennzahlen_as_words(client, measure):
    reader, _ = pdf(client, "/massnahmen/SC-1.1/steckbrief.pdf")
    text = text_of(reader).replace("\N{NO-BREAK SPACE}", " ")
    assert "Gebäude mit Zählern: 31 von 60 Gebäuden (Stand 02.11.2026)" in text
    assert "45 % (Ziel 80 %)" in text
    assert "Angebundene Datensätze: Ziel: 40, noch kein aktueller Wert" in text
