"""Server-rendered SVG charts. Each page shows a table or text with the same figures.

The SVG uses presentation attributes only (no inline styles), so it works under a
strict Content Security Policy; colours come from the status palette below, and every
bar is labelled with text, so colour is never the only carrier of meaning.
"""

import datetime

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from iserlohn_digital.quarters import quarter_label, quarter_start

from .models import Status

STATUS_COLOURS = {
    Status.PLANNED: "#5c6b7a",
    Status.PREPARING: "#9a5b00",
    Status.IN_PROGRESS: "#005a8c",
    Status.DONE: "#2e6b30",
    Status.DEFERRED: "#7a4a94",
    Status.DROPPED: "#a3352f",
}
TEXT = "#1d2530"
GRID = "#c9d3dc"


def _svg(width, height, title, body, desc=""):
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="{}-t" xmlns="http://www.w3.org/2000/svg" '
        'font-family="&#39;Source Sans 3&#39;, sans-serif">'
        '<title id="{}-t">{}</title>{}{}</svg>',
        width,
        height,
        _ident(title),
        _ident(title),
        title,
        format_html("<desc>{}</desc>", desc) if desc else "",
        body,
    )


def _ident(text):
    return "chart-" + slugify(text)


def hbar_chart(rows, *, title, maximum=None, unit="", desc="") -> SafeString:
    """Horizontal bars: rows of (label, value, colour). Values are printed beside bars."""
    label_w, bar_w, row_h = 230, 330, 28
    maximum = maximum or max((value for _, value, _ in rows), default=0) or 1
    parts = []
    for i, (label, value, colour) in enumerate(rows):
        y = i * row_h
        width = round(bar_w * value / maximum, 1)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}" font-size="14">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="18" fill="{}" rx="2"/>'
                '<rect x="{}" y="{}" width="{}" height="18" fill="none" stroke="{}"/>'
                '<text x="{}" y="{}" fill="{}" font-size="14">{}{}</text>',
                label_w - 8,
                y + 14,
                TEXT,
                _shorten(label, 28),
                label_w,
                y + 1,
                width,
                colour,
                label_w,
                y + 1,
                bar_w,
                GRID,
                label_w + bar_w + 6,
                y + 14,
                TEXT,
                _number(value),
                unit,
            )
        )
    height = max(row_h * len(rows), row_h)
    return _svg(label_w + bar_w + 60, height, title, mark_safe("".join(parts)), desc)


def bar_list(rows, *, label, maximum=None, unit="") -> SafeString:
    """Horizontal bars as an HTML list: rows of (label, value, colour). Label and value are
    text that wraps with the page and only the bar is drawn (an SVG stretched to its row),
    so the chart fits a phone's width with every value readable, without a scroll box."""
    maximum = maximum or max((value for _, value, _ in rows), default=0) or 1
    items = format_html_join(
        "",
        '<li><span class="bars__label">{}</span><span class="bars__bar">'
        '<svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" '
        'focusable="false"><rect width="{}" height="10" fill="{}"/></svg></span>'
        '<span class="bars__value">{}{}</span></li>',
        (
            (text, round(100 * value / maximum, 1), colour, _number(value), unit)
            for text, value, colour in rows
        ),
    )
    return format_html('<ul class="bars" aria-label="{}">{}</ul>', label, items)


def roadmap_chart(measures, *, first: datetime.date, last: datetime.date) -> SafeString:
    """A Gantt chart of measures (with start and end) between two quarters' first days."""
    label_w, row_h, width = 70, 20, 600
    span = (last - first).days or 1
    quarters = _quarter_starts(first, last)
    rows = [m for m in measures if m.start_date and m.end_date]
    height = 24 + row_h * len(rows)

    def x(day):
        day = min(max(day, first), last)
        return round(label_w + width * (day - first).days / span, 1)

    parts = []
    for q in quarters:
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="18" y2="{}" stroke="{}" stroke-width="{}"/>',
                x(q),
                x(q),
                height,
                GRID,
                1.5 if q.month == 1 else 0.5,
            )
        )
        if q.month == 1:
            parts.append(
                format_html(
                    '<text x="{}" y="13" fill="{}" font-size="12">{}</text>',
                    x(q) + 3,
                    TEXT,
                    q.year,
                )
            )
    today = timezone.localdate()
    if first <= today <= last:
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="16" y2="{}" stroke="{}" stroke-width="2" '
                'stroke-dasharray="4 3"/>',
                x(today),
                x(today),
                height,
                TEXT,
            )
        )
    for i, measure in enumerate(rows):
        y = 24 + i * row_h
        start, end = x(measure.start_date), x(measure.end_date)
        parts.append(
            format_html(
                '<text x="0" y="{}" fill="{}" font-size="12">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="12" rx="2" fill="{}">'
                "<title>{}: {} ({}–{})</title></rect>",
                y + 11,
                TEXT,
                measure.code,
                start,
                y + 1,
                max(end - start, 2),
                STATUS_COLOURS.get(measure.status, TEXT),
                measure.title,
                measure.get_status_display(),
                quarter_label(measure.start_date),
                quarter_label(measure.end_date),
            )
        )
    return _svg(
        label_w + width + 10,
        height,
        "Zeitplan der laufenden Maßnahmen",
        mark_safe("".join(parts)),
        "Balken von geplantem Beginn bis geplantem Ende; die gestrichelte Linie ist heute.",
    )


