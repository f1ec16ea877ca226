"""A frozen clock for tests that record things on known days."""

import datetime
import itertools
from contextlib import ExitStack, contextmanager
from unittest import mock

from django.apps import apps
from django.utils import timezone


@contextmanager
def frozen_clock(day: datetime.date, hour: int = 12):
    """Django's clock starts at `hour` o'clock (local time) on `day`: `timezone.now` and
    all that reads it (model defaults such as `created_at` and `recorded_at`, `auto_now`,
    `timezone.localdate`, the change history's `history_date`). Each reading advances it
    by a millisecond, so moments stay distinct and in order, as they do in real life
    (e.g. two status updates of a measure are never recorded at the same moment)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    ticks = itertools.count()
    original = timezone.now

    def now():
        return moment + datetime.timedelta(milliseconds=next(ticks))

    with ExitStack() as stack:
        stack.enter_context(mock.patch("django.utils.timezone.now", now))
        # A field's `default=timezone.now` holds the function itself.
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if field.default is original:
                    stack.enter_context(mock.patch.object(field, "_get_default", now))
        yield moment
