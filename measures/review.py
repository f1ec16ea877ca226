"""Review before publish: text changes of a Fachbereich that wait for the Redaktion.

Where a unit asks for it (OrganisationalUnit.review_text_changes), a Fachbereich user's
change to the texts of a *published* measure of that unit does not go live when the
measure form is saved: it becomes a PendingChange, and the public page, the API and the
PDFs keep the current text until the Redaktion approves it. Drafts need no review (the
Redaktion publishes them anyway), and the Redaktion's own changes go live at once.

Reviewed are the texts the public reads as the unit wrote them (REVIEWED_FIELDS). Not
reviewed, because they go live at once by design or carry their own record:
- the Stand (status, progress): only by a status update (record_stand), always at once,
  also when the same save holds back text changes;
- the planned start and end: every move is recorded with its reason and shown publicly
  (measures/schedule.py); holding them back would split that record;
- priority, budget, goals, dependencies and Schlagwörter: choices from fixed lists or a
  number, not free text, and no words of the unit's to proofread.
Also not reviewed (yet): the free text of the measure's related records the Fachbereich
adds or edits in their own rows: milestone titles and notes, Kennzahl names, Ratsdokument
titles, the note of a status update, the names and addresses of its online services.
They go live at once; the measure's history and the services' histories list them with
their author.
The Redaktion sees the open changes under "Freigaben" (measures/review_admin.py) and
approves or rejects each; `open_changes(user)` lists those a user may decide.
"""

import difflib
import re

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from iserlohn_digital import mail
from iserlohn_digital.roles import is_redaktion

from .locking import lock_measure
from .models import Measure, PendingChange

REVIEWED_FIELDS = [
    "title",
    "summary",
    "description",
    "easy_language_summary",
    "partners",
    "funding",
    # The "Online nutzen" address: where citizens are sent to enter their data.
    "offer_url",
]

WAITING = (
    "Ihre Textänderungen warten auf die Freigabe durch die Redaktion. Bis dahin zeigt das "
    "Portal den bisherigen Text; ein neuer Stand gilt dagegen sofort."
)
WITHDRAWN = (
    "Ihr offener Textvorschlag wurde zurückgezogen: Die Texte entsprechen wieder den "
    "veröffentlichten."
)


def open_changes(user):
    """The open pending changes `user` may decide (all of them for the Redaktion, none
    for anyone else), oldest first: what "Meine Aufgaben" lists."""
    if not is_redaktion(user):
        return PendingChange.objects.none()
    return (
        PendingChange.objects.filter(state=PendingChange.State.OPEN)
        .select_related("measure__lead_unit", "author")
        .order_by("created_at")
    )


def needs_review(user, measure) -> bool:
    """Whether `user`'s text changes to `measure` wait for the Redaktion (as stored now:
    publication and lead unit are not the Fachbereich's to change)."""
    if measure.pk is None or is_redaktion(user):
        return False
    return Measure.objects.filter(
        pk=measure.pk, is_published=True, lead_unit__review_text_changes=True
    ).exists()


def own_open_change(user, measure) -> PendingChange | None:
    """The user's open change of the measure, if any (there is at most one)."""
    if measure is None or measure.pk is None:
        return None
    return PendingChange.objects.filter(
        measure=measure, author=user, state=PendingChange.State.OPEN
    ).first()


def proposed_initial(user, measure) -> dict:
    """For the measure form: the texts of the user's open change, so that it shows what
    they proposed (nothing typed is lost) and a further save refines it."""
    change = own_open_change(user, measure)
    return dict(change.proposed) if change else {}


