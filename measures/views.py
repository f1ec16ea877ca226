import csv
import datetime

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Prefetch, Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from iserlohn_digital.clientip import client_ip
from iserlohn_digital.roles import sees_drafts
from strategy.models import ContentVersion, Goal, SubStrategy

from . import charts, publications
from .csv_io import spreadsheet_safe
from .forms import CatalogueForm, ReportForm
from .models import FieldOfAction, Measure, Status, StatusUpdate, Tag

PAGE_SIZE = 20


def _listed(measures):
    """What a list of measures shows: field, unit, tags and the date of the latest update."""
    return measures.select_related("field_of_action", "lead_unit").with_last_update()


@require_safe
def field_list(request):
    fields = FieldOfAction.objects.visible_to(request.user).select_related("substrategy")
    fields = fields.annotate(
        measure_count=Count("measures", filter=Q(measures__is_published=True)),
        progress=Avg("measures__progress", filter=Q(measures__is_published=True)),
    )
    return render(request, "measures/fieldofaction_list.html", {"fields": fields})


@require_safe
def field_detail(request, slug):
    field = get_object_or_404(
        FieldOfAction.objects.visible_to(request.user).select_related("substrategy"), slug=slug
    )
    measures = _listed(Measure.objects.visible_to(request.user).in_field(field))
    return render(
        request,
        "measures/fieldofaction_detail.html",
        {
            "field": field,
            "goals": field.goals.visible_to(request.user),
            "measures": measures,
        },
    )


def _catalogue(request, measures=None):
    """The form for the request's parameters and the measures it selects (from those the
    visitor may see, unless `measures` says from which)."""
    form = CatalogueForm.for_request(request.GET)
    form.is_valid()  # invalid fields are dropped from cleaned_data and reported as notices
    if measures is None:
        measures = Measure.objects.visible_to(request.user)
    return form, form.filter(_listed(measures))


def _clean_query(form):
    """The query string of the valid parameters only, for links from the results."""
    params = QueryDict(mutable=True)
    default_sort = "relevanz" if form.cleaned_data.get("q") else "code"
    for name, value in form.cleaned_data.items():
        if value and not (name == "sortierung" and value == default_sort):
            params[name] = value
    return params


@require_safe
def measure_list(request):
    form, measures = _catalogue(request)
    notices = form.notices(request.GET.keys())
    paginator = Paginator(measures, PAGE_SIZE)
    raw_page = request.GET.get("seite", "1")
    try:
        number = int(raw_page)
        if number < 1:
            raise ValueError
    except ValueError:
        notices.append("Die Seitenzahl ist ungültig; angezeigt wird Seite 1.")
        number = 1
    if number > paginator.num_pages:
        notices.append(
            f"Seite {number} gibt es nicht; angezeigt wird die letzte Seite {paginator.num_pages}."
        )
        number = paginator.num_pages
    page = paginator.page(number)
    query = _clean_query(form)
    return render(
        request,
        "measures/measure_list.html",
        {
            "form": form,
            "page": page,
            "measures": page.object_list,
            "notices": notices,
            "query": query,
            "active_filters": form.active_filters(),
            "search_term": form.cleaned_data.get("q", ""),
        },
    )


CSV_COLUMNS = [
    ("Code", lambda m: m.code),
    ("Titel", lambda m: m.title),
    ("Teilstrategie", lambda m: m.field_of_action.substrategy.name),
    ("Handlungsfeld", lambda m: m.field_of_action.name),
    ("Status", lambda m: m.get_status_display()),
    ("Fortschritt (%)", lambda m: m.progress),
    ("Priorität", lambda m: m.get_priority_display()),
    ("Beginn", lambda m: m.start_date.isoformat() if m.start_date else ""),
    ("Ende", lambda m: m.end_date.isoformat() if m.end_date else ""),
    ("Federführung", lambda m: m.lead_unit.name),
    ("Stand", lambda m: m.last_update.isoformat() if m.last_update else ""),
    ("Schlagwörter", lambda m: ", ".join(t.name for t in m.tags.all())),
    ("Kurzbeschreibung", lambda m: m.summary),
    ("Beispielinhalt", lambda m: "ja" if m.is_example else "nein"),
]


