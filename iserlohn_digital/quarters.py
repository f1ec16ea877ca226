"""Dates at quarter precision: the strategy plans its measures by quarters."""

import datetime


def quarter_label(day: datetime.date | None) -> str:
    """ "Q3 2026", or "" for no date."""
    if day is None:
        return ""
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def quarter_start(day: datetime.date) -> datetime.date:
    """The first day of the day's quarter."""
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
