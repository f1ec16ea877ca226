"""Whole public pages cached by content version, in the cache every app server shares.

A page is rendered once per content version, day and address; every edit raises the
version (a database row, see strategy.ContentVersion), so the next request on any server
renders anew. What the cache keeps is the finished answer, compressed where the client
accepts gzip; conditional requests for it are answered with 304.

Only requests that carry no cookie but the CSRF one are served from the cache: signed-in
editors see drafts, and a message after a form post belongs to one visitor. Only plain
200 answers that set no cookie are kept.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

# Larger answers (the full strategy as PDF) are cached by the PDF cache on their own.
MAX_SIZE = 1024 * 1024
# Searches and filters make many addresses; they are kept shorter than plain pages.
TIMEOUT = 60 * 60 * 24
TIMEOUT_WITH_QUERY = 60 * 60
EXCLUDED_PREFIXES = ("/admin/", "/healthz", "/readyz", "/static/")


def _accepts_gzip(request) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._cacheable_request(request):
            return self.get_response(request)

        from strategy.models import ContentVersion

        number, changed_at = ContentVersion.number_and_time()
        today = timezone.localdate()
        key = self._key(request, number, today)
        cached = cache.get(key)
        if cached is not None:
            response = self._restore(cached)
            return (
                get_conditional_response(
                    request,
                    etag=response.get("ETag"),
                    last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
                    response=response,
                )
                or response
            )

        response = self.get_response(request)
        if self._cacheable_response(response):
            if not response.has_header("Last-Modified"):
                # The pages change with the content and with the date (overdue, stale).
                midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
                response["Last-Modified"] = http_date(max(changed_at, midnight).timestamp())
            if not response.has_header("Cache-Control"):
                # Browsers may keep the page, but ask whether it changed before showing it.
                patch_cache_control(response, no_cache=True)
            timeout = TIMEOUT_WITH_QUERY if request.META.get("QUERY_STRING") else TIMEOUT
            cache.set(key, self._freeze(response), timeout)
        return response

    @staticmethod
    def _cacheable_request(request) -> bool:
        return (
            getattr(settings, "PAGE_CACHE", True)
            and request.method == "GET"
            and not request.path.startswith(EXCLUDED_PREFIXES)
            and set(request.COOKIES) <= {settings.CSRF_COOKIE_NAME}
            and "Authorization" not in request.headers
        )

    @staticmethod
    def _cacheable_response(response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and len(response.content) <= MAX_SIZE
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _key(request, version: int, today) -> str:
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
        encoding = "gzip" if _accepts_gzip(request) else "identity"
        return f"page:{version}:{today.isoformat()}:{encoding}:{digest}"

    @staticmethod
    def _freeze(response) -> tuple:
        return (response.status_code, list(response.items()), response.content)

    @staticmethod
    def _restore(frozen) -> HttpResponse:
        status, headers, content = frozen
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response
