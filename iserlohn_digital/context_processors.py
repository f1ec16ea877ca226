import functools

from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from .pagecache import content_cache_key


def _example_content_published():
    from measures.models import Measure

    return Measure.objects.published().filter(is_example=True).exists()


def _sign_language_ready(request):
    """Whether a video in Gebärdensprache is published. Every page's header asks it; for
    a request the page cache has the content version of, it is kept per version."""
    from strategy.models import SignLanguageVideo

    version = getattr(request, "content_version", None)
    if version is None:
        return SignLanguageVideo.objects.published().exists()
    key = content_cache_key("sign-language-ready", version=version)
    ready = cache.get(key)
    if ready is None:
        ready = SignLanguageVideo.objects.published().exists()
        cache.set(key, ready)
    return ready


def site(request):
    """Names and notices every page needs, so templates don't repeat them."""
    return {
        "site_name": "Iserlohn digital",
        "site_owner": "Stadt Iserlohn",
        "debug": settings.DEBUG,
        # Asked only by pages that show the notice, and then once.
        "example_content": SimpleLazyObject(_example_content_published),
        # Whether the header may drop "(in Vorbereitung)" after "Gebärdensprache".
        "sign_language_ready": SimpleLazyObject(functools.partial(_sign_language_ready, request)),
        "canonical_url": request.build_absolute_uri(request.path),
    }
