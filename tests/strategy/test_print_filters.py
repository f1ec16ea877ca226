"""The template filters that make printed text read as German: Kennzahlen with their unit,
goals joined as clauses, compounds and quarters that do not break apart."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from strategy.templatetags.portal import (
    clause,
    keep_compounds,
    reading,
    unbroken_quarters,
    with_unit,
)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (Decimal("0.00"), "Anzahl", "0"),
        (Decimal("1200.00"), "Anzahl", "1.200"),
        (Decimal("38.00"), "%", "38\N{NO-BREAK SPACE}%"),
        (Decimal("21000.00"), "MWh/Jahr", "21.000\N{NO-BREAK SPACE}MWh/Jahr"),
        (Decimal("2.50"), "", "2,50"),
        (None, "Anzahl", ""),
    ],
)
def test_a_value_reads_with_its_unit_and_a_count_without_one(value, unit, expected):
    assert with_unit(value, unit) == expected


NBSP = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("unit", "baseline", "target", "current", "expected"),
    [
        ("Anlagen", 0, 60, 5, f"5 von 60{NBSP}Anlagen"),
        ("Gebäude", 5, 60, 31, f"31 von 60{NBSP}Gebäuden"),
        ("Zugangspunkte", 0, 40, 26, f"26 von 40{NBSP}Zugangspunkten"),
        ("Teilnahmen", 0, 1200, 610, f"610 von 1.200{NBSP}Teilnahmen"),
        ("Euro", 0, 5000, 1200, f"1.200 von 5.000{NBSP}Euro"),
        ("", 0, 60, 5, "5 von 60"),
        ("Anzahl", 0, 60, 5, "5 von 60"),
        ("%", 0, 80, 45, f"45{NBSP}% (Ziel 80{NBSP}%)"),
        ("MWh/Jahr", 21000, 18000, 19800, f"19.800{NBSP}MWh/Jahr (Ziel 18.000{NBSP}MWh/Jahr)"),
        ("Anlagen", 0, 60, None, f"Ziel: 60{NBSP}Anlagen"),
    ],
)
def test_a_kennzahl_reads_as_words(unit, baseline, target, current, expected):
    indicator = SimpleNamespace(
        unit=unit,
        baseline=Decimal(baseline),
        target=Decimal(target),
        current=None if current is None else Decimal(current),
    )
    assert reading(indicator) == expected


def test_a_sentence_becomes_a_clause_without_its_full_stop():
    assert clause("Daten werden offen genutzt.") == "Daten werden offen genutzt"
    assert clause("Offene Daten") == "Offene Daten"
    assert clause("Und so weiter ...") == "Und so weiter ..."


def test_hyphenated_compounds_are_kept_whole_and_escaped():
    html = keep_compounds("Einführung der E-Akte <b>")
    assert html == 'Einführung der <span class="nobr">E-Akte</span> &lt;b&gt;'
    assert keep_compounds("Serviceportal") == "Serviceportal"


def test_a_period_wraps_only_between_its_quarters():
    nbsp = "\N{NO-BREAK SPACE}"
    assert unbroken_quarters("Q1 2021 – Q4 2026") == f"Q1{nbsp}2021 – Q4{nbsp}2026"
