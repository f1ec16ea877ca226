"""Whole public pages cached by content version, in the cache every app server shares.

A page is rendered once per content version, day and address; every edit raises the
version (a database row, see strategy.ContentVersion), so the next request on any server
renders anew. What the cache keeps is the finished answer, compressed where the client
accepts gzip, with the version it was rendered for; conditional requests for it are
answered with 304.

The version lives twice: in the database, the source of truth, and beside the pages in
the cache, copied there when each change commits (`publish_version`). A hit is answered
in front of Django (`PageCacheFront`, the WSGI application): one read fetches the page and
the version together, and the page is served if it was rendered for that version; no
query, no middleware. Anything else goes on to Django, where `PageCacheMiddleware` asks
the database for the version, puts it back in the cache if the cache lost it or holds an
older one, and serves the page from the cache or renders and keeps it. Both answer with
the same headers, ETag and 304, request id and log line.

Requests that carry the session or the messages cookie are never served from the cache:
signed-in editors see drafts, and a message after a form post belongs to one visitor.
Other cookies (the CSRF one, a city-wide cookie of another site on the same domain,
anything made up) change no page, so they do not open a way around the cache. Only plain
200 answers that set no cookie are kept, and only for query strings made of the
parameters the portal knows (so made-up ones cannot fill the cache). The version names
the time of the last change beside its number (a restored or other database starts its
numbers anew), and the key holds the release (pages of an earlier release link static
files that are gone). If the cache fails, pages are served uncached.
"""

import datetime
import functools
import hashlib
import logging
import time
from http import HTTPStatus
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from .logs import log_request, request_id_of, request_id_var

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
# The copy of the content version beside the pages. It expires now and then, so a copy
# that missed an edit (a server that died between commit and copy) is asked again of the
# database within minutes at the latest.
VERSION_KEY = "content-version"
VERSION_TIMEOUT = 5 * 60
# The headers of a conditional request.
CONDITIONAL = frozenset(
    ("HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE")
)
# What the front layer found, handed on to the middleware so it need not read again.
LOOKUP = "iserlohn_digital.page_lookup"

logger = logging.getLogger(__name__)


@functools.cache
def release() -> str:
    """A short fingerprint of the running code, templates and static files."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    apps = (
        "templates",
        "iserlohn_digital",
        "strategy",
        "measures",
        "opendata",
        "reports",
        "subscriptions",
        "workspace",
        "locale",
    )
    sources = [*(base / app for app in apps), Path(settings.STATIC_ROOT) / "staticfiles.json"]
    for source in sources:
        files = sorted(source.rglob("*")) if source.is_dir() else [source]
        for path in files:
            if path.is_file() and path.suffix in {".py", ".html", ".json", ".txt", ".xml", ".po"}:
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
    """The key scheme of what is cached per content version (PDFs, the catalogue's filter
    choices; pages keep their version in the entry): the kind, the release, the version
    token (its number and the time of its last change: a restored or another database
    starts its numbers anew, so the number alone could meet other content), then a digest
    of the parts that tell one entry of the kind from another. `version` is a (number,
    changed_at) pair if the caller has it."""
    from strategy.models import ContentVersion

    key = f"{kind}:{release()}:{version_token(*(version or ContentVersion.number_and_time()))}"
    if parts:
        joined = "\x1f".join(parts).encode("utf-8", "surrogateescape")
        key += ":" + hashlib.sha256(joined).hexdigest()[:32]
    return key


def _accepts_gzip(request) -> bool:
    # The test of Django's GZipMiddleware, so the key says what the kept page holds.
    return bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))


def version_token(number: int, changed_at: datetime.datetime) -> str:
    return f"{number}.{int(changed_at.timestamp() * 1_000_000)}"


def _pages():
    return caches["pages"]


def read_page(key: str) -> tuple[str | None, tuple | None]:
    """The version token the cache holds and the page kept under `key`, in one read
    where the cache can (Redis); (None, None) if the cache is away."""
    cache = _pages()
    try:
        if hasattr(cache, "get_with_token"):
            return cache.get_with_token(VERSION_KEY, key)
        found = cache.get_many([VERSION_KEY, key])
        return found.get(VERSION_KEY), found.get(key)
    except Exception:  # the cache is away: serve uncached rather than fail
        logger.warning("Seiten-Cache nicht erreichbar", exc_info=True)
        return None, None


def write_version(token: str) -> None:
    cache = _pages()
    try:
        if hasattr(cache, "publish_token"):
            cache.publish_token(VERSION_KEY, token, VERSION_TIMEOUT)
        else:  # a cache of one process (development, tests): no other server to outrun
            cache.set(VERSION_KEY, token, VERSION_TIMEOUT)
    except Exception:
        logger.warning("Inhaltsversion nicht im Seiten-Cache abgelegt", exc_info=True)


def publish_version(**kwargs) -> None:
    """Copy the committed content version beside the pages (on `content_changed`, which
    is sent after each commit that changed content)."""
    from strategy.models import ContentVersion

    try:
        version = ContentVersion.number_and_time()
    except DatabaseError:  # the edit is committed; the next miss puts the version back
        logger.warning("Inhaltsversion nicht gelesen", exc_info=True)
        return
    write_version(version_token(*version))


def page_key(request, today: datetime.date) -> str:
    """The key of a page: the same address, encoding and day on every server; the
    version is kept in the entry, so the page and the version are read together."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    encoding = "gzip" if _accepts_gzip(request) else "identity"
    # The kept headers say who may frame the status cards; a changed list takes effect
    # with the restart, not a day later.
    framing = " ".join(settings.EMBED_FRAME_ANCESTORS)
    # The address joins the script name and the path; the page depends on the path alone
    # (a proxy may pass a client's SCRIPT_NAME header on to gunicorn), so it is named too.
    parts = "\x1f".join((today.isoformat(), encoding, address, request.path_info, framing))
    digest = hashlib.sha256(parts.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return f"page:{release()}:{digest}"


def cacheable_request(request) -> bool:
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


def cached_response(request, entry) -> HttpResponse:
    """The kept page as an answer to `request`: 304 if the client has it already."""
    _token, status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return (
        get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )
        or response
    )


