from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware
from django.utils.cache import patch_cache_control

from .postgres.base import request_deadline
from .roles import sees_drafts


class QueryDeadlineMiddleware:
    """No query of a web request waits longer than DATABASE_REQUEST_DEADLINE seconds for a
    database that does not answer (iserlohn_digital/postgres/base.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_deadline.set(settings.DATABASE_REQUEST_DEADLINE)
        try:
            return self.get_response(request)
        finally:
            request_deadline.reset(token)


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before host validation.

    Load balancers and the container's HEALTHCHECK call them by IP address, which is not
    one of ALLOWED_HOSTS. /healthz says the process is alive (no database); /readyz that
    the database answers too, else 503.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path in ("/healthz", "/readyz"):
            status, text = 200, "ok\n"
            if request.path == "/readyz" and not database_answers():
                status, text = 503, "Datenbank nicht erreichbar\n"
            response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        # Drop the broken connection so the next request connects afresh (not inside a
        # transaction, where the caller owns the connection).
        if not connection.in_atomic_block:
            connection.close()
        return False


# The open data and the API, readable by any web page and answering HEAD like GET.
OPEN_DATA_PREFIXES = ("/api/", "/daten/")


class HeadAsGetMiddleware:
    """Answers HEAD on the open data and the API as GET, without the body.

    django-ninja routes accept GET only, and ConditionalGetMiddleware gives HEAD answers no
    ETag; served as GET, HEAD gets the status and headers (ETag, Content-Length, 304) that
    GET would get.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "HEAD" or not request.path.startswith(OPEN_DATA_PREFIXES):
            return self.get_response(request)
        request.method = request.META["REQUEST_METHOD"] = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = request.META["REQUEST_METHOD"] = "HEAD"
        if response.streaming:
            response.streaming_content = []
        else:
            response.content = b""
        return response


class OpenDataCorsMiddleware:
    """Lets any web page read the open data and the API (GET and HEAD, no credentials) and
    answers the browsers' preflight requests for them."""

    PREFIXES = OPEN_DATA_PREFIXES
    METHODS = "GET, HEAD, OPTIONS"
    # Request headers beyond the CORS-safelisted ones that readers may send: revalidation.
    HEADERS = "If-None-Match, If-Modified-Since"
    # Response headers a script may read beyond the safelisted ones.
    EXPOSED = "ETag, Last-Modified, Retry-After"
    MAX_AGE = str(60 * 60 * 24)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.PREFIXES):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = self.METHODS
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = self.METHODS
            response["Access-Control-Allow-Headers"] = self.HEADERS
            response["Access-Control-Max-Age"] = self.MAX_AGE
            return response
        return self.allow_reading(request, self.get_response(request))

    @classmethod
    def allow_reading(cls, request, response):
        """Lets other origins read the answer to a GET or HEAD of the open data (also used
        by the error handler, as errors can arise before this middleware)."""
        if request.path.startswith(cls.PREFIXES) and request.method in ("GET", "HEAD"):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = cls.EXPOSED
        return response


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: no browser features the site does not use, and
    its resources only for itself."""

    PERMISSIONS_POLICY = (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=(), interest-cohort=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class PrivatePreviewMiddleware:
    """Signed-in staff see drafts on the public pages: what they are shown is for them
    alone, never kept by the page cache, a proxy or the browser's shared caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if sees_drafts(request.user):
            response.headers.pop("Cache-Control", None)
            patch_cache_control(response, private=True, no_store=True)
        return response


class GZipMiddleware(DjangoGZipMiddleware):
    """Django's gzip, but not for videos, which are compressed already (gzipping hundreds
    of megabytes per request would cost the server for nothing), nor for a part of a
    file (206), whose byte positions refer to the file as stored."""

    def process_response(self, request, response):
        if response.status_code in (206, 416) or response.get("Content-Type", "").startswith(
            "video/"
        ):
            return response
        return super().process_response(request, response)
