"""CSV export and import of measures, in one format both ways.

An import reads each row with a form (`MeasureRowForm`) and plans it: per row what happens
(`RowOutcome`) and every change with the value it replaces. The plan is written in one
transaction, or nothing: a dry run, or a file with any bad row, writes nothing. The admin
keeps the checked file with its plan (`PendingImport`) and writes it only if the plan,
made again with the measures locked, is still the same. Exporting and importing the same
file changes nothing. Cells a spreadsheet would run as a formula are written with a leading
apostrophe, which the import takes off again (`escape_cell`, `unescape_cell`). The public
CSVs (measures/records.py) use the same `escape_cell` and the same `csv_attachment`.
"""

import csv
import datetime
import decimal
import io
import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from iserlohn_digital.text import NormalizedCharField, normalize_text
from strategy.models import Goal

from .models import FieldOfAction, Measure, OrganisationalUnit, PendingImport, Status
from .schedule import change_schedule
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


def read_upload(upload) -> str:
    """The text of an uploaded CSV file, refused when larger than MAX_FILE_SIZE."""
    if upload.size > MAX_FILE_SIZE:
        raise ValidationError("Die Datei ist größer als 5 MB.")
    return decode_upload(upload.read())


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


class RowOutcome(models.TextChoices):
    """What the import does with a row of the file."""

    CREATED = "angelegt", "angelegt"
    CHANGED = "geändert", "geändert"
    UNCHANGED = "unverändert", "unverändert"
    ERROR = "Fehler", "Fehler"


@dataclass(frozen=True)
class Change:
    """One cell a row changes: the measure's value and the file's, as the export writes
    them."""

    column: str
    old: str
    new: str


@dataclass
class RowResult:
    line: int
    code: str
    outcome: RowOutcome | None = None
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def changed_columns(self) -> list[str]:
        return [change.column for change in self.changes]

    @property
    def changes_stand(self) -> bool:
        return self.outcome == RowOutcome.CHANGED and bool(
            {"status", "fortschritt"} & set(self.changed_columns)
        )

    @property
    def moves_dates(self) -> bool:
        """Whether the row moves or clears a planned date that was set (a postponement,
        measures/schedule.py); a date set for the first time is not one."""
        return self.outcome == RowOutcome.CHANGED and any(
            change.column in ("beginn", "ende") and change.old for change in self.changes
        )

    def planned(self) -> list:
        """The row's part of the plan, as JSON stores it."""
        changes = [[change.column, change.old, change.new] for change in self.changes]
        return [self.line, self.code, str(self.outcome), changes]


@dataclass
class ImportResult:
    rows: list[RowResult]
    written: bool = False
    # Codes of the measures changed since the dry run whose plan the import was to apply.
    stale: list[str] = field(default_factory=list)

    @property
    def errors(self):
        return [row for row in self.rows if row.errors]

    def count(self, outcome: RowOutcome) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    def summary(self) -> str:
        return ", ".join(f"{self.count(outcome)} {outcome.label}" for outcome in RowOutcome)

    def plan(self) -> list:
        """What the import does, row by row: outcome and every change with the value it
        replaces. A real import applies a dry run's plan only if it is still the same."""
        return [row.planned() for row in self.rows]


class LabelOrCodeField(forms.Field):
    """A choice named the way people name it: by any of `keys` (attributes of the items,
    case-folded). The lookup table comes with the form (`MeasureRowForm.options`); an
    unknown or empty name is an error that lists what is allowed (`describe`)."""

    def __init__(self, *, keys, describe, **kwargs):
        super().__init__(required=False, **kwargs)
        self.keys, self.describe = keys, describe
        self.index, self.allowed = {}, []

    def indexed(self, items) -> tuple[dict, list]:
        index = {}
        for item in items:
            for key in self.keys:
                name = str(getattr(item, key) or "").casefold()
                if name:
                    index.setdefault(name, item)
        return index, [self.describe(item) for item in items]

    def to_python(self, value):
        value = value or ""
        if value.casefold() not in self.index:
            options = "; ".join(self.allowed)
            raise ValidationError(f"„{value}“ gibt es nicht. Möglich: {options}.")
        return self.index[value.casefold()]