def _quarter_starts(first, last):
    day = first
    starts = []
    while day <= last:
        starts.append(day)
        month = day.month + 3
        day = datetime.date(day.year + (month > 12), (month - 1) % 12 + 1, 1)
    return starts


def _shorten(text, length):
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def _number(value):
    if isinstance(value, float):
        return f"{value:.0f}"
    return str(value)


def status_rows(counts: dict) -> list:
    """(label, count, colour) of every status, from the counts by status."""
    return [(status.label, counts.get(status, 0), STATUS_COLOURS[status]) for status in Status]


def roadmap_span(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The roadmap shows from the start of this quarter a year ago to three years ahead."""
    quarter = quarter_start(today)
    return quarter.replace(year=quarter.year - 1), quarter.replace(year=quarter.year + 3)


def dashboard_charts(status_counts, fields, roadmap, first, last) -> dict:
    """The dashboard's charts and their data: by status, progress per Handlungsfeld
    (annotated by `with_progress()`), and the roadmap of `roadmap` from `first` to `last`."""
    rows = status_rows(status_counts)
    roadmap = list(roadmap)
    progress = [
        (
            f"{f.code} {f.name} ({f.measure_count} Maßnahme{'' if f.measure_count == 1 else 'n'}"
            f", {f.done} abgeschlossen)",
            round(f.progress or 0),
            "#005a8c",
        )
        for f in fields
    ]
    return {
        "status_rows": rows,
        "status_chart": bar_list(rows, label="Diagramm: Maßnahmen nach Status"),
        "field_chart": bar_list(
            progress,
            label="Diagramm: Durchschnittlicher Fortschritt je Handlungsfeld",
            maximum=100,
            unit=" %",
        ),
        "roadmap": roadmap,
        "roadmap_chart": roadmap_chart(roadmap, first=first, last=last),
        "legend": legend(Status),
    }


def legend(statuses) -> SafeString:
    return format_html_join(
        "",
        '<li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" '
        'fill="{}"/></svg> {}</li>',
        ((STATUS_COLOURS[s], s.label) for s in statuses),
    )


# A pillar of the Architektur shows at most this many measures, then a link to all of them.
PILLAR_LIMIT = 12


ACTUAL_COLOUR = "#005a8c"
PATH_COLOUR = "#5c6b7a"


def indicator_chart(indicator, path, *, unit_text) -> SafeString:
    """A Kennzahl over time: its Istwerte as a solid line with dots, its Zielpfad `path`
    ((date, value), see measures/series.py) as a dashed line; years along the bottom and
    the lowest and highest value up the side, written with `unit_text(value)`."""
    actual = [(v.date, v.value) for v in indicator.actual_values]
    points = actual + list(path)
    left, top, width, height = 90, 12, 480, 170
    dates = [day for day, _ in points]
    first, last = min(dates), max(dates)
    span = (last - first).days or 1
    values = [value for _, value in points] + [indicator.baseline, indicator.target]
    low, high = min(min(values), 0), max(values)
    if high == low:
        high = low + 1

    def x(day):
        return round(left + width * (day - first).days / span, 1)

    def y(value):
        return round(top + height - height * float(value - low) / float(high - low), 1)

    parts = [
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>'
            '<text x="{}" y="{}" text-anchor="end" fill="{}" font-size="13">{}</text>',
            left,
            left + width,
            y(value),
            y(value),
            GRID,
            left - 6,
            y(value) + 4,
            TEXT,
            unit_text(value),
        )
        for value in (low, high)
    ]
    for year in range(first.year + 1, last.year + 1):
        day = datetime.date(year, 1, 1)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>'
                '<text x="{}" y="{}" fill="{}" font-size="13">{}</text>',
                x(day),
                x(day),
                top,
                top + height,
                GRID,
                x(day) + 3,
                top + height + 18,
                TEXT,
                year,
            )
        )
    if len(path) > 1:
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" '
                'stroke-dasharray="6 4"/>',
                " ".join(f"{x(day)},{y(value)}" for day, value in path),
                PATH_COLOUR,
            )
        )
    for day, value in path:
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="8" height="8" fill="#ffffff" stroke="{}" '
                'stroke-width="2"/>',
                x(day) - 4,
                y(value) - 4,
                PATH_COLOUR,
            )
        )
    if len(actual) > 1:
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="3"/>',
                " ".join(f"{x(day)},{y(value)}" for day, value in actual),
                ACTUAL_COLOUR,
            )
        )
    for day, value in actual:
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="4" fill="{}"/>', x(day), y(value), ACTUAL_COLOUR
            )
        )
    return _svg(
        left + width + 20,
        top + height + 26,
        f"Verlauf der Kennzahl {indicator.name}",
        mark_safe("".join(parts)),
        "Durchgezogene Linie mit Punkten: gemessene Werte; gestrichelte Linie mit Quadraten: "
        "Zielpfad. Die Tabelle darunter nennt alle Werte.",
    )
