"""Mail sent outside the request: a slow or hung mail server must not hold up a page.

`templated_mail()` builds a mail in plain text with an HTML part from a pair of templates.
`send_later(message_kwargs)` hands an e-mail (the keyword arguments of Django's
`EmailMessage`) to one background thread per process and returns at once. A failure is
logged as a warning; whatever the mail reports is stored in the database beforehand, so
nothing is lost. EMAIL_TIMEOUT bounds each attempt. Tests wait with `wait_for_pending()`.
"""

import concurrent.futures
import logging
import threading

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Threads start with the first mail, i.e. in the worker process, not in the gunicorn
# master that preloads the application. At exit, queued mails are still sent.
_executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail")
_pending: set[concurrent.futures.Future] = set()
_lock = threading.Lock()


def templated_mail(*, subject, to, template, context, headers=None) -> EmailMultiAlternatives:
    """The mail of `template`.txt with `template`.html as its HTML part; both templates
    get `site_url` for their links."""
    context = {**context, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=to,
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def _send(message_kwargs: dict) -> None:
    try:
        EmailMessage(**message_kwargs).send()
    except Exception as error:  # any failure of the mail server: log it, keep the thread
        logger.warning(
            "Mail %r could not be sent: %s: %s",
            message_kwargs.get("subject", ""),
            type(error).__name__,
            error,
        )


def _done(future: concurrent.futures.Future) -> None:
    with _lock:
        _pending.discard(future)


def send_later(message_kwargs: dict) -> concurrent.futures.Future:
    """Send the mail in the background; returns at once."""
    with _lock:
        future = _executor.submit(_send, dict(message_kwargs))
        _pending.add(future)
    future.add_done_callback(_done)
    return future


def wait_for_pending(timeout: float | None = None) -> None:
    """Return when every mail handed over so far has been sent or has failed."""
    with _lock:
        pending = list(_pending)
    concurrent.futures.wait(pending, timeout=timeout)
