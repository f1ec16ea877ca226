import datetime
import re

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from iserlohn_digital import mail
from iserlohn_digital.clientip import client_ip
from iserlohn_digital.ratelimit import hit

from .forms import BarrierReportForm
from .models import Goal, InfoPage, Principle, SignLanguageVideo, SubStrategy, goal_tree

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
def leitbild(request):
    """The Leitsätze with the goals serving them; their nesting and progress come from the
    measures app's template tags (`leitbild_of`)."""
    return render(
        request,
        "strategy/leitbild.html",
        {
            "principles": Principle.objects.all(),
            "goals": Goal.objects.visible_to(request.user).select_related("substrategy"),
        },
    )


@require_safe
def substrategy_detail(request, slug):
    """A Teilstrategie with its goals nested in code order; its Handlungsfelder and their
    measures come from the measures app's template tags."""
    substrategy = get_object_or_404(SubStrategy, slug=slug)
    goals = goal_tree(Goal.objects.visible_to(request.user).in_substrategy(substrategy))
    return render(
        request,
        "strategy/substrategy_detail.html",
        {"substrategy": substrategy, "goals": goals, "principles": Principle.objects.all()},
    )


@require_safe
def goal_detail(request, code):
    """A goal; the measures serving it come from the measures app's template tags."""
    visible_goals = Goal.objects.visible_to(request.user)
    goal = get_object_or_404(
        visible_goals.select_related("substrategy", "parent").prefetch_related(
            Prefetch("children", visible_goals), "principles"
        ),
        code=code,
    )
    parent = goal.parent if goal.parent and goal.parent.is_visible_to(request.user) else None
    return render(request, "strategy/goal_detail.html", {"goal": goal, "parent": parent})


@require_safe
def info_page(request, page):
    """A legal page: the Redaktion's text from the admin, or the shipped default."""
    content = InfoPage.objects.filter(slug=page).first()
    return render(
        request,
        f"pages/{page}.html",
        {"title": content.title if content else INFO_PAGES[page], "content": content},
    )


@require_safe
def sign_language(request):
    """The page "Gebärdensprache": the published DGS videos, and until there is one, when
    they come and how to get the information meanwhile."""
    content = InfoPage.objects.filter(slug=InfoPage.Slug.SIGN_LANGUAGE).first()
    return render(
        request,
        "pages/gebaerdensprache.html",
        {
            "title": content.title if content else INFO_PAGES["gebaerdensprache"],
            "content": content,
            "videos": SignLanguageVideo.objects.published(),
        },
    )


SIGN_LANGUAGE_FILES = {
    "video": ("video", {"mp4": "video/mp4", "webm": "video/webm"}),
    "untertitel": ("captions", {"vtt": "text/vtt; charset=utf-8"}),
}


@require_safe
def sign_language_file(request, pk, kind):
    """A published video's file or captions, from storage (never the folder itself)."""
    if kind not in SIGN_LANGUAGE_FILES:
        raise Http404("Zu diesem Video gibt es keine solche Datei.")
    video = get_object_or_404(SignLanguageVideo.objects.published(), pk=pk)
    field, content_types = SIGN_LANGUAGE_FILES[kind]
    file = getattr(video, field)
    extension = file.name.rsplit(".", 1)[-1].lower() if file else ""
    if extension not in content_types:
        raise Http404("Zu diesem Video gibt es keine solche Datei.")
    try:
        handle = file.storage.open(file.name, "rb")
        size = file.storage.size(file.name)
    except FileNotFoundError as missing:
        raise Http404("Die Datei des Videos fehlt.") from missing
    part = byte_range(request.headers.get("Range", ""), size)
    if part is None:
        response = FileResponse(handle, content_type=content_types[extension])
    elif part == UNSATISFIABLE:
        handle.close()
        response = HttpResponse(status=416, content_type="text/plain; charset=utf-8")
        response["Content-Range"] = f"bytes */{size}"
    else:
        # One range of bytes: players (Safari on iOS above all) seek in a video this way.
        start, end = part
        response = StreamingHttpResponse(
            _file_part(handle, start, end), status=206, content_type=content_types[extension]
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    # Kept briefly: a video the Redaktion withdraws is gone from caches within minutes.
    response["Cache-Control"] = "public, max-age=300"
    return response


UNSATISFIABLE = "unsatisfiable"
RANGE = re.compile(r"bytes=(\d{0,15})-(\d{0,15})")


def byte_range(header: str, size: int):
    """The one range of bytes a `Range` header asks for, as (first, last), both within
    `size`; None to send the whole file (no header, several ranges, one we don't read);
    UNSATISFIABLE for a range that starts past the end."""
    match = RANGE.fullmatch(header.strip())
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":  # the last `last` bytes
        length = int(last)
        return (max(size - length, 0), size - 1) if length and size else UNSATISFIABLE
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size:
        return UNSATISFIABLE
    return None if end < start else (start, end)


def _file_part(handle, start: int, end: int, chunk: int = 64 * 1024):
    with handle:
        handle.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            data = handle.read(min(chunk, remaining))
            if not data:
                return
            remaining -= len(data)
            yield data


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
            verdict = hit(
                "barriere-melden", client_ip(request), limit=REPORTS_PER_HOUR, window=REPORTS_WINDOW
            )
            if verdict.allowed:
                report = form.save()
                _mail_report(request, report)
                return redirect(reverse("strategy:barriere-melden") + "?gesendet=1")
            form.add_error(
                None,
                "Von Ihrem Anschluss kamen in der letzten Stunde schon mehrere "
                "Meldungen. Bitte versuchen Sie es später noch einmal oder "
                "schreiben Sie an digitalisierung@iserlohn.de.",
            )
            status, retry_after = 429, verdict.retry_after
    response = render(
        request,
        "pages/barriere-melden.html",
        {
            "title": INFO_PAGES["barriere-melden"],
            "content": content,
            "form": form,
            "sent": request.GET.get("gesendet") == "1",
        },
        status=status,
    )
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
