from django.conf import settings


def site(request):
    """Names every page needs, so templates don't repeat them."""
    return {
        "site_name": "Iserlohn digital",
        "site_owner": "Stadt Iserlohn",
        "debug": settings.DEBUG,
    }
