"""Following by e-mail, without an account.

The forms sit on page-cached public pages, so they carry no CSRF token: the POST
endpoints accept only requests from this site's own pages (the Origin header, else the
Referer) and count each client (iserlohn_digital/ratelimit.py). The pages behind the
links in the mails are authorised by the signed link alone and are never cached.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from iserlohn_digital.clientip import client_ip
from iserlohn_digital.ratelimit import hit

from . import services, tokens
from .forms import OverviewForm, SubscribeForm
from .models import Subscription

REQUESTS_PER_CLIENT = 10
REQUESTS_WINDOW = datetime.timedelta(hours=1)
FOREIGN_ORIGIN = (
    "Das Formular wurde nicht von dieser Website abgeschickt. Bitte nutzen Sie das Formular "
    "auf der Seite, der Sie folgen möchten."
)
TOO_MANY = (
    "Von Ihrem Anschluss kamen in der letzten Stunde schon viele Anfragen. Bitte versuchen "
    "Sie es später noch einmal."
)
INVALID_LINK = (
    "Dieser Link ist ungültig oder abgelaufen. Bestätigungslinks gelten sieben Tage; "
    "fordern Sie gegebenenfalls einfach einen neuen an."
)


def _from_this_site(request) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        referer = urlsplit(request.headers.get("Referer", ""))
        origin = f"{referer.scheme}://{referer.netloc}" if referer.netloc else ""
    own = f"{request.scheme}://{request.get_host()}"
    return origin in {own, settings.SITE_URL, *settings.CSRF_TRUSTED_ORIGINS}


def _page(request, template, context=None, *, status=200, retry_after=None):
    response = render(request, f"subscriptions/{template}", context or {}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _private(response):
    """Pages opened with a signed link: never in the page cache or any other."""
    add_never_cache_headers(response)
    response["Cache-Control"] += ", private"
    return response


def _guard(request):
    """The answer refusing a POST from another site or beyond the client's budget, or
    None."""
    if not _from_this_site(request):
        return _page(request, "refused.html", {"message": FOREIGN_ORIGIN}, status=403)
    verdict = hit(
        "benachrichtigungen", client_ip(request), limit=REQUESTS_PER_CLIENT, window=REQUESTS_WINDOW
    )
    if not verdict.allowed:
        return _page(
            request,
            "refused.html",
            {"message": TOO_MANY},
            status=429,
            retry_after=verdict.retry_after,
        )
    return None


@require_safe
def overview_request(request):
    """Follow everything, or ask for the link to one's subscriptions."""
    return _page(request, "subscription_list.html", {"overview_form": OverviewForm()})


@csrf_exempt
@require_POST
def subscribe(request):
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return _page(request, "subscribe_error.html", {"form": form}, status=400)
    if refused := _guard(request):
        return refused
    if not form.is_spam():
        data = form.cleaned_data
        services.request_subscription(
            email=data["email"], target=data["target"], key=data["key"], frequency=data["frequency"]
        )
    return _page(request, "requested.html", {"email": form.cleaned_data["email"]})


@csrf_exempt
@require_POST
def request_overview(request):
    form = OverviewForm(request.POST)
    if not form.is_valid():
        return _page(request, "subscription_list.html", {"overview_form": form}, status=400)
    if refused := _guard(request):
        return refused
    services.mail_overview_link(email=form.cleaned_data["email"])
    return _page(request, "overview_requested.html", {"email": form.cleaned_data["email"]})


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The link in the confirmation mail shows what is confirmed; the button confirms (a
    mail program that opens links to check them confirms nothing)."""
    email = tokens.read_confirm(token)
    if email is None:
        return _private(_page(request, "refused.html", {"message": INVALID_LINK}, status=404))
    waiting = Subscription.objects.unconfirmed().of_address(email)
    if request.method == "POST":
        count = services.confirm(email=email)
        return _private(_page(request, "confirmed.html", {"count": count, "email": email}))
    return _private(
        _page(
            request,
            "confirm.html",
            {"email": email, "items": [s.describe() for s in waiting], "token": token},
        )
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """The link in every mail: one button ends what the mail was sent for. A POST is also
    the one-click unsubscribe of mail programs (RFC 8058)."""
    found = tokens.read_unsubscribe(token)
    if found is None:
        return _private(_page(request, "refused.html", {"message": INVALID_LINK}, status=404))
    email, ids = found
    subscriptions = Subscription.objects.of_address(email).filter(pk__in=ids)
    if request.method == "POST":
        services.end_subscriptions(email=email, ids=ids)
        return _private(_page(request, "ended.html", {"email": email}))
    return _private(
        _page(
            request,
            "unsubscribe.html",
            {"email": email, "items": [s.describe() for s in subscriptions], "token": token},
        )
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    """All subscriptions of one address, each to end on its own or all at once."""
    email = tokens.read_manage(token)
    if email is None:
        return _private(_page(request, "refused.html", {"message": INVALID_LINK}, status=404))
    ended = False
    if request.method == "POST":
        choice = request.POST.get("beenden", "")
        valid_id = choice.isascii() and choice.isdigit() and len(choice) <= 18
        ids = None if choice == "alle" else [int(choice)] if valid_id else []
        ended = services.end_subscriptions(email=email, ids=ids) > 0
    subscriptions = Subscription.objects.of_address(email)
    items = [(s, s.describe()) for s in subscriptions]
    return _private(
        _page(
            request, "manage.html", {"email": email, "items": items, "token": token, "ended": ended}
        )
    )
