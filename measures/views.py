from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from iserlohn_digital.clientip import client_ip
from iserlohn_digital.roles import sees_drafts
from strategy.models import ContentVersion, SubStrategy

from . import charts, publications
from .forms import CatalogueForm, ReportForm, quarter_ends
from .models import FieldOfAction, Measure, Postponement, StatusUpdate, Tag
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
            "active_filters": form.active_filters(),
            "search_term": form.search_term,
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
    return render(request, "measures/tag_list.html", {"tags": tags.filter(count__gt=0)})


@require_safe
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    measures = Measure.objects.visible_to(request.user).tagged(tag).listing().order_by("code")
    return render(request, "measures/tag_detail.html", {"tag": tag, "measures": measures})


# The dashboard's roadmap and lists show at most this many measures each.
DASHBOARD_LIMIT = LIMIT = 30


@require_safe
def dashboard(request):
    published, today = Measure.objects.published(), timezone.localdate()
    first, last = charts.roadmap_span(today)
    roadmap = published.open().scheduled_within(first, last).order_by("end_date", "code")
    overdue = published.overdue(today).listing().order_by("end_date", "code")
    stale = published.stale(today).listing().order_by("code")
    status_counts = published.count_by_status()
    figures = published.figures(running=roadmap, overdue=overdue)
    fields = FieldOfAction.objects.published().select_related("substrategy").with_progress()
    return render(
        request,
        "measures/dashboard.html",
        {
            "total": sum(status_counts.values()),
            **charts.dashboard_charts(status_counts, fields, roadmap[:LIMIT], first, last),
            "fields": fields,
            "substrategies": SubStrategy.objects.with_progress(published.counted()).order_by(
                "position"
            ),
            "figures": figures,
            "running_count": figures["running"],
            "overdue": overdue[:LIMIT],
            "overdue_count": figures["overdue"],
            "stale": stale[:LIMIT],
            "stale_count": stale.count(),
            "stale_days": settings.STALE_AFTER_DAYS,
            "limit": LIMIT,
            "recent": StatusUpdate.objects.published().current().newest()[:10],
            "postponed": Postponement.objects.published().newest()[:10],
        },
    )


@require_safe
def downloads(request):
    """The publications with their Stand, and their size where already rendered: the page
    itself never renders a PDF."""
    today = timezone.localdate()
    since = ReportForm.default_since(today)
    response = render(
        request,
        "measures/downloads.html",
        {
            "items": publications.download_items(today, since),
            "report_form": ReportForm(initial={"stichtag": today, "seit": since}),
            "today": today,
            "quarter_ends": quarter_ends(today),
        },
    )
    # Sizes appear as the PDFs get rendered, without a change of content: not for the
    # page cache or shared caches.
    patch_cache_control(response, private=True, no_cache=True)
    return response


# PDF publications ---------------------------------------------------------------------


def _pdf_response(rendered):
    response = HttpResponse(rendered.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{rendered.filename}"'
    response["ETag"] = rendered.etag
    response["Last-Modified"] = http_date(rendered.last_modified.timestamp())
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


def _serve_pdf(request, publication, context_factory, *, key="", suffix="", day=None):
    """Answers 304 to a matching conditional request, else the (cached) PDF, or, when it
    cannot be rendered now, a page that says when to try again."""
    version = ContentVersion.current()
    etag = publications.etag_for(publication, version, key)
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=int(version.changed_at.timestamp())
    )
    if not_modified is not None:
        return not_modified
    # Staff are not counted against a client's budget (their address is the city's).
    client = None if sees_drafts(request.user) else client_ip(request)
    try:
        rendered = publications.get_pdf(
            publication,
            context_factory,
            key=key,
            suffix=suffix,
            day=day,
            version=version,
            client=client,
        )
    except publications.RenderRefused as refused:
        return _try_again_later(request, refused.status, refused.retry_after, refused.message)
    return _pdf_response(rendered)


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


@require_safe
def brochure_pdf(request):
    return _serve_pdf(request, publications.BROCHURE, publications.brochure_context)


@require_safe
def strategy_pdf(request):
    return _serve_pdf(request, publications.STRATEGY, publications.strategy_context)


@require_safe
def report_pdf(request):
    form = ReportForm(request.GET)
    if not form.is_valid():
        return render(request, "measures/report_error.html", {"form": form}, status=400)
    as_of, since = form.cleaned_data["stichtag"], form.cleaned_data["seit"]
    return _serve_pdf(
        request,
        publications.REPORT,
        lambda: publications.report_context(as_of, since),
        key=publications.report_key(as_of, since),
        day=as_of,
    )


@require_safe
def measure_pdf(request, code):
    # Only the code is needed to answer from the cache; the rest is loaded to render.
    measure = get_object_or_404(Measure.objects.published().only("code"), code=code)
    return _serve_pdf(
        request,
        publications.MEASURE_SHEET,
        lambda: publications.measure_sheet_context(
            publications.measure_sheet_measures().get(pk=measure.pk)
        ),
        **publications.measure_sheet_options(measure),
    )


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
    """The catalogue's filtered list as PDF: published measures only, cached."""
    refusal, context, key = _list_pdf(request, Measure.objects.published())
    return refusal or _serve_pdf(request, publications.LIST, context, key=key)


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
