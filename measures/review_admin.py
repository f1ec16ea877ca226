""" "Freigaben" in the admin: the Redaktion reads each pending text change as a diff and
approves or rejects it (measures/review.py); a Fachbereich reads those of its units."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from iserlohn_digital.roles import is_redaktion
from iserlohn_digital.text import NormalizedCharField

from . import review
from .admin import OwnUnitMixin, ReadOnlyAdmin
from .models import PendingChange

ALREADY_DECIDED = "Über diesen Vorschlag wurde bereits entschieden."
REVISED = (
    "Der Vorschlag wurde inzwischen überarbeitet. Bitte lesen Sie die neue Fassung unten "
    "und entscheiden Sie dann."
)
CONFLICT = (
    "Seit dem Vorschlag wurde der Text der Maßnahme geändert ({fields}). Freigeben würde "
    "diese neueren Änderungen überschreiben. Bitte vergleichen Sie unten „Bisher“, "
    "„Jetzt veröffentlicht“ und „Vorschlag“ und entscheiden Sie dann."
)


class DecisionForm(forms.Form):
    reason = NormalizedCharField(
        label="Begründung (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Wird der Person, die den Vorschlag gemacht hat, per E-Mail mitgeteilt.",
    )
    overwrite = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # The version of the proposal on the page (PendingChange.revision).
    revision = forms.CharField(max_length=64, widget=forms.HiddenInput)


class StateFilter(admin.SimpleListFilter):
    """The list starts with what waits for a decision; decided changes stay a click away."""

    title = "Zustand"
    parameter_name = "zustand"
    ALL = "alle"

    def lookups(self, request, model_admin):
        return [*PendingChange.State.choices, (self.ALL, "alle")]

    def queryset(self, request, queryset):
        value = self.value() or PendingChange.State.OPEN
        return queryset if value == self.ALL else queryset.filter(state=value)

    def choices(self, changelist):
        current = self.value() or PendingChange.State.OPEN
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


@admin.register(PendingChange)
class PendingChangeAdmin(OwnUnitMixin, ReadOnlyAdmin):
    """The list and the review page of pending text changes. The page shows the change
    field by field; deciding is the Redaktion's (POST, checked on the change itself)."""

    # Short headings: the list fits beside the filter at 1280 px.
    list_display = ["measure", "unit", "proposed_by", "state_and_date"]
    list_filter = [StateFilter]
    search_fields = ["measure__code", "measure__title", "author__username"]
    list_select_related = ["measure__lead_unit", "author"]

    @admin.display(description="Federführung", ordering="measure__lead_unit__name")
    def unit(self, change):
        return change.measure.lead_unit

    @admin.display(description="von", ordering="author__username")
    def proposed_by(self, change):
        return change.author or "unbekannt"

    @admin.display(description="Zustand", ordering="created_at")
    def state_and_date(self, change):
        if change.is_open:
            return f"offen seit {timezone.localtime(change.created_at):%d.%m.%Y}"
        return f"{change.get_state_display()} am {timezone.localtime(change.decided_at):%d.%m.%Y}"

    def changelist_view(self, request, extra_context=None):
        title = "Textänderungen der Fachbereiche zur Freigabe"
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def may_decide(self, request, change) -> bool:
        return is_redaktion(request.user) and change.is_open

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change = self.get_object(request, unquote(object_id))
        if change is None:
            raise Http404("Unbekannter Vorschlag.")
        if not self.has_view_permission(request, change):
            raise PermissionDenied
        form, status, conflict = DecisionForm(), 200, review.conflicts(change)
        if request.method == "POST":
            if not self.may_decide(request, change):
                if change.is_open:
                    raise PermissionDenied
                self.message_user(request, ALREADY_DECIDED, messages.WARNING)
                return HttpResponseRedirect(request.path)
            form = DecisionForm(request.POST)
            if form.is_valid():
                response = self._decide(request, change, form)
                if response is not None:
                    return response
                status, conflict = 409, review.conflicts(change)
            else:
                status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Textänderung prüfen: {change.measure}",
            "change": change,
            "fields": review.field_changes(change),
            "conflict": conflict,
            "may_decide": self.may_decide(request, change),
            "form": form,
            "measure_url": reverse("admin:measures_measure_change", args=[change.measure_id]),
            **(extra_context or {}),
        }
        return TemplateResponse(
            request, "admin/measures/pendingchange/review.html", context, status=status
        )

    def _decide(self, request, change, form):
        """Approve or reject; None if a conflict or a revised proposal (newly) stands in
        the way."""
        reason = form.cleaned_data["reason"]
        try:
            if "_reject" in request.POST:
                review.reject(change, request.user, reason)
                self.message_user(
                    request, f"Der Vorschlag zu {change.measure} wurde abgelehnt.", messages.SUCCESS
                )
            else:
                review.approve(
                    change,
                    request.user,
                    revision=form.cleaned_data["revision"],
                    overwrite=form.cleaned_data["overwrite"],
                )
                self.message_user(
                    request,
                    f"Der Vorschlag zu {change.measure} wurde freigegeben und ist jetzt "
                    "öffentlich.",
                    messages.SUCCESS,
                )
        except review.Conflict as conflict:
            fields = ", ".join(review.field_label(name) for name in conflict.fields)
            self.message_user(request, CONFLICT.format(fields=fields), messages.ERROR)
            return None
        except review.Revised:
            change.refresh_from_db()
            self.message_user(request, REVISED, messages.ERROR)
            return None
        except review.AlreadyDecided:
            self.message_user(request, ALREADY_DECIDED, messages.WARNING)
        return HttpResponseRedirect(reverse("admin:measures_pendingchange_changelist"))