class GermanDateField(forms.DateField):
    """A date as the export writes it (2026-03-31) or German Excel (31.03.2026)."""

    input_formats = ["%Y-%m-%d", "%d.%m.%Y"]
    default_error_messages = {"invalid": "Datum wie 2026-03-31 oder 31.03.2026 erwartet."}

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)


class GermanAmountField(forms.DecimalField):
    """An amount in euros as the export writes it (120000.50) or German Excel
    (120.000,50)."""

    default_error_messages = {"invalid": "Betrag wie 120000.00 oder 120.000,00 erwartet."}

    def __init__(self, max_digits=12, **kwargs):
        super().__init__(required=False, max_digits=max_digits, decimal_places=2, **kwargs)

    def to_python(self, value):
        if value and "," in value:
            value = value.replace(".", "").replace(",", ".")
        return super().to_python(value)

    def clean(self, value):
        amount = super().clean(value)
        return None if amount is None else amount.quantize(decimal.Decimal("0.01"))


class YesNoField(forms.Field):
    """„ja“ or „nein“, as the export writes a yes/no."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if value not in (YES, NO):
            raise ValidationError("„ja“ oder „nein“ erwartet.")
        return value == YES


class ListField(forms.Field):
    """Entries separated by „;“ (the export writes „; “), without empty ones and
    repetitions."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        parts = (part.strip() for part in (value or "").split(";"))
        return list(dict.fromkeys(part for part in parts if part))


class GoalListField(ListField):
    """Goals by their codes (the lookup table comes with the form)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.index = {}

    def to_python(self, value):
        codes = super().to_python(value)
        unknown = [code for code in codes if code not in self.index]
        if unknown:
            raise ValidationError([f"unbekanntes Ziel „{code}“." for code in unknown])
        return [self.index[code] for code in codes]


PROGRESS_EXPECTED = "ganze Zahl von 0 bis 100 erwartet."


class MeasureRowForm(forms.Form):
    """One row of the file, a field per column: text normalised as stored, choices by
    label or code, German dates and amounts. Whether the values make a valid measure is
    the model's to say (`Measure.full_clean`); whether prerequisites exist, the file's."""

    code = NormalizedCharField()
    titel = NormalizedCharField(required=False)
    handlungsfeld = LabelOrCodeField(
        keys=("slug", "code", "name"), describe=lambda field: f"{field.code} {field.name}"
    )
    status = LabelOrCodeField(
        keys=("value", "label"), describe=lambda status: f"{status.label} ({status.value})"
    )
    fortschritt = forms.IntegerField(
        min_value=0,
        max_value=100,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"), PROGRESS_EXPECTED
        ),
    )
    prioritaet = LabelOrCodeField(keys=("value", "label"), describe=lambda priority: priority.label)
    beginn = GermanDateField()
    ende = GermanDateField()
    federfuehrung = LabelOrCodeField(
        keys=("slug", "name", "abbreviation"), describe=lambda unit: unit.name
    )
    kurzbeschreibung = NormalizedCharField(required=False)
    beschreibung = NormalizedCharField(required=False)
    leichte_sprache = NormalizedCharField(required=False)
    beteiligte = NormalizedCharField(required=False)
    finanzierung = NormalizedCharField(required=False)
    budget = GermanAmountField()
    ziele = GoalListField()
    schlagwoerter = ListField()
    voraussetzungen = ListField()
    veroeffentlicht = YesNoField()
    beispiel = YesNoField()
    quelle = NormalizedCharField(required=False)
    quelle_adresse = NormalizedCharField(required=False)

    def __init__(self, data, *, options):
        super().__init__({column: normalize_text(value) for column, value in data.items()})
        for name, (index, allowed) in options.items():
            self.fields[name].index, self.fields[name].allowed = index, allowed

    @classmethod
    def options(cls) -> dict:
        """The lookup tables of the fields that name other things, loaded once per file."""
        fields = cls.base_fields
        return {
            "handlungsfeld": fields["handlungsfeld"].indexed(list(FieldOfAction.objects.all())),
            "federfuehrung": fields["federfuehrung"].indexed(
                list(OrganisationalUnit.objects.all())
            ),
            "status": fields["status"].indexed(list(Status)),
            "prioritaet": fields["prioritaet"].indexed(list(Measure.Priority)),
            "ziele": ({goal.code: goal for goal in Goal.objects.all()}, []),
        }

    def error_lines(self) -> list[str]:
        """The errors as the import lists them: „column: message“."""
        return [
            f"{column}: {message}"
            for column, messages in self.errors.items()
            for message in messages
        ]

    def model_values(self) -> dict:
        """The measure's fields (without code and the lists) from the row."""
        return {
            name: self.cleaned_data[column]
            for column, name in COLUMNS.items()
            if column not in ("code", *LIST_COLUMNS)
        }

    def text(self) -> dict:
        """The row as the export would write the measure it describes (column → text)."""
        text = {}
        for column in COLUMNS:
            value = self.cleaned_data[column]
            if column in LIST_COLUMNS:
                keys = [getattr(item, "code", item) for item in value]
                text[column] = LIST_SEPARATOR.join(sorted(keys))
            elif isinstance(value, models.Model):
                text[column] = value.slug
            else:
                text[column] = _text(value)
        return text


