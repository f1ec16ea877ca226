"""The catalogue's CSV download (measures/csv_io.py)."""

import csv
import io

import pytest

from tests.builders import make_measure

pytestmark = pytest.mark.django_db


def test_csv_cells_that_look_like_formulas_are_neutralised(client):
    make_measure(title='=HYPERLINK("http://example.org")', summary="+49 Telefon")
    text = client.get("/massnahmen/export.csv").content.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["Titel"].startswith("'=")
    assert row["Kurzbeschreibung"].startswith("'+")