def hold_back(request, measure, form) -> PendingChange | None:
    """Called by the measure form's save before the measure is saved: if the texts of
    this save need review, put the stored texts back on `measure` and record the changed
    ones as the user's open change (a second save updates it). The form's changed data
    then no longer names them, so the history and the admin's log record only what went
    live. Returns the open change, if any."""
    user = request.user
    if not needs_review(user, measure):
        # Review was turned off meanwhile: the form showed the proposal, which now goes
        # live with this save.
        PendingChange.objects.filter(
            measure=measure, author=user, state=PendingChange.State.OPEN
        ).delete()
        return None
    stored = Measure.objects.filter(pk=measure.pk).values(*REVIEWED_FIELDS).get()
    proposed = {
        name: getattr(measure, name)
        for name in REVIEWED_FIELDS
        if getattr(measure, name) != stored[name]
    }
    for name in REVIEWED_FIELDS:
        setattr(measure, name, stored[name])
    form.changed_data[:] = [name for name in form.changed_data if name not in REVIEWED_FIELDS]
    change = own_open_change(user, measure)
    if not proposed:
        if change is not None:
            change.delete()
            messages.info(request, WITHDRAWN)
        return None
    if change is None:
        change = PendingChange(measure=measure, author=user)
    # The base of a field stays what the author first started from.
    change.base = {name: change.base.get(name, stored[name]) for name in proposed}
    change.proposed = proposed
    change.save()
    if "_continue" not in request.POST:  # the form shown next says so itself
        messages.info(request, WAITING)
    return change


def pending_notice(request, measure) -> str | None:
    """What the measure form says about open changes of the measure: the user's own
    (shown in the form) and, for the Redaktion, where to decide them."""
    changes = list(
        PendingChange.objects.filter(measure=measure, state=PendingChange.State.OPEN)
        .select_related("author")
        .order_by("created_at")
    )
    own = [change for change in changes if change.author_id == request.user.pk]
    if own:
        labels = ", ".join(field_label(name) for name in REVIEWED_FIELDS if name in own[0].proposed)
        return (
            f"Ihre Textänderungen vom {_local(own[0].updated_at)} ({labels}) warten auf die "
            "Freigabe durch die Redaktion. Das Formular zeigt Ihren Vorschlag; öffentlich "
            "steht noch der bisherige Text. Speichern Sie erneut, um den Vorschlag zu "
            "überarbeiten."
        )
    if changes and is_redaktion(request.user):
        return format_html(
            "Zu dieser Maßnahme warten Textänderungen auf Ihre Freigabe: {}.",
            format_html_join(
                ", ",
                '<a href="{}">Vorschlag von {} vom {}</a>',
                (
                    (review_url(change), _author(change), _local(change.updated_at))
                    for change in changes
                ),
            ),
        )
    return None


def review_url(change) -> str:
    return reverse("admin:measures_pendingchange_change", args=[change.pk])


def conflicts(change) -> list[str]:
    """The fields whose stored text differs from the one the proposal started from:
    someone changed them in between, and approving would overwrite that."""
    current = Measure.objects.filter(pk=change.measure_id).values(*change.proposed).get()
    return [
        name
        for name, proposed in change.proposed.items()
        if current[name] not in (change.base.get(name), proposed)
    ]


class AlreadyDecided(Exception):
    """The Redaktion decided on the change already (e.g. in another tab)."""


class Revised(Exception):
    """The author changed the proposal after the Redaktion opened it."""


class Conflict(Exception):
    """Approving would overwrite text changed since the proposal (names the fields)."""

    def __init__(self, fields):
        super().__init__(", ".join(fields))
        self.fields = fields


@transaction.atomic
def approve(change, user, *, revision, overwrite=False) -> Measure:
    """Apply the proposed texts by an ordinary save of the measure: its history names
    the approver as the user and the author in the change reason; the content version
    is bumped by that save (public pages and PDFs renew). Raises Revised if the proposal
    is no longer the `revision` the Redaktion read, Conflict if the texts changed since
    the proposal, unless `overwrite` says the Redaktion saw that."""
    lock_measure(change.measure_id)
    change = PendingChange.objects.select_for_update().get(pk=change.pk)
    if not change.is_open:
        raise AlreadyDecided
    if change.revision != revision:
        raise Revised
    found = conflicts(change)
    if found and not overwrite:
        raise Conflict(found)
    measure = Measure.objects.get(pk=change.measure_id)
    for name, value in change.proposed.items():
        setattr(measure, name, value)
    measure._history_user = user
    # history_change_reason holds 100 characters.
    measure._change_reason = f"Textänderung von {_author(change)}, freigegeben von {user}"[:100]
    measure.save()
    _decide(change, user, PendingChange.State.APPROVED)
    return measure