LIST_COLUMNS = ("ziele", "schlagwoerter", "voraussetzungen")


class ImportFailed(Exception):
    """Raised inside the transaction to roll back an import that cannot be written."""


@dataclass
class _Row:
    """A row on its way through the import: what was read, what it will do."""

    result: RowResult
    raw: dict
    form: MeasureRowForm | None = None
    measure: Measure | None = None


def import_measures(
    text: str, *, dry_run: bool, author=None, note: str = "", expected_plan=None
) -> ImportResult:
    """Plan the import of every row; write the plan in one transaction, or nothing.

    The plan says per row what happens (`RowOutcome`) and every change with the value it
    replaces. Nothing is written when `dry_run` is set or any row has an error. With
    `expected_plan` (a dry run's `ImportResult.plan()`), the plan is made again with the
    measures locked and written only if it is still the same; otherwise the result names
    the measures changed meanwhile (`stale`). Status or progress changes are recorded as
    status updates with `note`, the import's one note (required for the real import when
    any row changes them), like changes in the admin; moved planned dates are recorded as
    postponements with the same note as their reason.
    """
    rows = _read(text)
    if isinstance(rows, ImportResult):
        return rows
    if dry_run:
        return _plan(rows, lock=False)
    try:
        with transaction.atomic():
            result = _plan(rows, lock=True)
            if expected_plan is not None and result.plan() != expected_plan:
                result.stale = _stale_codes(expected_plan, result.plan())
                raise ImportFailed
            if result.errors:
                raise ImportFailed
            if not note.strip():
                for row in rows:
                    missing = [
                        message
                        for needed, message in (
                            (row.result.changes_stand, MISSING_NOTE),
                            (row.result.moves_dates, MISSING_REASON),
                        )
                        if needed
                    ]
                    if missing:
                        row.result.errors.extend(missing)
                        row.result.outcome = RowOutcome.ERROR
                if result.errors:
                    raise ImportFailed
            _apply(rows, author=author, note=note)
    except ImportFailed:
        return result
    result.written = True
    return result


