"""A Kennzahl with five dated values and a Zielpfad on its Steckbrief, in real Chromium at
320 px and 1280 px: chart, table and summary show, axe finds no WCAG 2.1 AA violation and
nothing scrolls sideways."""

import datetime
from decimal import Decimal

import pytest

from measures.models import Indicator, IndicatorValue, Measure
from measures.series import replace_series
from tests.e2e.test_accessibility import (
    WIDE_SCRIPT,
    WIDTHS,
    assert_accessible,
    horizontal_overflow,
)

pytestmark = pytest.mark.e2e


def test_a_kennzahl_over_time_is_accessible(seeded_server, page_at):
    measure = Measure.objects.published().first()
    indicator = Indicator.objects.create(
        measure=measure, name="Anlagen mit Solarstrom", unit="Anlagen", baseline=0, target=60
    )
    actual = {
        datetime.date(year, 6, 1): Decimal(value)
        for year, value in [(2022, 3), (2023, 8), (2024, 14), (2025, 22), (2026, 31)]
    }
    planned = {datetime.date(2024, 1, 1): 20, datetime.date(2026, 12, 31): 40}
    planned[datetime.date(2030, 12, 31)] = 60
    replace_series(indicator=indicator, kind=IndicatorValue.Kind.PLANNED, points=planned)
    replace_series(indicator=indicator, kind=IndicatorValue.Kind.ACTUAL, points=actual)
    for width in WIDTHS:
        page = page_at(width)
        page.goto(seeded_server.url + measure.get_absolute_url())
        chart = page.get_by_role("img", name="Verlauf der Kennzahl Anlagen mit Solarstrom")
        assert chart.is_visible()
        table = page.get_by_role("table", name="Zeitreihe und Zielpfad: Anlagen mit Solarstrom")
        assert table.locator("tbody tr").count() == 8
        assert page.get_by_text("31 von 60\N{NO-BREAK SPACE}Anlagen, Ziel 2026: 40").is_visible()
        assert_accessible(page, f"Kennzahl im Verlauf bei {width} px")
        if width == 320:
            assert horizontal_overflow(page) <= 0, page.evaluate(WIDE_SCRIPT)
