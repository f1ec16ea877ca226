"""The public record of a measure: what the catalogue CSV, the open data (CSV and JSON) and
the API publish about a measure, defined once.

Every field of `MeasureRecord` has three names: the attribute is the API's English key,
its `serialization_alias` the German key of the open data (CSV column, JSON key) and its
`title` the German column heading of the catalogue CSV; its `description` explains it on
the open-data page and in the OpenAPI document. Where the API and the open data always
meant different things by a name (status value or label, slug or name of Teilstrategie
and Handlungsfeld, priority value or label), the record carries both facts as fields of
their own, so every existing key keeps its meaning.

In a CSV, lists are joined with "; " and each nested record is one readable text (see
`as_text` of the nested records); numbers are written with a decimal point, dates as
JJJJ-MM-TT, yes/no as "ja"/"nein". Every cell goes through `escape_cell`.
"""

import csv
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal, get_args, get_origin

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Schema
from pydantic import PlainSerializer

from .csv_io import LIST_SEPARATOR, NO, YES, csv_attachment, escape_cell
from .models import Measure, OnlineService


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# A decimal of the database; a number (not a string) in JSON.
Number = Annotated[Decimal, PlainSerializer(_json_number, return_type=float)]


def number_text(value: Decimal) -> str:
    """The number as CSV text, without trailing zeros: 12.50 → "12.5", 100.00 → "100"."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _field(key: str, heading: str, description: str, **kwargs):
    """A field of a record: English attribute, German `key` (open data), German `heading`
    (catalogue CSV) and a short German `description`."""
    return Field(serialization_alias=key, title=heading, description=description, **kwargs)


@dataclass(frozen=True)
class Column:
    """One field of a record as the open-data page lists it."""

    name: str  # English key of the API
    key: str  # German key of the open data
    heading: str  # heading of the catalogue CSV
    description: str
    parts: tuple = ()  # the fields of a nested record


class Record(Schema):
    """A public record: English attributes, German aliases, headings and descriptions."""

    @classmethod
    def columns(cls) -> list[Column]:
        columns = []
        for name, info in cls.model_fields.items():
            nested = _nested(info.annotation)
            parts = tuple(nested.columns()) if nested else ()
            columns.append(
                Column(name, info.serialization_alias, info.title, info.description, parts)
            )
        return columns


def _nested(annotation):
    """The record class of a list of nested records, if `annotation` is one."""
    if get_origin(annotation) is list:
        [item] = get_args(annotation)
        if isinstance(item, type) and issubclass(item, Record):
            return item
    return None


class IndicatorValueRecord(Record):
    """A dated value of a Kennzahl: a measured one (Zeitreihe) or a planned one (Zielpfad)."""

    date: datetime.date = _field("datum", "Datum", "Tag des Werts")
    value: Number = _field("wert", "Wert", "der Wert an diesem Tag")

    def as_text(self) -> str:
        return f"{self.date.isoformat()}: {number_text(self.value)}"


class IndicatorRecord(Record):
    """A Kennzahl of the measure. CSV: "Name: Ausgangswert → Zielwert Einheit (aktuell
    Wert am Datum; Zeitreihe Datum: Wert, …; Zielpfad Datum: Wert, …)"."""

    name: str = _field("name", "Kennzahl", "Bezeichnung der Kennzahl")
    unit: str = _field(
        "einheit",
        "Einheit",
        "was gezählt wird, in der Mehrzahl („Schulen“), oder eine Maßeinheit („%“, „Euro“)",
    )
    baseline: Number = _field("ausgangswert", "Ausgangswert", "Wert zu Beginn der Maßnahme")
    target: Number = _field("zielwert", "Zielwert", "Wert, bei dem die Maßnahme als umgesetzt gilt")
    current: Number | None = _field(
        "aktueller_wert", "aktueller Wert", "zuletzt gemessener Wert; leer, wenn noch keiner"
    )
    as_of: datetime.date | None = _field("stand", "Stand", "Datum des aktuellen Werts")
    series: list[IndicatorValueRecord] = _field(
        "zeitreihe",
        "Zeitreihe",
        "gemessene Werte nach Datum; der jüngste ist der aktuelle Wert",
    )
    path: list[IndicatorValueRecord] = _field(
        "zielpfad", "Zielpfad", "Sollwerte: welcher Wert bis zu welchem Tag erreicht sein soll"
    )

    def as_text(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        text = f"{self.name}: {number_text(self.baseline)} → {number_text(self.target)}{unit}"
        details = []
        if self.current is not None:
            day = f" am {self.as_of.isoformat()}" if self.as_of else ""
            details.append(f"aktuell {number_text(self.current)}{day}")
        for label, values in (("Zeitreihe", self.series), ("Zielpfad", self.path)):
            if values:
                details.append(f"{label} " + ", ".join(value.as_text() for value in values))
        return text + (f" ({'; '.join(details)})" if details else "")

    @staticmethod
    def resolve_series(obj):
        return obj.actual_values

    @staticmethod
    def resolve_path(obj):
        return obj.planned_values


class MilestoneRecord(Record):
    """A milestone of the measure. CSV: "Termin Titel (erreicht Datum)"."""

    title: str = _field("titel", "Meilenstein", "Bezeichnung des Meilensteins")
    due_date: datetime.date = _field("termin", "geplant für", "geplanter Termin")
    reached_on: datetime.date | None = _field(
        "erreicht_am", "erreicht am", "Datum, an dem er erreicht wurde; leer, wenn noch offen"
    )

    def as_text(self) -> str:
        reached = f" (erreicht {self.reached_on.isoformat()})" if self.reached_on else ""
        return f"{self.due_date.isoformat()} {self.title}{reached}"


class OnlineServiceRecord(Record):
    """An online service (OZG) the measure brings online. CSV: "Name (Reifegrad n) Adresse"."""

    name: str = _field("name", "Verwaltungsleistung", "Name der Verwaltungsleistung")
    maturity: int = _field(
        "reifegrad",
        "Reifegrad",
        "Reifegrad nach OZG, 0 (nicht online) bis 4 (Once Only)",
        ge=0,
        le=4,
    )
    maturity_label: str = _field(
        "reifegrad_bezeichnung", "Reifegrad (Bezeichnung)", "Reifegrad in Worten"
    )
    url: str = _field("url", "Adresse", "Adresse des Dienstes; leer, wenn noch keine")

    @staticmethod
    def resolve_maturity_label(obj):
        return obj.get_maturity_display()

    def as_text(self) -> str:
        url = f" {self.url}" if self.url else ""
        return f"{self.name} (Reifegrad {self.maturity}){url}"


class MeasureRecord(Record):
    """The public record of a measure.

    The fields the open data had before come first, in their order; fields added later
    follow, so the columns of existing CSV readers keep their place."""

    code: str = _field("code", "Code", "Kennung der Maßnahme, z. B. „SC-2.3“")
    title: str = _field("titel", "Titel", "Titel der Maßnahme")
    substrategy_name: str = _field("teilstrategie", "Teilstrategie", "Name der Teilstrategie")
    field_of_action_name: str = _field("handlungsfeld", "Handlungsfeld", "Name des Handlungsfelds")
    goals: list[str] = _field("ziele", "Ziele", "Codes der Ziele, zu denen die Maßnahme beiträgt")
    status_label: str = _field("status", "Status", "Status in Worten, z. B. „in Umsetzung“")
    progress: int = _field("fortschritt", "Fortschritt (%)", "Fortschritt in Prozent, 0 bis 100")
    priority_label: str = _field("prioritaet", "Priorität", "Priorität: hoch, mittel oder niedrig")
    start_date: datetime.date | None = _field("beginn", "Beginn", "geplanter Beginn")
    end_date: datetime.date | None = _field("ende", "Ende", "geplantes Ende")
    lead_unit: str = _field(
        "federfuehrung", "Federführung", "federführende Organisationseinheit der Verwaltung"
    )
    tags: list[str] = _field("schlagwoerter", "Schlagwörter", "Schlagwörter")
    last_update: datetime.date | None = _field(
        "letzte_meldung", "Stand", "Datum der letzten Statusmeldung"
    )
    url: str = _field("url", "Adresse", "Adresse der Seite der Maßnahme auf dieser Website")
    example: bool = _field(
        "beispiel", "Beispielinhalt", "Veranschaulichung, kein beschlossener Inhalt (ja/nein)"
    )
    summary: str = _field("kurzbeschreibung", "Kurzbeschreibung", "Kurzbeschreibung")
    status: str = _field(
        "status_wert",
        "Status (Wert)",
        "Status als Wert, wie ihn Filter und API verwenden, z. B. „umsetzung“",
    )
    priority: str = _field("prioritaet_wert", "Priorität (Wert)", "Priorität als Wert")
    substrategy: str = _field(
        "teilstrategie_kurzname",
        "Teilstrategie (Kurzname)",
        "Kurzname der Teilstrategie, z. B. „smart-city“",
    )
    field_of_action: str = _field(
        "handlungsfeld_kurzname", "Handlungsfeld (Kurzname)", "Kurzname des Handlungsfelds"
    )
    budget: Number | None = _field(
        "budget", "Budget (EUR)", "geplantes Budget in Euro; leer, wenn nicht angegeben"
    )
    partners: list[str] = _field("beteiligte", "Beteiligte", "weitere Beteiligte")
    indicators: list[IndicatorRecord] = _field(
        "kennzahlen", "Kennzahlen", "Kennzahlen, an denen die Umsetzung gemessen wird"
    )
    milestones: list[MilestoneRecord] = _field(
        "meilensteine", "Meilensteine", "Meilensteine nach Termin"
    )
    online_services: list[OnlineServiceRecord] = _field(
        "online_dienste",
        "Online-Dienste",
        "Verwaltungsleistungen, die die Maßnahme online bringt, mit Reifegrad",
    )
    offer_url: str = _field(
        "adresse_des_angebots",
        "Adresse des Angebots",
        "Adresse, unter der man die Maßnahme selbst online nutzt (etwa ein Portal), solange "
        "sie in Umsetzung oder abgeschlossen ist; leer, wenn es keine gibt",
    )

    @staticmethod
    def resolve_substrategy_name(obj):
        return obj.field_of_action.substrategy.name

    @staticmethod
    def resolve_field_of_action_name(obj):
        return obj.field_of_action.name

    @staticmethod
    def resolve_goals(obj):
        return sorted(goal.code for goal in obj.goals.all() if goal.is_published)

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_priority_label(obj):
        return obj.get_priority_display()

    @staticmethod
    def resolve_lead_unit(obj):
        return obj.lead_unit.name

    @staticmethod
    def resolve_tags(obj):
        return sorted(tag.name for tag in obj.tags.all())

    @staticmethod
    def resolve_url(obj):
        return obj.get_full_url()

    @staticmethod
    def resolve_example(obj):
        return obj.is_example

    @staticmethod
    def resolve_substrategy(obj):
        return obj.field_of_action.substrategy.slug

    @staticmethod
    def resolve_field_of_action(obj):
        return obj.field_of_action.slug

    @staticmethod
    def resolve_partners(obj):
        return obj.partner_list

    @staticmethod
    def resolve_indicators(obj):
        return list(obj.indicators.all())

    @staticmethod
    def resolve_milestones(obj):
        return list(obj.milestones.all())

    @staticmethod
    def resolve_online_services(obj):
        return list(obj.online_services.all())

    @staticmethod
    def resolve_offer_url(obj):
        return obj.offer_link


class ServiceRecord(Record):
    """An online service as the open data of /online-dienste/ publish it: the published
    services (those of published measures)."""

    slug: str = _field("kurzname", "Kurzname", "Kennung des Dienstes, z. B. „gewerbe-anmelden“")
    name: str = _field("name", "Verwaltungsleistung", "Name der Verwaltungsleistung")
    leika_key: str = _field(
        "leika_schluessel", "LeiKa-Schlüssel", "Leistungsschlüssel nach LeiKa; leer, wenn unbekannt"
    )
    maturity: int = _field(
        "reifegrad",
        "Reifegrad",
        "Reifegrad nach OZG, 0 (nicht online) bis 4 (Once Only)",
        ge=0,
        le=4,
    )
    maturity_title: str = _field(
        "reifegrad_in_worten", "Reifegrad in Worten", "Reifegrad in verständlichen Worten"
    )
    maturity_explanation: str = _field(
        "reifegrad_erklaerung", "Was der Reifegrad bedeutet", "was der Reifegrad für Nutzende heißt"
    )
    url: str = _field("adresse", "Adresse", "Adresse des Dienstes; leer, wenn noch keine")
    life_situations: list[str] = _field(
        "lebenslagen", "Lebenslagen", "Lebenslagen, in denen man den Dienst braucht"
    )
    measure_code: str = _field(
        "massnahme", "Maßnahme", "Code der Maßnahme, die den Dienst online bringt; leer, wenn keine"
    )
    measure_url: str = _field(
        "massnahme_url", "Maßnahme (Adresse)", "Adresse der Seite dieser Maßnahme; leer, wenn keine"
    )
    example: bool = _field(
        "beispiel", "Beispielinhalt", "Veranschaulichung, kein tatsächlicher Dienst (ja/nein)"
    )

    @staticmethod
    def resolve_life_situations(obj):
        return [situation.name for situation in obj.life_situations.all()]

    @staticmethod
    def resolve_measure_code(obj):
        return obj.measure.code if obj.measure else ""

    @staticmethod
    def resolve_measure_url(obj):
        return obj.measure.get_full_url() if obj.measure else ""

    @staticmethod
    def resolve_example(obj):
        return obj.is_example


def service_records() -> list[ServiceRecord]:
    """The records of the published online services, by name, in two queries."""
    services = (
        OnlineService.objects.published()
        .select_related("measure")
        .prefetch_related("life_situations")
        .order_by("name", "pk")
    )
    return [ServiceRecord.from_orm(service) for service in services]


def for_records(measures: QuerySet | None = None) -> QuerySet:
    """`measures` (by default the published ones, by code) with everything their records
    need, read in a fixed number of queries however many measures there are. The order
    of `measures` is kept."""
    if measures is None:
        measures = Measure.objects.published().order_by("code")
    return measures.select_related("field_of_action__substrategy", "lead_unit").prefetch_related(
        "goals", "tags", "indicators__values", "milestones", "online_services"
    )


def records(measures=None) -> list[MeasureRecord]:
    """The records of `measures`: a queryset (read by `for_records`; by default the
    published measures) or measures read by `for_records` already."""
    if measures is None or isinstance(measures, QuerySet):
        measures = for_records(measures)
    return [MeasureRecord.from_orm(measure) for measure in measures]


def cell_text(value) -> str:
    """A value of a record as the text of a CSV cell (before `escape_cell`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, list):
        return LIST_SEPARATOR.join(cell_text(item) for item in value)
    if isinstance(value, Record):
        return value.as_text()
    return str(value)


def csv_response(
    records_or_measures, *, filename: str, header: Literal["key", "title"] = "key"
) -> HttpResponse:
    """The records as a CSV download: one column per field of `MeasureRecord`, headed by
    its German key (open data) or its heading (catalogue); UTF-8 with BOM, CRLF.

    Takes records, measures or a queryset of measures (read by `for_records`)."""
    if isinstance(records_or_measures, QuerySet):
        records_or_measures = for_records(records_or_measures)
    return records_csv(records_or_measures, MeasureRecord, filename=filename, header=header)


def records_csv(
    items, record_class: type[Record], *, filename: str, header: Literal["key", "title"] = "key"
) -> HttpResponse:
    """`items` (records of `record_class`, or objects it reads) as a CSV download, one
    column per field, headed by its German key or its heading; UTF-8 with BOM, CRLF."""
    fields = record_class.model_fields
    response = csv_attachment(filename)
    writer = csv.writer(response, lineterminator="\r\n")
    if header not in ("key", "title"):
        raise ValueError(f"header is 'key' or 'title', not {header!r}")
    attribute = "serialization_alias" if header == "key" else "title"
    writer.writerow([getattr(info, attribute) for info in fields.values()])
    for item in items:
        record = item if isinstance(item, record_class) else record_class.from_orm(item)
        writer.writerow([escape_cell(cell_text(getattr(record, name))) for name in fields])
    return response


def catalogue_csv(measures: QuerySet) -> HttpResponse:
    """The catalogue's CSV download of `measures` (filtered and sorted by the catalogue),
    in their order, with the German headings."""
    day = timezone.localdate().isoformat()
    filename = f"iserlohn-digital-massnahmen-{day}.csv"
    return csv_response(measures, filename=filename, header="title")
