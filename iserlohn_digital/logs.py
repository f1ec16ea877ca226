"""Logs to stdout as one JSON object per line, each with the id of its request."""

import contextvars
import json
import logging
import re
import time
import uuid

request_id_var = contextvars.ContextVar("request_id", default="-")
access_log = logging.getLogger("iserlohn_digital.requests")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        for key in ("method", "path", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


# The signed one-use links of "Stand melden" (workspace) open the form without sign-in
# where a unit allows it: their tokens stay out of the logs.
SIGNED_LINK = re.compile(r"^(/admin/aufgaben/link/)[^/]+")


def logged_path(path: str) -> str:
    return SIGNED_LINK.sub(r"\1…", path)


class RequestIdMiddleware:
    """Gives every request an id (from X-Request-ID if the proxy sent a sane one), puts
    it on the response and in every log line, and logs one line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request_id_of(request)
        token = request_id_var.set(request.id)
        start = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            log_request(request, response.status_code, start)
            return response
        finally:
            request_id_var.reset(token)


def request_id_of(request) -> str:
    """The proxy's X-Request-ID if it is a sane one, else a new id."""
    incoming = request.headers.get("X-Request-ID", "")
    return incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex


def log_request(request, status: int, start: float) -> None:
    """The one log line of a request (also of a page the cache answers before Django)."""
    path = logged_path(request.path)
    access_log.info(
        "%s %s %s",
        request.method,
        path,
        status,
        extra={
            "request_id": request.id,
            "method": request.method,
            "path": path,
            "status": status,
            "duration_ms": round((time.monotonic() - start) * 1000, 1),
        },
    )
