import hashlib

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from iserlohn_digital.clientip import client_ip
from iserlohn_digital.framing import embeddable
from iserlohn_digital.roles import sees_drafts
from strategy.models import ContentVersion

from . import changes, charts, online_services, publications, renders, series
from . import dashboard as dashboard_figures
from .forms import CatalogueForm, ReportForm, quarter_ends
from .models import (
    FieldOfAction,
    Indicator,
    Measure,
    OnlineService,
    Postponement,
    PublicationFile,
    StatusUpdate,
    Tag,
)
from .models.measures import published_measures
from .records import catalogue_csv


@require_safe
def field_list(request):
    fields = FieldOfAction.objects.visible_to(request.user).select_related("substrategy")
    return render(request, "measures/fieldofaction_list.html", {"fields": fields.with_progress()})


@require_safe
def field_detail(request, slug):
    field = get_object_or_404(
        FieldOfAction.objects.visible_to(request.user).select_related("substrategy"), slug=slug
    )
    measures = Measure.objects.visible_to(request.user).in_field(field).listing()
    return render(
        request,
        "measures/fieldofaction_detail.html",
        {"field": field, "goals": field.goals.visible_to(request.user), "measures": measures},
    )


@require_safe
def measure_list(request):
    form = CatalogueForm.for_request(request.GET)
    page = form.page(Measure.objects.visible_to(request.user))
    return render(
        request,
        "measures/measure_list.html",
        {
            "form": form,
            "page": page,
            "measures": page.object_list,
            "notices": form.notices(page),
            "query": form.query(),
            "chips": form.removable_filters(),
            "filter_count": len(form.active_filters()),
            "search_term": form.search_term,
            "highlight_terms": form.parsed_query.highlight_terms(),
            "expansions": form.parsed_query.expansions(),
        },
    )


@require_safe
def measure_csv(request):
    form = CatalogueForm.for_request(request.GET)
    return catalogue_csv(form.select(Measure.objects.visible_to(request.user)))


@require_safe
def measure_detail(request, code):
    measure = get_object_or_404(
        Measure.objects.visible_to(request.user).with_details(request.user), code=code
    )
    return render(
        request,
        "measures/measure_detail.html",
        {
            "measure": measure,
            "related": Measure.objects.published().related_to(measure),
            "stale_months": round(settings.STALE_AFTER_DAYS / 30.4),
        },
    )


@require_safe
def tag_list(request):
    published = published_measures("tagged_measures__content_object__")
    tags = Tag.objects.annotate(count=Count("tagged_measures", filter=published))
    return render(
        request, "measures/tag_list.html", {"tags": Tag.in_german_order(tags.filter(count__gt=0))}
    )


@require_safe
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    measures = Measure.objects.visible_to(request.user).tagged(tag).listing().order_by("code")
    return render(request, "measures/tag_detail.html", {"tag": tag, "measures": measures})


# The dashboard's roadmap and lists show at most this many measures each.
DASHBOARD_LIMIT = LIMIT = 30


@require_safe
def dashboard(request):
    today = timezone.localdate()
    first, last = charts.roadmap_span(today)
    counts = dashboard_figures.figures(today, first, last)
    shown = dashboard_figures.lists(today, first, last, LIMIT)
    behind = series.behind_plan(
        Indicator.objects.published().with_path().order_by("measure__code", "pk")
    )
    figures = counts["figures"]
    return render(
        request,
        "measures/dashboard.html",
        {
            "total": sum(counts["status_counts"].values()),
            **charts.dashboard_charts(
                counts["status_counts"], counts["fields"], shown["roadmap"], first, last
            ),
            "fields": counts["fields"],
            "substrategies": counts["substrategies"],
            "figures": figures,
            "running_count": figures["running"],
            "overdue": shown["overdue"],
            "overdue_count": figures["overdue"],
            "stale": shown["stale"],
            "stale_count": counts["stale_count"],
            "stale_days": settings.STALE_AFTER_DAYS,
            "limit": LIMIT,
            "recent": StatusUpdate.objects.published().current().newest()[:10],
            "postponed": Postponement.objects.published().newest()[:10],
            "behind": behind,
        },
    )


