from django.db import DatabaseError, connection
from django.http import HttpResponse


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


class OpenDataCorsMiddleware:
    """Lets any web page read the open data and the API (GET only, no credentials)."""

    PREFIXES = ("/api/", "/daten/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.PREFIXES) and request.method in ("GET", "HEAD"):
            response["Access-Control-Allow-Origin"] = "*"
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
