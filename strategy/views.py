import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_safe

from iserlohn_digital import mail
from iserlohn_digital.clientip import client_ip
from iserlohn_digital.ratelimit import hit
from iserlohn_digital.roles import is_redaktion
from measures import publications
from measures.charts import PILLAR_LIMIT
from measures.forms import ReportForm, quarter_ends
from measures.models import FieldOfAction, Measure, Status

from .forms import BarrierReportForm
from .models import ContentVersion, Goal, InfoPage, Principle, SubStrategy

# Pages required by law whose content follows in their own piece of work; until then each
# says what it will hold.
INFO_PAGES = {
    "leichte-sprache": "Leichte Sprache",
    "gebaerdensprache": "Gebärdensprache",
    "barrierefreiheit": "Erklärung zur Barrierefreiheit",
    "barriere-melden": "Barriere melden",
    "impressum": "Impressum",
    "datenschutz": "Datenschutz",
}


@require_safe
def home(request):
    published = Measure.objects.published()
    by_status = dict(published.values_list("status").annotate(n=Count("pk")))
    figures = published.aggregate(total=Count("pk"), progress=Avg("progress"))
    return render(
        request,
        "strategy/home.html",
        {
            "principles": Principle.objects.all(),
            "substrategies": SubStrategy.objects.annotate(
                field_count=Count(
                    "fields_of_action", filter=Q(fields_of_action__is_published=True)
                ),
            ).order_by("position"),
            "total": figures["total"],
            "overall_progress": round(figures["progress"] or 0),
            "status_figures": [(s, by_status.get(s, 0)) for s in Status],
        },
    )


@require_safe
def leitbild(request):
    goals = Goal.objects.visible_to(request.user).select_related("substrategy")
    return render(
        request,
        "strategy/leitbild.html",
        {"principles": Principle.objects.prefetch_related(Prefetch("goals", goals))},
    )


@require_safe
def substrategy_detail(request, slug):
    substrategy = get_object_or_404(SubStrategy, slug=slug)
    visible_goals = Goal.objects.visible_to(request.user)
    goals = (
        visible_goals.in_substrategy(substrategy)
        .overarching()
        .prefetch_related(Prefetch("children", visible_goals), "principles")
    )
    measures = Measure.objects.visible_to(request.user).order_by("code")
    # Each pillar shows its first measures and how many there are in all.
    fields = (
        FieldOfAction.objects.visible_to(request.user)
        .in_substrategy(substrategy)
        .annotate(measure_count=Count("measures", filter=Q(measures__in=measures.values("pk"))))
        .prefetch_related(Prefetch("measures", measures[:PILLAR_LIMIT], to_attr="first_measures"))
    )
    return render(
        request,
        "strategy/substrategy_detail.html",
        {
            "substrategy": substrategy,
            "goals": goals,
            "fields": fields,
            "principles": Principle.objects.all(),
            "pillar_limit": PILLAR_LIMIT,
        },
    )


@require_safe
def goal_detail(request, code):
    goal = get_object_or_404(
        Goal.objects.visible_to(request.user)
        .select_related("substrategy", "parent")
        .prefetch_related(
            Prefetch("children", Goal.objects.visible_to(request.user)),
            "principles",
            Prefetch(
                "measures",
                Measure.objects.visible_to(request.user)
                .select_related("field_of_action", "lead_unit")
                .with_last_update(),
            ),
            Prefetch("fields_of_action", FieldOfAction.objects.visible_to(request.user)),
        ),
        code=code,
    )
    parent = (
        goal.parent
        if goal.parent and (goal.parent.is_published or is_redaktion(request.user))
        else None
    )
    measures = goal.measures.all()
    progress = round(sum(m.progress for m in measures) / len(measures)) if measures else None
    return render(
        request,
        "strategy/goal_detail.html",
        {"goal": goal, "parent": parent, "measures": measures, "progress": progress},
    )


