"""Text is normalised at every boundary: line endings, whitespace, NFC, control
characters."""

import unicodedata

import pytest

from iserlohn_digital.text import NormalizedCharField, normalize_stored_text, normalize_text
from measures.models import Measure
from tests.builders import make_measure


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("Ziel:\r\n- Schulen\r\n- Ämter\r\n", "Ziel:\n- Schulen\n- Ämter"),
        ("  Titel mit Rand \t", "Titel mit Rand"),
        ("alt\rMac", "alt\nMac"),
        ("Zeile mit Leerzeichen   \nnächste", "Zeile mit Leerzeichen\nnächste"),
        ("Steuer\x00zei\x07chen\x1b und\u0085Umbruch", "Steuerzeichen und\nUmbruch"),
        ("Absatz\n\n\tEingerückt", "Absatz\n\n\tEingerückt"),
        (unicodedata.normalize("NFD", "Bürgerbüro"), "Bürgerbüro"),
    ],
)
def test_normalize_text(sent, stored):
    assert normalize_text(sent) == stored
    assert unicodedata.is_normalized("NFC", normalize_text(sent))


def test_a_text_field_sees_no_change_in_crlf_of_the_same_text():
    field = NormalizedCharField(required=False)
    assert not field.has_changed("Erste Zeile\nzweite Zeile", "Erste Zeile\r\nzweite Zeile\r\n")
    assert field.has_changed("Erste Zeile\nzweite Zeile", "Erste Zeile\r\nandere Zeile")


@pytest.mark.django_db
def test_stored_text_is_normalised_once_and_history_is_left_alone():
    measure = make_measure(description="Ziel\r\nWirkung  \r\n", title=" Titel ")
    untouched = make_measure(description="schon normal")
    changed = normalize_stored_text([Measure])
    measure.refresh_from_db()
    assert changed == 1
    assert (measure.title, measure.description) == ("Titel", "Ziel\nWirkung")
    assert measure.history.count() == 1
    untouched.refresh_from_db()
    assert untouched.description == "schon normal"