MISSING_NOTE = (
    "status/fortschritt: Die Zeile ändert den Stand der Maßnahme; bitte für den Import einen "
    "Vermerk angeben (er erscheint als Statusmeldung)."
)
CREATED_MEANWHILE = (
    "code: Die Maßnahme „{code}“ wurde inzwischen von jemand anderem angelegt; bitte die "
    "Datei erneut prüfen."
)
MISSING_REASON = (
    "beginn/ende: Die Zeile verschiebt einen geplanten Termin; bitte für den Import einen "
    "Vermerk angeben (er wird als Grund der Terminänderung festgehalten)."
)


def _file_error(message):
    return ImportResult([RowResult(1, "", RowOutcome.ERROR, errors=[message])])


def _read(text: str) -> list[_Row] | ImportResult:
    """The file's rows, each either ready for its form or already an error; a file that
    cannot be read as a whole is an `ImportResult` with the error."""
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
    rows = []
    try:
        for line, raw in enumerate(reader, start=2):
            if line > MAX_ROWS + 1:
                too_many = f"Mehr als {MAX_ROWS} Zeilen."
                rows.append(_Row(RowResult(line, "", RowOutcome.ERROR, errors=[too_many]), {}))
                break
            code = unescape_cell(raw.get("code") or "")
            row = _Row(RowResult(line, CONTROL_CHARACTER.sub("", code).strip()), raw)
            rows.append(row)
            if None in raw or any(value is None for value in raw.values()):
                row.result.errors.append("Die Zeile hat nicht so viele Spalten wie die Kopfzeile.")
                continue
            row.raw = {column: unescape_cell(value) for column, value in raw.items()}
            for column, value in row.raw.items():
                if CONTROL_CHARACTER.search(value):
                    row.result.errors.append(f"{column}: enthält ein unzulässiges Steuerzeichen.")
    except csv.Error:
        error = "Die Datei lässt sich ab hier nicht als CSV lesen (Anführungszeichen prüfen)."
        rows.append(_Row(RowResult(len(rows) + 2, "", errors=[error]), {}))
    for row in rows:
        if row.result.errors:
            row.result.outcome = RowOutcome.ERROR
    return rows


def _plan(rows: list[_Row], *, lock: bool) -> ImportResult:
    """Work out what each row does, without writing: read by its form, compared with the
    measure of its code (locked for the transaction if `lock`), checked by the model."""
    options = MeasureRowForm.options()
    seen = {}
    for row in rows:
        if row.result.errors:
            continue
        row.form = MeasureRowForm(row.raw, options=options)
        if not row.form.is_valid():
            row.result.errors.extend(row.form.error_lines())
            continue
        row.result.code = code = row.form.cleaned_data["code"]
        if code in seen:
            row.result.errors.append(f"code: „{code}“ steht schon in Zeile {seen[code]}.")
        seen.setdefault(code, row.result.line)
    measures = Measure.objects.filter(code__in=seen)
    if lock:
        list(measures.select_for_update().values_list("pk", flat=True))
    existing = {
        measure.code: measure
        for measure in measures.select_related("field_of_action", "lead_unit").prefetch_related(
            "goals", "tags", "dependencies"
        )
    }
    prerequisites = {
        code
        for row in rows
        if row.form is not None and row.form.is_valid()
        for code in row.form.cleaned_data["voraussetzungen"]
    }
    known = set(seen) | set(
        Measure.objects.filter(code__in=prerequisites).values_list("code", flat=True)
    )
    for row in rows:
        if not row.result.errors:
            _plan_row(row, existing.get(row.result.code), known)
        if row.result.errors:
            row.result.outcome = RowOutcome.ERROR
    return ImportResult([row.result for row in rows])


