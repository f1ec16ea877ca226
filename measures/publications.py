"""The PDF publications: what each contains and the one function that builds each.

Builds run in the task worker (measures/renders.py keeps the files and schedules them),
never in a visitor's request.
"""

import datetime
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.http import QueryDict
from django.utils import timezone

from iserlohn_digital.pdf import RenderBusy, render_pdf
from strategy.models import ContentVersion, Goal, Principle, SubStrategy

from . import asof, charts
from .models import (
    FieldOfAction,
    Measure,
    Postponement,
    Status,
    current_updates,
)
from .models.measures import chronological_postponements
from .models.status import is_overdue, is_stale


@dataclass(frozen=True)
class Publication:
    slug: str
    title: str
    description: str
    template: str


BROCHURE = Publication(
    "kurzbroschuere",
    "Kurzbroschüre",
    "Leitbild, Ziele, Architektur und alle Maßnahmen mit Status im Überblick.",
    "pdf/kurzbroschuere.html",
)
STRATEGY = Publication(
    "digitalisierungsstrategie",
    "Digitalisierungsstrategie",
    "Die vollständige Strategie mit dem Steckbrief jeder Maßnahme, Inhaltsverzeichnis und "
    "Schlagwortregister.",
    "pdf/strategie.html",
)
REPORT = Publication(
    "sachstandsbericht",
    "Sachstandsbericht",
    "Für den Ausschuss für Digitalisierung und Zukunft: der Stand jeder Maßnahme zu einem "
    "Stichtag, was sich seitdem geändert hat, überfällige und veraltete Maßnahmen.",
    "pdf/sachstandsbericht.html",
)
MEASURE_SHEET = Publication(
    "steckbrief", "Maßnahmen-Steckbrief", "Eine Maßnahme.", "pdf/steckbrief.html"
)
LIST = Publication(
    "massnahmenliste", "Maßnahmenliste", "Die gefilterte Liste des Katalogs.", "pdf/liste.html"
)


@dataclass(frozen=True)
class Rendered:
    """A built publication: its bytes, file name, ETag and date (the Stand of the content
    it shows), with the content version it was built from."""

    content: bytes
    filename: str
    etag: str
    stand: datetime.date
    version: int
    seconds: float = 0.0
    peak_mib: int | None = None


def report_key(as_of: datetime.date, since: datetime.date) -> str:
    return f"{as_of.isoformat()}|{since.isoformat()}"


def stand_of(version: ContentVersion) -> datetime.date:
    """The "Stand" of the publications: the day the content last changed."""
    return timezone.localdate(version.changed_at)


def filename(publication: Publication, stand: datetime.date, suffix: str = "") -> str:
    return f"iserlohn-digital-{publication.slug}{suffix}-{stand.isoformat()}.pdf"


def _full_context(publication, context, stand):
    return context | {
        "publication": publication,
        "stand": stand or timezone.localdate(),
        "site_url": settings.SITE_URL,
        "example_content": Measure.objects.published().filter(is_example=True).exists(),
    }


def _build(publication, context_factory, *, suffix="", day=None, progress=None) -> Rendered:
    """Renders the publication from the current content, in a child process of the
    caller with the memory limit of a render (iserlohn_digital.pdf)."""
    version = ContentVersion.current()
    stand = stand_of(version)
    stats = {}
    content = render_pdf(
        publication.template,
        _full_context(publication, context_factory(), stand),
        wait=True,
        isolated=True,
        progress=progress,
        stats=stats,
    )
    return Rendered(
        content,
        filename(publication, day or stand, suffix),
        f'"{hashlib.sha256(content).hexdigest()[:32]}"',
        stand,
        version.number,
        stats.get("seconds", 0.0),
        stats.get("peak_mib"),
    )


# One function per document. Each builds it from the current content and returns a
# Rendered; the task worker (measures/renders.py) and `write_publications` call them.


def brochure(progress=None) -> Rendered:
    return _build(BROCHURE, brochure_context, progress=progress)


def strategy(progress=None) -> Rendered:
    return _build(STRATEGY, strategy_context, progress=progress)


def report(as_of: datetime.date, since: datetime.date, progress=None) -> Rendered:
    return _build(REPORT, lambda: report_context(as_of, since), day=as_of, progress=progress)


def measure_sheet(measure, progress=None) -> Rendered:
    """The Steckbrief of a published measure (loaded with everything it shows)."""
    measure = measure_sheet_measures().get(pk=measure.pk)
    return _build(
        MEASURE_SHEET,
        lambda: measure_sheet_context(measure),
        suffix="-" + measure.code.lower().replace(".", "-"),
        progress=progress,
    )


def measure_list(filters: str, progress=None) -> Rendered:
    """The catalogue's list of published measures for `filters`, its query string."""
    from .forms import CatalogueForm

    form = CatalogueForm.for_request(QueryDict(filters))
    if form.errors:
        raise ValueError(f"Ungültige Filter: {filters}")
    measures = form.select(Measure.objects.published())
    return _build(
        LIST,
        lambda: list_context(measures, form.active_filters(), form.search_term),
        progress=progress,
    )


class RenderRefused(Exception):
    """A PDF cannot be rendered for this request now."""

    def __init__(self, status: int, retry_after: int, message: str):
        super().__init__(message)
        self.status, self.retry_after, self.message = status, retry_after, message


BUSY = (
    "Der Server erstellt gerade andere Dokumente. Bitte versuchen Sie es in einigen Sekunden "
    "noch einmal."
)


