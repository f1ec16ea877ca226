"""Milestones as an iCalendar (RFC 5545) feed: one all-day event per milestone."""

import re

from django.utils import timezone

# Line breaks of any kind (CRLF, CR, LF, NEL, Unicode separators); every other control
# character but the tab, which TEXT must not hold (RFC 5545, 3.3.11).
LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escape(text):
    """A TEXT value (RFC 5545, 3.3.11): every line break as "\\n", no control characters
    (a bare CR would end the line in lenient clients and let the text add properties)."""
    text = str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return CONTROL.sub("", LINE_BREAK.sub(r"\\n", text))


def _fold(line):
    # Lines longer than 75 octets continue on the next line after a space.
    data = line.encode("utf-8")
    parts = []
    while len(data) > 75:
        cut = 75
        while (data[cut] & 0xC0) == 0x80:  # do not split a UTF-8 character
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
    parts.append(data)
    return "\r\n ".join(part.decode("utf-8") for part in parts)


def calendar(milestones, name: str) -> str:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Stadt Iserlohn//Iserlohn digital//DE",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for milestone in milestones:
        day = milestone.reached_on or milestone.due_date
        state = "erreicht" if milestone.reached_on else "geplant"
        url = milestone.measure.get_full_url()
        measure = milestone.measure
        description = f"Maßnahme {measure.code} {measure.title}. {milestone.note}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:meilenstein-{milestone.pk}@iserlohn-digital",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"SUMMARY:{_escape(f'{milestone.measure.code}: {milestone.title} ({state})')}",
            f"DESCRIPTION:{_escape(description.strip())}",
            f"URL:{url}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