def _plan_row(row: _Row, existing: Measure | None, known: set):
    result, data = row.result, row.form.cleaned_data
    unknown = [code for code in data["voraussetzungen"] if code not in known]
    if unknown:
        result.errors.append("voraussetzungen: unbekannte Maßnahme " + ", ".join(unknown) + ".")
    if result.code in data["voraussetzungen"]:
        result.errors.append("voraussetzungen: eine Maßnahme kann nicht sich selbst voraussetzen.")
    if result.errors:
        return
    if existing is not None:
        old, new = measure_row(existing), row.form.text()
        result.changes = [
            Change(column, old[column], new[column])
            for column in COLUMNS
            if column != "code" and old[column] != new[column]
        ]
        if not result.changes:
            result.outcome = RowOutcome.UNCHANGED
            return
    measure = existing or Measure(code=result.code)
    for name, value in row.form.model_values().items():
        setattr(measure, name, value)
    try:
        measure.full_clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            label = next((c for c, f in COLUMNS.items() if f == name), name)
            result.errors.append(f"{label}: {' '.join(messages)}")
        return
    row.measure = measure
    result.outcome = RowOutcome.CHANGED if existing else RowOutcome.CREATED


def _stale_codes(expected: list, found: list) -> list[str]:
    if len(expected) != len(found):
        return sorted({row[1] for row in found})
    return [new[1] for old, new in zip(expected, found, strict=True) if old != new]


def _apply(rows: list[_Row], *, author, note: str):
    """Write the planned rows (inside the import's transaction)."""
    written = [row for row in rows if row.measure is not None]
    for row in written:
        try:
            _save(row, author=author, note=note)
        except ValidationError as error:
            row.result.errors.extend(error.messages)
            row.result.outcome = RowOutcome.ERROR
            raise ImportFailed from error
        except IntegrityError as error:
            # Someone created a measure of this code after the plan was made.
            row.result.errors.append(CREATED_MEANWHILE.format(code=row.result.code))
            row.result.outcome = RowOutcome.ERROR
            raise ImportFailed from error
    codes = {code for row in written for code in row.form.cleaned_data["voraussetzungen"]}
    by_code = Measure.objects.in_bulk(codes, field_name="code")
    for row in written:
        codes = row.form.cleaned_data["voraussetzungen"]
        row.measure.dependencies.set([by_code[code] for code in codes])


def _save(row: _Row, *, author, note: str):
    measure, data = row.measure, row.form.cleaned_data
    planned = measure.start_date, measure.end_date
    if row.result.outcome == RowOutcome.CHANGED:
        # Planned dates change only by change_schedule, which records a postponement.
        old = {change.column: change.old for change in row.result.changes}
        if "beginn" in old or "ende" in old:
            stored = Measure.objects.only("start_date", "end_date").get(pk=measure.pk)
            measure.start_date, measure.end_date = stored.start_date, stored.end_date
    if row.result.changes_stand:
        # The Stand changes only by a status update (measures/updates.py).
        stand = measure.status, measure.progress
        old = {change.column: change.old for change in row.result.changes}
        measure.status = old.get("status", measure.status)
        measure.progress = int(old.get("fortschritt", measure.progress))
        measure.save()
        record_status_update(
            measure=measure, status=stand[0], progress=stand[1], note=note, author=author
        )
    else:
        measure.save()
        if row.result.outcome == RowOutcome.CREATED:
            record_status_update(measure=measure, note="Maßnahme angelegt.", author=author)
    if planned != (measure.start_date, measure.end_date):
        change_schedule(
            measure=measure, start_date=planned[0], end_date=planned[1], reason=note, author=author
        )
    measure.goals.set(data["ziele"])
    measure.tags.set(data["schlagwoerter"])


