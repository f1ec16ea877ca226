"""The PDF publications: what each contains, and a cache keyed by the content version.

A publication is rendered at most once per content version and parameters; every change
to the content raises the version (strategy.signals), so the next request renders anew.
"""

import datetime
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from iserlohn_digital import ratelimit
from iserlohn_digital.pagecache import content_cache_key
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
    content: bytes
    filename: str
    etag: str
    last_modified: datetime.datetime
    stand: datetime.date


def report_key(as_of: datetime.date, since: datetime.date) -> str:
    return f"{as_of.isoformat()}|{since.isoformat()}"


def stand_of(version: ContentVersion) -> datetime.date:
    """The "Stand" of the publications: the day the content last changed."""
    return timezone.localdate(version.changed_at)


def filename(publication: Publication, stand: datetime.date, suffix: str = "") -> str:
    return f"iserlohn-digital-{publication.slug}{suffix}-{stand.isoformat()}.pdf"


def _cache_key(publication: Publication, version: ContentVersion, key: str) -> str:
    return content_cache_key(
        "pdf", publication.slug, key, version=(version.number, version.changed_at)
    )


def etag_for(publication: Publication, version: ContentVersion, key: str = "") -> str:
    return f'"{hashlib.sha256(_cache_key(publication, version, key).encode()).hexdigest()[:32]}"'


class RenderRefused(Exception):
    """A PDF that is not cached cannot be rendered for this request now."""

    def __init__(self, status: int, retry_after: int, message: str):
        super().__init__(message)
        self.status, self.retry_after, self.message = status, retry_after, message


BUSY = (
    "Der Server erstellt gerade andere Dokumente. Bitte versuchen Sie es in einigen Sekunden "
    "noch einmal."
)


def _full_context(publication, context, stand):
    return context | {
        "publication": publication,
        "stand": stand or timezone.localdate(),
        "site_url": settings.SITE_URL,
        "example_content": Measure.objects.published().filter(is_example=True).exists(),
    }


# A render that has not finished by then (the full strategy takes about half a minute)
# no longer keeps others from rendering the same document.
RENDER_LOCK_SECONDS = 120


def get_pdf(
    publication,
    context_factory,
    *,
    key="",
    suffix="",
    day=None,
    version=None,
    client=None,
    wait=False,
) -> Rendered:
    """The publication's PDF for the current content, rendered only if not cached.

    A render is bounded three ways: requests for a document that is being rendered do not
    render it again (RenderRefused 503 until it is done); the server renders at most
    PDF_RENDER_SLOTS documents at once (503); and `client`, an anonymous visitor's
    address, may cause at most PDF_RENDERS_PER_CLIENT renders in PDF_RENDER_WINDOW (429).
    Commands pass `wait=True` to wait for a free slot instead. The file name carries
    `day`, by default the Stand of the content.
    """
    version = version or ContentVersion.current()
    stand = stand_of(version)
    cache_key = _cache_key(publication, version, key)
    content = cache.get(cache_key)
    if content is None:
        content = _render_once(publication, context_factory, cache_key, stand, client, wait)
    return Rendered(
        content,
        filename(publication, day or stand, suffix),
        etag_for(publication, version, key),
        version.changed_at,
        stand,
    )


def _render_once(publication, context_factory, cache_key, stand, client, wait) -> bytes:
    lock = f"{cache_key}:wird-erstellt"
    # A cache that is away holds no lock: then render, within the slots.
    if not cache.add(lock, 1, RENDER_LOCK_SECONDS) and cache.get(lock) is not None:
        raise RenderRefused(
            503,
            10,
            "Dieses Dokument wird gerade erstellt. Bitte versuchen Sie es in "
            "einigen Sekunden noch einmal.",
        )
    try:
        if client is not None:
            verdict = ratelimit.hit(
                "pdf",
                client,
                limit=settings.PDF_RENDERS_PER_CLIENT,
                window=settings.PDF_RENDER_WINDOW,
            )
            if not verdict.allowed:
                raise RenderRefused(
                    429,
                    verdict.retry_after,
                    "Von Ihrem Anschluss wurden in kurzer Zeit viele "
                    "neue Dokumente angefordert. Bitte versuchen Sie es später noch einmal; "
                    "die Kurzbroschüre und die übrigen Dokumente der Downloads-Seite stehen "
                    "meist sofort bereit.",
                )
        context = _full_context(publication, context_factory(), stand)
        try:
            content = render_pdf(publication.template, context, wait=wait)
        except RenderBusy as busy:
            raise RenderRefused(503, 15, BUSY) from busy
        cache.set(cache_key, content, settings.PDF_CACHE_TIMEOUT)
        return content
    finally:
        cache.delete(lock)


def render_preview(publication, context) -> bytes:
    """A PDF with drafts for one signed-in editor: rendered in a slot, never cached."""
    try:
        return render_pdf(publication.template, _full_context(publication, context, None))
    except RenderBusy as busy:
        raise RenderRefused(503, 15, BUSY) from busy


def cached_size(publication, *, key="", version=None) -> int | None:
    """Size in bytes of the cached PDF of the current content, or None if not rendered."""
    version = version or ContentVersion.current()
    content = cache.get(_cache_key(publication, version, key))
    return None if content is None else len(content)


def download_items(today: datetime.date, since: datetime.date) -> list[dict]:
    """The downloads page's entries: each publication with its address, file name, Stand
    and, if already rendered for the current content, its size."""
    version = ContentVersion.current()
    stand = stand_of(version)
    report_url = reverse("measures:report-pdf")
    entries = [
        (BROCHURE, reverse("measures:brochure-pdf"), "", None),
        (STRATEGY, reverse("measures:strategy-pdf"), "", None),
        (REPORT, f"{report_url}?stichtag={today}&seit={since}", report_key(today, since), today),
    ]
    return [
        {
            "publication": publication,
            "url": url,
            "filename": filename(publication, day or stand),
            "size": cached_size(publication, key=key, version=version),
            "stand": stand,
        }
        for publication, url, key, day in entries
    ]


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
            "indicators",
            "online_services",
            "council_documents",
            chronological_postponements(),
            Prefetch("dependencies", Measure.objects.published()),
        )
    )


def measure_sheet_options(measure) -> dict:
    """Cache key and file name part of a measure's Steckbrief."""
    return {"key": measure.code, "suffix": "-" + measure.code.lower().replace(".", "-")}


def measure_sheet_context(measure):
    return {"measure": measure}


def list_context(measures, active_filters, search_term):
    return {
        "measures": list(measures),
        "active_filters": active_filters,
        "search_term": search_term,
    }
