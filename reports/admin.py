"""Freezing and withdrawing reports in the admin.

The Redaktion freezes (adds) reports; a frozen report is read-only for everyone. Only a
superuser may withdraw one, with a reason (in its change form, or by deleting it, which
withdraws it too): the row stays as a tombstone.

Council documents are linked to a report in their own list ("Ratsdokumente zu Berichten"),
also after freezing: they are not part of the stored files, and the report's own form
stays read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from iserlohn_digital.text import ADMIN_TEXT_FIELDS
from measures.admin import CouncilDocumentForm, council_document_fields

from .freezing import ALREADY_FROZEN, freeze_report, withdraw_report
from .models import Report, ReportCouncilDocument

DELETED_IN_ADMIN = "Im Admin gelöscht."


class FreezeForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["as_of", "since", "title", "foreword"]
        help_texts = {
            "as_of": "Der Tag, dessen Stand der Bericht zeigt; nicht in der Zukunft. Je "
            "Stichtag gibt es nur einen Bericht.",
            "since": "Der Bericht listet die Statusmeldungen und Terminänderungen nach diesem "
            "Tag, meist seit dem Stichtag des letzten Berichts.",
            "foreword": "Erscheint im PDF vor dem Überblick und auf der Seite des Berichts.",
        }

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise ValidationError("Der Stichtag darf nicht in der Zukunft liegen.")
        existing = Report.objects.current().filter(as_of=as_of).first()
        if existing:
            raise ValidationError(ALREADY_FROZEN.format(number=existing.number))
        return as_of

    def clean(self):
        cleaned = super().clean()
        as_of, since = cleaned.get("as_of"), cleaned.get("since")
        if as_of and since and since >= as_of:
            self.add_error("since", "„Änderungen seit“ muss vor dem Stichtag liegen.")
        return cleaned

    def validate_constraints(self):
        pass  # checked above with the report's number in the message


class WithdrawForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["withdrawal_reason"]
        help_texts = {
            "withdrawal_reason": "Nur zum Zurückziehen ausfüllen: Die Dateien des Berichts "
            "werden gelöscht, seine Seite nennt Datum, Person und diesen Grund."
        }


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_FIELDS
    list_display = ["number", "as_of", "title", "frozen_at", "withdrawn_at"]
    list_filter = [("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["number", "title"]
    date_hierarchy = "as_of"
    readonly_fields = [
        "number",
        "as_of",
        "since",
        "title",
        "foreword",
        "pdf_size",
        "pdf_sha256",
        "csv_sha256",
        "json_sha256",
        "frozen_at",
        "frozen_by",
        "withdrawn_at",
        "withdrawn_by",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = WithdrawForm if obj else FreezeForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return FreezeForm.Meta.fields
        return [*self.readonly_fields, "withdrawal_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.is_withdrawn or not request.user.is_superuser:
            return [*self.readonly_fields, "withdrawal_reason"]
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return (
            request.user.is_active
            and request.user.is_superuser
            and not (obj is not None and obj.is_withdrawn)
        )

    def save_model(self, request, obj, form, change):
        if not change:
            frozen = freeze_report(
                as_of=obj.as_of,
                since=obj.since,
                title=obj.title,
                foreword=obj.foreword,
                user=request.user,
            )
            # The admin's messages and log name the frozen report.
            for field in Report._meta.concrete_fields:
                setattr(obj, field.attname, getattr(frozen, field.attname))
            obj._state.adding = False
            return
        reason = form.cleaned_data.get("withdrawal_reason", "")
        if reason.strip() and "withdrawal_reason" in form.changed_data:
            withdraw_report(report=Report.objects.get(pk=obj.pk), user=request.user, reason=reason)
            messages.warning(request, f"Bericht {obj.number} wurde zurückgezogen.")

    def delete_model(self, request, obj):
        withdraw_report(
            report=obj, user=request.user, reason=obj.withdrawal_reason or DELETED_IN_ADMIN
        )

    def delete_queryset(self, request, queryset):
        for report in queryset.current():
            self.delete_model(request, report)


@admin.register(ReportCouncilDocument)
class ReportCouncilDocumentAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_FIELDS
    form = CouncilDocumentForm
    list_display = ["reference", "title", "date", "report"]
    list_filter = ["report"]
    search_fields = ["reference", "title", "report__number"]
    list_select_related = ["report"]

    def get_fields(self, request, obj=None):
        return ["report", *council_document_fields()]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "report":
            # A withdrawn report is a tombstone: nothing more is linked to it.
            kwargs["queryset"] = Report.objects.current()
            kwargs["help_text"] = (
                "Der Link erscheint auf der Seite des Berichts, nicht im eingefrorenen PDF."
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
