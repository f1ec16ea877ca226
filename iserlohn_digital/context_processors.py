from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.functional import SimpleLazyObject

from .pagecache import content_cache_key


def _read_header_flags() -> tuple[bool, bool]:
    """Whether example content is published and whether a video in Gebärdensprache is,
    in one query: two EXISTS, which the ORM has only per table."""
    from measures.models import Measure
    from strategy.models import SignLanguageVideo

    parts = [
        Measure.objects.published().filter(is_example=True).values("pk")[:1],
        SignLanguageVideo.objects.published().values("pk")[:1],
    ]
    compiled = [part.query.sql_with_params() for part in parts]
    sql = "SELECT " + ", ".join(f"EXISTS ({part_sql})" for part_sql, _ in compiled)
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _, params in compiled for param in params])
        example, sign_language = cursor.fetchone()
    return bool(example), bool(sign_language)


def _header_flags(request) -> tuple[bool, bool]:
    """Every page's header asks both flags (example content: the notice; a DGS video:
    whether "Gebärdensprache" drops "(in Vorbereitung)"); for a request the page cache
    has the content version of, they are kept per version."""
    version = getattr(request, "content_version", None)
    read = getattr(request, "_header_flags", None)
    if read is not None and read[0] == version:
        return read[1]
    if version is None:
        flags = _read_header_flags()
    else:
        key = content_cache_key("header-flags", version=version)
        flags = cache.get(key)
        if flags is None:
            flags = _read_header_flags()
            cache.set(key, flags)
        flags = tuple(flags)
    request._header_flags = (version, flags)
    return flags


def site(request):
    """Names and notices every page needs, so templates don't repeat them."""
    return {
        "site_name": "Iserlohn digital",
        "site_owner": "Stadt Iserlohn",
        "debug": settings.DEBUG,
        # Asked only by pages that show the notice, and then once.
        "example_content": SimpleLazyObject(lambda: _header_flags(request)[0]),
        # Whether the header may drop "(in Vorbereitung)" after "Gebärdensprache".
        "sign_language_ready": SimpleLazyObject(lambda: _header_flags(request)[1]),
        "canonical_url": request.build_absolute_uri(request.path),
    }
