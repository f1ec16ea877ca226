"""The change history in the admin, with revert reserved to the Redaktion.

django-simple-history's form view of an earlier version ("Zurücksetzen") saves a POST
after checking only the *view* permission, and builds its form as if adding. Here a
revert is an ordinary change of the current object: only the Redaktion may open that
form at all, a revert needs the change permission on the object as it is now (or the add
permission, when the object was deleted), and the fields that are read-only in the
change form stay read-only. Everyone else reads the history list (who changed what and
when) and gets 403 for the version form, GET or POST.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.utils.html import conditional_escape
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .admin_widgets import RequiredAutocompleteSelect
from .roles import is_redaktion
from .text import ADMIN_TEXT_FIELDS


class ReadableChanges(HistoricalRecordContextHelper):
    """A change of the history as people read it: the field's German name, values in full
    (not shortened), choices by their label, yes/no, and "–" for nothing."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        value = super().prepare_delta_change_value(change, value)
        if getattr(field, "choices", None):
            return dict(field.flatchoices).get(value, value)
        if isinstance(field, models.BooleanField):
            return "ja" if value else "nein"
        return value

    def stringify_delta_change_values(self, change, old, new):
        def text(value):
            if value in (None, "", []):
                return "–"
            if isinstance(value, list):
                return ", ".join(map(str, value))
            return str(value)

        return conditional_escape(text(old)), conditional_escape(text(new))


def _valid_id(field, value):
    """The id in the address, or 404: a crafted address is not a server error."""
    try:
        return field.to_python(unquote(value))
    except (ValueError, ValidationError) as error:
        raise Http404("Unbekannter Eintrag.") from error


class HistoryAdmin(SimpleHistoryAdmin):
    formfield_overrides = ADMIN_TEXT_FIELDS

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = RequiredAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def history_view_title(self, request, obj):
        return f"Verlauf: {obj}"

    def history_form_view_title(self, request, obj):
        return f"Frühere Fassung: {obj}"

    def history_view(self, request, object_id, extra_context=None):
        _valid_id(self.model._meta.pk, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        history_id = self.model.history.model._meta.get_field("history_id")
        _valid_id(history_id, version_id)
        current = self.model._default_manager.filter(
            pk=_valid_id(self.model._meta.pk, object_id)
        ).first()
        if not self.may_revert(request, current):
            raise PermissionDenied
        request.history_revert = True
        context = {"revert_changes": self._revert_changes(request, current, version_id)}
        return super().history_form_view(
            request, object_id, version_id, context | (extra_context or {})
        )

    def _revert_changes(self, request, current, version_id):
        """What a revert to the version would change in the current object, field by
        field (current → version), for the restore page to show before it changes it."""
        if current is None:
            return []
        history = self.model.history
        version = history.filter(history_id=version_id).first()
        latest = history.filter(**{self.model._meta.pk.attname: current.pk}).first()
        if version is None or latest is None:
            return []
        # Only what the revert changes: the form keeps read-only fields (keep_read_only_fields)
        # and shows the current links (goals, dependencies) to keep or change by hand.
        kept = set(self.get_readonly_fields(request, current))
        kept |= {field.name for field in self.model._meta.many_to_many}
        delta = version.diff_against(latest, excluded_fields=kept, foreign_keys_are_objs=True)
        return ReadableChanges(self.model, version).context_for_delta_changes(delta)

    def may_revert(self, request, current) -> bool:
        if not is_redaktion(request.user):
            return False
        if current is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, current)

    def revert_disabled(self, request, obj=None):
        # The history list invites a revert only those who may do it.
        current = self.model._default_manager.filter(pk=obj.pk).first() if obj else None
        return super().revert_disabled(request, obj) or not self.may_revert(request, current)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The version form changes an existing object: the change form's rules apply.
        if getattr(request, "history_revert", False) and kwargs.get("fields", ()) is not None:
            change = True
        return super().get_form(request, obj, change, **kwargs)

    def log_change(self, request, obj, message):
        if not message:
            return None  # saved unchanged: nothing for the admin's log either
        return super().log_change(request, obj, message)

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed() and not getattr(request, "history_revert", False):
            return  # saved unchanged: no new version in the history
        self.keep_read_only_fields(request, obj)
        super().save_model(request, obj, form, change)

    def keep_read_only_fields(self, request, obj):
        """In a revert, the version's values come back; what the change form does not let
        anyone edit keeps its current value."""
        if not getattr(request, "history_revert", False):
            return
        current = self.model._default_manager.filter(pk=obj.pk).first()
        fields = {field.name: field for field in self.model._meta.concrete_fields}
        for name in self.get_readonly_fields(request, current) if current else ():
            if name in fields:
                attname = fields[name].attname
                setattr(obj, attname, getattr(current, attname))
