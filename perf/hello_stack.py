"""Hello behind the portal's middleware stack: the portal's production settings (its
MIDDLEWARE, database, Redis, logging) but one view at "/" that answers "Hallo" without
the database (settings in perf/settings_hello_stack.py, page cache off). Between bare
Django's hello (perf/hello.py) and the portal's pages in `make bench`."""

import os

# Set, not defaulted: the portal's own settings module would serve the portal instead.
os.environ["DJANGO_SETTINGS_MODULE"] = "perf.settings_hello_stack"

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path


def hello(request):
    return HttpResponse("Hallo Iserlohn", content_type="text/plain; charset=utf-8")


urlpatterns = [path("", hello)]

application = get_wsgi_application()
