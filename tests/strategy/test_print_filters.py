"""The template filters that make printed text read as German: Kennzahlen with their unit,
goals joined as clauses, compounds and quarters that do not break apart."""

from decimal import Decimal

import pytest

from strategy.templatetags.portal import clause, keep_compounds, unbroken_quarters, with_unit


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