@require_safe
def measure_csv(request):
    form, measures = _catalogue(request)
    measures = measures.select_related("field_of_action__substrategy").prefetch_related("tags")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="iserlohn-digital-massnahmen-{day}.csv"'
    )
    response.write("\ufeff")  # lets spreadsheet programs recognise UTF-8
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow([name for name, _ in CSV_COLUMNS])
    for measure in measures:
        writer.writerow([spreadsheet_safe(value(measure)) for _, value in CSV_COLUMNS])
    return response


@require_safe
def measure_detail(request, code):
    measure = get_object_or_404(
        Measure.objects.visible_to(request.user)
        .select_related("field_of_action__substrategy", "lead_unit")
        .prefetch_related(
            Prefetch("goals", Goal.objects.visible_to(request.user)),
            Prefetch("dependencies", Measure.objects.visible_to(request.user)),
            Prefetch("dependents", Measure.objects.visible_to(request.user)),
            "tags",
            "updates",
            "milestones",
            "indicators",
            "online_services",
        ),
        code=code,
    )
    tag_ids = [tag.pk for tag in measure.tags.all()]
    related = (
        Measure.objects.published()
        .exclude(pk=measure.pk)
        .filter(Q(field_of_action=measure.field_of_action_id) | Q(tagged_items__tag__in=tag_ids))
        .annotate(shared=Count("tagged_items", filter=Q(tagged_items__tag__in=tag_ids)))
        .order_by("-shared", "code")[:5]
    )
    timeline = sorted(
        [("update", u.date, u) for u in measure.updates.all()]
        + [("milestone", m.reached_on or m.due_date, m) for m in measure.milestones.all()],
        key=lambda entry: entry[1],
        reverse=True,
    )
    updates = list(measure.updates.all())  # newest first
    status_since = None
    for update in updates:
        if update.status != measure.status:
            break
        status_since = update.date
    return render(
        request,
        "measures/measure_detail.html",
        {
            "measure": measure,
            "latest": updates[0] if updates else None,
            "status_since": status_since,
            "timeline": timeline,
            "related": related,
            "stale_months": round(settings.STALE_AFTER_DAYS / 30.4),
        },
    )


@require_safe
def tag_list(request):
    tags = Tag.objects.annotate(
        count=Count(
            "tagged_measures",
            filter=Q(
                tagged_measures__content_object__is_published=True,
                tagged_measures__content_object__field_of_action__is_published=True,
            ),
        )
    ).filter(count__gt=0)
    return render(request, "measures/tag_list.html", {"tags": tags})


@require_safe
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    measures = _listed(
        Measure.objects.visible_to(request.user).filter(tagged_items__tag=tag)
    ).order_by("code")
    return render(request, "measures/tag_detail.html", {"tag": tag, "measures": measures})


# The dashboard's roadmap and lists show at most this many measures each.
DASHBOARD_LIMIT = 30