def render_preview(publication, context) -> bytes:
    """A PDF with drafts for one signed-in editor: rendered in a slot, never stored."""
    try:
        return render_pdf(publication.template, _full_context(publication, context, None))
    except RenderBusy as busy:
        raise RenderRefused(503, 15, BUSY) from busy


def _published_measures():
    return Measure.objects.published().listing().order_by("code")


def _substrategies(measures):
    """Teilstrategien with goals and Handlungsfelder, each field with its measures."""
    goals = Goal.objects.published()
    return SubStrategy.objects.prefetch_related(
        Prefetch(
            "goals",
            goals.overarching().prefetch_related(Prefetch("children", goals), "principles"),
            to_attr="overarching_goals",
        ),
        Prefetch(
            "fields_of_action",
            FieldOfAction.objects.published().prefetch_related(
                Prefetch("measures", measures), "goals"
            ),
            to_attr="published_fields",
        ),
    )


def _status_summary(measures):
    rows = charts.status_rows(Counter(Status(measure.status) for measure in measures))
    return rows, charts.hbar_chart(rows, title="Maßnahmen nach Status")


# A pillar of the printed Architektur shows fewer measures than the web page's: a row of
# three pillars cannot split over pages, and with twelve measures each it took a page of
# its own, leaving the Architektur's heading alone on the page before.
PDF_PILLAR_LIMIT = 8


def _with_architecture(substrategies, principles):
    """What the Architektur (strategy/includes/architecture.html, the same template as on
    the web page) needs: each field's first measures and their number."""
    for substrategy in substrategies:
        substrategy.pillar_limit = PDF_PILLAR_LIMIT
        for field in substrategy.published_fields:
            measures = list(field.measures.all())
            field.first_measures = measures[:PDF_PILLAR_LIMIT]
            field.measure_count = len(measures)
    return substrategies


def brochure_context():
    measures = list(_published_measures())
    principles = list(Principle.objects.prefetch_related("goals"))
    rows, chart = _status_summary(measures)
    return {
        "principles": principles,
        "substrategies": _with_architecture(
            list(_substrategies(_published_measures())), principles
        ),
        "status_rows": rows,
        "status_chart": chart,
        "total": len(measures),
        # A short brochure however many measures there are: so many per Handlungsfeld.
        "overview_limit": charts.PILLAR_LIMIT,
        "overview_slice": f":{charts.PILLAR_LIMIT}",
    }


def strategy_context():
    measures = _published_measures().prefetch_related(
        "goals",
        "tags",
        current_updates(),
        "milestones",
        "indicators",
        "online_services",
        "council_documents",
        chronological_postponements(),
        Prefetch("dependencies", Measure.objects.published()),
    )
    principles = list(
        Principle.objects.prefetch_related(Prefetch("goals", Goal.objects.published()))
    )
    all_measures = list(_published_measures().prefetch_related("tags"))
    rows, chart = _status_summary(all_measures)
    index = defaultdict(list)
    for measure in all_measures:
        for tag in measure.tags.all():
            index[tag.name].append(measure)
    return {
        "principles": principles,
        "substrategies": _with_architecture(list(_substrategies(measures)), principles),
        "status_rows": rows,
        "status_chart": chart,
        "total": len(all_measures),
        "tag_index": sorted(index.items(), key=lambda item: item[0].lower()),
    }


def report_context(as_of: datetime.date, since: datetime.date):
    """The council's Sachstandsbericht: every measure published on the day `as_of` (the
    Stichtag) with its title, dates, status, progress and Kennzahlen of that day
    (measures/asof.py), the updates and the postponements recorded after `since` up to
    that day, and what was overdue or stale on that day (by the rules of
    measures/models/status.py, with the end date planned then)."""
    lines = asof.measures_on(as_of)
    measures = {line.measure.pk: line.measure for line in lines}
    changes = [update for update in asof.updates_on(as_of, measures) if update.date > since]
    postponements = list(
        Postponement.objects.filter(measure__in=list(measures))
        .recorded_between(since, as_of)
        .order_by("recorded_at", "pk")
    )
    for postponement in postponements:
        postponement.measure = measures[postponement.measure_id]
    return {
        "as_of": as_of,
        "since": since,
        "lines": lines,
        "changes": sorted(changes, key=lambda u: (u.date, u.measure.code)),
        "postponements": sorted(postponements, key=lambda p: (p.recorded_at, p.measure.code)),
        "overdue": [
            line for line in lines if is_overdue(line.status, line.measure.end_date, as_of)
        ],
        "outdated": [line for line in lines if is_stale(line.status, line.last_seen, as_of)],
        "stale_days": settings.STALE_AFTER_DAYS,
        "indicator_lines": [line for line in lines if line.indicators],
        "produced_on": timezone.localdate(),
    }


def measure_sheet_measures():
    """Published measures with everything their Steckbrief shows."""
    return (
        Measure.objects.published()
        .select_related("field_of_action__substrategy", "lead_unit")
        .prefetch_related(
            "goals",
            "tags",
            current_updates(),
            "milestones",
            "indicators__values",
            "online_services",
            "council_documents",
            chronological_postponements(),
            Prefetch("dependencies", Measure.objects.published()),
        )
    )


def measure_sheet_context(measure):
    return {"measure": measure}


def list_context(measures, active_filters, search_term):
    return {
        "measures": list(measures),
        "active_filters": active_filters,
        "search_term": search_term,
    }
