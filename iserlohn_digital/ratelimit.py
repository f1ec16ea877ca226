"""Rate limits per client, counted atomically in the database.

`hit("meldung", client_ip(request), limit=5, window=timedelta(hours=1))` counts one
request and says whether it is within the limit. The count is one conditional UPDATE, so
parallel requests cannot slip past the limit; the rows live in the database, where
neither page-cache traffic nor a cache outage can take them away. What is stored is a
keyed hash of scope and client, never the address, and only until the window ends.
"""

import datetime
import hashlib
import hmac
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends (when not allowed)


def _key(scope: str, client: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{scope}|{client}".encode(), hashlib.sha256)
    return f"{scope}:{digest.hexdigest()[:40]}"


def hit(scope: str, client: str, *, limit: int, window: datetime.timedelta) -> Verdict:
    """Count one request of `client` for `scope`; allowed while at most `limit` fall into
    the window that began with the first of them."""
    from strategy.models import RateLimit

    now = timezone.now()
    key = _key(scope, client)
    RateLimit.objects.filter(expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            RateLimit.objects.get_or_create(key=key, defaults={"expires_at": now + window})
    except IntegrityError:
        pass  # created by a parallel request in the meantime
    counted = RateLimit.objects.filter(key=key, count__lt=limit).update(count=F("count") + 1)
    if counted:
        return Verdict(True, 0)
    expires_at = RateLimit.objects.filter(key=key).values_list("expires_at", flat=True).first()
    seconds = (expires_at - now).total_seconds() if expires_at else window.total_seconds()
    return Verdict(False, max(1, math.ceil(seconds)))
