import sys

from django.apps import apps
from django.contrib import admin
from django.db import InterfaceError, OperationalError
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from iserlohn_digital.middleware import OpenDataCorsMiddleware
from measures.models import FieldOfAction, Measure, Milestone, StatusUpdate
from measures.publications import stand_of
from strategy.models import ContentVersion, Principle, SubStrategy

# Seconds after which a client may try again while the database is away.
RETRY_AFTER = 30
# The JSON API answers errors as JSON, like its own 4xx answers.
API_PREFIX = "/api/"
UNAVAILABLE = "Die Datenbank ist vorübergehend nicht erreichbar. Bitte später erneut versuchen."


def database_unavailable(error) -> bool:
    """Whether the error means the database cannot be reached (refused, gone, timed out,
    statement cancelled) rather than a fault in a query or the data."""
    return isinstance(error, (OperationalError, InterfaceError))


def server_error(request):
    """500, unless the database is unreachable: then 503 with Retry-After, as the site
    recovers by itself when the database returns. The API answers in JSON."""
    response = _error_response(request, sys.exc_info()[1])
    # The error may have arisen outside the CORS middleware (in the page cache).
    return OpenDataCorsMiddleware.allow_reading(request, response)


def _error_response(request, error):
    api = request.path.startswith(API_PREFIX)
    if database_unavailable(error):
        if api:
            response = _json({"detail": UNAVAILABLE}, status=503)
        else:
            response = HttpResponse(
                render_to_string("503.html"), status=503, content_type="text/html; charset=utf-8"
            )
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    request_id = getattr(request, "id", "")
    if api:
        return _json({"detail": "Interner Fehler", "request_id": request_id}, status=500)
    # Neither the session nor the user: the database may be what failed.
    return HttpResponseServerError(
        render_to_string(
            "500.html", {"request_id": request_id, "admin_url": _admin_url_around(request)}
        ),
        content_type="text/html; charset=utf-8",
    )


def _admin_url_around(request) -> str:
    """The admin's start page when the request's address lies under it, else ""."""
    admin_url = reverse("admin:index")
    return admin_url if request.path.startswith(admin_url) else ""


def bad_request(request, exception=None):
    """400 in German. Rendered without the request's context: the request may be what is
    wrong (an unknown host name makes every use of its address fail again)."""
    return HttpResponseBadRequest(
        render_to_string("400.html", {"admin_url": _admin_url_around(request)}),
        content_type="text/html; charset=utf-8",
    )


def permission_denied(request, exception=None):
    """403 in German; for staff with the way back into the admin (e.g. after opening
    another unit's measure)."""
    return _error_page(request, "403.html", 403)


def page_not_found(request, exception=None):
    """404 in German; for staff with the way back into the admin."""
    return _error_page(request, "404.html", 404)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent with an expired or missing security token (a page
    left open across a sign-in, cookies blocked) gets a German page saying what to do."""
    return _error_page(request, "403_csrf.html", 403)


def _error_page(request, template, status):
    return render(request, template, {"way_back": _way_back(request)}, status=status)


def _way_back(request) -> dict | None:
    """For a signed-in staff user or an address under /admin/: the admin's start page and,
    when the address lies under an admin list the user may see, that list."""
    admin_url = _admin_url_around(request)
    user = getattr(request, "user", None)
    if not (admin_url or (user is not None and user.is_staff)):
        return None
    way_back = {"admin_url": reverse("admin:index")}
    parts = request.path.removeprefix(admin_url).split("/") if admin_url else []
    if len(parts) > 2 and parts[2]:
        try:
            model = apps.get_model(parts[0], parts[1])
        except LookupError:
            return way_back
        model_admin = admin.site.get_model_admin(model) if admin.site.is_registered(model) else None
        if model_admin and user is not None and model_admin.has_view_permission(request):
            way_back["list_url"] = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
            )
            way_back["list_name"] = model._meta.verbose_name_plural
    return way_back


def _json(data, status):
    return JsonResponse(
        data,
        status=status,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )


# How many status updates and milestones the start page lists.
HOME_LATEST = 5


@require_safe
def home(request):
    """The start page answers a citizen's first questions: what the strategy is (Leitbild,
    Teilstrategien), how far it has come (the figures, dated by the content's last
    change), what is new (the latest status updates) and what comes next (the next
    milestones), with a search field."""
    published = Measure.objects.published()
    fields = FieldOfAction.objects.published()
    status_counts = published.count_by_status()
    figures = published.figures()
    next_milestones = Milestone.objects.filter(
        measure__in=published, reached_on__isnull=True, due_date__gte=timezone.localdate()
    ).select_related("measure")
    return render(
        request,
        "home.html",
        {
            "principles": Principle.objects.all(),
            "substrategies": SubStrategy.objects.with_field_count(fields).order_by("position"),
            "total": sum(status_counts.values()),
            "figures": figures,
            "status_figures": status_counts.items(),
            "stand": stand_of(ContentVersion.current()),
            "recent": StatusUpdate.objects.published().current().newest()[:HOME_LATEST],
            "next_milestones": next_milestones.order_by("due_date", "measure__code")[:HOME_LATEST],
        },
    )


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
