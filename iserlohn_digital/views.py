import sys

from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string

# Seconds after which a client may try again while the database is away.
RETRY_AFTER = 30


def server_error(request):
    """500, unless the database is unreachable: then 503 with Retry-After, as the site
    recovers by itself when the database returns."""
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError):
        response = HttpResponse(
            render_to_string("503.html"), status=503, content_type="text/html; charset=utf-8"
        )
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return HttpResponseServerError(
        render_to_string("500.html", {"request_id": getattr(request, "id", "")}),
        content_type="text/html; charset=utf-8",
    )
