"""Bare Django: one view, no middleware, no database. `make bench` serves it with the
same gunicorn settings as the portal, as the yardstick for the portal's throughput."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ["SECRET_KEY"],
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
)


def hello(request):
    return HttpResponse("Hallo Iserlohn", content_type="text/plain; charset=utf-8")


urlpatterns = [path("", hello), path("healthz", hello)]

application = get_wsgi_application()