@require_safe
@embeddable
def measure_embed(request, code):
    measure = get_object_or_404(Measure.objects.published().listing(), code=code)
    return render(request, "measures/measure_embed.html", {"measure": measure})


@require_safe
@embeddable
def field_embed(request, slug):
    field = get_object_or_404(
        FieldOfAction.objects.published().select_related("substrategy"), slug=slug
    )
    measures = Measure.objects.published().in_field(field)
    return render(
        request, "measures/fieldofaction_embed.html", {"field": field, **_overview(measures)}
    )


@require_safe
@embeddable
def dashboard_embed(request):
    return render(request, "measures/dashboard_embed.html", _overview(Measure.objects.published()))


def _overview(measures) -> dict:
    """What a status card of many measures shows: the headline figures, how many have
    each status (of the statuses any has) and the day of the latest status update."""
    counts = measures.count_by_status()
    return {
        "figures": measures.figures(),
        "total": sum(counts.values()),
        "status_counts": [(status, count) for status, count in counts.items() if count],
        "last_update": measures.latest_update_date(),
    }


@require_safe
def changes_page(request):
    """Everything that changed in published measures since a day, grouped by day."""
    form = changes.ChangesForm(request.GET)
    if not form.is_valid():
        return render(request, "measures/changes.html", {"form": form}, status=400)
    entries, truncated = changes.changes_since(form.since)
    return render(
        request,
        "measures/changes.html",
        {
            "form": form,
            "since": form.since,
            "changes": entries,
            "truncated": truncated,
            "limit": changes.LIMIT,
        },
    )


@require_safe
def online_service_list(request):
    """All online services, by Lebenslage or (?nach=massnahme) by measure."""
    form = online_services.GroupingForm(request.GET)
    if not form.is_valid():
        return render(request, "measures/onlineservice_list.html", {"form": form}, status=400)
    services = list(online_services.visible_services(request.user))
    if form.grouping == online_services.BY_MEASURE:
        groups = online_services.by_measure(services)
    else:
        groups = online_services.by_life_situation(services)
    return render(
        request,
        "measures/onlineservice_list.html",
        {
            "form": form,
            "grouping": form.grouping,
            "show_measure": form.grouping == online_services.BY_LIFE_SITUATION,
            "groups": groups,
            "count": len(services),
            "has_examples": any(service.is_example for service in services),
            "scale": OnlineService.scale(),
        },
    )


@require_safe
def downloads(request):
    """The publications with the size, Stand and name of their stored files: the page
    never renders a PDF."""
    today = timezone.localdate()
    since = ReportForm.default_since(today)
    response = render(
        request,
        "measures/downloads.html",
        {
            "items": renders.downloads(today),
            "report_form": ReportForm(initial={"stichtag": today, "seit": since}),
            "today": today,
            "quarter_ends": quarter_ends(today),
        },
    )
    # New files appear as the worker renders them, without a change of content: not for
    # the page cache or shared caches.
    patch_cache_control(response, private=True, no_cache=True)
    return response


# PDF publications ---------------------------------------------------------------------


def _serve_publication(request, kind, key="", params=None):
    """The stored file of the document, at once, even while a newer one is being rendered
    (which a request after a change asks for); 304 to a matching conditional request. A
    document that has no file yet is rendered by the worker: the visitor gets it if it is
    ready within PUBLICATION_WAIT seconds, else a page that reloads itself."""
    document = renders.stored(kind, key)
    version = ContentVersion.number_and_time()[0]
    today = timezone.localdate()
    if document is None or not document.has_file:
        # Staff are not counted against a client's budget (their address is the city's).
        client = None if sees_drafts(request.user) else client_ip(request)
        try:
            document = renders.request_render(kind, key, params, client=client)
        except publications.RenderRefused as refused:
            return _try_again_later(request, refused.status, refused.retry_after, refused.message)
        document = renders.wait_for_file(document, settings.PUBLICATION_WAIT)
        if not document.has_file:
            return _being_rendered(request, document)
    elif not renders.is_current(document, version, today):
        # Renewed with the delay of a change: edits close together cause one render.
        renders.request_render(kind, key, params, delay=settings.PUBLICATION_DEBOUNCE)
    else:
        renders.mark_requested(document)
    last_modified = int(document.rendered_at.timestamp())
    not_modified = get_conditional_response(
        request, etag=document.etag, last_modified=last_modified
    )
    if not_modified is not None:
        return not_modified
    response = FileResponse(document.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.filename}"'
    response["Content-Length"] = str(document.size)
    response["ETag"] = document.etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


