"""Which pages other sites may show in a frame: only the status cards under /einbetten/,
and only from the origins in EMBED_FRAME_ANCESTORS. Every other answer keeps the
settings' `frame-ancestors 'none'` and `X-Frame-Options: DENY`."""

import functools

from django.conf import settings
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override


def embeddable(view):
    """Lets the origins of EMBED_FRAME_ANCESTORS frame the view's answers (the rest of the
    Content Security Policy stays as in SECURE_CSP)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        # Read per request, so that the policy follows the settings (and tests' overrides).
        policy = {**settings.SECURE_CSP, "frame-ancestors": settings.EMBED_FRAME_ANCESTORS}
        return csp_override(policy)(xframe_options_exempt(view))(request, *args, **kwargs)

    return wrapper
