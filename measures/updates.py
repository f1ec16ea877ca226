"""Recording status updates: the one way a measure's status and progress get their date."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import Measure, StatusUpdate


def record_status_update(
    *,
    measure: Measure,
    note: str,
    author=None,
    evidence_url: str = "",
    evidence_title: str = "",
    date: datetime.date | None = None,
) -> StatusUpdate:
    """Record the measure's current status and progress as a dated status update.

    The measure must already hold the new status and progress; the note says what
    happened. Validates before saving, so an invalid update (a date in the future, too)
    writes nothing.
    """
    if not note.strip():
        raise ValidationError({"note": "Bitte kurz vermerken, was sich geändert hat."})
    update = StatusUpdate(
        measure=measure,
        date=date or timezone.localdate(),
        status=measure.status,
        progress=measure.progress,
        note=note.strip(),
        evidence_url=evidence_url,
        evidence_title=evidence_title,
        author=author,
    )
    update.full_clean()
    update.save()
    return update