@require_safe
def downloads(request):
    """The publications with their Stand, and their size where already rendered: the page
    itself never renders a PDF."""
    version = ContentVersion.current()
    today = timezone.localdate()
    since = ReportForm.default_since(today)
    report_url = reverse("measures:report-pdf")
    entries = [
        (publications.BROCHURE, reverse("measures:brochure-pdf"), "", None),
        (publications.STRATEGY, reverse("measures:strategy-pdf"), "", None),
        (publications.REPORT, f"{report_url}?stichtag={today}&seit={since}",
         publications.report_key(today, since), today),
    ]  # fmt: skip
    stand = publications.stand_of(version)
    items = [
        {
            "publication": publication,
            "url": url,
            "filename": publications.filename(publication, day or stand),
            "size": publications.cached_size(publication, key=key, version=version),
            "stand": stand,
        }
        for publication, url, key, day in entries
    ]
    response = render(
        request,
        "strategy/downloads.html",
        {
            "items": items,
            "report_form": ReportForm(initial={"stichtag": today, "seit": since}),
            "today": today,
            "quarter_ends": quarter_ends(today),
        },
    )
    # Sizes appear as the PDFs get rendered, without a change of content: not for the
    # page cache or shared caches.
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_safe
def info_page(request, page):
    """A legal page: the Redaktion's text from the admin, or the shipped default."""
    content = InfoPage.objects.filter(slug=page).first()
    return render(
        request,
        f"pages/{page}.html",
        {"title": content.title if content else INFO_PAGES[page], "content": content},
    )


REPORTS_PER_HOUR = 5
REPORTS_WINDOW = datetime.timedelta(hours=1)


@require_http_methods(["GET", "HEAD", "POST"])
def report_barrier(request):
    """The feedback form: stored, e-mailed to the Redaktion, protected against bots by a
    honeypot field and a per-client rate limit (counted in the database, atomically,
    before a report is stored); CSRF as every form."""
    content = InfoPage.objects.filter(slug=InfoPage.Slug.REPORT_BARRIER).first()
    form = BarrierReportForm(
        request.POST or None, initial={"page": request.GET.get("seite", "")[:500]}
    )
    status, retry_after = 200, None
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif form.is_spam():
            return redirect(reverse("strategy:barriere-melden") + "?gesendet=1")
        else:
            verdict = hit("barriere-melden", client_ip(request), limit=REPORTS_PER_HOUR,
                          window=REPORTS_WINDOW)  # fmt: skip
            if verdict.allowed:
                report = form.save()
                _mail_report(request, report)
                return redirect(reverse("strategy:barriere-melden") + "?gesendet=1")
            form.add_error(None, "Von Ihrem Anschluss kamen in der letzten Stunde schon mehrere "
                                 "Meldungen. Bitte versuchen Sie es später noch einmal oder "
                                 "schreiben Sie an digitalisierung@iserlohn.de.")  # fmt: skip
            status, retry_after = 429, verdict.retry_after
    response = render(
        request,
        "pages/barriere-melden.html",
        {"title": INFO_PAGES["barriere-melden"], "content": content, "form": form,
         "sent": request.GET.get("gesendet") == "1"},
        status=status,
    )  # fmt: skip
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _mail_report(request, report):
    """Mails the stored report to the Redaktion after the commit, in the background: a slow
    mail server never holds up the form (iserlohn_digital/mail.py)."""
    if not settings.BARRIER_REPORT_EMAIL:
        return
    admin_url = request.build_absolute_uri(
        reverse("admin:strategy_barrierreport_change", args=[report.pk])
    )
    message = {
        # One line: line breaks in a mail header are refused (and would inject headers).
        "subject": "Barriere gemeldet: " + " ".join(report.page.split())[:80],
        "body": f"Seite: {report.page}\n\n{report.description}\n\n"
        f"Kontakt: {report.name or '–'} {report.email or ''}\n\nIm Admin: {admin_url}",
        "to": [settings.BARRIER_REPORT_EMAIL],
    }
    transaction.on_commit(lambda: mail.send_later(message))


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
