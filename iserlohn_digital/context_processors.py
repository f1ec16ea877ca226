from django.conf import settings
from django.utils.functional import SimpleLazyObject


def _example_content_published():
    from measures.models import Measure

    return Measure.objects.published().filter(is_example=True).exists()


def site(request):
    """Names and notices every page needs, so templates don't repeat them."""
    return {
        "site_name": "Iserlohn digital",
        "site_owner": "Stadt Iserlohn",
        "debug": settings.DEBUG,
        # Asked only by pages that show the notice, and then once.
        "example_content": SimpleLazyObject(_example_content_published),
        "canonical_url": request.build_absolute_uri(request.path),
    }
