"""CSV export and import of measures, in one format both ways.

An import is checked row by row and written in one transaction: a dry run, or a file with
any bad row, writes nothing. Exporting and importing the same file changes nothing. Cells a
spreadsheet would run as a formula are written with a leading apostrophe, which the import
takes off again (`escape_cell`, `unescape_cell`). The public CSVs (measures/records.py) use
the same `escape_cell` and the same `csv_attachment`.
"""

import csv
import datetime
import decimal
import io
import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from iserlohn_digital.text import NormalizedCharField, normalize_text
from strategy.models import Goal

from .models import FieldOfAction, Measure, OrganisationalUnit, PendingImport, Status, Tag
from .updates import record_status_update

# Column → model field, in file order. Lists are separated by "; ".
COLUMNS = {
    "code": "code",
    "titel": "title",
    "handlungsfeld": "field_of_action",
    "status": "status",
    "fortschritt": "progress",
    "prioritaet": "priority",
    "beginn": "start_date",
    "ende": "end_date",
    "federfuehrung": "lead_unit",
    "kurzbeschreibung": "summary",
    "beschreibung": "description",
    "leichte_sprache": "easy_language_summary",
    "beteiligte": "partners",
    "finanzierung": "funding",
    "budget": "budget",
    "ziele": "goals",
    "schlagwoerter": "tags",
    "voraussetzungen": "dependencies",
    "veroeffentlicht": "is_published",
    "beispiel": "is_example",
    "quelle": "source",
    "quelle_adresse": "source_url",
}
LIST_SEPARATOR = "; "
YES, NO = "ja", "nein"
MAX_ROWS = 20000
MAX_FILE_SIZE = 5 * 1024 * 1024

# First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# C0 control characters other than TAB, LF and CR: no text of a measure contains them.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def escape_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as the text itself, for every CSV of the portal: a
    leading apostrophe before text a spreadsheet would run as a formula, and before text
    that starts with an apostrophe itself (which a spreadsheet would otherwise swallow).
    The import takes it off again (`unescape_cell`)."""
    if text.startswith((*FORMULA_STARTS, "'")):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """The cell's value as `escape_cell` got it: without one leading apostrophe."""
    return text.removeprefix("'")


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def measure_row(measure) -> dict:
    """The measure as one CSV row (column → text)."""
    return {
        "code": measure.code,
        "titel": measure.title,
        "handlungsfeld": measure.field_of_action.slug,
        "status": measure.status,
        "fortschritt": _text(measure.progress),
        "prioritaet": measure.priority,
        "beginn": _text(measure.start_date),
        "ende": _text(measure.end_date),
        "federfuehrung": measure.lead_unit.slug,
        "kurzbeschreibung": measure.summary,
        "beschreibung": measure.description,
        "leichte_sprache": measure.easy_language_summary,
        "beteiligte": measure.partners,
        "finanzierung": measure.funding,
        "budget": _text(measure.budget),
        "ziele": LIST_SEPARATOR.join(sorted(g.code for g in measure.goals.all())),
        "schlagwoerter": LIST_SEPARATOR.join(sorted(t.name for t in measure.tags.all())),
        "voraussetzungen": LIST_SEPARATOR.join(sorted(m.code for m in measure.dependencies.all())),
        "veroeffentlicht": _text(measure.is_published),
        "beispiel": _text(measure.is_example),
        "quelle": measure.source,
        "quelle_adresse": measure.source_url,
    }


# German Excel opens a file by double-click in columns only if they are separated by
# semicolons; it saves its own CSV with semicolons, as UTF-8 ("CSV UTF-8") or Windows-1252
# ("CSV (Trennzeichen-getrennt)"). The import takes commas too.
DELIMITER = ";"


def decode_upload(data: bytes) -> str:
    """The text of an uploaded file: UTF-8 with or without byte order mark, else
    Windows-1252 (what German Excel saves as "CSV (Trennzeichen-getrennt)")."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """The column separator of the file, by its header line: semicolon or comma."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") >= header.count(",") else ","


def export_measures(measures, stream) -> int:
    """Write the measures as CSV (semicolon-separated, one header row) to a text stream."""
    measures = measures.select_related("field_of_action", "lead_unit").prefetch_related(
        "goals", "tags", "dependencies"
    )
    writer = csv.DictWriter(
        stream, fieldnames=list(COLUMNS), delimiter=DELIMITER, lineterminator="\r\n"
    )
    writer.writeheader()
    count = 0
    for measure in measures.order_by("code"):
        writer.writerow(
            {column: escape_cell(text) for column, text in measure_row(measure).items()}
        )
        count += 1
    return count


