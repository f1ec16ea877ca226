from django.http import HttpResponse


class HealthCheckMiddleware:
    """Answers /healthz before host validation and without the database.

    Load balancers and the container's HEALTHCHECK call it by IP address, which is not
    one of ALLOWED_HOSTS; the answer says only that the process is alive.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz" and request.method in ("GET", "HEAD"):
            response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


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
