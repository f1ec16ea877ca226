"""Signed links in the mails (django.core.signing): nothing of them is stored.

A confirmation link names the address and is valid as long as an unconfirmed subscription
is kept; an unsubscribe link names the address and the subscriptions a mail was sent for
and stays valid; a link to the overview of one's subscriptions names the address and is
valid for MANAGE_DAYS.
"""

import datetime

from django.core import signing

from .models import UNCONFIRMED_DAYS

CONFIRM_SALT = "subscriptions.confirm"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"
MANAGE_SALT = "subscriptions.manage"
MANAGE_DAYS = 30


def confirm_token(email: str) -> str:
    return signing.dumps(email, salt=CONFIRM_SALT, compress=True)


def unsubscribe_token(email: str, subscription_ids) -> str:
    return signing.dumps([email, sorted(subscription_ids)], salt=UNSUBSCRIBE_SALT, compress=True)


def manage_token(email: str) -> str:
    return signing.dumps(email, salt=MANAGE_SALT, compress=True)


def read_confirm(token: str) -> str | None:
    """The address of a valid confirmation link, else None."""
    try:
        return signing.loads(
            token, salt=CONFIRM_SALT, max_age=datetime.timedelta(days=UNCONFIRMED_DAYS)
        )
    except signing.BadSignature:
        return None


def read_unsubscribe(token: str) -> tuple[str, list[int]] | None:
    """The address and subscription ids of a valid unsubscribe link, else None."""
    try:
        email, ids = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return email, ids


def read_manage(token: str) -> str | None:
    """The address of a valid link to the overview, else None."""
    try:
        return signing.loads(token, salt=MANAGE_SALT, max_age=datetime.timedelta(days=MANAGE_DAYS))
    except signing.BadSignature:
        return None
