import datetime

from django import template

register = template.Library()


@register.filter
def iso_date(value):
    """A day as a report's JSON holds it ("2026-03-31"), as a date for the `date` filter."""
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