def _being_rendered(request, document):
    failed = document.state == document.State.FAILED
    retry_after = 15 if failed else 3
    response = render(
        request,
        "measures/pdf_later.html",
        {"failed": failed, "retry_after": retry_after, "document": document},
        status=503 if failed else 202,
    )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    # An answer the portal gives on purpose, not a server error: no error log entry.
    response._has_been_logged = True
    return response


def _try_again_later(request, status, retry_after, message):
    response = render(
        request,
        "measures/pdf_later.html",
        {"message": message, "retry_after": retry_after},
        status=status,
    )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    # An answer the portal gives on purpose, not a server error: no error log entry (the
    # access log has the request).
    response._has_been_logged = True
    return response


Kind = PublicationFile.Kind


@require_safe
def brochure_pdf(request):
    return _serve_publication(request, Kind.BROCHURE)


@require_safe
def strategy_pdf(request):
    return _serve_publication(request, Kind.STRATEGY)


@require_safe
def report_pdf(request):
    """The current Sachstandsbericht without parameters (or with today's); a report for
    another Stichtag or start is a document of its own."""
    form = ReportForm(request.GET)
    if not form.is_valid():
        return render(request, "measures/report_error.html", {"form": form}, status=400)
    as_of, since = form.cleaned_data["stichtag"], form.cleaned_data["seit"]
    if (as_of, since) == renders.current_report_period(timezone.localdate()):
        return _serve_publication(request, Kind.REPORT)
    return _serve_publication(
        request,
        Kind.REPORT,
        publications.report_key(as_of, since),
        {"stichtag": as_of.isoformat(), "seit": since.isoformat()},
    )


@require_safe
def measure_pdf(request, code):
    measure = get_object_or_404(Measure.objects.published().only("code"), code=code)
    return _serve_publication(request, Kind.MEASURE_SHEET, measure.code, {"code": measure.code})


# A list PDF of more measures than this is refused with a pointer to the CSV file, which
# holds any number of them at no cost.
LIST_PDF_LIMIT = 150


def _list_pdf(request, measures):
    """For the catalogue's list PDF of `measures`: a 400 answer if the parameters are
    invalid or the list too long for a PDF, else None with the function that builds the
    PDF's context and the key of its parameters."""
    form = CatalogueForm.for_request(request.GET)
    if form.errors:
        refusal = render(request, "measures/report_error.html", {"form": form}, status=400)
        return refusal, None, ""
    query = form.query()
    measures = form.select(measures)
    count = measures.count()
    if count > LIST_PDF_LIMIT:
        refusal = render(
            request,
            "measures/list_pdf_too_long.html",
            {"count": count, "limit": LIST_PDF_LIMIT, "query": query},
            status=400,
        )
        return refusal, None, ""

    def context():
        return publications.list_context(measures, form.active_filters(), form.search_term)

    return None, context, query.urlencode()


@require_safe
def measure_list_pdf(request):
    """The catalogue's filtered list as PDF: published measures only, rendered by the
    worker once per filter combination and content."""
    refusal, _, filters = _list_pdf(request, Measure.objects.published())
    if refusal:
        return refusal
    key = hashlib.sha256(filters.encode()).hexdigest()[:40]
    return _serve_publication(request, Kind.LIST, key, {"filters": filters})


@require_safe
def measure_list_pdf_preview(request):
    """The same list with the drafts the signed-in editor may see, rendered for them alone:
    never cached, never shared."""
    if not sees_drafts(request.user):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    refusal, context, _ = _list_pdf(request, Measure.objects.visible_to(request.user))
    if refusal:
        return refusal
    try:
        content = publications.render_preview(publications.LIST, context())
    except publications.RenderRefused as refused:
        return _try_again_later(request, refused.status, refused.retry_after, refused.message)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="iserlohn-digital-vorschau.pdf"'
    return response
