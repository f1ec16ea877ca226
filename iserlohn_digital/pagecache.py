"""Whole public pages cached by content version, in the cache every app server shares.

A page is rendered once per content version, day and address; every edit raises the
version (a database row, see strategy.ContentVersion), so the next request on any server
renders anew. What the cache keeps is the finished answer, compressed where the client
accepts gzip; conditional requests for it are answered with 304.

Requests that carry the session or the messages cookie are never served from the cache:
signed-in editors see drafts, and a message after a form post belongs to one visitor.
Other cookies (the CSRF one, a city-wide cookie of another site on the same domain,
anything made up) change no page, so they do not open a way around the cache. Only plain
200 answers that set no cookie are kept, and only for query strings made of the
parameters the portal knows (so made-up ones cannot fill the cache). The key also holds
the time of the last change (a restored or other database starts its numbers anew) and
the release (pages of an earlier release link static files that are gone). If the cache
fails, pages are served uncached.
"""

import datetime
import functools
import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

# Larger answers are not kept (PDFs are files the task worker stores, served as they are).
MAX_SIZE = 1024 * 1024
# Searches and filters make many addresses; they are kept shorter than plain pages.
TIMEOUT = 60 * 60 * 24
TIMEOUT_WITH_QUERY = 60 * 60
EXCLUDED_PREFIXES = ("/admin/", "/healthz", "/readyz", "/static/")
MAX_QUERY_LENGTH = 300
# The cookies that make a page one visitor's own: the session and the messages shown
# after a form post (kept in a cookie of their own while they fit).
MESSAGES_COOKIE = CookieStorage.cookie_name

logger = logging.getLogger(__name__)


@functools.cache
def release() -> str:
    """A short fingerprint of the running code, templates and static files."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    apps = ("templates", "iserlohn_digital", "strategy", "measures", "opendata")
    sources = [*(base / app for app in apps), Path(settings.STATIC_ROOT) / "staticfiles.json"]
    for source in sources:
        files = sorted(source.rglob("*")) if source.is_dir() else [source]
        for path in files:
            if path.is_file() and path.suffix in {".py", ".html", ".json", ".txt", ".xml"}:
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


@functools.cache
def known_parameters() -> frozenset:
    """The query parameters of the catalogue, the reports, the online services and the
    API; pages asked for with others are not cached."""
    from measures.forms import CatalogueForm, ReportForm
    from measures.online_services import GroupingForm
    from opendata.api import QUERY_PARAMETERS

    return (
        frozenset(CatalogueForm.base_fields)
        | set(ReportForm.base_fields)
        | set(GroupingForm.base_fields)
        | QUERY_PARAMETERS
    )


def content_cache_key(kind: str, *parts: str, version=None) -> str:
    """The one key scheme of everything cached per content (pages, PDFs, the catalogue's
    filter choices): the kind, the release, the content version and the time of its last
    change (a restored or another database starts its numbers anew, so the number alone
    could meet other content), then a digest of the parts that tell one entry of the kind
    from another. `version` is a (number, changed_at) pair if the caller has it."""
    from strategy.models import ContentVersion

    number, changed_at = version or ContentVersion.number_and_time()
    key = f"{kind}:{release()}:{number}.{int(changed_at.timestamp() * 1_000_000)}"
    if parts:
        joined = "\x1f".join(parts).encode("utf-8", "surrogateescape")
        key += ":" + hashlib.sha256(joined).hexdigest()[:32]
    return key


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
        # Whatever the page renders and caches per content version asks no second time.
        request.content_version = (number, changed_at)
        today = timezone.localdate()
        key = self._key(request, number, changed_at, today)
        try:
            cached = caches["pages"].get(key)
        except Exception:  # the cache is away: serve uncached rather than fail
            logger.warning("Seiten-Cache nicht erreichbar", exc_info=True)
            return self.get_response(request)
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
            try:
                caches["pages"].set(key, self._freeze(response), timeout)
            except Exception:
                logger.warning("Seite nicht im Seiten-Cache abgelegt", exc_info=True)
        return response

    @staticmethod
    def _cacheable_request(request) -> bool:
        return (
            getattr(settings, "PAGE_CACHE", True)
            and request.method == "GET"
            and not request.path.startswith(EXCLUDED_PREFIXES)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and MESSAGES_COOKIE not in request.COOKIES
            and "Authorization" not in request.headers
            and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_LENGTH
            and set(request.GET) <= known_parameters()
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

    def _key(self, request, version: int, changed_at, today) -> str:
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        encoding = "gzip" if _accepts_gzip(request) else "identity"
        # The kept headers say who may frame the status cards; a changed list takes effect
        # with the restart, not a day later.
        framing = " ".join(settings.EMBED_FRAME_ANCESTORS)
        return content_cache_key(
            "page", today.isoformat(), encoding, address, framing, version=(version, changed_at)
        )

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