def csv_attachment(filename: str) -> HttpResponse:
    """An empty CSV download named `filename`, for a csv writer with CRLF line ends: UTF-8
    with a byte order mark, by which spreadsheet programs recognise the umlauts."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response


def export_response(measures):
    """The admin's round-trip export of `measures` as a download."""
    response = csv_attachment(f"massnahmen-{timezone.localdate().isoformat()}.csv")
    export_measures(measures, response)
    return response


@dataclass
class RowResult:
    line: int
    code: str
    outcome: str = ""  # angelegt, geändert, unverändert, Fehler
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list
    written: bool

    @property
    def errors(self):
        return [row for row in self.rows if row.errors]

    def count(self, outcome):
        return sum(1 for row in self.rows if row.outcome == outcome)

    def summary(self):
        return ", ".join(
            f"{self.count(outcome)} {outcome}"
            for outcome in ("angelegt", "geändert", "unverändert", "Fehler")
        )


class ImportFailed(Exception):
    """Raised inside the transaction to roll back a dry run or a file with errors."""


def import_measures(text: str, *, dry_run: bool, author=None, note: str = "") -> ImportResult:
    """Check every row; write all of them in one transaction, or nothing.

    Nothing is written when `dry_run` is set or any row has an error. Status or progress
    changes are recorded as status updates with `note`, the import's one note (required
    for the real import when any row changes them), like changes in the admin.
    """
    text = text.removeprefix("\ufeff")
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_SIZE))
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text))
    try:
        header = reader.fieldnames or []
    except csv.Error:
        return _file_error("Die Kopfzeile lässt sich nicht als CSV lesen.")
    if any(CONTROL_CHARACTER.search(name) for name in header):
        return _file_error("Die Kopfzeile enthält ein unzulässiges Steuerzeichen.")
    missing = [c for c in ("code", "titel", "handlungsfeld", "federfuehrung") if c not in header]
    if missing:
        return _file_error("Es fehlen die Spalten: " + ", ".join(missing) + ".")
    fields, units = list(FieldOfAction.objects.all()), list(OrganisationalUnit.objects.all())
    lookups = {
        # By the short name the export writes, or by what people read: code, name.
        "field_of_action": _by_any(fields, "slug", "code", "name"),
        "lead_unit": _by_any(units, "slug", "name", "abbreviation"),
        "status": _by_any(Status, "value", "label"),
        "priority": _by_any(Measure.Priority, "value", "label"),
        "goals": {g.code: g for g in Goal.objects.all()},
        "tags": {t.name: t for t in Tag.objects.all()},
    }
    # What an error names as possible values.
    lookups["allowed"] = {
        "field_of_action": [f"{f.code} {f.name}" for f in fields],
        "lead_unit": [u.name for u in units],
        "status": [f"{s.label} ({s.value})" for s in Status],
        "priority": [f"{p.label}" for p in Measure.Priority],
    }
    results = []
    try:
        with transaction.atomic():
            pending_dependencies = []
            for line, raw in enumerate(reader, start=2):
                if line > MAX_ROWS + 1:
                    too_many = f"Mehr als {MAX_ROWS} Zeilen."
                    results.append(RowResult(line, "", "Fehler", errors=[too_many]))
                    break
                code = unescape_cell(raw.get("code") or "")
                row = RowResult(line=line, code=CONTROL_CHARACTER.sub("", code).strip())
                results.append(row)
                if None in raw or any(value is None for value in raw.values()):
                    row.errors.append("Die Zeile hat nicht so viele Spalten wie die Kopfzeile.")
                    row.outcome = "Fehler"
                    continue
                raw = {column: unescape_cell(value) for column, value in raw.items()}
                controls = [name for name, value in raw.items() if CONTROL_CHARACTER.search(value)]
                if controls:
                    for column in controls:
                        row.errors.append(f"{column}: enthält ein unzulässiges Steuerzeichen.")
                    row.outcome = "Fehler"
                    continue
                measure = _apply_row(row, raw, lookups, author, note, dry_run)
                if measure is not None:
                    pending_dependencies.append((row, raw, measure))
            for row, raw, measure in pending_dependencies:
                _apply_dependencies(row, raw, measure)
            if dry_run or any(r.errors for r in results):
                raise ImportFailed
    except ImportFailed:
        return ImportResult(results, written=False)
    except csv.Error:
        error = "Die Datei lässt sich ab hier nicht als CSV lesen (Anführungszeichen prüfen)."
        results.append(RowResult(len(results) + 2, "", "Fehler", errors=[error]))
        return ImportResult(results, written=False)
    return ImportResult(results, written=True)


