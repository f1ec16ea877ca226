"""What changed since a day: the page /aenderungen/ and its Atom feed.

Four kinds of change of published measures, newest first: status updates (one that
finishes a measure says so), measures published for the first time, and postponements.
Each kind is read with one bounded query, so a long period costs no more than a short one.
"""

import dataclasses
import datetime

from django import forms
from django.db.models import Min
from django.utils import timezone

from .models import Measure, Postponement, Status, StatusUpdate

# The page and the feed show at most this many changes, the newest.
LIMIT = 100
# The earliest day one may ask for, counted back from today.
MAX_DAYS = 2 * 365
DEFAULT_DAYS = 30


@dataclasses.dataclass
class Change:
    day: datetime.date
    kind: str  # "update", "finished", "new" or "postponed"
    label: str  # what the reader sees first, e.g. "Statusmeldung"
    measure: Measure
    text: str
    guid: str
    moment: datetime.datetime  # for the order within a day and the feed's dates


class ChangesForm(forms.Form):
    """The GET parameter `seit`: the day after which changes are listed."""

    seit = forms.DateField(
        label="Änderungen seit",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Bitte ein Datum im Format JJJJ-MM-TT angeben."},
    )

    def clean_seit(self):
        today = timezone.localdate()
        since = self.cleaned_data["seit"] or today - datetime.timedelta(days=DEFAULT_DAYS)
        if since > today:
            raise forms.ValidationError("Das Datum darf nicht in der Zukunft liegen.")
        if since < today - datetime.timedelta(days=MAX_DAYS):
            raise forms.ValidationError(
                "Bitte ein Datum aus den letzten zwei Jahren wählen; ältere Änderungen "
                "stehen in den Sachstandsberichten."
            )
        return since

    @property
    def since(self) -> datetime.date:
        return self.cleaned_data["seit"]


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _updates(since):
    updates = StatusUpdate.objects.published().current().newest().filter(date__gte=since)[:LIMIT]
    for update in updates:
        measure = update.measure
        finished = update.status == Status.DONE and measure.finished_on == update.date
        text = f"{update.get_status_display()}, {update.progress} %. {update.note}"
        if update.corrects_id:
            text += f" ({update.correction_label})"
        yield Change(
            day=update.date,
            kind="finished" if finished else "update",
            label="Abgeschlossen" if finished else "Statusmeldung",
            measure=measure,
            text=text,
            guid=f"{measure.get_full_url()}#meldung-{update.pk}",
            moment=update.recorded_at,
        )


def _new_measures(since):
    """Measures published for the first time in the period, by their history: the
    earliest version that was published."""
    first_published = (
        Measure.history.filter(is_published=True)
        .values("id")
        .annotate(first=Min("history_date"))
        .filter(first__gte=_start_of(since))
        .order_by("-first")
        .values_list("id", "first")[:LIMIT]
    )
    firsts = dict(first_published)
    for measure in Measure.objects.published().filter(pk__in=list(firsts)):
        moment = firsts[measure.pk]
        yield Change(
            day=timezone.localdate(moment),
            kind="new",
            label="Neue Maßnahme",
            measure=measure,
            text=measure.summary,
            guid=f"{measure.get_full_url()}#neu",
            moment=moment,
        )


def _postponements(since):
    postponements = (
        Postponement.objects.published().newest().filter(recorded_at__date__gte=since)[:LIMIT]
    )
    for postponement in postponements:
        measure = postponement.measure
        target = postponement.kind == Postponement.Kind.TARGET
        yield Change(
            day=postponement.recorded_on,
            kind="postponed",
            label="Zielwert geändert" if target else "Termin geändert",
            measure=measure,
            text=(
                f"{postponement.subject}: {postponement.old_label} → "
                f"{postponement.new_label}. Grund: {postponement.reason}"
            ),
            guid=f"{measure.get_full_url()}#verschiebung-{postponement.pk}",
            moment=postponement.recorded_at,
        )


def changes_since(since: datetime.date) -> tuple[list[Change], bool]:
    """The newest changes of published measures from the day `since` on, and whether
    there were more than LIMIT."""
    changes = [*_updates(since), *_new_measures(since), *_postponements(since)]
    changes.sort(key=lambda change: (change.day, change.moment), reverse=True)
    return changes[:LIMIT], len(changes) > LIMIT