class ImportForm(forms.Form):
    """An uploaded file, or the signed token of a file checked in a dry run and kept on the
    server with its plan (`PendingImport`)."""

    file = forms.FileField(label="CSV-Datei", required=False)
    pending = forms.CharField(widget=forms.HiddenInput, required=False)
    note = NormalizedCharField(
        label="Vermerk für geänderte Stände und Termine",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Pflicht, wenn Zeilen Status oder Fortschritt ändern oder geplante Termine "
        "verschieben: erscheint als Statusmeldung bzw. als Grund der Terminänderung genau "
        "dieser Maßnahmen.",
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
            data["content"] = read_upload(upload)
            data["pending"] = None
        elif data.get("pending"):
            data["content"] = data["pending"].content
        elif "pending" not in self.errors:
            raise ValidationError("Bitte eine CSV-Datei auswählen.")
        return data


def import_view(model_admin):
    """The admin page: upload, dry run with the plan per row, then the real import of the
    checked file, which waits on the server meanwhile (`PendingImport`) and is written
    only as planned."""

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
                    status = 409 if result.stale else 200
                else:
                    status = 400
            if result is not None and result.written:
                model_admin.message_user(
                    request,
                    "Import abgeschlossen: "
                    + ", ".join(
                        f"{result.count(outcome)} {outcome.label}"
                        for outcome in RowOutcome
                        if outcome != RowOutcome.ERROR
                    )
                    + ".",
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
    """Check or import the form's file. After a clean dry run the file is kept with its
    plan; the real import of a kept file writes only that plan."""
    data = form.cleaned_data
    content, pending, note = data["content"], data["pending"], data["note"]
    dry_run = data["dry_run"] and pending is None
    expected = pending.plan if pending is not None else None
    result = import_measures(
        content, dry_run=dry_run, author=request.user, note=note, expected_plan=expected
    )
    if result.written:
        if pending is not None:
            pending.delete()
        return result, form
    if pending is None:
        if not dry_run or result.errors:
            return result, form
        pending = PendingImport.keep(content, request.user, plan=result.plan())
    elif result.stale:
        pending.plan = result.plan()
        pending.save(update_fields=["plan"])
    initial = {"pending": pending.token(), "dry_run": False, "note": note}
    return result, ImportForm(initial=initial, user=request.user)


# A Kennzahl's values from CSV: one row a day, as its table on the Steckbrief shows them.
VALUE_COLUMNS = ("datum", "istwert", "sollwert")


class GermanNumberField(GermanAmountField):
    """A value of a Kennzahl as 31, 31.5 or German 1.234,5."""

    default_error_messages = {"invalid": "Zahl wie 31, 31.5 oder 1.234,5 erwartet."}

    def __init__(self, **kwargs):
        super().__init__(max_digits=14, **kwargs)


class IndicatorValueRowForm(forms.Form):
    datum = GermanDateField()
    istwert = GermanNumberField()
    sollwert = GermanNumberField()

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("datum") is None:
            raise ValidationError("Datum fehlt.")
        if not self.errors and data.get("istwert") is None and data.get("sollwert") is None:
            raise ValidationError("Istwert oder Sollwert fehlt.")
        return data


def read_indicator_values(
    text: str,
) -> tuple[list[tuple[str, datetime.date, decimal.Decimal]], list[str]]:
    """The values of a CSV with the columns `VALUE_COLUMNS` as (kind, date, value), and the
    errors of its rows in German ("Zeile 3: …"); with any error no values."""
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in VALUE_COLUMNS if column not in header]
    if missing:
        return [], [
            f"Es fehlen die Spalten {', '.join(missing)} (Kopfzeile: datum;istwert;sollwert)."
        ]
    values, errors = [], []
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            return [], [f"Die Datei hat mehr als {MAX_ROWS} Zeilen."]
        row = {
            (key or "").strip().lower(): unescape_cell((cell or "").strip())
            for key, cell in raw.items()
        }
        form = IndicatorValueRowForm(row)
        if not form.is_valid():
            for field_errors in form.errors.values():
                errors.extend(f"Zeile {line}: {message}" for message in field_errors)
            continue
        day = form.cleaned_data["datum"]
        for kind, column in (("ist", "istwert"), ("soll", "sollwert")):
            if form.cleaned_data[column] is not None:
                values.append((kind, day, form.cleaned_data[column]))
    return ([] if errors else values), errors


class IndicatorValuesUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV-Datei",
        error_messages={"required": "Bitte eine CSV-Datei auswählen."},
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            data["content"] = read_upload(upload)
        return data