def _file_error(message):
    return ImportResult([RowResult(1, "", "Fehler", errors=[message])], written=False)


def _apply_row(row, raw, lookups, author, note, dry_run):
    existing = Measure.objects.filter(code=row.code).first()
    existing_stand = (existing.status, existing.progress) if existing else None
    measure = existing or Measure(code=row.code)
    values = {}
    for column, name in COLUMNS.items():
        if name in ("goals", "tags", "dependencies") or column == "code":
            continue
        value = raw.get(column) or ""
        try:
            values[name] = _parse(name, normalize_text(value), lookups)
        except ValidationError as error:
            row.errors.append(f"{column}: {' '.join(error.messages)}")
    goals = _parse_list(row, raw, "ziele", lookups["goals"], "Ziel")
    tags = _split(raw.get("schlagwoerter", ""))
    if row.errors:
        row.outcome = "Fehler"
        return None
    if existing:
        row.changes = [
            column
            for column, name in COLUMNS.items()
            if name in values and getattr(existing, name) != values[name]
        ]
        if {g.pk for g in existing.goals.all()} != {g.pk for g in goals}:
            row.changes.append("ziele")
        if {t.name for t in existing.tags.all()} != set(tags):
            row.changes.append("schlagwoerter")
        if not row.changes:
            row.outcome = "unverändert"
            return existing
    for name, value in values.items():
        setattr(measure, name, value)
    try:
        measure.full_clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            label = next((c for c, f in COLUMNS.items() if f == name), name)
            row.errors.append(f"{label}: {' '.join(messages)}")
        row.outcome = "Fehler"
        return None
    stand = measure.status, measure.progress
    if existing and {"status", "fortschritt"} & set(row.changes):
        if not note.strip() and not dry_run:
            row.errors.append(MISSING_NOTE)
            row.outcome = "Fehler"
            return None
        # The Stand changes only by a status update (measures/updates.py).
        measure.status, measure.progress = existing_stand
        measure.save()
        record_status_update(
            measure=measure, status=stand[0], progress=stand[1], note=note or "–", author=author
        )
    else:
        measure.save()
        if existing is None:
            record_status_update(measure=measure, note="Maßnahme angelegt.", author=author)
    measure.goals.set(goals)
    measure.tags.set(tags)
    row.outcome = "geändert" if existing else "angelegt"
    return measure


MISSING_NOTE = (
    "status/fortschritt: Die Zeile ändert den Stand der Maßnahme; bitte für den Import einen "
    "Vermerk angeben (er erscheint als Statusmeldung)."
)