@transaction.atomic
def reject(change, user, reason="") -> None:
    """Keep the record, change nothing on the measure, and tell the author."""
    change = PendingChange.objects.select_for_update().get(pk=change.pk)
    if not change.is_open:
        raise AlreadyDecided
    change.reason = reason
    _decide(change, user, PendingChange.State.REJECTED)


def _decide(change, user, state):
    change.state = state
    change.decided_by = user
    change.decided_at = timezone.now()
    change.save()
    transaction.on_commit(lambda: inform_author(change))


def inform_author(change) -> None:
    """A short plain-text mail to the author about the decision (if they have an address)."""
    author = change.author
    if author is None or not author.email:
        return
    measure = change.measure
    approved = change.state == PendingChange.State.APPROVED
    verdict = "freigegeben und ist jetzt öffentlich" if approved else "nicht freigegeben"
    lines = [
        f"Guten Tag {author.get_full_name() or author.get_username()},",
        "",
        f"die Redaktion hat Ihren Textvorschlag vom {_local(change.updated_at)} zur Maßnahme "
        f"„{measure}“ {verdict}.",
    ]
    if change.reason:
        lines += ["", f"Begründung: {change.reason}"]
    lines += [
        "",
        f"Die Maßnahme im Portal: {settings.SITE_URL}{measure.get_absolute_url()}",
        f"Bearbeiten: {settings.SITE_URL}"
        f"{reverse('admin:measures_measure_change', args=[measure.pk])}",
        "",
        "Mit freundlichen Grüßen",
        "Iserlohn digital",
    ]
    subject = f"Ihr Textvorschlag zu {measure.code}: {'freigegeben' if approved else 'abgelehnt'}"
    # In the background: a slow mail server never holds up the decision.
    mail.send_later({"subject": subject, "body": "\n".join(lines), "to": [author.email]})


# --- The diff the Redaktion reads ------------------------------------------------------

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str):
    """The change from `old` to `new` word by word, as HTML: removed words in <del>,
    added ones in <ins>, each with a label a screen reader reads and print shows (not
    colour alone)."""
    before, after = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    runs = []  # [same, removed, added]
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(before[i1:i2]), "".join(after[j1:j2])
        # Two changes apart only by spaces are one: a rewritten sentence reads as one
        # removal and one insertion, not word against word.
        if op == "equal":
            runs.append([removed, "", ""])
        elif len(runs) > 1 and runs[-1][0].isspace() and not runs[-2][0]:
            spaces = runs.pop()[0]
            runs[-1][1] += spaces + removed
            runs[-1][2] += spaces + added
        else:
            runs.append(["", removed, added])
    parts = []
    for same, removed, added in runs:
        if same:
            parts.append(format_html("{}", same))
        if removed:
            parts.append(format_html(_REMOVED, removed))
        if added:
            parts.append(format_html(_ADDED, added))
    return format_html_join("", "{}", ((part,) for part in parts))


_REMOVED = (
    '<del><span class="diff-label">[entfernt: </span>{}<span class="diff-label">]</span></del>'
)
_ADDED = (
    '<ins><span class="diff-label">[eingefügt: </span>{}<span class="diff-label">]</span></ins>'
)


def field_changes(change) -> list[dict]:
    """Per proposed field: its German name, the text it started from, the current text
    (differs from the base in a conflict), the proposal and the word diff."""
    current = Measure.objects.filter(pk=change.measure_id).values(*change.proposed).get()
    rows = []
    for name in REVIEWED_FIELDS:
        if name not in change.proposed:
            continue
        base, proposed = change.base.get(name, ""), change.proposed[name]
        rows.append(
            {
                "name": name,
                "label": field_label(name),
                "base": base,
                "current": current[name],
                "conflict": current[name] not in (base, proposed),
                "proposed": proposed,
                "diff": word_diff(base, proposed),
            }
        )
    return rows


def field_label(name) -> str:
    """The German name of a measure field."""
    return str(Measure._meta.get_field(name).verbose_name)


def _author(change) -> str:
    return str(change.author) if change.author else "unbekannt"


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y, %H:%M} Uhr"
