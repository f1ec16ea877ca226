"""The editors' pages: "Stand melden" (signed in, or through a mailed one-use link), the
reminder settings and revoking links. All answers are for one person and never cached."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from iserlohn_digital.roles import is_redaktion
from measures.models import Measure, StatusUpdate
from measures.updates import record_stand

from .forms import SettingsForm, StandForm
from .models import EditorSettings, UpdateLink, UpdateLinkUse
from .reminders import WEEKDAYS


def may_report(user, measure) -> bool:
    """Editors of the measure's lead unit and the Redaktion report its Stand."""
    if not (user.is_active and user.is_staff):
        return False
    if is_redaktion(user):
        return True
    return (
        user.has_perm("measures.add_statusupdate")
        and measure.lead_unit.members.filter(pk=user.pk).exists()
    )


def refusal(request, message: str, status: int):
    """A German page with the reason and a way on, instead of a bare error."""
    context = {**admin.site.each_context(request), "title": "Nicht möglich", "message": message}
    return render(request, "workspace/refused.html", context, status=status)


@never_cache
def report_stand(request, pk):
    """ "Stand melden" for a signed-in editor (wrapped by the admin site: sign-in and second
    factor)."""
    measure = get_object_or_404(Measure.objects.select_related("lead_unit"), pk=pk)
    if not may_report(request.user, measure):
        return refusal(
            request,
            "Diese Maßnahme gehört nicht zu Ihren Organisationseinheiten. Den Stand meldet "
            "die Federführung oder die Redaktion.",
            403,
        )
    return _stand_form(request, measure, author=request.user)


@never_cache
def report_stand_by_link(request, token):
    """ "Stand melden" through a mailed link: once, within seven days, for its measure and
    its editor. The editor signs in first unless the unit lets its links open directly."""
    link = UpdateLink.from_token(token)
    if link is None:
        return refusal(
            request,
            "Dieser Link ist ungültig. Bitte kopieren Sie ihn vollständig aus der E-Mail "
            "oder melden Sie den Stand über „Meine Aufgaben“.",
            404,
        )
    if link.state:
        return refusal(
            request,
            f"Dieser Link ist {link.state} und kann nicht mehr genutzt werden. Sie können "
            "den Stand jederzeit über „Meine Aufgaben“ melden.",
            410,
        )
    direct = link.measure.lead_unit.direct_update_links
    signed_in = admin.site.has_permission(request)
    if not direct and not signed_in:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    # Signed in as someone else, the link is refused even where it opens directly: the
    # record would name its editor, not the person who used it.
    if signed_in and request.user != link.editor:
        return refusal(
            request,
            "Dieser Link gehört zu einem anderen Konto. Bitte melden Sie sich mit Ihrem "
            "eigenen Konto an.",
            403,
        )
    if not may_report(link.editor, link.measure):
        return refusal(
            request,
            "Diese Maßnahme gehört nicht mehr zu Ihren Organisationseinheiten.",
            403,
        )
    by_editor = signed_in and request.user == link.editor
    return _stand_form(request, link.measure, author=link.editor, link=link, signed_in=by_editor)


def _stand_form(request, measure, *, author, link=None, signed_in=True):
    update = StatusUpdate(
        measure=measure,
        date=timezone.localdate(),
        status=measure.status,
        progress=measure.progress,
        author=author,
    )
    # The history names the editor also when a mailed link is used without signing in.
    update._history_user = author
    form = StandForm(request.POST or None, instance=update)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if link is not None and not _take(link):
                    return refusal(request, "Dieser Link wurde soeben schon genutzt.", 410)
                record_stand(form.instance)
                _log(author, measure, form.instance)
                if link is not None:
                    UpdateLinkUse.objects.create(
                        link=link,
                        user=author,
                        signed_in=signed_in,
                        status_update=form.instance,
                    )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done = f"Der neue Stand von {measure.code} ist gespeichert und öffentlich sichtbar."
            if signed_in:
                messages.success(request, done)
                return redirect("admin:index")
            context = {**admin.site.each_context(request), "title": "Danke", "message": done}
            context["measure"] = measure
            return render(request, "workspace/done.html", context)
    context = {
        **admin.site.each_context(request),
        "title": f"Stand melden: {measure.code}",
        "measure": measure,
        "form": form,
        "via_link": link is not None,
        "signed_in": signed_in,
    }
    return render(request, "workspace/report_stand.html", context)


def _log(author, measure, update):
    """The admin's log ("Neueste Aktionen") names the report, as after a save there."""
    message = f"Stand gemeldet: {update.get_status_display()}, {update.progress} %"
    LogEntry.objects.log_actions(author.pk, [measure], CHANGE, message, single_object=True)


def _take(link) -> bool:
    """Marks the link used, if nobody did in the meantime (inside the transaction)."""
    return bool(UpdateLink.objects.usable().filter(pk=link.pk).update(used_at=timezone.now()))


@never_cache
def reminder_settings(request):
    """The editor's own reminder settings and their links still open, to revoke."""
    current = EditorSettings.of(request.user)
    form = SettingsForm(
        request.POST or None,
        initial={
            "reminders_paused": current.reminders_paused,
            "all_units_digest": current.all_units_digest,
        },
    )
    if not is_redaktion(request.user):
        del form.fields["all_units_digest"]
    if request.method == "POST" and form.is_valid():
        current.reminders_paused = form.cleaned_data["reminders_paused"]
        current.all_units_digest = form.cleaned_data.get("all_units_digest", False)
        current.save()
        messages.success(request, "Ihre Einstellungen sind gespeichert.")
        return redirect("workspace:settings")
    links = UpdateLink.objects.usable().filter(editor=request.user).select_related("measure")
    context = {
        **admin.site.each_context(request),
        "title": "Erinnerungen per E-Mail",
        "form": form,
        "links": links,
        "weekday": WEEKDAYS[settings.REMINDER_WEEKDAY],
        "hour": settings.REMINDER_HOUR,
    }
    return render(request, "workspace/settings.html", context)


@require_POST
def revoke_link(request, pk):
    """Revokes a link: its editor or the Redaktion."""
    link = get_object_or_404(UpdateLink, pk=pk)
    if link.editor != request.user and not is_redaktion(request.user):
        return refusal(
            request, "Diesen Link können nur sein Empfänger und die Redaktion widerrufen.", 403
        )
    UpdateLink.objects.filter(pk=pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    messages.success(request, f"Der Link für {link.measure.code} ist widerrufen.")
    return redirect("workspace:settings")
