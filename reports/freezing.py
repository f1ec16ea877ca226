"""Freezing a Sachstandsbericht: number it, render its PDF and data once, store them.

The stored files are the report from then on; nothing renders them again.
"""

import csv
import datetime
import hashlib
import io
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from iserlohn_digital.pdf import render_pdf
from measures.csv_io import escape_cell
from measures.models import Measure
from measures.models.status import is_overdue, is_stale
from measures.publications import REPORT, report_context

from .comparison import compare, indicator_rows, previous_report, state_of
from .models import Report

ALREADY_FROZEN = "Zu diesem Stichtag gibt es schon einen eingefrorenen Bericht ({number})."

# The columns of the report's data, in the CSV's order and by the JSON's keys.
COLUMNS = [
    "code",
    "titel",
    "handlungsfeld",
    "status",
    "status_text",
    "fortschritt",
    "meldung_vom",
    "geplantes_ende",
    "ueberfaellig",
    "veraltet",
]
# The JSON has one more key per measure, its Kennzahlen of the Stichtag (a list).


def report_rows(context) -> list[dict]:
    """One row per measure of the report: its state on the Stichtag, as the PDF's table
    of all measures shows it, and whether it is overdue or stale on that day."""
    as_of = context["as_of"]
    rows = []
    for line in context["lines"]:
        measure = line.measure
        rows.append(
            {
                "code": measure.code,
                "titel": measure.title,
                "handlungsfeld": measure.field_of_action.name,
                "status": str(line.status),
                "status_text": line.status_label,
                "fortschritt": line.update.progress if line.update else None,
                "meldung_vom": line.update.date.isoformat() if line.update else None,
                "geplantes_ende": measure.end_date.isoformat() if measure.end_date else None,
                "ueberfaellig": is_overdue(line.status, measure.end_date, as_of),
                "veraltet": is_stale(line.status, line.last_seen, as_of),
                "kennzahlen": indicator_rows(line.indicators),
            }
        )
    return rows


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    return escape_cell(str(value))


def rows_csv(rows: list[dict]) -> bytes:
    """The rows as CSV like the portal's other CSV files: UTF-8 with BOM, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row[column]) for column in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode()


def rows_json(report: Report, rows: list[dict], since_previous: dict | None) -> bytes:
    document = {
        "bericht": {
            "nummer": report.number,
            "titel": report.title,
            "stichtag": report.as_of.isoformat(),
            "aenderungen_seit": report.since.isoformat(),
            "eingefroren_am": timezone.localtime(report.frozen_at).isoformat(),
        },
        "massnahmen": rows,
        # What changed since the previous report (comparison.py), None for the first.
        "seit_dem_letzten_bericht": since_previous,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def _next_number(year: int) -> int:
    last = Report.objects.filter(year=year).order_by("-sequence").first()
    return last.sequence + 1 if last else 1


def _refuse_if_frozen(as_of: datetime.date):
    existing = Report.objects.current().filter(as_of=as_of).first()
    if existing:
        raise ValidationError(ALREADY_FROZEN.format(number=existing.number), code="frozen")


def _reserve(report: Report) -> Report:
    """Saves the report with the next free number of its year. Two freezes at once get two
    numbers (the unique constraint makes the later one retry), or, for the same Stichtag,
    one report and a refusal."""
    for _attempt in range(10):
        report.sequence = _next_number(report.year)
        report.number = f"{report.year}-{report.sequence}"
        try:
            with transaction.atomic():
                report.save(force_insert=True)
            return report
        except IntegrityError:
            _refuse_if_frozen(report.as_of)
            report.pk = None
    raise ValidationError("Keine freie Berichtsnummer gefunden; bitte noch einmal versuchen.")


def _store(report: Report, field: str, name: str, content: bytes):
    getattr(report, field).save(name, ContentFile(content), save=False)
    setattr(report, f"{field}_size", len(content))
    setattr(report, f"{field}_sha256", hashlib.sha256(content).hexdigest())


def freeze_report(
    *,
    as_of: datetime.date,
    since: datetime.date,
    title: str,
    foreword: str = "",
    user,
) -> Report:
    """Freezes the Sachstandsbericht on `as_of` with the changes after `since`: gives it
    the next number of the Stichtag's year (e.g. 2026-3), renders its PDF (with the data
    attached) and its data as CSV and JSON once, stores the three files under MEDIA_ROOT
    with their SHA-256 checksums, and records who froze it and when.

    Refuses (ValidationError) a Stichtag that already has a report that has not been
    withdrawn, a Stichtag in the future and a `since` not before the Stichtag.
    """
    if as_of > timezone.localdate():
        raise ValidationError("Der Stichtag darf nicht in der Zukunft liegen.")
    if since >= as_of:
        raise ValidationError("„Änderungen seit“ muss vor dem Stichtag liegen.")
    _refuse_if_frozen(as_of)
    stored = []
    try:
        with transaction.atomic():
            report = _reserve(
                Report(
                    year=as_of.year,
                    as_of=as_of,
                    since=since,
                    title=title,
                    foreword=foreword,
                    frozen_at=timezone.now(),
                    frozen_by=user,
                    pdf_size=0,
                    csv_size=0,
                    json_size=0,
                )
            )
            context = report_context(as_of, since)
            rows = report_rows(context)
            previous = previous_report(report)
            since_previous = previous and compare(
                previous, state_of(previous), as_of, {row["code"]: row for row in rows}
            )
            csv_bytes, json_bytes = rows_csv(rows), rows_json(report, rows, since_previous)
            base = f"berichte/{report.number}/iserlohn-digital-sachstandsbericht-{report.number}"
            pdf_bytes = render_pdf(
                REPORT.template,
                context
                | {
                    "publication": REPORT,
                    "report": report,
                    "since_previous": since_previous,
                    "stand": timezone.localdate(report.frozen_at),
                    "site_url": settings.SITE_URL,
                    "example_content": Measure.objects.published().filter(is_example=True).exists(),
                },
                attachments=[
                    (f"sachstandsbericht-{report.number}.csv", csv_bytes, "Daten als CSV"),
                    (f"sachstandsbericht-{report.number}.json", json_bytes, "Daten als JSON"),
                ],
                wait=True,
            )
            for field, content in [("pdf", pdf_bytes), ("csv", csv_bytes), ("json", json_bytes)]:
                _store(report, field, f"{base}.{field}", content)
                stored.append(getattr(report, field))
            report.save()
    except BaseException:
        for file in stored:
            file.storage.delete(file.name)
        raise
    return report


def withdraw_report(*, report: Report, user, reason: str) -> Report:
    """Withdraws a frozen report (superusers only, checked by the caller): its files are
    deleted, its row stays as a tombstone with number, Stichtag, checksums, who withdrew it,
    when and why. Its Stichtag may be frozen again, under a new number."""
    if report.is_withdrawn:
        raise ValidationError("Dieser Bericht ist schon zurückgezogen.")
    if not reason.strip():
        raise ValidationError("Bitte den Grund der Rücknahme angeben.")
    with transaction.atomic():
        report.withdrawn_at = timezone.now()
        report.withdrawn_by = user
        report.withdrawal_reason = reason.strip()
        report.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        names = [report.pdf, report.csv, report.json]
        transaction.on_commit(lambda: [file.storage.delete(file.name) for file in names])
    return report