def _apply_dependencies(row, raw, measure):
    codes = _split(raw.get("voraussetzungen", ""))
    found = {m.code: m for m in Measure.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        row.errors.append("voraussetzungen: unbekannte Maßnahme " + ", ".join(unknown) + ".")
    if measure.code in found:
        row.errors.append("voraussetzungen: eine Maßnahme kann nicht sich selbst voraussetzen.")
    if row.errors:
        row.outcome = "Fehler"
        return
    if {m.code for m in measure.dependencies.all()} != set(found):
        measure.dependencies.set(found.values())
        row.changes.append("voraussetzungen")
        if row.outcome == "unverändert":
            row.outcome = "geändert"


def _split(value):
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _parse_list(row, raw, column, lookup, label):
    items = []
    for key in _split(raw.get(column, "")):
        if key not in lookup:
            row.errors.append(f"{column}: unbekanntes {label} „{key}“.")
        else:
            items.append(lookup[key])
    return items


def _german_date(value: str) -> datetime.date:
    """31.03.2026, as German Excel writes a date."""
    return datetime.datetime.strptime(value, "%d.%m.%Y").date()


def _by_any(items, *attributes) -> dict:
    """The items by each of the attributes' values, case-folded."""
    found = {}
    for item in items:
        for attribute in attributes:
            key = str(getattr(item, attribute) or "").casefold()
            if key:
                found.setdefault(key, item)
    return found


def _parse(name, value, lookups):
    if name in ("field_of_action", "lead_unit", "status", "priority"):
        if value.casefold() not in lookups[name]:
            options = "; ".join(lookups["allowed"][name])
            raise ValidationError(f"„{value}“ gibt es nicht. Möglich: {options}.")
        found = lookups[name][value.casefold()]
        return found.value if name in ("status", "priority") else found
    if name == "progress":
        try:
            return int(value)
        except ValueError as error:
            raise ValidationError("ganze Zahl von 0 bis 100 erwartet.") from error
    if name in ("start_date", "end_date"):
        if not value:
            return None
        for parse in (datetime.date.fromisoformat, _german_date):
            try:
                return parse(value)
            except ValueError:
                continue
        raise ValidationError("Datum wie 2026-03-31 oder 31.03.2026 erwartet.")
    if name == "budget":
        if not value:
            return None
        if "," in value:  # as German Excel writes it: 120.000,50
            value = value.replace(".", "").replace(",", ".")
        try:
            return decimal.Decimal(value)
        except decimal.InvalidOperation as error:
            raise ValidationError("Betrag wie 120000.00 oder 120.000,00 erwartet.") from error
    if name in ("is_published", "is_example"):
        if value not in (YES, NO):
            raise ValidationError("„ja“ oder „nein“ erwartet.")
        return value == YES
    return value


class ImportForm(forms.Form):
    """An uploaded file, or the signed token of a file checked in a dry run and kept on the
    server (`PendingImport`)."""

    file = forms.FileField(label="CSV-Datei", required=False)
    pending = forms.CharField(widget=forms.HiddenInput, required=False)
    note = NormalizedCharField(
        label="Vermerk für geänderte Stände",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Pflicht, wenn Zeilen Status oder Fortschritt ändern: erscheint als "
        "Statusmeldung genau dieser Maßnahmen.",
    )
    dry_run = forms.BooleanField(label="Nur prüfen (Probelauf)", required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_pending(self):
        """The user's checked file, locked until the import's transaction ends."""
        token = self.cleaned_data["pending"]
        return PendingImport.from_token(token, self.user, lock=True) if token else None

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_FILE_SIZE:
                raise ValidationError("Die Datei ist größer als 5 MB.")
            data["content"] = decode_upload(upload.read())
            data["pending"] = None
        elif data.get("pending"):
            data["content"] = data["pending"].content
        elif "pending" not in self.errors:
            raise ValidationError("Bitte eine CSV-Datei auswählen.")
        return data


def import_view(model_admin):
    """The admin page: upload, dry run with a result per row, then the real import of the
    checked file, which waits on the server meanwhile (`PendingImport`)."""

    def view(request):
        if not request.user.has_perm("measures.publish_measure"):
            raise PermissionDenied
        result, status = None, 200
        form = ImportForm(user=request.user)
        if request.method == "POST":
            with transaction.atomic():
                form = ImportForm(request.POST, request.FILES, user=request.user)
                if form.is_valid():
                    result, form = _run_import(request, form)
                else:
                    status = 400
            if result is not None and result.written:
                model_admin.message_user(
                    request,
                    f"Import abgeschlossen: {result.count('angelegt')} angelegt, "
                    f"{result.count('geändert')} geändert, "
                    f"{result.count('unverändert')} unverändert.",
                )
                return redirect("admin:measures_measure_changelist")
        context = {
            **model_admin.admin_site.each_context(request),
            "title": "Maßnahmen aus CSV importieren",
            "opts": model_admin.model._meta,
            "form": form,
            "result": result,
            "columns": list(COLUMNS),
        }
        return TemplateResponse(
            request, "admin/measures/measure/import.html", context, status=status
        )

    return view


def _run_import(request, form):
    """Import the form's file; after a clean dry run, keep it for the real import."""
    content, pending = form.cleaned_data["content"], form.cleaned_data["pending"]
    dry_run = form.cleaned_data["dry_run"]
    note = form.cleaned_data.get("note", "")
    result = import_measures(content, dry_run=dry_run, author=request.user, note=note)
    if result.written:
        if pending is not None:
            pending.delete()
        return result, form
    if dry_run and not result.errors and pending is None:
        pending = PendingImport.keep(content, request.user)
    initial = {"pending": pending.token() if pending else "", "dry_run": False, "note": note}
    return result, ImportForm(initial=initial, user=request.user)
