"""The WSGI application: Django, with cached public pages answered in front of it
(iserlohn_digital/pagecache.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iserlohn_digital.settings")

django_application = get_wsgi_application()

from iserlohn_digital.pagecache import PageCacheFront  # noqa: E402 – needs Django set up

application = PageCacheFront(django_application)