class PageCacheFront:
    """The WSGI application: answers a cache hit before Django sees the request.

    A hit costs one cache read and no query; the answer gets the request id and the log
    line the request id middleware would have given it. Everything else (other methods,
    signed-in visitors, a miss, a page of an older version, a cache that is away, a host
    Django would refuse) goes to Django unchanged.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and getattr(settings, "PAGE_CACHE", True):
            start = time.monotonic()
            try:
                answer = self._hit(environ, start)
            except Exception:  # whatever the fast path trips over, Django answers properly
                logger.warning("Seiten-Cache vor Django übergangen", exc_info=True)
                answer = None
            if answer is not None:
                status, headers, content = answer
                start_response(status, headers)
                return [content]
        return self.application(environ, start_response)

    @staticmethod
    def _hit(environ, start):
        # A copy: WSGIRequest writes the decoded path back into the environ it is given,
        # and Django, reading it again on a miss, would decode it a second time.
        request = WSGIRequest(environ.copy())
        if not cacheable_request(request):
            return None
        try:
            key = page_key(request, timezone.localdate())
        except Exception:  # a host Django refuses: Django says so with a 400
            return None
        token, entry = read_page(key)
        environ[LOOKUP] = (key, token, entry)
        if token is None or entry is None or entry[0] != token:
            return None
        request.id = request_id_of(request)
        reset = request_id_var.set(request.id)
        try:
            if CONDITIONAL.intersection(environ):  # 304, or 412 for a failed precondition
                response = cached_response(request, entry)
                status, headers, content = response.status_code, response.items(), response.content
            else:  # the kept answer as it is, without building a response object
                _token, status, headers, content = entry
            log_request(request, status, start)
        finally:
            request_id_var.reset(reset)
        headers = [*headers, ("X-Request-ID", request.id)]
        return f"{status} {HTTPStatus(status).phrase}", headers, content


class PageCacheMiddleware:
    """The page cache inside Django: the database's version, then the kept page or a new
    rendering that is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            return self.get_response(request)

        from strategy.models import ContentVersion

        number, changed_at = ContentVersion.number_and_time()
        # Whatever the page renders and caches per content version asks no second time.
        request.content_version = (number, changed_at)
        token = version_token(number, changed_at)
        today = timezone.localdate()
        looked = request.META.get(LOOKUP)
        if looked is None:  # not through the front layer (test client, other servers)
            key = page_key(request, today)
            cached_token, entry = read_page(key)
        else:
            key, cached_token, entry = looked
        if cached_token != token:
            write_version(token)  # the cache lost it, or missed an edit
        if entry is not None and entry[0] == token:
            return cached_response(request, entry)

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
                _pages().set(key, self._freeze(token, response), timeout)
            except Exception:
                logger.warning("Seite nicht im Seiten-Cache abgelegt", exc_info=True)
        return response

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
    def _freeze(token: str, response) -> tuple:
        return (token, response.status_code, list(response.items()), response.content)
