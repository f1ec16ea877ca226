"""The PDF publications: what each contains, and a cache keyed by the content version.

A publication is rendered at most once per content version and parameters; every change
to the content raises the version (strategy.signals), so the next request renders anew.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch
from django.utils import timezone

from iserlohn_digital.pdf import render_pdf
from strategy.models import ContentVersion, Goal, Principle, SubStrategy

from . import charts
from .models import ACTIVE_STATUSES, FieldOfAction, Measure, Status, StatusUpdate


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
STECKBRIEF = Publication(
    "steckbrief", "Maßnahmen-Steckbrief", "Eine Maßnahme.", "pdf/steckbrief.html"
)
LIST = Publication(
    "massnahmenliste", "Maßnahmenliste", "Die gefilterte Liste des Katalogs.", "pdf/liste.html"
)
PUBLICATIONS = [BROCHURE, STRATEGY, REPORT]


@dataclass(frozen=True)
class Rendered:
    content: bytes
    filename: str
    etag: str
    last_modified: datetime.datetime
    stand: datetime.date


def report_key(stichtag: datetime.date, seit: datetime.date) -> str:
    return f"{stichtag.isoformat()}|{seit.isoformat()}"


def stand_of(version: ContentVersion) -> datetime.date:
    """The "Stand" of the publications: the day the content last changed."""
    return timezone.localdate(version.changed_at)


def filename(publication: Publication, stand: datetime.date, suffix: str = "") -> str:
    return f"iserlohn-digital-{publication.slug}{suffix}-{stand.isoformat()}.pdf"


def etag_for(publication: Publication, version: ContentVersion, key: str = "") -> str:
    digest = hashlib.sha256(f"{publication.slug}|{key}|{version.number}".encode()).hexdigest()
    return f'"{digest[:32]}"'


def get_pdf(publication, context_factory, *, key="", suffix="", day=None, version=None) -> Rendered:
    """The publication's PDF for the current content, rendered only if not cached.

    The file name carries `day`, by default the Stand of the content.
    """
    version = version or ContentVersion.current()
    stand = stand_of(version)
    etag = etag_for(publication, version, key)
    cache_key = f"pdf:{etag.strip(chr(34))}"
    content = cache.get(cache_key)
    if content is None:
        context = context_factory() | {
            "publication": publication,
            "stand": stand,
            "site_url": settings.SITE_URL,
            "example_content": Measure.objects.published().filter(is_example=True).exists(),
        }
        content = render_pdf(publication.template, context)
        cache.set(cache_key, content)
    return Rendered(
        content, filename(publication, day or stand, suffix), etag, version.changed_at, stand
    )


def cached_size(publication, *, key="", version=None) -> int | None:
    """Size in bytes of the cached PDF of the current content, or None if not rendered."""
    version = version or ContentVersion.current()
    content = cache.get(f"pdf:{etag_for(publication, version, key).strip(chr(34))}")
    return None if content is None else len(content)


def _published_measures():
    return (
        Measure.objects.published()
        .select_related("field_of_action__substrategy", "lead_unit")
        .with_last_update()
        .order_by("code")
    )


def _substrategies(measures):
    """Teilstrategien with goals and Handlungsfelder, each field with its measures."""
    goals = Goal.objects.published()
    return SubStrategy.objects.prefetch_related(
        Prefetch("goals", goals.overarching().prefetch_related(
            Prefetch("children", goals), "principles"), to_attr="overarching_goals"),
        Prefetch("fields_of_action", FieldOfAction.objects.published().prefetch_related(
            Prefetch("measures", measures), "goals"), to_attr="published_fields"),
    )  # fmt: skip


def _status_summary(measures):
    counts = dict.fromkeys(Status, 0)
    for measure in measures:
        counts[Status(measure.status)] += 1
    rows = [(s.label, n, charts.STATUS_COLOURS[s]) for s, n in counts.items()]
    return rows, charts.hbar_chart(rows, title="Maßnahmen nach Status")


def _with_architecture(substrategies, principles):
    for substrategy in substrategies:
        substrategy.architecture_svg = charts.architecture_svg(
            substrategy, principles, substrategy.overarching_goals, substrategy.published_fields
        )
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
        "goals", "tags", "updates", "milestones", "indicators", "online_services",
        Prefetch("dependencies", Measure.objects.published()),
    )  # fmt: skip
    principles = list(Principle.objects.prefetch_related(
        Prefetch("goals", Goal.objects.published())))  # fmt: skip
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


@dataclass
class ReportLine:
    measure: Measure
    update: StatusUpdate | None  # the latest update on or before the Stichtag

    @property
    def status_label(self):
        return self.update.get_status_display() if self.update else "keine Meldung"

    @property
    def is_active(self):
        return self.update is None or self.update.status in ACTIVE_STATUSES


def report_context(stichtag: datetime.date, seit: datetime.date):
    """The council's Sachstandsbericht: status of every published measure as of the
    Stichtag, the updates after `seit` up to the Stichtag, and what is overdue or outdated
    on the Stichtag."""
    measures = list(_published_measures())
    updates = (
        StatusUpdate.objects.filter(measure__in=measures, date__lte=stichtag)
        .select_related("measure")
        .order_by("measure__code", "-date", "-recorded_at")
    )
    latest, changes = {}, []
    for update in updates:
        latest.setdefault(update.measure_id, update)
        if update.date > seit:
            changes.append(update)
    lines = [ReportLine(m, latest.get(m.pk)) for m in measures]
    cutoff = stichtag - datetime.timedelta(days=settings.STALE_AFTER_DAYS)
    return {
        "stichtag": stichtag,
        "seit": seit,
        "lines": lines,
        "changes": sorted(changes, key=lambda u: (u.date, u.measure.code)),
        "overdue": [
            line for line in lines
            if line.is_active and line.measure.end_date and line.measure.end_date < stichtag
        ],
        "outdated": [
            line for line in lines
            if line.is_active and (line.update is None or line.update.date < cutoff)
        ],
        "stale_days": settings.STALE_AFTER_DAYS,
    }  # fmt: skip


def steckbrief_measures():
    """Published measures with everything their Steckbrief shows."""
    return (
        Measure.objects.published()
        .select_related("field_of_action__substrategy", "lead_unit")
        .prefetch_related(
            "goals", "tags", "updates", "milestones", "indicators", "online_services",
            Prefetch("dependencies", Measure.objects.published()),
        )
    )  # fmt: skip


def steckbrief_options(measure) -> dict:
    """Cache key and file name part of a measure's Steckbrief."""
    return {"key": measure.code, "suffix": "-" + measure.code.lower().replace(".", "-")}


def steckbrief_context(measure):
    return {"measure": measure}


def list_context(measures, active_filters, search_term):
    return {
        "measures": list(measures),
        "active_filters": active_filters,
        "search_term": search_term,
    }