def _quarter_start(day):
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@require_safe
def dashboard(request):
    published = Measure.objects.published()
    today = timezone.localdate()
    by_status = dict(
        published.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    status_rows = [(s.label, by_status.get(s, 0), charts.STATUS_COLOURS[s]) for s in Status]
    total = sum(by_status.values())
    fields = (
        FieldOfAction.objects.published()
        .select_related("substrategy")
        .annotate(
            measure_count=Count("measures", filter=Q(measures__is_published=True)),
            progress=Avg("measures__progress", filter=Q(measures__is_published=True)),
            done=Count(
                "measures",
                filter=Q(measures__is_published=True, measures__status=Status.DONE),
            ),
        )
    )
    substrategies = SubStrategy.objects.annotate(
        measure_count=Count("fields_of_action__measures", filter=_published_in_substrategy()),
        progress=Avg("fields_of_action__measures__progress", filter=_published_in_substrategy()),
    ).order_by("position")
    quarter = _quarter_start(today)
    first, last = quarter.replace(year=quarter.year - 1), quarter.replace(year=quarter.year + 3)
    running = (
        published.open()
        .running_in(first, last)
        .filter(start_date__isnull=False, end_date__isnull=False)
        .order_by("end_date", "code")
    )
    roadmap = list(running[:DASHBOARD_LIMIT])
    overdue = _listed(published.overdue(today)).order_by("end_date", "code")
    stale = _listed(published.stale(today)).order_by("code")
    # Lists stay short however many measures there are; the counts say how many in all.
    totals = published.aggregate(
        progress=Avg("progress"),
        running=Count("pk", filter=Q(pk__in=running.values("pk"))),
        overdue=Count("pk", filter=Q(pk__in=overdue.values("pk"))),
    )
    recent = (
        StatusUpdate.objects.filter(measure__in=published)
        .select_related("measure")
        .order_by("-date", "-recorded_at")[:10]
    )
    overall = totals["progress"] or 0
    return render(
        request,
        "measures/dashboard.html",
        {
            "total": total,
            "overall_progress": round(overall),
            "status_rows": status_rows,
            "status_chart": charts.hbar_chart(status_rows, title="Maßnahmen nach Status", unit=""),
            "fields": fields,
            "field_chart": charts.hbar_chart(
                [(f"{f.code} {f.name}", round(f.progress or 0), "#005a8c") for f in fields],
                title="Durchschnittlicher Fortschritt je Handlungsfeld",
                maximum=100,
                unit=" %",
            ),
            "substrategies": substrategies,
            "roadmap": roadmap,
            "roadmap_chart": charts.roadmap_chart(roadmap, first=first, last=last),
            "legend": charts.legend(Status),
            "stale_days": settings.STALE_AFTER_DAYS,
            "overdue": overdue[:DASHBOARD_LIMIT],
            "overdue_count": totals["overdue"],
            "stale": stale[:DASHBOARD_LIMIT],
            "stale_count": stale.count(),
            "running_count": totals["running"],
            "limit": DASHBOARD_LIMIT,
            "recent": recent,
        },
    )


def _published_in_substrategy():
    return Q(
        fields_of_action__is_published=True,
        fields_of_action__measures__is_published=True,
    )


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
            publication, context_factory, key=key, suffix=suffix, day=day, version=version,
            client=client,
        )  # fmt: skip
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
    stichtag, seit = form.cleaned_data["stichtag"], form.cleaned_data["seit"]
    return _serve_pdf(
        request,
        publications.REPORT,
        lambda: publications.report_context(stichtag, seit),
        key=publications.report_key(stichtag, seit),
        day=stichtag,
    )


@require_safe
def measure_pdf(request, code):
    # Only the code is needed to answer from the cache; the rest is loaded to render.
    measure = get_object_or_404(Measure.objects.published().only("code"), code=code)
    return _serve_pdf(
        request,
        publications.STECKBRIEF,
        lambda: publications.steckbrief_context(
            publications.steckbrief_measures().get(pk=measure.pk)
        ),
        **publications.steckbrief_options(measure),
    )


# A list PDF of more measures than this is refused with a pointer to the CSV file, which
# holds any number of them at no cost.
LIST_PDF_LIMIT = 150


def _list_pdf(request, measures):
    """For the catalogue's list PDF of `measures`: a 400 answer if the parameters are
    invalid or the list too long for a PDF, else None with the function that builds the
    PDF's context and the key of its parameters."""
    form, measures = _catalogue(request, measures)
    if form.errors:
        refusal = render(request, "measures/report_error.html", {"form": form}, status=400)
        return refusal, None, ""
    query = _clean_query(form)
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
        return publications.list_context(
            measures.select_related("field_of_action__substrategy"),
            form.active_filters(),
            form.cleaned_data.get("q", ""),
        )

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
