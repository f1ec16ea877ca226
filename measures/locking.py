"""Optimistic locking of the measure change form, built on the change history.

The form carries a version token: the latest history_id of the measure and of what hangs
on it (milestones, Kennzahlen, online services, status updates, Schlagwörter). A save
based on an older token is refused when someone else has changed anything since; the
history records newer than the token say who changed what and when.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import Indicator, Measure, Milestone, OnlineService, StatusUpdate, TaggedMeasure

# Every model the measure form edits, with the field of its history leading to the measure.
TRACKED = [
    (Measure, "id"),
    (Milestone, "measure_id"),
    (Indicator, "measure_id"),
    (OnlineService, "measure_id"),
    (StatusUpdate, "measure_id"),
    (TaggedMeasure, "content_object_id"),
]

SEPARATOR = "."


def _history(model, link, measure_id):
    """History records of every object that ever belonged to the measure (one that was
    moved to another measure since included)."""
    records = model.history.model.objects
    if model is Measure:
        return records.filter(id=measure_id)
    return records.filter(id__in=records.filter(**{link: measure_id}).values("id"))


def current_version(measure_id) -> str:
    """The version token of the measure as stored now."""
    parts = []
    for model, link in TRACKED:
        last = _history(model, link, measure_id).aggregate(last=Max("history_id"))["last"]
        parts.append(str(last or 0))
    return SEPARATOR.join(parts)


def lock_measure(measure_id):
    """Lock the measure row until the end of the surrounding transaction, so that two
    concurrent saves are checked one after the other (no-op outside a transaction)."""
    if transaction.get_connection().in_atomic_block:
        list(Measure.objects.select_for_update().filter(pk=measure_id).values_list("pk"))


def _parse(version):
    parts = (version or "").split(SEPARATOR)
    if len(parts) != len(TRACKED) or not all(part.isdigit() for part in parts):
        return None
    return [int(part) for part in parts]


def _user_name(user):
    if user is None:
        return "Jemand"
    full_name = user.get_full_name().strip()
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


def _label(model, record):
    """The changed object as the editor knows it, e.g. Meilenstein „Pilot“."""
    if model is TaggedMeasure:
        return str(Measure._meta.get_field("tags").verbose_name)
    if model is StatusUpdate:
        return f"Statusmeldung vom {record.date:%d.%m.%Y}"
    name = getattr(record, "title", None) or getattr(record, "name", None) or record.id
    return f"{model._meta.verbose_name} „{name}“"


def _describe(model, base, first, newest):
    """What changed between the record the editor saw (`base`; None if the object did
    not exist or has no history from before, as after loading the seed) and the newest
    one (`first` is the oldest newer one), as a list of labels; empty if nothing did."""
    existed = base.history_type != "-" if base else first.history_type != "+"
    exists = newest.history_type != "-"
    if not existed and not exists:
        return []
    if model is Measure:
        if base is None:
            return ["Angaben zur Maßnahme"]
        delta = newest.diff_against(base)
        order = [field.name for field in Measure._meta.get_fields()]
        names = sorted(delta.changed_fields, key=order.index)
        return [str(Measure._meta.get_field(name).verbose_name) for name in names]
    label = _label(model, newest)
    if existed and exists and base is not None and not newest.diff_against(base).changed_fields:
        return []
    if model is TaggedMeasure or (existed and exists):
        return [label]
    return [f"{label} (neu)" if exists else f"{label} (gelöscht)"]


class Conflict:
    """Changes saved by others since the version the editor loaded."""

    def __init__(self, users=(), saved_at=None, changes=()):
        self.users, self.saved_at, self.changes = list(users), saved_at, list(changes)

    @property
    def message(self) -> str:
        again = (
            "Ihre Eingaben sind unten erhalten. Bitte prüfen Sie sie und speichern Sie dann erneut."
        )
        if not self.changes:
            return (
                "Der Bearbeitungsstand dieser Seite fehlt oder ist ungültig, daher ließ sich "
                "nicht prüfen, ob andere die Maßnahme inzwischen geändert haben. " + again
            )
        names = [_user_name(user) for user in self.users]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " und " + names[-1]
        verb = "hat" if len(names) == 1 else "haben"
        when = timezone.localtime(self.saved_at)
        return (
            f"{who} {verb} diese Maßnahme am {when:%d.%m.%Y} um {when:%H:%M} gespeichert, "
            f"während Sie sie bearbeitet haben (geändert: {', '.join(self.changes)}). " + again
        )


def find_conflict(measure_id, version) -> Conflict | None:
    """The changes saved since `version`, or None if there are none.

    Saves that changed nothing (the same values stored again) are no conflict. A missing
    or unreadable token is one, without details.
    """
    seen = _parse(version)
    if seen is None:
        return Conflict()
    users, changes, saved_at = [], [], None
    for (model, link), last_seen in zip(TRACKED, seen, strict=True):
        records = _history(model, link, measure_id)
        newer = records.filter(history_id__gt=last_seen).select_related("history_user")
        by_object = {}
        for record in newer.order_by("history_id"):
            by_object.setdefault(record.id, []).append(record)
        for object_id, newer_records in by_object.items():
            base = (
                records.filter(id=object_id, history_id__lte=last_seen)
                .order_by("-history_id")
                .first()
            )
            described = _describe(model, base, newer_records[0], newer_records[-1])
            if not described:
                continue
            changes += [label for label in described if label not in changes]
            for record in newer_records:
                if record.history_user not in users:
                    users.append(record.history_user)
                if saved_at is None or record.history_date > saved_at:
                    saved_at = record.history_date
    if not changes:
        return None
    return Conflict(users, saved_at, changes)
